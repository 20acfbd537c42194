"""The committed catalogues are complete and the compiled .mo files match the .po files."""

import ast
import gettext
from pathlib import Path

import pytest
from django.test import Client
from django.utils import translation

LOCALE = Path(__file__).resolve().parents[2] / "locale"


def po_entries(path: Path) -> list[dict]:
    """A small reader for the parts of a .po file the checks need."""
    entries, current, key = [], {}, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = line.strip()
        if not line:
            if current:
                entries.append(current)
            current, key = {}, None
        elif line.startswith("#,"):
            current["flags"] = line[2:]
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            current[key] += ast.literal_eval(line)
        else:
            key, _space, value = line.partition(" ")
            current[key] = ast.literal_eval(value)
    return [e for e in entries if e.get("msgid")]


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_catalogue_is_complete_and_compiled(lang):
    po = LOCALE / lang / "LC_MESSAGES" / "django.po"
    entries = po_entries(po)
    assert len(entries) > 100
    with open(po.with_suffix(".mo"), "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in entries:
        assert "fuzzy" not in entry.get("flags", ""), entry["msgid"]
        # A message with a context ("Importeras" of a row's trial) is its own entry.
        context = entry.get("msgctxt")
        if "msgid_plural" in entry:
            assert entry["msgstr[0]"] and entry["msgstr[1]"], entry["msgid"]
            forms = (entry["msgid"], entry["msgid_plural"], 1)
            found = compiled.npgettext(context, *forms) if context else compiled.ngettext(*forms)
            assert found == entry["msgstr[0]"]
        else:
            assert entry["msgstr"], f"untranslated: {entry['msgid']!r}"
            found = (
                compiled.pgettext(context, entry["msgid"])
                if context
                else compiled.gettext(entry["msgid"])
            )
            assert found == entry["msgstr"], (
                f"{po.with_suffix('.mo')} is stale; run `make messages`"
            )


@pytest.mark.django_db
def test_english_pages_are_english():
    client = Client()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get("/rapportera/").content.decode()
    assert "Report an unsafe place" in body
    assert "Rapportera en otrygg plats" not in body
    with translation.override("sv"):
        assert Client().get("/rapportera/").content.decode().count("Rapportera en otrygg plats")

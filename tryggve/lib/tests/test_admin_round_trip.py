"""Every admin page of the demo's data opens, an empty or untouched add form is a message
(never a 500), and every change form sent back as the page showed it saves: a walk over
every registered model, so a new admin that cannot save its own rows is found. (A filled-in
add form is each app's own test: areas/tests/test_admin_area_form.py adds an area.)"""

from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.urls import NoReverseMatch, reverse


class _FormValues(HTMLParser):
    """What a browser would send for the admin's form as the page shows it."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self.in_form = False
        self.select = self.textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("id") or "").endswith("_form"):
            self.in_form = True
        name = a.get("name")
        if not self.in_form or not (name or tag == "option"):
            return
        if tag == "input":
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.data.setdefault(name, []).append(a.get("value") or "on")
            elif kind not in ("submit", "file", "button"):
                self.data.setdefault(name, []).append(a.get("value") or "")
        elif tag == "select":
            self.select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self.select and "selected" in a:
            self.data[self.select].append(a.get("value") or "")
        elif tag == "textarea":
            self.textarea = name
            self.data[name] = [""]

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "form":
            self.in_form = False

    def handle_data(self, data):
        if self.textarea:
            self.data[self.textarea][0] += data


def form_values(page) -> dict:
    parser = _FormValues()
    parser.feed(page.content.decode())
    return {name: values for name, values in parser.data.items() if values}


def _url(model, view: str, *args) -> str | None:
    try:
        return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)
    except NoReverseMatch:
        return None


@pytest.mark.django_db
def test_every_admin_form_opens_refuses_nonsense_in_words_and_saves_back(superuser):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    client, problems, saved = superuser, [], 0
    for model in admin.site._registry:
        if (status := client.get(_url(model, "changelist")).status_code) != 200:
            problems.append((model, "list", status))
        url = _url(model, "add")
        page = client.get(url)
        if page.status_code == 200:  # 403 where nobody may add (the read-only logs)
            for data in ({}, form_values(page)):
                if (status := client.post(url, data).status_code) not in (200, 302):
                    problems.append((url, "add", status))
        row = model._default_manager.order_by("pk").first()
        if row is None or not (url := _url(model, "change", row.pk)):
            continue
        page = client.get(url)
        answer = client.post(url, form_values(page))
        if answer.status_code != 302:
            form = answer.context and answer.context.get("adminform")
            problems.append((url, "saved back", answer.status_code, form and form.form.errors))
        saved += 1
    assert not problems
    assert saved >= 12  # the demo has rows for most registered models

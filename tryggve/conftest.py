"""Shared fixtures: the Arvidsjaur geography and the personas every test speaks of."""

import copy
from pathlib import Path

import pytest

from tryggve.areas.models import Municipality
from tryggve.areas.services import (
    areas_import,
    load_geojson_file,
    municipality_import,
    streets_import,
)
from tryggve.browser_fixtures import (  # noqa: F401  (fixtures shared by every app's tests)
    browser,
    live_server,
    make_staff,
    open_page,
    photo,
    published_report,
    shot,
    site,
    staff_page,
)
from tryggve.fixture_points import CENTRUM, OUTSIDE  # noqa: F401  (tests import them here)

DEMO_DIR = Path(__file__).resolve().parent / "areas" / "demo"


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SMS_BACKEND = "tryggve.lib.sms.LocmemSmsBackend"
    from tryggve.lib import sms

    sms.outbox.clear()
    # Tasks run at once unless a test asks for the real database queue (see test_mail_queue).
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": settings.TASK_QUEUES,
        }
    }
    # Real hashing costs a third of a second per user; tests need none of its strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests post plain dicts without the public forms' honeypot and timestamp; the guard's
    # own tests turn these checks on (guard_on). Its limits stay on, counted afresh per test.
    settings.PUBLIC_POST_BOT_CHECKS = False
    from django.core.cache import cache

    from tryggve.surveys.forms import survey_structure_forget

    cache.clear()
    # Primary keys come back after a test's rollback: a survey kept by an earlier test
    # must not answer for a new one.
    survey_structure_forget()


@pytest.fixture(autouse=True)
def _swedish_by_default(settings):
    """Each test starts in the service's own language. A request in English leaves its
    language active in the thread, which would otherwise leak into the next test."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture
def guard_on(settings):
    """The public-form guard's bot checks as in production."""
    settings.PUBLIC_POST_BOT_CHECKS = True
    return settings


# The demo's boundaries and areas, read once per test process.
_GEOJSON: dict[str, dict] = {}
# A demo municipality's row and its areas' rows as the services wrote them, by code: the
# first test of a process imports through the services, the others write the same rows
# directly (a fraction of the import's time, which every test using a municipality pays).
_ROWS: dict[str, tuple[dict, list[dict]]] = {}


def _demo_geojson(name: str) -> dict:
    if name not in _GEOJSON:
        _GEOJSON[name] = load_geojson_file(DEMO_DIR / name)
    return copy.deepcopy(_GEOJSON[name])


def _row(instance) -> dict:
    return {
        f.attname: copy.deepcopy(getattr(instance, f.attname))
        for f in instance._meta.concrete_fields
        if f.name not in ("id", "municipality")
    }


def _demo_municipality(*, code: str, name: str, domain: str, stem: str) -> Municipality:
    """A demo municipality (`areas/demo/<stem>_kommun.geojson`) in LPO Piteå Älvdal with
    its residential areas (`<stem>_omraden.geojson`)."""
    from tryggve.areas.models import ResidentialArea

    if code in _ROWS:
        row, area_rows = _ROWS[code]
        municipality = Municipality.objects.create(**copy.deepcopy(row))
        ResidentialArea.all_kinds.bulk_create(
            [ResidentialArea(municipality=municipality, **copy.deepcopy(a)) for a in area_rows]
        )
        return municipality
    municipality = municipality_import(
        data=_demo_geojson(f"{stem}_kommun.geojson"),
        code=code,
        name=name,
        police_area="LPO Piteå Älvdal",
        domain=domain,
    )
    result = areas_import(data=_demo_geojson(f"{stem}_omraden.geojson"), municipality=municipality)
    assert not result.errors
    areas = ResidentialArea.all_kinds.filter(municipality=municipality).order_by("pk")
    _ROWS[code] = (_row(municipality), [_row(area) for area in areas])
    return municipality


@pytest.fixture
def municipality(db) -> Municipality:
    """Arvidsjaur (2505), the municipality served, with its residential areas; beside it
    always a second one, Arjeplog (2506, see `_second_municipality`), present but not
    served, so that a query left unscoped shows in any test."""
    municipality = _demo_municipality(
        code="2505", name="Arvidsjaurs kommun", domain="arvidsjaur.se", stem="arvidsjaur"
    )
    _second_municipality(municipality)
    return municipality


def _second_municipality(home: Municipality) -> Municipality:
    """Arjeplog (2506) in the same police area: the demo's approximate outline and areas,
    and its own categories, copies of Arvidsjaur's under the same short names (as the
    demo). Not served until the `arjeplog` fixture turns routing on."""
    from tryggve.reports.models import Category

    arjeplog = _demo_municipality(
        code="2506", name="Arjeplogs kommun", domain="arjeplog.se", stem="arjeplog"
    )
    copies = []
    for category in Category.objects.for_municipality(home).order_by("pk"):
        category.pk = None
        category.municipality = arjeplog
        copies.append(category)
    Category.objects.bulk_create(copies)
    return arjeplog


@pytest.fixture
def other_area(municipality):
    """A residential area of another municipality (Jokkmokk, 2510), lying over Centrum's
    shape so that only the municipality tells it apart: figures must never count it."""
    from tryggve.areas.models import ResidentialArea

    centrum = ResidentialArea.objects.get(municipality=municipality, name="Centrum")
    other = Municipality.objects.create(
        code="2510",
        name="Jokkmokks kommun",
        geometry=municipality.geometry,
        min_lon=municipality.min_lon,
        min_lat=municipality.min_lat,
        max_lon=municipality.max_lon,
        max_lat=municipality.max_lat,
    )
    return ResidentialArea.objects.create(
        municipality=other,
        name="Porjus",
        slug="porjus",
        households=400,
        geometry=centrum.geometry,
        min_lon=centrum.min_lon,
        min_lat=centrum.min_lat,
        max_lon=centrum.max_lon,
        max_lat=centrum.max_lat,
    )


# A point in the centre of Arjeplog (2506), the demo's second municipality.
ARJEPLOG = (66.0510, 17.8900)


@pytest.fixture
def arjeplog(municipality, settings):
    """Arjeplog served beside Arvidsjaur by the same deployment (routing on): at /arjeplog/
    on the shared host and at its own host, trygg.arjeplog.se (the row `municipality`
    always creates)."""
    settings.MUNICIPALITY_ROUTING = True
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "trygg.arjeplog.se"]
    arjeplog = Municipality.objects.get(code="2506")
    arjeplog.slug = "arjeplog"
    arjeplog.hosts = "trygg.arjeplog.se"
    arjeplog.save()
    return arjeplog


@pytest.fixture
def streets(municipality):
    """The demo's streets of Arvidsjaur (real names, approximate positions)."""
    result = streets_import(
        data=_demo_geojson("arvidsjaur_gator.geojson"), municipality=municipality
    )
    assert not result.errors
    return municipality.streets.all()


@pytest.fixture
def citizen(client):
    """A resident: anonymous, on the public pages."""
    return client


@pytest.fixture
def outsider():
    """Someone else on the public pages, with a browser session of their own."""
    from django.test import Client

    return Client()


class BrokenMailBackend:
    """A mail server that is down: every send raises (set EMAIL_BACKEND to this class)."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("the mail server is down")


@pytest.fixture
def broken_mail(settings):
    settings.EMAIL_BACKEND = "tryggve.conftest.BrokenMailBackend"


@pytest.fixture
def make_report(db):
    """File a report through the service (so it is numbered and placed) and adjust it."""
    from tryggve.areas.selectors import home_municipality
    from tryggve.reports.models import Category, Report
    from tryggve.reports.services import report_create

    def make(
        *,
        category: str = "belysning",
        at: tuple[float, float] | None = CENTRUM,
        published: bool = False,
        public_text: str = "",
        status: str | None = None,
        **kwargs,
    ) -> Report:
        kwargs.setdefault("time_of_day", "evening")
        kwargs.setdefault("severity", 3)
        kwargs.setdefault("description", "Gatlampan vid skolan är trasig.")
        if at is None:
            kwargs.setdefault("place_description", "Bakom skolan")
        else:
            kwargs["lat"], kwargs["lon"] = at
        # The category of the municipality served now (each keeps its own list).
        here = Category.objects.for_municipality(home_municipality())
        report, token = report_create(category=here.get(slug=category), **kwargs)
        report.tracking_token = token
        changes = {"published": published, "public_text": public_text}
        if status:
            changes["status"] = status
        Report.objects.filter(pk=report.pk).update(**changes)
        for name, value in changes.items():
            setattr(report, name, value)
        return report

    return make


# Staff personas -------------------------------------------------------------------------


def _staff_client(django_user_model, username: str, role: str | None):
    """A logged-in client whose session has passed the TOTP second factor."""
    from django.contrib.auth.models import Group
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = django_user_model.objects.create_user(
        username=username, password="a-long-test-password", first_name=username.title()
    )
    if role:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    client.user = user
    return client


@pytest.fixture
def case_handler(db, django_user_model):
    return _staff_client(django_user_model, "handlaggare", "case_handler")


@pytest.fixture
def police_officer(db, django_user_model):
    return _staff_client(django_user_model, "polis", "police_officer")


@pytest.fixture
def council_reader(db, django_user_model):
    return _staff_client(django_user_model, "radet", "council_reader")


@pytest.fixture
def administrator(db, django_user_model):
    return _staff_client(django_user_model, "admin", "administrator")


@pytest.fixture
def superuser(administrator):
    """The administrator with Django's admin flags too: every admin page and model."""
    administrator.user.is_staff = administrator.user.is_superuser = True
    administrator.user.save()
    return administrator


@pytest.fixture
def staff_without_role(db, django_user_model):
    """Logged in and verified, but holding no staff role: an outsider with an account."""
    return _staff_client(django_user_model, "utomstaende", None)


@pytest.fixture
def layer_over_centrum(municipality):
    """A DeSO of SCB's statistical layer lying exactly over Centrum, with many households
    (the layer must take part in nothing the residential areas are used for)."""
    from tryggve.areas.models import AreaKind, ResidentialArea

    centrum = ResidentialArea.objects.get(municipality=municipality, name="Centrum")
    return ResidentialArea.all_kinds.create(
        municipality=municipality,
        name="Arvidsjaur DeSO 2505C0010",
        slug="deso-2505c0010",
        scb_code="2505C0010",
        kind=AreaKind.STATISTICAL,
        households=5000,
        geometry=centrum.geometry,
        min_lon=centrum.min_lon,
        min_lat=centrum.min_lat,
        max_lon=centrum.max_lon,
        max_lat=centrum.max_lat,
    )

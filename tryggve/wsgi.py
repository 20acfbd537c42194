import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tryggve.settings")
application = get_wsgi_application()


def weak_secret(secret: str) -> bool:
    """Django's own measure (`check --deploy`, security.W009): fewer than 50 characters or
    fewer than 5 different ones, or its generated insecure prefix."""
    return len(secret) < 50 or len(set(secret)) < 5 or secret.startswith("django-insecure-")


# Refused only when serving: commands run with throwaway keys (the Makefile's migration
# check, one-off scripts), but a server signing sessions, form keys and residents' private
# links with a key copied from the docs' example ("SECRET_KEY=...") must not start.
if not (settings.DEBUG or settings.DEMO) and weak_secret(settings.SECRET_KEY):
    raise ImproperlyConfigured(
        "SECRET_KEY is too weak to serve with: use at least 50 random characters, e.g. "
        '`python3 -c "import secrets; print(secrets.token_urlsafe(50))"` (see .env.example).'
    )

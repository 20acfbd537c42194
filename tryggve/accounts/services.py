"""Creating staff accounts."""

from __future__ import annotations

from datetime import timedelta

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from tryggve.accounts.roles import Role


@transaction.atomic
def staff_user_ensure(
    *,
    username: str,
    password: str,
    role: Role,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
):
    """Create a staff account with one role, or leave an existing one as it is."""
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "first_name": first_name,
            "last_name": last_name,
            "email": email,
            "is_staff": role == Role.ADMINISTRATOR,
            "is_superuser": role == Role.ADMINISTRATOR,
        },
    )
    if created:
        user.set_password(password)
        user.save(update_fields=["password"])
    group, _created = Group.objects.get_or_create(name=role.value)
    user.groups.add(group)
    return user, created


def role_groups_ensure(*, group_model=Group, using: str = "default") -> int:
    """Make the group of every role that is missing; returns how many were made.

    Run after every `migrate` (`AccountsConfig.ready`): a fresh production database has an
    account from `createsuperuser` but no groups, and without the group "administrator" the
    admin offers no role to give it, so its staff pages stay closed ("Din roll ger inte
    tillgång hit")."""
    made = 0
    for role in Role:
        _group, created = group_model.objects.using(using).get_or_create(name=role.value)
        made += created
    return made


@transaction.atomic
def totp_device_for_setup(*, user):
    """The user's confirmed TOTP device, or the one unconfirmed device to enrol.

    Returns (device, setup) where setup is True while the user still has to scan the code.
    The unconfirmed device and its secret are kept until confirmed, so the key shown is the
    same on every login (and in every tab: the user's row is locked while one is made).
    """
    from django_otp.plugins.otp_totp.models import TOTPDevice

    devices = TOTPDevice.objects.filter(user=user).order_by("pk")
    device = devices.filter(confirmed=True).first()
    if device is not None:
        return device, False
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    device = devices.filter(confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Tryggve", confirmed=False)
    return device, True


def totp_verify(*, request, device, token: str) -> bool:
    """Check a code and mark the session as having passed the second factor."""
    from django_otp import login as otp_login

    if not device.verify_token(token):
        return False
    otp_login(request, device)
    return True


def totp_device_confirm(*, device) -> None:
    """Enrolment done: the device now guards every login."""
    device.confirmed = True
    device.save(update_fields=["confirmed"])


def login_records_prune(*, days: int, now=None, dry_run: bool = False) -> int:
    """Delete django-axes' records of logins older than `days`: successful logins and
    failures (username, network address, browser), and attempts whose lockout has long
    passed. They serve to find and stop password guessing, and are personal data."""
    cutoff = (now or timezone.now()) - timedelta(days=days)
    rows = [
        AccessLog.objects.filter(attempt_time__lt=cutoff),
        AccessFailureLog.objects.filter(attempt_time__lt=cutoff),
        AccessAttempt.objects.filter(attempt_time__lt=cutoff),
    ]
    count = sum(query.count() for query in rows)
    if not dry_run:
        for query in rows:
            query.delete()
    return count

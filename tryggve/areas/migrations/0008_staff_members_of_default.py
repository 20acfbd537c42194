"""Every staff user of an existing installation becomes a member of its municipality
(settings.MUNICIPALITY_CODE), so that adding a second municipality later takes nobody's
pages away. Staff: anyone with the is_staff flag, a superuser, or in any group (the staff
roles are groups, tryggve.accounts.roles)."""

from django.conf import settings
from django.db import migrations
from django.db.models import Q


def members_of_default(apps, schema_editor):
    Municipality = apps.get_model("areas", "Municipality")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    home = Municipality.objects.filter(code=settings.MUNICIPALITY_CODE).first()
    if home is None:
        return
    staff = User.objects.filter(
        Q(is_staff=True) | Q(is_superuser=True) | Q(groups__isnull=False)
    ).distinct()
    home.members.add(*staff)


class Migration(migrations.Migration):
    dependencies = [
        ("areas", "0007_municipality_serving_members"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(members_of_default, migrations.RunPython.noop)]

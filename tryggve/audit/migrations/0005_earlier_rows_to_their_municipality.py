"""An access-log row written before the log named its municipality (0004) by a staff member
of exactly one municipality is that municipality's; any other row keeps a blank code, which
means the default municipality's."""

from django.db import migrations


def fill(apps, schema_editor):
    AccessLog = apps.get_model("audit", "AccessLog")
    Municipality = apps.get_model("areas", "Municipality")
    codes: dict[int, list[str]] = {}
    Members = Municipality.members.through
    for user_id, code in Members.objects.values_list("user_id", "municipality__code"):
        codes.setdefault(user_id, []).append(code)
    for user_id, theirs in codes.items():
        if len(theirs) == 1:
            AccessLog.objects.filter(actor_id=user_id, municipality_code="").update(
                municipality_code=theirs[0]
            )


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0004_municipality_code"),
        ("areas", "0010_municipality_sms_sender"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]

"""A report keeps a keyed hash of its form's one-time key, no longer the key itself.

The key makes the tracking token, and posting the form again with it shows the receipt with
the link, so the stored keys opened every resident's private page to whoever could read the
database (a backup). Each stored key is replaced by its hash (`stored_submission_key`), so
a retry of a form sent just before the upgrade still finds its report.
"""

from django.db import migrations


def hash_keys(apps, schema_editor):
    from tryggve.reports.models import stored_submission_key

    Report = apps.get_model("reports", "Report")
    for pk, key in Report.objects.exclude(submission_key=None).values_list("pk", "submission_key"):
        Report.objects.filter(pk=pk).update(submission_key=stored_submission_key(key))


class Migration(migrations.Migration):
    dependencies = [("reports", "0014_open_nearby_index")]

    operations = [migrations.RunPython(hash_keys, migrations.RunPython.noop)]

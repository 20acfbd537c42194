# A half position (lat without lon) slipped through report_position_valid, since a CHECK
# passes when it evaluates to NULL.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("reports", "0002_default_categories"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="report",
            name="report_position_valid",
        ),
        migrations.AddConstraint(
            model_name="report",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("lat__isnull", True), ("lon__isnull", True)),
                    models.Q(
                        ("lat__isnull", False),
                        ("lon__isnull", False),
                        ("lat__gte", -90),
                        ("lat__lte", 90),
                        ("lon__gte", -180),
                        ("lon__lte", 180),
                    ),
                    _connector="OR",
                ),
                name="report_position_valid",
            ),
        ),
    ]

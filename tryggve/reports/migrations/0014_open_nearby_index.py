"""An index for the report form's check for open reports nearby (`ReportQuerySet.near`,
`reports.views._nearby_duplicates`).

The check asks for the published open reports of one category in a small box around the
new report's position. Without this index PostgreSQL combined the (lon, lat) index, a range
over every report in the box's longitude band, with the category index (every report of
the category, 70,000 at 1 M reports): about 15 ms a POST. This one is partial, over the
published open reports only (a quarter of the table), keyed by category and then position,
so the box is one short range of it (0.3 ms at 1 M).

The predicate must stay as the query writes it (`published` and the four open statuses,
`models.OPEN_STATUSES`). PostgreSQL only: SQLite matches a partial index's `IN` list only
against literals, never against the bound parameters Django sends, so it would never read
it (it keeps the (lon, lat) index). SQL because the model's Meta cannot say "this backend
only", as in migrations 0004 and 0013. On a large existing table create it by hand with
CREATE INDEX CONCURRENTLY before migrating (IF NOT EXISTS then skips it).
"""

from django.db import migrations

NEARBY = (
    "CREATE INDEX IF NOT EXISTS report_open_nearby_idx ON reports_report "
    "(category_id, lon, lat) "
    "WHERE published AND status IN ('received', 'under_review', 'forwarded', 'planned')"
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(NEARBY)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS report_open_nearby_idx")


class Migration(migrations.Migration):
    dependencies = [("reports", "0013_map_grid_indexes")]

    operations = [migrations.RunPython(create, drop)]

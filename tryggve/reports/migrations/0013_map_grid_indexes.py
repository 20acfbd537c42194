"""Grid indexes for the public map's GeoJSON on PostgreSQL (see tryggve/reports/geojson.py,
`_grid_rows`).

One partial index per grid level K over the published reports with a position: key
(floor(lon * K), floor(lat * 2K), created DESC), so each grid cell is a range of the index
in date order, carrying the position, category, status and municipality so the map query
filters in the index. The map walks the cells of a bbox newest first (a Merge Append of one
index scan per cell) and stops after 501 matches, however many reports the bbox holds.
The expressions must stay exactly as the query writes them (`floor(lon * 128)`).

report_map_status_idx lets the map see at once that no published report has a status (a
filter on "received") instead of reading every cell to the end.

PostgreSQL only (SQLite keeps the steps of migration 0004); SQL because the model's Meta
cannot say "this backend only". On a large existing table, create them by hand with
CREATE INDEX CONCURRENTLY before migrating (IF NOT EXISTS then skips them).
"""

from django.db import migrations

LEVELS = (2, 8, 32, 128)  # geojson.GRID_LEVELS
GRID = (
    "CREATE INDEX IF NOT EXISTS report_map_grid{k}_idx ON reports_report "
    "(floor(lon * {k}), floor(lat * {k2}), created DESC) "
    "INCLUDE (lon, lat, category_id, status, municipality_id, id) "
    "WHERE published AND lat IS NOT NULL"
)
STATUS = (
    "CREATE INDEX IF NOT EXISTS report_map_status_idx ON reports_report (status) "
    "WHERE published AND lat IS NOT NULL"
)
NAMES = [f"report_map_grid{k}_idx" for k in LEVELS] + ["report_map_status_idx"]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for k in LEVELS:
        schema_editor.execute(GRID.format(k=k, k2=2 * k))
    schema_editor.execute(STATUS)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in NAMES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("reports", "0012_categories_units_templates_of_default")]

    operations = [migrations.RunPython(create, drop)]

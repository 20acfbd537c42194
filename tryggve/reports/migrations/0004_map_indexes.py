"""Indexes for the public map's GeoJSON query (see tryggve/reports/geojson.py).

Both are partial: the map only ever reads published reports with a position, a minority of
the table. They are created with SQL because one of them only exists on PostgreSQL and the
model's Meta cannot say "this backend only"; makemigrations does not track them.

- report_map_created_idx (both): the newest published reports first, for the map's "recent
  window" step.
- report_map_point_gist (PostgreSQL): a GiST index on point(lon, lat), so that
  `point(lon, lat) <@ box(...)` finds the reports in a small bbox without a range scan over
  every report with a longitude in the bbox's band.
- report_map_lonlat_idx (SQLite): the same job with a plain B-tree on (lon, lat).
"""

from django.db import migrations

CREATED = (
    "CREATE INDEX IF NOT EXISTS report_map_created_idx ON reports_report (created DESC) "
    "WHERE published AND lat IS NOT NULL"
)
POINT_GIST = (
    "CREATE INDEX IF NOT EXISTS report_map_point_gist ON reports_report "
    "USING gist (point(lon, lat)) WHERE published AND lat IS NOT NULL"
)
LONLAT = (
    "CREATE INDEX IF NOT EXISTS report_map_lonlat_idx ON reports_report (lon, lat) "
    "WHERE published AND lat IS NOT NULL"
)
NAMES = ["report_map_created_idx", "report_map_point_gist", "report_map_lonlat_idx"]


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        return  # other backends fall back to the model's own indexes
    schema_editor.execute(CREATED)
    schema_editor.execute(POINT_GIST if vendor == "postgresql" else LONLAT)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor in ("postgresql", "sqlite"):
        for name in NAMES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("reports", "0003_report_position_both_or_neither")]

    operations = [migrations.RunPython(create, drop)]

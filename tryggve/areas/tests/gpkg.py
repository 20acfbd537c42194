"""Writing small GeoPackage files by hand (sqlite3 and shapely, as the reader reads them),
for the tests and `bench/statistical_areas_bench.py`. Not a test module."""

import sqlite3
import struct
from pathlib import Path

import shapely


def gpkg_blob(
    geom, *, srs_id: int = 3006, envelope: int = 1, little: bool = True, flags_extra: int = 0
) -> bytes:
    """A GeoPackage binary geometry written by hand: header, envelope, WKB."""
    order = "<" if little else ">"
    flags = (1 if little else 0) | (envelope << 1) | flags_extra
    minx, miny, maxx, maxy = geom.bounds
    sizes = {
        0: (),
        1: (minx, maxx, miny, maxy),
        2: (minx, maxx, miny, maxy, 0.0, 0.0),
        3: (minx, maxx, miny, maxy, 0.0, 0.0),
        4: (minx, maxx, miny, maxy, 0, 0, 0, 0),
    }
    env = b"".join(struct.pack(f"{order}d", v) for v in sizes[envelope])
    wkb = shapely.to_wkb(geom, byte_order=1 if little else 0, flavor="iso")
    return b"GP" + bytes([0, flags]) + struct.pack(f"{order}i", srs_id) + env + wkb


def write_gpkg(
    path,
    rows: list[dict],
    *,
    table: str = "DeSO_2025",
    srs: tuple[int, str, int] = (3006, "EPSG", 3006),
    blob_options: dict | None = None,
    extra_tables: tuple[str, ...] = (),
) -> str:
    """A minimal GeoPackage: the three gpkg tables and one feature table per name. Each row
    is its attributes and `geom` (a shapely geometry, or bytes written as they are)."""
    Path(path).unlink(missing_ok=True)
    conn = sqlite3.connect(path)
    srs_id, organization, code = srs
    conn.executescript(
        """
        CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT, srs_id INTEGER PRIMARY KEY,
            organization TEXT, organization_coordsys_id INTEGER, definition TEXT,
            description TEXT);
        CREATE TABLE gpkg_contents (table_name TEXT PRIMARY KEY, data_type TEXT,
            identifier TEXT, srs_id INTEGER);
        CREATE TABLE gpkg_geometry_columns (table_name TEXT, column_name TEXT,
            geometry_type_name TEXT, srs_id INTEGER, z INTEGER, m INTEGER);
        """
    )
    conn.execute(
        "INSERT INTO gpkg_spatial_ref_sys VALUES (?, ?, ?, ?, '', '')",
        ("SWEREF99 TM" if code == 3006 else f"{organization}:{code}", srs_id, organization, code),
    )
    columns = [k for k in (rows[0] if rows else {"deso": ""}) if k != "geom"]
    for name in (table, *extra_tables):
        conn.execute("INSERT INTO gpkg_contents VALUES (?, 'features', ?, ?)", (name, name, srs_id))
        conn.execute(
            "INSERT INTO gpkg_geometry_columns VALUES (?, 'geom', 'MULTIPOLYGON', ?, 0, 0)",
            (name, srs_id),
        )
        cols = ", ".join(f'"{c}" TEXT' for c in columns)
        conn.execute(f'CREATE TABLE "{name}" (fid INTEGER PRIMARY KEY, geom BLOB, {cols})')
    for row in rows:
        geom = row["geom"]
        blob = (
            geom
            if isinstance(geom, bytes)
            else gpkg_blob(geom, srs_id=srs_id, **(blob_options or {}))
        )
        values = [row.get(c) for c in columns]
        marks = ", ".join("?" for _ in columns)
        names = ", ".join(f'"{c}"' for c in columns)
        insert = f'INSERT INTO "{table}" (geom, {names}) VALUES (?, {marks})'  # noqa: S608
        conn.execute(insert, [blob, *values])
    conn.commit()
    conn.close()
    return str(path)

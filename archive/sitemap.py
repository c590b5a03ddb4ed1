"""`site_map`: the hubs a site was explored through and the report columns they led to.

A nightly run goes straight to the columns it knows and explores a site's hubs again only when its
start page was explored longer ago than EXPLORE_INTERVAL, so exploration costs little after the
first run.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import sqlite_utils

from archive.store import utcnow


@dataclass(frozen=True)
class MapEntry:
    site: str
    url: str
    kind: str  # hub | column
    agency: str | None = None
    parent: str | None = None
    cms: str | None = None


def record(db: sqlite_utils.Database, entry: MapEntry, crawl_id: int | None) -> None:
    now = utcnow()
    with db.atomic():
        db.execute(
            "INSERT INTO site_map (site, url, kind, agency, parent, cms, first_seen, last_seen, last_crawl)"
            " VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT (site, url) DO UPDATE SET"
            " kind = CASE WHEN site_map.kind = 'column' THEN 'column' ELSE excluded.kind END,"
            " agency = coalesce(excluded.agency, site_map.agency), parent = coalesce(excluded.parent, site_map.parent),"
            " cms = coalesce(excluded.cms, site_map.cms), last_seen = excluded.last_seen, last_crawl = excluded.last_crawl",
            [entry.site, entry.url, entry.kind, entry.agency, entry.parent, entry.cms, now, now, crawl_id])


def columns(db: sqlite_utils.Database, site: str) -> list[MapEntry]:
    if "site_map" not in db.table_names():
        return []
    return [MapEntry(site, *r) for r in db.execute(
        "SELECT url, kind, agency, parent, cms FROM site_map WHERE site = ? AND kind = 'column' ORDER BY first_seen, url",
        [site])]


def explored_within(db: sqlite_utils.Database, site: str, url: str, seconds: float) -> bool:
    """Whether hub `url` of `site` was explored less than `seconds` ago."""
    if "site_map" not in db.table_names():
        return False
    row = db.execute("SELECT last_seen FROM site_map WHERE site = ? AND url = ? AND kind = 'hub'", [site, url]).fetchone()
    if row is None:
        return False
    return datetime.now(timezone.utc) - datetime.fromisoformat(row[0]) < timedelta(seconds=seconds)

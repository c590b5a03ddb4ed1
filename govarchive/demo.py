"""`govarchive demo` / `make demo`: the whole job on the bundled demo portals.

The five agency sites of demo_portal.sites (their reports published as files too: DOCUMENTS) and the city portal of demo_portal.city (crawled from its
home page alone, exploring), on fixed ports of 127.0.0.1: a second run into the same archive is an
incremental crawl of the same URLs, not a copy.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

# Loopback sites answer instantly; a short delay keeps the demo polite and well under a minute.
DEMO_SETTINGS = {"DOWNLOAD_DELAY": 0.1, "AUTOTHROTTLE_START_DELAY": 0.1, "LOG_LEVEL": "WARNING", "PROGRESS": True}
SITES_PORT, CITY_PORT = 18101, 18121  # the five sites on 18101–18105, the city's three origins on 18121–18123


def run_demo(db_path: str) -> int:
    from archive.db import open_archive
    from archive.lock import lock_archive, unlock_archive
    from crawler.sites import load_sites
    from demo_portal.city import CityPortal
    from demo_portal.server import DemoPortal
    from demo_portal.sites import all_sites
    from govarchive.crawl import run_crawl

    # The sites with their reports also as files: PDF, DOC, DOCX, and one printed as images.
    with DemoPortal(all_sites(documents=True), base_port=SITES_PORT) as portal, CityPortal(base_port=CITY_PORT) as city, \
            tempfile.TemporaryDirectory() as tmp:
        sites_file = Path(tmp) / "demo-sites.toml"
        sites_file.write_text(portal.sites_toml() + "\n" + city.sites_toml(), encoding="utf-8")
        origins = [s.origin for s in portal.servers.values()] + [s.origin for s in city.servers.values()]
        print(f"demo portals: {len(portal.servers)} agency sites and a city portal on 127.0.0.1 "
              f"({origins[0]} … {origins[-1]}); crawling into {db_path}", flush=True)
        lock_archive(db_path)
        try:
            crawl_id = run_crawl(load_sites(sites_file), db_path, DEMO_SETTINGS).crawl_id
        finally:
            unlock_archive(db_path)
    db = open_archive(db_path, readonly=True)
    print(db.execute("SELECT summary FROM crawls WHERE id = ?", [crawl_id]).fetchone()[0])
    name = Path(db_path).stem
    print(f"\narchive: {db_path}\nbrowse it:  .venv/bin/govarchive serve --db {db_path}"
          f"   (then open http://127.0.0.1:8001/{name})")
    return 0

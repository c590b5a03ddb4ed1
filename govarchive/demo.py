"""`govarchive demo` / `make demo`: the whole job on the bundled demo portal."""
from __future__ import annotations

import tempfile
from pathlib import Path

# Loopback sites answer instantly; a short delay keeps the demo polite and well under a minute.
DEMO_SETTINGS = {"DOWNLOAD_DELAY": 0.1, "AUTOTHROTTLE_START_DELAY": 0.1, "LOG_LEVEL": "WARNING"}


def run_demo(db_path: str) -> int:
    from archive.db import open_archive
    from archive.lock import lock_archive, unlock_archive
    from crawler.sites import load_sites
    from demo_portal.server import DemoPortal
    from govarchive.crawl import run_crawl

    with DemoPortal() as portal, tempfile.TemporaryDirectory() as tmp:
        sites_file = portal.write_sites_file(Path(tmp) / "demo-sites.toml")
        print(f"demo portal: {len(portal.servers)} sites on 127.0.0.1 ({', '.join(s.origin for s in portal.servers.values())})")
        lock_archive(db_path)
        try:
            crawl_id = run_crawl(load_sites(sites_file), db_path, DEMO_SETTINGS).crawl_id
        finally:
            unlock_archive(db_path)
    db = open_archive(db_path, readonly=True)
    print(db.execute("SELECT summary FROM crawls WHERE id = ?", [crawl_id]).fetchone()[0])
    print(f"\narchive: {db_path}\nbrowse it:  .venv/bin/govarchive serve --db {db_path}   (then open http://127.0.0.1:8001/)")
    return 0

"""A site's download_delay is a floor, measured where it matters: on the server, from the arrival
times of its requests. AutoThrottle (on) may raise it; it never goes under, robots.txt included."""
from __future__ import annotations

import pytest

from conftest import FAST, crawl
from demo_portal.server import DemoPortal
from demo_portal.sites import ningxia

pytestmark = pytest.mark.slow


def test_site_delay_holds_under_autothrottle(tmp_path):
    with DemoPortal((ningxia(),)) as portal:
        site = portal.servers["ningxia"].site
        sites = tmp_path / "sites.toml"
        sites.write_text(f'[[site]]\nname = "{site.name}"\nstart_urls = ["{portal.url("ningxia", "/")}"]\n'
                         "download_delay = 1.5\nconcurrency = 2\n", encoding="utf-8")
        # FAST: a global delay of 0 and AutoThrottle starting at 0 — what used to pull the site's delay down
        result = crawl(sites, tmp_path / "a.db", *FAST)
        portal.wait_idle()
        times = sorted(r.time for r in portal.log)
    assert result.returncode == 0
    assert len(times) == 10  # robots.txt, 8 pages, 1 PDF
    gaps = [b - a for a, b in zip(times, times[1:])]
    # What the server sees, with no tolerance: the crawler keeps a margin over the delay for
    # requests held up on their way (crawler/throttle.py). Without the floor the gaps fell to 0.02 s.
    assert min(gaps) >= 1.5, [round(g, 3) for g in gaps]

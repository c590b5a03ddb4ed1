"""TRS WCM listings: index.html, index_1.html …, the page count only in createPageHTML(total, current, prefix, suffix)."""
from __future__ import annotations

import re
from urllib.parse import urljoin

_CREATE = re.compile(r"""createPageHTML\s*\(\s*(\d+)\s*,\s*(\d+)\s*,\s*["']([^"']*)["']\s*,\s*["']([^"']*)["']""")


def next_page(text: str, page_url: str) -> str | None:
    """The next listing page, or None on the last. Paging goes one page at a time, so a stub page
    that yields nothing new ends it (deep index_N pages are sometimes 300-byte stubs)."""
    m = _CREATE.search(text)
    if not m:
        return None
    total, current, prefix, suffix = int(m.group(1)), int(m.group(2)), m.group(3), m.group(4)
    if current + 1 >= total:
        return None
    return urljoin(page_url, f"{prefix}_{current + 1}.{suffix}")

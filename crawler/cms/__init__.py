"""CMS adapters: how a listing page yields its records and its further pages, without a browser.

`cms = "auto"` picks by what the page shows: a Hanweb <datastore>, a TRS createPageHTML() call,
else generic links. A listing that shows nothing but scripts that would fetch it is handed to the
browser (crawler.spiders.reports).
"""
from __future__ import annotations

import re

_HANWEB = re.compile(r"<datastore>|dataproxy\.jsp", re.I)
_TRS = re.compile(r"createPageHTML\s*\(")
_FILLS_ITSELF = re.compile(r"\bfetch\s*\(|XMLHttpRequest|\$\.(?:ajax|get|post|getJSON)\s*\(|\baxios\b")


def detect(html: str) -> str:
    if _HANWEB.search(html):
        return "hanweb"
    if _TRS.search(html):
        return "trs"
    return "generic"


def fills_itself(html: str) -> bool:
    """Scripts that load the list after the page: only a browser sees its records."""
    return bool(_FILLS_ITSELF.search(html))

"""The sites file (TOML): which portals to crawl. Validated completely before any request."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

CMS_KINDS = ("auto", "hanweb", "trs", "generic")
_FIELDS = {
    "name": str,
    "start_urls": list,
    "allowed_domains": list,
    "cms": str,
    "render": bool,
    "download_delay": (int, float),
    "concurrency": int,
    "explore": bool,
    "explore_budget": int,
}
_REQUIRED = ("name", "start_urls")


class SitesFileError(ValueError):
    """A sites file that cannot be used; the message names the file, the site and the field."""


@dataclass(frozen=True)
class Site:
    name: str
    start_urls: tuple[str, ...]
    allowed_domains: tuple[str, ...] = ()  # empty: the host:port of each start URL
    cms: str = "auto"
    render: bool = False
    download_delay: float | None = None
    concurrency: int | None = None
    explore: bool = False  # walk from the start URLs through 信息公开 hubs and directories to report columns
    explore_budget: int | None = None  # hub pages explored per run (default: EXPLORE_BUDGET)

    def allows(self, url: str) -> bool:
        """Inside this site: a listed domain (or a subdomain, any port), else a start URL's own origin."""
        return in_scope(url, self.scope)

    @property
    def scope(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(allowed domains, start URL origins): plain data, so a browser page can carry it in meta."""
        return self.allowed_domains, tuple(sorted({urlsplit(u).netloc.lower() for u in self.start_urls}))


def in_scope(url: str, scope) -> bool:
    domains, netlocs = scope
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return False
    if domains:
        host = (parts.hostname or "").lower()
        return any(host == d or host.endswith("." + d) for d in domains)
    return parts.netloc.lower() in netlocs


def load_sites(path: str | Path) -> list[Site]:
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SitesFileError(f"{path}: no such sites file") from None
    except UnicodeDecodeError as exc:
        raise SitesFileError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except tomllib.TOMLDecodeError as exc:
        raise SitesFileError(f"{path}: not valid TOML: {exc}") from None
    unknown = set(data) - {"site"}
    if unknown:
        raise SitesFileError(f"{path}: unknown top-level key {sorted(unknown)[0]!r} (sites are [[site]] tables)")
    entries = data.get("site")
    if not isinstance(entries, list) or not entries:
        raise SitesFileError(f"{path}: no [[site]] entries")
    sites, names = [], set()
    for n, entry in enumerate(entries, 1):
        site = _site(path, n, entry)
        if site.name in names:
            raise SitesFileError(f"{path}: site {n} ({site.name!r}): field 'name': duplicate site name")
        names.add(site.name)
        sites.append(site)
    return sites


def _site(path: Path, n: int, entry: dict) -> Site:
    label = f"site {n}" + (f" ({entry['name']!r})" if isinstance(entry.get("name"), str) else "")

    def fail(field: str, why: str):
        raise SitesFileError(f"{path}: {label}: field {field!r}: {why}")

    for key in entry:
        if key not in _FIELDS:
            fail(key, f"unknown field (known: {', '.join(_FIELDS)})")
    for key in _REQUIRED:
        if key not in entry:
            fail(key, "missing")
    for key, kind in _FIELDS.items():
        if key in entry and (not isinstance(entry[key], kind) or (kind is int and isinstance(entry[key], bool))):
            fail(key, f"expected {_kind_name(kind)}, got {type(entry[key]).__name__}")
    if not entry["name"].strip():
        fail("name", "empty")
    urls = entry["start_urls"]
    if not urls:
        fail("start_urls", "empty list")
    for url in urls:
        parts = urlsplit(url) if isinstance(url, str) else None
        if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
            fail("start_urls", f"not an http(s) URL: {url!r}")
    domains = entry.get("allowed_domains", [])
    if not all(isinstance(d, str) and d and "/" not in d for d in domains):
        fail("allowed_domains", "expected host names such as \"www.nbjb.gov.cn\"")
    cms = entry.get("cms", "auto")
    if cms not in CMS_KINDS:
        fail("cms", f"{cms!r} is not one of {', '.join(CMS_KINDS)}")
    delay = entry.get("download_delay")
    if delay is not None and delay < 0:
        fail("download_delay", "must be >= 0")
    conc = entry.get("concurrency")
    if conc is not None and not 1 <= conc <= 8:
        fail("concurrency", "must be between 1 and 8")
    budget = entry.get("explore_budget")
    if budget is not None and budget < 1:
        fail("explore_budget", "must be at least 1")
    return Site(
        name=entry["name"].strip(),
        start_urls=tuple(urls),
        allowed_domains=tuple(d.lower() for d in domains),
        cms=cms,
        render=entry.get("render", False),
        download_delay=float(delay) if delay is not None else None,
        concurrency=conc,
        explore=entry.get("explore", False),
        explore_budget=budget,
    )


def _kind_name(kind) -> str:
    if isinstance(kind, tuple):
        return "a number"
    return {str: "a string", list: "a list", bool: "true or false", int: "an integer"}[kind]

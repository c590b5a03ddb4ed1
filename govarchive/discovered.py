"""What `govarchive discover` found, as a table for people and a sites file for `govarchive crawl`."""
from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

_YEAR = re.compile(r"(20\d\d|19\d\d)\s*年")


def rows(discovered: dict) -> list[dict]:
    """One row per report column: agency, URL, CMS, reports seen, years (from the report links' titles)."""
    out = []
    for url, entry in discovered.items():
        titles = entry.get("reports", {}).values()
        years = sorted({int(m.group(1)) for t in titles for m in [_YEAR.search(t or "")] if m})
        out.append({"agency": entry.get("agency"), "url": url, "cms": entry.get("cms") or "?",
                    "reports": len(entry.get("reports", {})), "years": years})
    return sorted(out, key=lambda r: (r["agency"] or "\uffff", r["url"]))


def table(found: list[dict]) -> str:
    lines = [f"{len(found)} report columns"]
    for r in found:
        years = f"{r['years'][0]}–{r['years'][-1]}" if len(r["years"]) > 1 else "".join(map(str, r["years"])) or "-"
        lines.append(f"  {r['agency'] or '(agency not named)'}\t{r['cms']}\t{r['reports']} reports\t{years}\t{r['url']}")
    return "\n".join(lines)


def _toml_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a TOML basic string


def sites_toml(found: list[dict], start_url: str) -> str:
    """A sites file: one site per column, named after its agency (unique), its CMS as found."""
    lines = [f"# Report columns found by `govarchive discover {start_url}`: edit, then crawl with",
             "#   govarchive crawl --sites THIS_FILE --db reports.db", ""]
    names: set[str] = set()
    for r in found:
        base = r["agency"] or urlsplit(r["url"]).path.strip("/") or r["url"]
        name, n = base, 2
        while name in names:
            name, n = f"{base} ({n})", n + 1
        names.add(name)
        lines += ["[[site]]", f"name = {_toml_string(name)}", f"start_urls = [{_toml_string(r['url'])}]"]
        if r["cms"] in ("hanweb", "trs", "generic"):
            lines.append(f'cms = "{r["cms"]}"')
        if r["cms"] == "rendered":
            lines.append("render = true")
        lines.append(f"# {r['reports']} reports seen" + (f", {r['years'][0]}–{r['years'][-1]}" if r["years"] else ""))
        lines.append("")
    return "\n".join(lines)


def check_report(url: str, result) -> str:
    """What `govarchive check-site` prints: per listing seen, its CMS, pages, and candidates."""
    stats = result.stats
    lines = [f"{url}: {stats.get('response_received_count', 0)} requests, "
             f"{sum(v for k, v in stats.items() if k.startswith('govarchive/renders/'))} rendered in the browser, "
             f"{sum(v for k, v in stats.items() if k.startswith('govarchive/challenge_renders/'))} anti-bot challenges passed"]
    if not result.discovered:
        lines.append("  no listing of reports found: no link names a report (年度报告, 年报) here")
    for column, entry in result.discovered.items():
        candidates = entry.get("candidates", {})
        lines.append(f"listing {column}: CMS {entry.get('cms') or '?'}, {len(entry.get('listings', []))} pages read, "
                     f"{len(candidates)} candidate pages, {len(entry.get('reports', {}))} look like reports")
        for link, title in sorted(candidates.items(), key=lambda kv: kv[1]):
            mark = "report " if link in entry.get("reports", {}) else "other  "
            lines.append(f"  {mark}{title}  {link}")
    would = sum(len(e.get("candidates", {})) for e in result.discovered.values())
    lines.append(f"a crawl would fetch these {would} pages (and the files they link), and archive them all")
    return "\n".join(lines)

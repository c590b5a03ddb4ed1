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

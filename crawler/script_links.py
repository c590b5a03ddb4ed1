"""Links a page draws with its scripts, read without a browser where the data is in the page.

Department navigation on gov.cn platforms is often a template filled at run time:
  - avalon / Vue / Angular attributes: `ms-attr-href="/zwgk/zfxxgk/{{paths[5]}}/{{paths[6]}}/zfxxgknb/"`,
    `:href`, `v-bind:href`, `ng-href`, the values coming from a script in the same page (a literal
    `var paths = [...]`, an object) or from the page's own URL (`location.pathname.split("/")`);
  - a directory that exists only as a script object: `var gklist = {"/zwgk/zfxxgk/bmpt/czj/":
    {"orgname": "某某区财政局", …}, …}`, or a list of {url, name} objects;
  - `onclick="window.open('…')"`, `location.href = '…'`.
`script_links` returns (href, text) pairs as an <a> would give them; `unreadable_templates` counts
template links whose values could not be worked out (a hub that needs a browser).
"""
from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

from parsel import Selector

from crawler.js_literals import UNKNOWN, script_data

# {{expr}} templates (avalon, Angular) and JS expressions (Vue, Alpine).
_TEMPLATE_ATTRS = ("ms-attr-href", "ms-href", "ng-href", "data-ng-href")
_EXPRESSION_ATTRS = (":href", "v-bind:href", "x-bind:href")
_PLACEHOLDER = re.compile(r"\{\{\s*([^{}]+?)\s*\}\}")
_EXPR = re.compile(r"^([A-Za-z_$][\w$]*)((?:\[\s*(?:\d+|'[^']*'|\"[^\"]*\")\s*\]|\.[A-Za-z_$][\w$]*)*)$")
_STEP = re.compile(r"\[\s*(\d+|'[^']*'|\"[^\"]*\")\s*\]|\.([A-Za-z_$][\w$]*)")
_ONCLICK_URL = re.compile(r"""(?:window\.open|(?:window\.|document\.)?location(?:\.href)?\s*=)\s*\(?\s*['"]([^'"]+)['"]""")
_NAME_KEYS = ("orgname", "orgName", "name", "title", "text", "deptName", "deptname", "chnlname", "label", "unitName")
_URL_KEYS = ("url", "href", "link", "path", "linkurl", "chnlurl", "uri")


def script_links(selector: Selector, page_url: str) -> list[tuple[str, str]]:
    """(href, link text) of the links the page's scripts would draw, as far as the page says."""
    data = _script_data(selector, page_url)
    found: dict[str, str] = {}
    for el in selector.xpath("//*[@*[starts-with(name(), 'ms-') or starts-with(name(), ':') "
                             "or starts-with(name(), 'v-bind') or starts-with(name(), 'ng-')]]"):
        for href in _hrefs(el, data):
            if href:
                found.setdefault(href, _text(el))
    for el in selector.xpath("//*[@onclick]"):
        for href in _ONCLICK_URL.findall(el.attrib.get("onclick", "")):
            found.setdefault(href, _text(el))
    for href, name in _object_links(data):
        found.setdefault(href, name)
    return list(found.items())


def unreadable_templates(selector: Selector, page_url: str) -> int:
    """Template links whose placeholders this page's own data cannot fill."""
    data = _script_data(selector, page_url)
    return sum(href is None for el in selector.xpath("//*[@*]") for href in _hrefs(el, data))


def _hrefs(el, data: dict) -> list[str | None]:
    """The element's script-made hrefs, None for each that cannot be worked out."""
    out = [fill(el.attrib[a], data) for a in _TEMPLATE_ATTRS if el.attrib.get(a)]
    out += [expression(el.attrib[a], data) for a in _EXPRESSION_ATTRS if el.attrib.get(a)]
    return out


_STRING = re.compile(r"""^\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")\s*$""")
_TEMPLATE_LITERAL = re.compile(r"^\s*`([^`]*)`\s*$")


def expression(expr: str, data: dict) -> str | None:
    """A Vue-style href expression: string literals, `${}` template literals and data references
    joined by `+`; None when a part cannot be worked out."""
    m = _TEMPLATE_LITERAL.match(expr)
    if m:
        return fill(re.sub(r"\$\{([^}]*)\}", r"{{\1}}", m.group(1)), data)
    parts = []
    for part in _split_plus(expr):
        literal = _STRING.match(part)
        if literal:
            parts.append(literal.group(1) if literal.group(1) is not None else literal.group(2))
            continue
        value = evaluate(part, data)
        if value is None or value is UNKNOWN or isinstance(value, (dict, list)):
            return None
        parts.append(str(value))
    return "".join(parts) or None


def _split_plus(expr: str) -> list[str]:
    """`a + 'b+c' + d` → ["a ", " 'b+c' ", " d"]: `+` outside quotes."""
    parts, current, quote = [], [], None
    for ch in expr:
        if quote:
            current.append(ch)
            if ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
            current.append(ch)
        elif ch == "+":
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return parts


def fill(template: str, data: dict) -> str | None:
    """The template with each {{expr}} replaced from `data`; None when one cannot be."""
    missing = False

    def value(m: re.Match) -> str:
        nonlocal missing
        got = evaluate(m.group(1), data)
        if got is None or got is UNKNOWN or isinstance(got, (dict, list)):
            missing = True
            return ""
        return str(got)

    out = _PLACEHOLDER.sub(value, template)
    if missing or _PLACEHOLDER.search(out):
        return None
    return out if "{{" not in out else None


def evaluate(expr: str, data: dict):
    """name, name[3], name['k'], name.k … over plain data; None when it does not resolve."""
    m = _EXPR.match(expr.strip())
    if not m or m.group(1) not in data:
        return None
    value = data[m.group(1)]
    for index, attr in _STEP.findall(m.group(2)):
        key = attr or (int(index) if index.isdigit() else index[1:-1])
        try:
            value = value[key]
        except (KeyError, IndexError, TypeError):
            return None
    return None if value is UNKNOWN else value


def _script_data(selector: Selector, page_url: str) -> dict:
    return script_data(selector.xpath("//script[not(@src)]/text()").getall(), page_url)


def _object_links(data: dict) -> list[tuple[str, str]]:  # noqa: C901 - one walk over nested data
    """URL → name pairs in script data: {"/path/": {"orgname": …}} maps, and [{url, name}] lists."""
    out: list[tuple[str, str]] = []

    def name_of(obj) -> str | None:
        if isinstance(obj, str):
            return obj
        if isinstance(obj, dict):
            for key in _NAME_KEYS:
                if isinstance(obj.get(key), str) and obj[key].strip():
                    return obj[key].strip()
        return None

    def walk(obj, depth: int = 0) -> None:
        if depth > 6:
            return
        if isinstance(obj, dict):
            for key, value in obj.items():
                if isinstance(key, str) and _looks_like_url(key) and name_of(value):
                    out.append((key, name_of(value)))
                if isinstance(value, (dict, list)):
                    walk(value, depth + 1)
            url = next((obj[k] for k in _URL_KEYS if isinstance(obj.get(k), str) and _looks_like_url(obj[k])), None)
            if url and name_of(obj):
                out.append((url, name_of(obj)))
        elif isinstance(obj, list):
            for item in obj:
                walk(item, depth + 1)

    for value in data.values():
        walk(value)
    return out


def _looks_like_url(text: str) -> bool:
    return text.startswith(("/", "http://", "https://", "./", "../")) and " " not in text and len(text) < 500


def _text(el) -> str:
    return re.sub(r"\s+", "", " ".join(el.xpath(".//text()").getall())) or el.attrib.get("title", "")

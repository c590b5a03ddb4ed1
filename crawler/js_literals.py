"""Literal data in a page's scripts, read without running them.

Department navigation is filled from data the page carries: `var paths = ["zwgk", …]`,
`new Vue({data: {links: {…}}})`, `avalon.define({$id: "nav", paths: location.pathname.split("/")})`,
`$scope.site = "http://…"`. `script_data` collects such names into a dict: objects, arrays,
strings, numbers and booleans as written (single quotes, unquoted keys and trailing commas
allowed); a name bound to another known name takes its value; `location.pathname.split("/")` is
the page URL's path split. Anything else (a call, an expression) is UNKNOWN: a template that needs
it cannot be filled without a browser.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

UNKNOWN = object()

_ASSIGN = re.compile(r"(?:\b(?:var|let|const)\s+|(?:\$scope|this|window|vm)\.|[;{}\n(,]\s*)([A-Za-z_$][\w$]*)\s*=(?!=)\s*")
_CALL_OBJECT = re.compile(r"(?:new\s+Vue|Vue\.createApp|createApp|avalon\.define|angular\.extend\(\s*\$scope\s*,)\s*\(?\s*(?=\{)")
_PATH_SPLIT = re.compile(r"(?:window\.|document\.)?location\.pathname\.split\(\s*(['\"])/\1\s*\)")
_IDENT_PATH = re.compile(r"[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")
_SPACE = re.compile(r"(?:\s+|//[^\n]*|/\*.*?\*/)+", re.S)
_MAX_SCRIPT = 2_000_000  # characters of inline script read per page


class _Parser:
    def __init__(self, text: str, data: dict, path: str):
        self.text, self.data, self.path = text, data, path

    def skip(self, i: int) -> int:
        m = _SPACE.match(self.text, i)
        return m.end() if m else i

    def value(self, i: int):
        """(value, index after it) of the literal or expression at i."""
        i = self.skip(i)
        t = self.text
        if i >= len(t):
            return UNKNOWN, i
        ch = t[i]
        if ch == "{":
            return self.obj(i)
        if ch == "[":
            return self.arr(i)
        if ch in "'\"`":
            return self.string(i)
        m = _NUMBER.match(t, i)
        if m:
            return (float(m.group()) if any(c in m.group() for c in ".eE") else int(m.group())), m.end()
        split = _PATH_SPLIT.match(t, i)
        if split:
            return self.path.split("/"), split.end()
        if t.startswith("function", i) or t.startswith("()", i):
            return self.function(i)
        m = _IDENT_PATH.match(t, i)
        if m:
            word = m.group()
            end = self.skip(m.end())
            if end < len(t) and t[end] in "(+-*/?[":  # a call or an expression: only a browser knows
                return UNKNOWN, self.expression_end(i)
            literal = {"true": True, "false": False, "null": None, "undefined": None}
            if word in literal:
                return literal[word], m.end()
            return self.resolve(word), m.end()
        return UNKNOWN, self.expression_end(i)

    def resolve(self, dotted: str):
        value = self.data
        for part in dotted.split("."):
            if not isinstance(value, dict) or part not in value:
                return UNKNOWN
            value = value[part]
        return value

    def obj(self, i: int):
        out: dict = {}
        i += 1
        t = self.text
        while True:
            i = self.skip(i)
            if i >= len(t):
                return UNKNOWN, i
            if t[i] == "}":
                return out, i + 1
            if t[i] in "'\"":
                key, i = self.string(i)
            else:
                m = re.compile(r"[\w$]+").match(t, i)
                if not m:
                    return UNKNOWN, self.expression_end(i)
                key, i = m.group(), m.end()
            i = self.skip(i)
            if i < len(t) and t[i] == "(":  # a method: name() { … }
                value, i = self.function(i)
            elif i < len(t) and t[i] == ":":
                value, i = self.value(i + 1)
            else:  # shorthand {paths}
                value = self.resolve(key)
            out[key] = value
            i = self.skip(i)
            if i < len(t) and t[i] == ",":
                i += 1
            elif i < len(t) and t[i] != "}":
                i = self.expression_end(i)
                if i < len(t) and t[i] == ",":
                    i += 1

    def arr(self, i: int):
        out: list = []
        i += 1
        t = self.text
        while True:
            i = self.skip(i)
            if i >= len(t):
                return UNKNOWN, i
            if t[i] == "]":
                return out, i + 1
            value, i = self.value(i)
            out.append(value)
            i = self.skip(i)
            if i < len(t) and t[i] == ",":
                i += 1
            elif i < len(t) and t[i] != "]":
                i = self.expression_end(i)
                if i < len(t) and t[i] == ",":
                    i += 1

    def string(self, i: int):
        quote, t, out, i = self.text[i], self.text, [], i + 1
        while i < len(t) and t[i] != quote:
            if t[i] == "\\" and i + 1 < len(t):
                out.append({"n": "\n", "t": "\t"}.get(t[i + 1], t[i + 1]))
                i += 2
                continue
            if quote == "`" and t.startswith("${", i):
                return UNKNOWN, self.expression_end(i)
            out.append(t[i])
            i += 1
        return "".join(out), i + 1

    def function(self, i: int):
        """A function value: what its body returns when that is a literal (Vue's data() { return {…} })."""
        t = self.text
        brace = t.find("{", i)
        if brace < 0:
            return UNKNOWN, len(t)
        end = self.block_end(brace)
        m = re.compile(r"\breturn\s*(?=[{\[])").search(t, brace, end)
        return (self.value(m.end())[0] if m else UNKNOWN), end

    def _code(self, i: int):
        """(index, character) from i on, outside string literals (their quotes and escapes skipped)."""
        t, quote = self.text, None
        while i < len(t):
            ch = t[i]
            if quote:
                if ch == "\\":
                    i += 1
                elif ch == quote:
                    quote = None
            elif ch in "'\"`":
                quote = ch
            else:
                yield i, ch
            i += 1

    def block_end(self, i: int) -> int:
        """Just after the bracket that closes the one at i."""
        depth = 0
        for j, ch in self._code(i):
            if ch in "{[(":
                depth += 1
            elif ch in "}])":
                depth -= 1
                if depth == 0:
                    return j + 1
        return len(self.text)

    def expression_end(self, i: int) -> int:
        """Where the expression at i ends: the next , } ] or ; at its own depth."""
        depth = 0
        for j, ch in self._code(i):
            if ch in "{[(":
                depth += 1
            elif ch in "}])":
                if depth == 0:
                    return j
                depth -= 1
            elif ch in ",;\n" and depth == 0:
                return j
        return len(self.text)


def script_data(scripts: list[str], page_url: str) -> dict:
    """Names the page's inline scripts bind to literal data (see the module's docstring)."""
    data: dict = {}
    path = urlsplit(page_url).path
    total = 0
    for script in scripts:
        total += len(script)
        if total > _MAX_SCRIPT:
            break
        parser = _Parser(script, data, path)
        for m in _ASSIGN.finditer(script):
            value, _ = parser.value(m.end())
            if value is not UNKNOWN:
                data.setdefault(m.group(1), value)
        for m in _CALL_OBJECT.finditer(script):
            value, _ = parser.value(m.end())
            if isinstance(value, dict):  # a view model: its data, and (avalon) its own properties
                inner = value.get("data")
                for key, item in {**value, **(inner if isinstance(inner, dict) else {})}.items():
                    if item is not UNKNOWN and key != "data":
                        data.setdefault(key, item)
    return data

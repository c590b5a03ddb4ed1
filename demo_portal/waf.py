"""Anti-bot guards for the demo sites, shaped like the two that gov.cn portals use most
(reference/portals.md, "Anti-bot answers").

A guard is the `guard` hook of `demo_portal.server.SiteServer`: `guard(method, path, headers)` returns
None to let the request through, or `(status, [(header, value)], body)` to answer it instead.

- `RuishuGuard` (瑞数): without a valid cookie, HTTP 412 (or 202) with an inline `$_ts` script whose
  code derives the cookie from a per-challenge token, sets it and reloads.
- `JslGuard` (加速乐/创宇): HTTP 521 setting `__jsluid_h`, with a page that finds `__jsl_clearance_s`
  by brute force over a hash in JS, sets it and reloads.

Both derive the cookie with a small 32-bit hash written in JS (`_JS_HASH`, mirrored in Python by
`_hash`): passing needs a JS engine, nothing a regex could read off the page. A cookie expires after
`expire_after` requests that presented it; the next request gets a new challenge. Both record what
they issued and what passed, for the tests. State is shared by the server's threads, under a lock.
"""
from __future__ import annotations

import secrets
import string
import threading
from dataclasses import dataclass

_M32 = 0xFFFFFFFF

# The page-side hash: two 32-bit FNV/murmur-style lanes, 16 hex digits. `_hash` is the same in Python.
_JS_HASH = """function _h(s){var a=0x811c9dc5|0,b=0x9e3779b9|0,i,c;
for(i=0;i<s.length;i++){c=s.charCodeAt(i);a=Math.imul(a^c,0x01000193);b=Math.imul(b^c,0x5bd1e995);
a^=a>>>15;b^=b>>>13;}
a=Math.imul(a^(b>>>7),0x85ebca6b);b=Math.imul(b^(a>>>11),0xc2b2ae35);
return ('0000000'+(a>>>0).toString(16)).slice(-8)+('0000000'+(b>>>0).toString(16)).slice(-8);}"""


def _hash(s: str) -> str:
    a, b = 0x811C9DC5, 0x9E3779B9
    for ch in s:
        c = ord(ch)
        a = ((a ^ c) * 0x01000193) & _M32
        b = ((b ^ c) * 0x5BD1E995) & _M32
        a ^= a >> 15
        b ^= b >> 13
    a = ((a ^ (b >> 7)) * 0x85EBCA6B) & _M32
    b = ((b ^ (a >> 11)) * 0xC2B2AE35) & _M32
    return f"{a:08x}{b:08x}"


def _cookies(headers) -> dict[str, str]:
    """The request's cookies (all Cookie headers), name → value."""
    out: dict[str, str] = {}
    values = headers.get_all("Cookie") if hasattr(headers, "get_all") else [headers.get("Cookie")]
    for header in values or ():
        for part in (header or "").split(";"):
            name, sep, value = part.strip().partition("=")
            if sep and name:
                out[name] = value
    return out


@dataclass(frozen=True)
class Challenge:
    path: str
    method: str
    token: str  # what identifies the challenge (瑞数: the S cookie; 加速乐: __jsluid_h)
    user_agent: str


class _Guard:
    """Shared book-keeping: issued challenges, requests passed per cookie value, expiry."""

    status = 0

    def __init__(self, expire_after: int):
        if expire_after < 1:
            raise ValueError("expire_after must be at least 1")
        self.expire_after = expire_after
        self._lock = threading.Lock()
        self.issued: list[Challenge] = []  # every challenge answered, in order
        self.uses: dict[str, int] = {}  # cookie value → requests it let through
        self.passed: list[tuple[str, str]] = []  # (path, cookie value) of every request let through
        self.expired: list[str] = []  # cookie values that ran out

    @property
    def challenges(self) -> int:
        with self._lock:
            return len(self.issued)

    @property
    def lifetimes(self) -> int:
        """Cookie values that let at least one request through: one per challenge passed."""
        with self._lock:
            return len(self.uses)

    def _use(self, value: str, path: str) -> bool:
        """Count one request presenting `value` (caller holds the lock); False once it has expired."""
        n = self.uses.get(value, 0)
        if n >= self.expire_after:
            if value not in self.expired:
                self.expired.append(value)
            return False
        self.uses[value] = n + 1
        self.passed.append((path, value))
        return True

    def _record(self, method: str, path: str, token: str, headers) -> None:
        self.issued.append(Challenge(path, method, token, headers.get("User-Agent") or ""))


class RuishuGuard(_Guard):
    """瑞数-style: 412 (or 202) + an HttpOnly `<prefix>S` cookie + an inline `$_ts` script computing
    `<prefix>T` from the challenge's token. A request with a matching S/T pair passes, `expire_after`
    times; then the pair is dropped and the next request is challenged again."""

    def __init__(self, expire_after: int, status: int = 412, prefix: str = "FSSBBIl1UgzbN7N80"):
        super().__init__(expire_after)
        if status not in (202, 412):
            raise ValueError("瑞数 answers 412 or 202")
        self.status = status
        self.s_name, self.t_name = prefix + "S", prefix + "T"
        self.cookie_name = self.t_name  # the cookie whose value `uses` counts
        self._tokens: dict[str, tuple[str, int]] = {}  # S value → ($_ts.cd, $_ts.nsd)

    @staticmethod
    def answer(cd: str, nsd: int) -> str:
        """The T cookie the page's script computes for a challenge."""
        v = cd
        for r in range(nsd % 37 + 11):
            v = _hash(v + str(r) + cd[r % len(cd)])
        return "0" + v + _hash(v[::-1] + str(nsd))

    def __call__(self, method: str, path: str, headers):
        cookies = _cookies(headers)
        with self._lock:
            s, t = cookies.get(self.s_name), cookies.get(self.t_name)
            known = self._tokens.get(s) if s else None
            if known and t == self.answer(*known):
                if self._use(t, path):
                    return None
                del self._tokens[s]  # expired: a new challenge below
            s = secrets.token_hex(16)
            cd, nsd = secrets.token_urlsafe(24), secrets.randbelow(90000) + 10000
            self._tokens[s] = (cd, nsd)
            self._record(method, path, s, headers)
        return self.status, [
            ("Content-Type", "text/html; charset=utf-8"),
            ("Set-Cookie", f"{self.s_name}={s}; Path=/; HttpOnly"),
            ("Cache-Control", "no-cache, no-store"),
        ], self._page(cd, nsd).encode("utf-8")

    def _page(self, cd: str, nsd: int) -> str:
        return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><meta http-equiv="Pragma" content="no-cache">
<script type="text/javascript">var $_ts=window['$_ts'];if(!$_ts)$_ts={{}};$_ts.nsd={nsd};$_ts.cd="{cd}";</script>
<script type="text/javascript">
(function(){{{_JS_HASH}
var cd=$_ts.cd,nsd=$_ts.nsd,v=cd,r;
for(r=0;r<nsd%37+11;r++){{v=_h(v+r+cd.charAt(r%cd.length));}}
var t='0'+v+_h(v.split('').reverse().join('')+nsd);
document.cookie='{self.t_name}='+t+'; path=/';
location.reload();}})();
</script></head><body></body></html>"""


class JslGuard(_Guard):
    """加速乐-style 521: a request without cookies gets `__jsluid_h` and a page that brute-forces two
    characters of `__jsl_clearance_s` against a hash, sets it and reloads. __jsluid_h plus its own
    clearance passes, `expire_after` times; then both are dropped and a new challenge starts."""

    status = 521
    cookie_name = "__jsl_clearance_s"  # the cookie whose value `uses` counts
    _CHARS = string.ascii_letters + string.digits

    def __init__(self, expire_after: int):
        super().__init__(expire_after)
        self._clearances: dict[str, str] = {}  # __jsluid_h → the clearance its page computes

    def __call__(self, method: str, path: str, headers):
        cookies = _cookies(headers)
        set_cookie = []
        with self._lock:
            uid, clearance = cookies.get("__jsluid_h"), cookies.get("__jsl_clearance_s")
            expected = self._clearances.get(uid) if uid else None
            if expected is not None and clearance == expected:
                if self._use(clearance, path):
                    return None
                del self._clearances[uid]
                expected = None
            if expected is None:  # no (or a spent) __jsluid_h: a new visitor id and clearance
                uid = secrets.token_hex(16)
                set_cookie.append(("Set-Cookie", f"__jsluid_h={uid}; max-age=31536000; path=/; HttpOnly"))
                ts = secrets.randbelow(10**9) + 1_600_000_000
                expected = f"{ts}.{secrets.randbelow(1000):03d}|0|{secrets.token_urlsafe(12)}"
                expected = expected[:-2] + secrets.choice(self._CHARS) + secrets.choice(self._CHARS) + "%3D"
                self._clearances[uid] = expected
            self._record(method, path, uid, headers)
        bts = [expected[:-5], expected[-3:]]  # everything but the two secret characters
        return 521, [
            ("Content-Type", "text/html; charset=utf-8"),
            *set_cookie,
            ("Cache-Control", "no-cache, no-store"),
        ], self._page(bts, _hash(expected)).encode("utf-8")

    def _page(self, bts: list[str], ct: str) -> str:
        return f"""<html><head><meta charset="utf-8"></head><body>
<script>
{_JS_HASH}
function go(c){{var n=c.chars.length,i,j,v;
for(i=0;i<n;i++)for(j=0;j<n;j++){{v=c.bts[0]+c.chars[i]+c.chars[j]+c.bts[1];
if(_h(v)==c.ct){{document.cookie=c.tn+'='+v+';Max-Age='+c.vt+';path=/';location.href=location.pathname+location.search;return;}}}}}}
go({{"bts":["{bts[0]}","{bts[1]}"],"chars":"{self._CHARS}","ct":"{ct}","ha":"h32x2","tn":"__jsl_clearance_s","vt":"3600","wt":"1500"}});
</script></body></html>"""

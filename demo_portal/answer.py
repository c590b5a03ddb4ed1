"""What a demo server writes for one request: status, headers and a body that may be streamed.

Most answers are small byte strings. The hostile site (demo_portal/hostile.py) also needs bodies
that are generated while they are sent (100 MB pages, drip-feeds), answers without Content-Length,
and bytes that are not a well-formed HTTP head at all; the fault plan needs a body shorter than the
Content-Length it declares. One value type covers all of them, so one handler writes them all.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace


@dataclass(frozen=True)
class Answer:
    """`body` is bytes or an iterable of byte chunks (read lazily, never joined).

    Content-Length is `length` when given, else len(body) for bytes; a streamed body without
    `length` is sent without one and ended by closing the connection. `pace` seconds pass between
    chunks (a drip-feed; the server cuts it short when it stops). `raw`: `body` is the whole
    response, status line and headers included, written as is (`status` is only for the log).
    """

    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes | Iterable[bytes] = b""
    length: int | None = None
    pace: float = 0.0
    raw: bool = False

    @property
    def content_length(self) -> int | None:
        if self.length is not None:
            return self.length
        return len(self.body) if isinstance(self.body, bytes) else None

    def chunks(self) -> Iterator[bytes]:
        if isinstance(self.body, bytes):
            if self.body:
                yield self.body
        else:
            yield from self.body

    def cut(self) -> "Answer":
        """The same answer, declaring its full Content-Length but sending only the first half of it."""
        full = self.content_length
        if not full:
            raise ValueError("only a body of known, non-zero length can be cut short")
        return replace(self, body=_first(self.chunks(), full // 2), length=full)


def _first(chunks: Iterator[bytes], n: int) -> Iterator[bytes]:
    for chunk in chunks:
        if n <= 0:
            return
        yield chunk[:n]
        n -= len(chunk)

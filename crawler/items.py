"""What the spider yields: one fetched page, handed to the archive pipeline as it came."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class PageItem:
    site: str
    url: str
    final_url: str
    status: int
    headers: dict[str, list[str]]
    body: bytes
    fetched_at: str
    role: str = "detail"  # listing | detail
    links_found: int = field(default=0)

"""No network for the Public Suffix List.

Scrapy's CookiesMiddleware asks tldextract whether a cookie's domain is public, and tldextract
downloads the Public Suffix List on first use — a request to a third party from an archiving
crawler (and, offline, ~185 lines of tracebacks). The list bundled with tldextract is used instead.
"""
from __future__ import annotations


def _extractor():
    import tldextract

    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True)


def registered_domain(host: str) -> str:
    """www.qingyuan.gov.cn → qingyuan.gov.cn (a portal's departments sit on its subdomains); an IP
    address or a bare host name stays as it is."""
    parts = _extractor()(host)
    return parts.top_domain_under_public_suffix or host


def use_bundled_suffix_list() -> None:
    from scrapy.downloadermiddlewares import cookies

    cookies._split_domain = _extractor()

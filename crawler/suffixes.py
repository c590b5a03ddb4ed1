"""No network for the Public Suffix List.

Scrapy's CookiesMiddleware asks tldextract whether a cookie's domain is public, and tldextract
downloads the Public Suffix List on first use — a request to a third party from an archiving
crawler (and, offline, ~185 lines of tracebacks). The list bundled with tldextract is used instead.
"""
from __future__ import annotations


def use_bundled_suffix_list() -> None:
    import tldextract
    from scrapy.downloadermiddlewares import cookies

    cookies._split_domain = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True)

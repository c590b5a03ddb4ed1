"""The `govarchive` command: crawl, reextract, serve, demo."""
from __future__ import annotations

import argparse
import sys

from archive.db import ArchiveError
from archive.lock import ArchiveLocked
from crawler.sites import SitesFileError


def _settings_pairs(pairs: list[str]) -> dict:
    out = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep:
            raise SystemExit(f"govarchive: -s expects NAME=VALUE, got {pair!r}")
        out[name] = value
    return out


def cmd_crawl(args) -> int:
    from archive.db import open_archive
    from archive.summary import crawl_summary
    from govarchive.crawl import run_crawl

    overrides = _settings_pairs(args.set)
    if args.jobdir:
        overrides["JOBDIR"] = args.jobdir
    crawl_id = run_crawl(args.sites, args.db, overrides)
    db = open_archive(args.db)
    summary = crawl_summary(db, crawl_id)
    print(db.execute("SELECT summary FROM crawls WHERE id = ?", [crawl_id]).fetchone()[0])
    failed = [s["site"] for s in summary["sites"] if s["pages"] == 0]
    if failed:
        print(f"govarchive: could not crawl: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


def cmd_reextract(args) -> int:
    from archive.reextract import reextract

    result = reextract(args.db, jobs=args.jobs, since=args.since, progress=sys.stderr.isatty())
    print(result.format())
    return 0


def cmd_serve(args) -> int:
    from archive.serve import serve

    return serve(args.db, port=args.port)


def cmd_export_warc(args) -> int:
    from archive.warc import export_warc

    n = export_warc(args.db, args.out)
    print(f"wrote {n} WARC records to {args.out}")
    return 0


def cmd_demo(args) -> int:
    from govarchive.demo import run_demo

    return run_demo(args.db)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="govarchive", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("crawl", help="crawl the sites of a sites file into the archive")
    p.add_argument("--sites", required=True, help="sites file (TOML)")
    p.add_argument("--db", required=True, help="archive (SQLite file; created if absent)")
    p.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE", help="Scrapy setting")
    p.add_argument("--jobdir", help="Scrapy JOBDIR: keep the crawl's state there, so an interrupted crawl resumes")
    p.set_defaults(func=cmd_crawl)

    p = sub.add_parser("reextract", help="re-run extraction over every stored page")
    p.add_argument("--db", required=True)
    p.add_argument("--jobs", type=int, default=1, help="worker processes (default 1)")
    p.add_argument("--since", help="only pages fetched on or after this date (YYYY-MM-DD)")
    p.set_defaults(func=cmd_reextract)

    p = sub.add_parser("serve", help="browse the archive in datasette (read-only, 127.0.0.1)")
    p.add_argument("--db", required=True)
    p.add_argument("--port", type=int, default=8001)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("export-warc", help="write every stored version as WARC request/response records")
    p.add_argument("--db", required=True)
    p.add_argument("out", metavar="OUT.warc.gz")
    p.set_defaults(func=cmd_export_warc)

    p = sub.add_parser("demo", help="serve the bundled demo portal, crawl it, extract, summarise")
    p.add_argument("--db", default="demo.db")
    p.set_defaults(func=cmd_demo)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (SitesFileError, ArchiveError) as exc:
        print(f"govarchive: {exc}", file=sys.stderr)
        return 2
    except ArchiveLocked as exc:
        print(f"govarchive: {exc}", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())

"""The `govarchive` command: crawl, ingest, discover, check-site, reports, reextract, migrate, serve, export, export-warc,
demo.

Exit codes (every command):
  0  done (a crawl: complete, nothing failed for good)
  1  a crawl: some site has nothing at all in the archive; migrate: some body does not match its sha256 (left as is)
  2  bad input (sites file, archive, output path, option), refused before any work
  3  a crawl or migrate: another crawl holds the archive's lock
  4  a crawl: interrupted (SIGINT/SIGTERM); run the same command again to go on
  5  a crawl: finished, but some requests failed for good (listed in fetch_errors and the summary)
"""
from __future__ import annotations

import argparse
import os
import sys
from datetime import datetime
from urllib.parse import urlsplit

from archive.db import ArchiveError
from archive.lock import ArchiveLocked
from archive.output import OutputError, check_output
from crawler.sites import SitesFileError

EXIT_OK, EXIT_NOTHING, EXIT_USAGE, EXIT_LOCKED, EXIT_INTERRUPTED, EXIT_FAILURES = 0, 1, 2, 3, 4, 5


class UsageError(Exception):
    """A bad option value noticed after parsing; the message names it."""


class _Parser(argparse.ArgumentParser):
    """Bad options get one line naming them and exit 2, like every other bad input."""

    def error(self, message):
        self.exit(EXIT_USAGE, f"{self.prog}: {message} (see --help)\n")


def _iso_date(value: str) -> str:
    """--since: a date (YYYY-MM-DD) or an ISO 8601 time, as stored in the archive."""
    try:
        datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date (expected YYYY-MM-DD)") from None
    return value


def _settings_pairs(pairs: list[str]) -> dict:
    out = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise UsageError(f"-s {pair!r}: expected NAME=VALUE")
        out[name] = value
    return out


def _logging(args) -> dict:
    """Scrapy's log: warnings only by default (the progress lines and the summary say what matters),
    -v for INFO, -vv for DEBUG; --log FILE sends it to FILE (at INFO unless -vv)."""
    level = {0: "WARNING", 1: "INFO"}.get(args.verbose, "DEBUG")
    settings = {"LOG_LEVEL": level}
    if args.log:
        check_output(args.log, protect=getattr(args, "db", None), force=True)
        settings.update(LOG_FILE=args.log, LOG_FILE_APPEND=True, LOG_LEVEL="DEBUG" if args.verbose > 1 else "INFO")
    return settings


def _check_jobdir(path: str) -> None:
    if os.path.exists(path) and not os.path.isdir(path):
        raise UsageError(f"--jobdir {path}: exists and is not a directory")
    parent = path if os.path.isdir(path) else os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(parent) or not os.access(parent, os.W_OK):
        raise UsageError(f"--jobdir {path}: cannot be created or written")


def cmd_crawl(args) -> int:
    from archive.db import check_archive
    from archive.lock import lock_archive, unlock_archive
    from crawler.sites import load_sites
    from govarchive.crawl import run_crawl

    # Everything is judged before the lock is taken and Scrapy starts.
    sites = load_sites(args.sites)
    if args.site:
        chosen = [s for s in sites if s.name == args.site]
        if not chosen:
            raise UsageError(f"--site {args.site!r}: not in {args.sites} (its sites: {', '.join(s.name for s in sites)})")
        sites = chosen
    overrides = {**_logging(args), "PROGRESS": True, **_settings_pairs(args.set)}
    if args.redis:
        return _crawl_distributed(args, sites, overrides)
    if args.warc_dir:
        raise UsageError("--warc-dir: only with --redis (a distributed crawler)")
    check_archive(args.db, write=True, must_exist=False)
    if args.jobdir:
        _check_jobdir(args.jobdir)
        overrides["JOBDIR"] = args.jobdir
    lock_archive(args.db)
    try:
        run = run_crawl(sites, args.db, overrides)
    finally:
        unlock_archive(args.db)
    if run.crawl_id is None:
        print(f"govarchive: the crawl of {args.db} did not start (finish reason: {run.finish_reason})", file=sys.stderr)
        return EXIT_INTERRUPTED if run.finish_reason == "shutdown" else EXIT_NOTHING
    return _outcome(args.db, run.crawl_id, run.finish_reason, [s.name for s in sites])


def _outcome(db_path: str, crawl_id: int, finish_reason: str | None, site_names: list[str]) -> int:
    """Print a finished run's summary; its exit code, judged on what the archive holds."""
    from archive.db import open_archive
    from archive.failures import run_failures
    from archive.store import sites_without_pages

    db = open_archive(db_path, readonly=True)
    try:
        print(db.execute("SELECT summary FROM crawls WHERE id = ?", [crawl_id]).fetchone()[0])
        if finish_reason != "finished":
            print(f"govarchive: crawl {crawl_id} interrupted ({finish_reason}); run the same command again "
                  "to go on", file=sys.stderr)
            return EXIT_INTERRUPTED
        empty = sites_without_pages(db, site_names)
        if empty:
            print(f"govarchive: nothing archived for: {', '.join(empty)}", file=sys.stderr)
            return EXIT_NOTHING
        failures = run_failures(db, crawl_id)
        if failures:
            print(f"govarchive: {len(failures)} requests failed for good (see fetch_errors)", file=sys.stderr)
            return EXIT_FAILURES
    finally:
        db.close()
    return EXIT_OK


def _redis(url: str):
    """A connected Redis client for `url`, or UsageError naming it."""
    import redis

    try:
        server = redis.Redis.from_url(url, socket_connect_timeout=5)
        server.ping()
    except (ValueError, redis.RedisError) as exc:
        raise UsageError(f"--redis {url}: cannot reach Redis ({exc})") from None
    return server


def _crawl_keys(crawl: str):
    from crawler.frontier import CrawlKeys

    try:
        return CrawlKeys(crawl)
    except ValueError as exc:
        raise UsageError(f"--crawl: {exc}") from None


def _crawl_distributed(args, sites, overrides: dict) -> int:
    from govarchive.crawl import run_distributed

    if args.db:
        raise UsageError("--db and --redis: a distributed crawler has no archive (`govarchive ingest --db` writes it)")
    if not args.warc_dir:
        raise UsageError("--redis needs --warc-dir DIR (where this crawler writes its WARC files)")
    if args.jobdir:
        raise UsageError("--jobdir and --redis: the frontier of a distributed crawl is in Redis")
    _crawl_keys(args.crawl)
    warc_dir = os.path.abspath(args.warc_dir)
    if os.path.exists(warc_dir) and not os.path.isdir(warc_dir):
        raise UsageError(f"--warc-dir {args.warc_dir}: exists and is not a directory")
    parent = warc_dir if os.path.isdir(warc_dir) else os.path.dirname(warc_dir)
    if not os.path.isdir(parent) or not os.access(parent, os.W_OK):
        raise UsageError(f"--warc-dir {args.warc_dir}: cannot be created or written")
    _redis(args.redis)
    os.makedirs(warc_dir, exist_ok=True)
    run = run_distributed(sites, args.redis, args.crawl, warc_dir, overrides)
    print(f"crawler: {run.fetched} responses in {len(run.warc_files)} WARC files in {warc_dir}"
          + ("; seeded the crawl" if run.seeded else "")
          + ("; the frontier ran dry: crawl finished" if run.finished_crawl else ""))
    if run.finish_reason != "finished":
        print(f"govarchive: crawler interrupted ({run.finish_reason}); its requests went back to the frontier",
              file=sys.stderr)
        return EXIT_INTERRUPTED
    return EXIT_OK


def cmd_ingest(args) -> int:
    import json

    from archive.db import check_archive, open_archive
    from archive.ingest import crawl_exists
    from archive.lock import lock_archive, unlock_archive
    from govarchive.ingest import run_ingest

    keys = _crawl_keys(args.crawl)
    check_archive(args.db, write=True, must_exist=False)
    server = _redis(args.redis)
    ready = server.get(keys.view_key("ready"))
    crawl_id = int(ready) if ready is not None else None
    if crawl_id is not None:  # an ingest of this crawl stopped before it finished: go on with its row
        owned = os.path.exists(args.db) and os.path.getsize(args.db) > 0
        if owned:
            db = open_archive(args.db, readonly=True)
            owned = crawl_exists(db, crawl_id)
            db.close()
        if not owned:
            raise UsageError(f"--crawl {args.crawl}: this crawl on {args.redis} was opened by another archive "
                             f"(its crawls row {crawl_id} is not in {args.db})")
    lock_archive(args.db)
    try:
        crawl_id, reason = run_ingest(args.redis, args.db, args.crawl, until_idle=args.until_idle, idle=args.idle,
                                      crawl_id=crawl_id, overrides={**_logging(args), **_settings_pairs(args.set)})
    finally:
        unlock_archive(args.db)
    if crawl_id is None:
        print(f"govarchive: the ingest into {args.db} did not start (finish reason: {reason})", file=sys.stderr)
        return EXIT_INTERRUPTED
    db = open_archive(args.db, readonly=True)
    sites = json.loads(db.execute("SELECT sites FROM crawls WHERE id = ?", [crawl_id]).fetchone()[0] or "[]")
    db.close()
    return _outcome(args.db, crawl_id, reason, sites)


def cmd_reports(args) -> int:
    from archive.db import open_archive
    from archive.listing import report_lines

    db = open_archive(args.db, readonly=True)
    try:
        for line in report_lines(db, agency=args.agency, year=args.year):
            print(line)
    finally:
        db.close()
    return EXIT_OK


def cmd_check_site(args) -> int:
    from govarchive import discovered
    from govarchive.crawl import run_check

    parts = urlsplit(args.url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UsageError(f"{args.url!r}: not an http(s) URL")
    result = run_check(args.url, render=args.render, overrides={**_logging(args), **_settings_pairs(args.set)})
    print(discovered.check_report(args.url, result))
    return EXIT_OK if result.discovered else EXIT_NOTHING


def cmd_reextract(args) -> int:
    from archive.db import check_archive
    from archive.reextract import reextract

    check_archive(args.db, write=True, must_exist=True)
    result = reextract(args.db, jobs=args.jobs, since=args.since, progress=sys.stderr.isatty())
    print(result.format())
    return EXIT_OK


def cmd_migrate(args) -> int:
    from archive.db import check_archive
    from archive.lock import lock_archive, unlock_archive
    from archive.migrate import migrate

    check_archive(args.db, write=True, must_exist=True)
    took = lock_archive(args.db)  # no crawl writes while bodies and cells move
    try:
        result = migrate(args.db)
    finally:
        if took:
            unlock_archive(args.db)
    print(result.format())
    return EXIT_NOTHING if result.mismatched else EXIT_OK  # those bodies are left as they were, named


def cmd_serve(args) -> int:
    from archive.db import check_archive
    from archive.serve import serve

    check_archive(args.db, write=False, must_exist=True)
    return serve(args.db, port=args.port)


def cmd_export_warc(args) -> int:
    from archive.db import check_archive
    from archive.output import check_output
    from archive.warc import export_warc

    check_archive(args.db, write=False, must_exist=True)
    check_output(args.out, protect=args.db, force=args.force)
    n = export_warc(args.db, args.out, force=args.force)
    print(f"wrote {n} WARC records to {args.out}")
    return EXIT_OK


def cmd_export(args) -> int:
    from archive.db import check_archive, open_archive
    from archive.export import dictionary_path, export

    check_archive(args.db, write=False, must_exist=True)
    check_output(args.out, protect=args.db, force=args.force)
    if args.format == "csv":
        check_output(dictionary_path(args.out), protect=args.db, force=args.force)
    db = open_archive(args.db, readonly=True)
    try:
        n, files = export(db, args.db, args.format, args.out, args.force)
    finally:
        db.close()
    print(f"wrote {n} reports to {' and '.join(files)}")
    return EXIT_OK


def cmd_discover(args) -> int:
    from archive.output import check_output, output_file
    from govarchive import discovered
    from govarchive.crawl import run_discover

    parts = urlsplit(args.url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UsageError(f"{args.url!r}: not an http(s) URL")
    check_output(args.out, protect=None, force=args.force)
    found = discovered.rows(run_discover(args.url, args.depth, args.budget,
                                         {**_logging(args), **_settings_pairs(args.set)}))
    print(discovered.table(found))
    with output_file(args.out, protect=None, force=args.force) as fh:
        fh.write(discovered.sites_toml(found, args.url).encode("utf-8"))
    print(f"sites file: {args.out}")
    return EXIT_OK if found else EXIT_NOTHING


def cmd_demo(args) -> int:
    from archive.db import check_archive
    from govarchive.demo import run_demo

    check_archive(args.db, write=True, must_exist=False)
    return run_demo(args.db)


def _positive(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a positive integer")
    return n


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="govarchive", description=__doc__.split("\n\n")[0],
                     epilog=__doc__.split("\n\n", 1)[1], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"govarchive {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser, metavar="COMMAND")

    def logged(p):
        p.add_argument("-v", "--verbose", action="count", default=0, help="Scrapy's log at INFO (-vv: DEBUG)")
        p.add_argument("--log", metavar="FILE", help="append Scrapy's log to FILE instead of the terminal")

    p = sub.add_parser("crawl", help="crawl the sites of a sites file into the archive (or, with --redis, "
                                      "as one of many crawlers of a distributed crawl)")
    p.add_argument("--sites", required=True, help="sites file (TOML)")
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--db", help="archive (SQLite file; created if absent)")
    where.add_argument("--redis", metavar="URL", help="redis://HOST:PORT/DB: the shared frontier of a distributed crawl")
    p.add_argument("--warc-dir", metavar="DIR", help="with --redis: where this crawler writes its WARC files")
    p.add_argument("--crawl", default="default", metavar="ID", help="with --redis: the crawl's id (default: default)")
    p.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE", help="Scrapy setting")
    p.add_argument("--jobdir", help="spill the pending-request queue to this directory (very large crawls); "
                                    "what is left to fetch is always decided by the archive")
    p.add_argument("--site", metavar="NAME", help="crawl only this site of the sites file")
    logged(p)
    p.set_defaults(func=cmd_crawl)

    p = sub.add_parser("ingest", help="store what the crawlers of a distributed crawl fetched into the archive")
    p.add_argument("--redis", required=True, metavar="URL", help="redis://HOST:PORT/DB of the crawl's frontier")
    p.add_argument("--db", required=True, help="archive (SQLite file; created if absent)")
    p.add_argument("--crawl", default="default", metavar="ID", help="the crawl's id (default: default)")
    p.add_argument("--until-idle", action="store_true",
                   help="also stop when no record came and no crawler was alive for --idle seconds")
    p.add_argument("--idle", type=_positive, default=60, metavar="SECONDS", help="for --until-idle (default 60)")
    p.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE", help="Scrapy setting")
    logged(p)
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("reports", help="list the reports in an archive: agency, year, layout, cells, status")
    p.add_argument("--db", required=True)
    p.add_argument("--agency", help="only this agency (a part of its name)")
    p.add_argument("--year", type=int, help="only this year")
    p.set_defaults(func=cmd_reports)

    p = sub.add_parser("check-site", help="try one URL without an archive: CMS, listings, report candidates")
    p.add_argument("url", metavar="URL")
    p.add_argument("--render", action="store_true", help="render the listing in the browser (render = true)")
    p.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE", help="Scrapy setting")
    logged(p)
    p.set_defaults(func=cmd_check_site)

    p = sub.add_parser("reextract", help="re-run extraction over every stored page")
    p.add_argument("--db", required=True)
    p.add_argument("--jobs", type=_positive, default=1, help="worker processes (default 1)")
    p.add_argument("--since", type=_iso_date, help="only pages fetched on or after this date (YYYY-MM-DD)")
    p.set_defaults(func=cmd_reextract)

    p = sub.add_parser("migrate", help="compact an archive of an older govarchive in place: bodies compressed, "
                                       "html dropped, cells WITHOUT ROWID; every body checked against its sha256")
    p.add_argument("--db", required=True)
    p.set_defaults(func=cmd_migrate)

    p = sub.add_parser("serve", help="browse the archive in datasette (read-only, 127.0.0.1)")
    p.add_argument("--db", required=True)
    p.add_argument("--port", type=int, default=8001)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("export", help="one row per current report, one column per cell code: csv, parquet or xlsx")
    p.add_argument("--db", required=True)
    p.add_argument("--format", required=True, choices=("csv", "parquet", "xlsx"))
    p.add_argument("--force", action="store_true", help="replace OUT if it exists (never the archive itself)")
    p.add_argument("out", metavar="OUT", help="the file to write (csv: also OUT's stem + .dictionary.csv)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("export-warc", help="write every stored version as WARC request/response records")
    p.add_argument("--db", required=True)
    p.add_argument("--force", action="store_true", help="replace OUT if it exists (never the archive itself)")
    p.add_argument("out", metavar="OUT.warc.gz")
    p.set_defaults(func=cmd_export_warc)

    p = sub.add_parser("discover", help="explore a portal from one URL and write a sites file of its report columns")
    p.add_argument("url", metavar="URL")
    p.add_argument("--depth", type=_positive, help="hops from URL through hubs (default EXPLORE_DEPTH, 5)")
    p.add_argument("--budget", type=_positive, help="hub pages to explore (default EXPLORE_BUDGET, 300)")
    p.add_argument("-o", "--out", default="discovered-sites.toml", help="sites file to write")
    p.add_argument("--force", action="store_true", help="replace the sites file if it exists")
    p.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE", help="Scrapy setting")
    logged(p)
    p.set_defaults(func=cmd_discover)

    p = sub.add_parser("demo", help="serve the bundled demo portal, crawl it, extract, summarise")
    p.add_argument("--db", default="demo.db")
    p.set_defaults(func=cmd_demo)
    return parser


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("govarchive")
    except PackageNotFoundError:
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (SitesFileError, ArchiveError, OutputError, UsageError) as exc:
        print(f"govarchive: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except ArchiveLocked as exc:
        print(f"govarchive: {exc}", file=sys.stderr)
        return EXIT_LOCKED


if __name__ == "__main__":
    sys.exit(main())

"""The archive's tables. Written as DDL because `report_cells.value` must keep 7 and 7.0 apart
(no type affinity), which sqlite-utils' typed columns cannot express."""

# PRAGMA user_version of an archive this code writes. An archive with a higher number was written
# by a newer govarchive: refused rather than half-understood.
SCHEMA_VERSION = 3  # 3: reports from files and images; bodies compressed (body_codec), html not stored, report_cells WITHOUT ROWID

METADATA_COLUMNS = ("index_no", "publisher", "written_date", "published_date", "doc_no", "topic", "disclosure", "genre")

# Cells keyed by their codes; WITHOUT ROWID: the key is the table, with no second copy of it in an
# index (`govarchive migrate` rebuilds an older archive's table this way).
REPORT_CELLS = """
CREATE TABLE IF NOT EXISTS {name} (
    report_id INTEGER NOT NULL REFERENCES reports(id),
    table_code TEXT NOT NULL,
    row_code TEXT NOT NULL,
    col_code TEXT NOT NULL,
    value,                         -- no affinity: int stays int, float stays float, NULL = blank
    raw TEXT,
    PRIMARY KEY (report_id, table_code, row_code, col_code)
) WITHOUT ROWID;
"""

_CORE_TABLES = """
CREATE TABLE IF NOT EXISTS crawls (
    id INTEGER PRIMARY KEY,
    started TEXT NOT NULL,
    finished TEXT,
    sites TEXT,            -- JSON list of site names
    status TEXT,           -- running | finished | interrupted (SIGINT/SIGTERM, or found dead by a later run)
    stats TEXT,            -- JSON: Scrapy stats and per-site counts
    summary TEXT,          -- the human summary printed at the end of the run
    pid INTEGER,           -- the crawling process
    failures INTEGER       -- requests of this run that failed for good (open rows of fetch_errors)
);
CREATE TABLE IF NOT EXISTS pages (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL,
    final_url TEXT,
    site TEXT,
    crawl_id INTEGER REFERENCES crawls(id),
    fetched_at TEXT NOT NULL,      -- first fetch of this version (UTC, ISO 8601)
    last_seen_at TEXT NOT NULL,    -- latest fetch that returned the same bytes
    method TEXT NOT NULL DEFAULT 'GET',  -- POST for data-proxy calls
    request_body BLOB,                   -- the form a POST sent
    rendered INTEGER NOT NULL DEFAULT 0, -- 1: the DOM a browser built, not the bytes served
    status INTEGER,
    headers TEXT,                  -- JSON {name: [values]}
    content_type TEXT,
    encoding TEXT,
    sha256 TEXT NOT NULL,
    size INTEGER,
    body BLOB,                     -- the bytes exactly as served, stored as body_codec says (archive/bodies.py)
    body_codec TEXT,               -- NULL: body is the raw bytes; 'zstd': a zstd frame of them
    html TEXT,                     -- no longer stored (NULL): archive.bodies.page_html derives it from the body
    text TEXT,                     -- main text of the content container
    title TEXT,
    index_no TEXT, publisher TEXT, written_date TEXT, published_date TEXT,
    doc_no TEXT, topic TEXT, disclosure TEXT, genre TEXT,
    is_report INTEGER NOT NULL DEFAULT 0,
    agency_hint TEXT,              -- the department the crawl found the page under (directory link, breadcrumb)
    extractor_version TEXT,
    extract_error TEXT,
    extraction_digest TEXT,        -- sha256 of the extraction output: unchanged output is not rewritten
    UNIQUE (url, sha256)
);
CREATE INDEX IF NOT EXISTS pages_url ON pages(url);
CREATE INDEX IF NOT EXISTS pages_site ON pages(site);
-- Pages whose extraction never landed (their crawl died): few, found at once.
CREATE INDEX IF NOT EXISTS pages_unextracted ON pages(site) WHERE extraction_digest IS NULL;
CREATE TABLE IF NOT EXISTS attachments (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL,
    final_url TEXT,
    site TEXT,
    source_page TEXT,              -- URL of the page that links it
    page_id INTEGER REFERENCES pages(id),  -- that page's version when it is archived
    crawl_id INTEGER REFERENCES crawls(id),
    fetched_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    status INTEGER,
    headers TEXT,
    content_type TEXT,
    filename TEXT,
    size INTEGER,
    sha256 TEXT NOT NULL,          -- of the raw bytes, whatever body_codec
    body BLOB,
    body_codec TEXT,               -- NULL: raw; 'zstd'
    image_index INTEGER,           -- a report printed as images （图片版）: this image's place on its page (0, 1 …)
    extractor_version TEXT,
    extract_error TEXT,            -- why the file could not be read (a truncated PDF …), or the extractor's exception
    extraction_digest TEXT,        -- sha256 of the extraction output, as for pages
    UNIQUE (url, sha256)
);
"""

# The reports table on its own: an archive from before reports came from attachments is rebuilt
# into it (archive.db), since SQLite cannot drop the old UNIQUE (page) in place.
REPORTS_TABLE = """
CREATE TABLE IF NOT EXISTS reports (
    id INTEGER PRIMARY KEY,
    page INTEGER NOT NULL REFERENCES pages(id),  -- the report's page, or the page that links its file
    source TEXT NOT NULL DEFAULT 'page',  -- page (its HTML) | attachment (a file it links) | images (its images, in order)
    attachment INTEGER REFERENCES attachments(id),  -- the file, for source = attachment; else NULL
    source_kind TEXT,              -- the reader: html | text | pdf | docx | doc | wps | ofd | image | scan
    duplicate_of INTEGER REFERENCES reports(id),  -- the same report read from another source of the page, which won
    title TEXT,
    agency TEXT,
    year INTEGER,
    layout TEXT,
    cell_count INTEGER,
    checks_failed INTEGER,
    check_status TEXT,             -- incomplete (expected cells missing) | failed (a check failed) | ok
    expected_cells INTEGER,        -- what the layout expects: 198, 200, 186; NULL when no layout was recognised
    cells_found INTEGER,           -- how many of them were extracted
    warnings TEXT,                 -- JSON list
    extractor_version TEXT,
    extracted_at TEXT
);
"""

# After the reports table has its columns (old archives are migrated first).
REPORT_INDEXES = """
CREATE INDEX IF NOT EXISTS reports_agency_year ON reports(agency, year);
-- One report from the page's HTML and one from its images per page version; one per attachment.
CREATE UNIQUE INDEX IF NOT EXISTS reports_of_page ON reports(page, source) WHERE source != 'attachment';
CREATE UNIQUE INDEX IF NOT EXISTS reports_of_attachment ON reports(attachment) WHERE attachment IS NOT NULL;
CREATE INDEX IF NOT EXISTS reports_page ON reports(page);
CREATE INDEX IF NOT EXISTS attachments_page ON attachments(page_id);
"""

_MORE_TABLES = REPORT_CELLS.format(name="report_cells") + """
CREATE TABLE IF NOT EXISTS report_checks (
    report_id INTEGER NOT NULL REFERENCES reports(id),
    rule TEXT NOT NULL,
    table_code TEXT,
    row_code TEXT,
    col_code TEXT,
    status TEXT NOT NULL,          -- ok | failed | not_assessable
    lhs,
    rhs
);
CREATE INDEX IF NOT EXISTS report_checks_report ON report_checks(report_id);
CREATE TABLE IF NOT EXISTS site_map (
    site TEXT NOT NULL,
    url TEXT NOT NULL,
    kind TEXT NOT NULL,            -- hub (a page on the way: 信息公开 home, directory, department home) | column
    agency TEXT,                   -- the department, from the directory link or the breadcrumb
    parent TEXT,                   -- the hub it was found on
    cms TEXT,                      -- a column's listing shape: hanweb | trs | generic | rendered
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,       -- a hub: last explored; a column: last listed by a hub or crawled
    last_crawl INTEGER REFERENCES crawls(id),
    PRIMARY KEY (site, url)
);
CREATE TABLE IF NOT EXISTS fetch_errors (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL,
    method TEXT NOT NULL DEFAULT 'GET',
    request_body BLOB,             -- the form of a POST (a data-proxy call)
    site TEXT,
    role TEXT,                     -- listing | proxy | detail | attachment | robots | subrequest
    referer TEXT,                  -- the page that led to it (an attachment's page, a subrequest's listing)
    kind TEXT NOT NULL,            -- http | timeout | reset | refused | dns | truncated | too_large |
                                   -- decompression | offsite | redirect_loop | browser | challenge | capped |
                                   -- robots (disallowed: policy, not a loss) | other
    status INTEGER,                -- the HTTP status, for kind http
    detail TEXT,
    attempts INTEGER NOT NULL,     -- requests that failed, over every run that tried
    first_crawl INTEGER REFERENCES crawls(id),
    last_crawl INTEGER REFERENCES crawls(id),
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    resolved_at TEXT,              -- NULL: still failing; else when a later fetch succeeded
    resolved_crawl INTEGER REFERENCES crawls(id)
);
-- One open row per request; a URL that fails again after it was resolved gets a new row.
CREATE UNIQUE INDEX IF NOT EXISTS fetch_errors_open
    ON fetch_errors(url, method, coalesce(request_body, x'')) WHERE resolved_at IS NULL;
CREATE INDEX IF NOT EXISTS fetch_errors_referer ON fetch_errors(referer) WHERE resolved_at IS NULL;
"""

DDL = _CORE_TABLES + REPORTS_TABLE + _MORE_TABLES

VIEWS = """
-- The newest version of each report page, one report each: a report read from two sources of the
-- page (its HTML and a PDF it links) counts once, as the one that won (duplicate_of IS NULL).
-- url is the page's; attachment_url the file's, for a report read from one.
CREATE VIEW IF NOT EXISTS current_reports AS
SELECT r.*, p.url, p.fetched_at, a.url AS attachment_url
FROM reports r JOIN pages p ON p.id = r.page LEFT JOIN attachments a ON a.id = r.attachment
WHERE r.duplicate_of IS NULL AND p.id = (SELECT max(id) FROM pages WHERE url = p.url);

CREATE VIEW IF NOT EXISTS report_summary AS
SELECT r.id AS report_id, r.agency, r.year, r.layout, r.check_status, r.url, r.source, r.source_kind, r.cells_found,
  max(CASE WHEN c.table_code = 'applications' AND c.row_code = 'new' AND c.col_code = 'total' THEN c.value END) AS new_applications,
  max(CASE WHEN c.table_code = 'applications' AND c.row_code = 'carried_over' AND c.col_code = 'total' THEN c.value END) AS carried_over,
  max(CASE WHEN c.table_code = 'applications' AND c.row_code = 'total' AND c.col_code = 'total' THEN c.value END) AS total_handled,
  max(CASE WHEN c.table_code = 'applications' AND c.row_code = 'granted' AND c.col_code = 'total' THEN c.value END) AS granted,
  max(CASE WHEN c.table_code = 'applications' AND c.row_code = 'partially_granted' AND c.col_code = 'total' THEN c.value END) AS partially_granted,
  sum(CASE WHEN c.table_code = 'applications' AND c.row_code LIKE 'denied_%' AND c.col_code = 'total' THEN c.value END) AS denied,
  max(CASE WHEN c.table_code = 'applications' AND c.row_code = 'carried_forward' AND c.col_code = 'total' THEN c.value END) AS carried_forward,
  max(CASE WHEN c.table_code = 'review_litigation' AND c.row_code = 'review' AND c.col_code = 'total' THEN c.value END) AS review_total,
  max(CASE WHEN c.table_code = 'review_litigation' AND c.row_code = 'litigation_direct' AND c.col_code = 'total' THEN c.value END) AS litigation_direct_total,
  max(CASE WHEN c.table_code = 'review_litigation' AND c.row_code = 'litigation_after_review' AND c.col_code = 'total' THEN c.value END) AS litigation_after_review_total
FROM current_reports r LEFT JOIN report_cells c ON c.report_id = r.id
GROUP BY r.id;

-- What the full-text index (pages_fts) holds of a page: its title and text in one column, so that
-- several search terms are each a LIKE on the same column and all go through the index.
CREATE VIEW IF NOT EXISTS page_texts AS
SELECT id, coalesce(title, '') || char(10) || coalesce(text, '') AS body FROM pages;

CREATE VIEW IF NOT EXISTS page_versions AS
SELECT url, count(*) AS versions, min(fetched_at) AS first_fetched, max(last_seen_at) AS last_seen,
  group_concat(id, ',') AS page_ids
FROM pages GROUP BY url;
"""

# The full-text index: FTS5's trigram tokenizer (the default one does not split Chinese) over
# page_texts, searched with LIKE '%term%' (archive/browse/search.py). detail=none keeps no token
# positions: a fifth of the size of detail=full (the index was 30 % of an archive); LIKE still
# narrows to the pages holding every trigram of a term and then confirms on the text, but FTS5
# phrase queries (MATCH '"…"') and snippet() need positions and are not available.
_FTS_BODY = "coalesce({row}.title, '') || char(10) || coalesce({row}.text, '')"
FULL_TEXT = (
    "CREATE VIRTUAL TABLE pages_fts USING fts5(body, content='page_texts', content_rowid='id', tokenize='trigram', "
    "detail=none)",
    "CREATE TRIGGER pages_fts_ai AFTER INSERT ON pages BEGIN "
    f"INSERT INTO pages_fts(rowid, body) VALUES (new.id, {_FTS_BODY.format(row='new')}); END",
    "CREATE TRIGGER pages_fts_ad AFTER DELETE ON pages BEGIN "
    f"INSERT INTO pages_fts(pages_fts, rowid, body) VALUES ('delete', old.id, {_FTS_BODY.format(row='old')}); END",
    # No update trigger: archive.store.write_extraction, the one writer of a page's title and text,
    # updates the index itself (FULL_TEXT_UPDATE). In a trigger, FTS5 flushes its pending terms at
    # every statement's savepoint: 1.8 ms a report page against 0.55 ms written directly.
)

# The index's update for one page whose title or text changed: (old id, old title, old text), then
# (new id, new title, new text). Run by archive.store.write_extraction, not by a trigger (above).
FULL_TEXT_UPDATE = (
    "INSERT INTO pages_fts(pages_fts, rowid, body) VALUES ('delete', ?, coalesce(?, '') || char(10) || coalesce(?, ''))",
    "INSERT INTO pages_fts(rowid, body) VALUES (?, coalesce(?, '') || char(10) || coalesce(?, ''))",
)
# Triggers of earlier versions, dropped when an archive is opened.
FULL_TEXT_RETIRED_TRIGGERS = ("pages_fts_au",)

"""The archive's tables. Written as DDL because `report_cells.value` must keep 7 and 7.0 apart
(no type affinity), which sqlite-utils' typed columns cannot express."""

METADATA_COLUMNS = ("index_no", "publisher", "written_date", "published_date", "doc_no", "topic", "disclosure", "genre")

DDL = """
CREATE TABLE IF NOT EXISTS crawls (
    id INTEGER PRIMARY KEY,
    started TEXT NOT NULL,
    finished TEXT,
    sites TEXT,            -- JSON list of site names
    status TEXT,           -- running | finished | failed
    stats TEXT             -- JSON: Scrapy stats and per-site counts
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
    rendered INTEGER NOT NULL DEFAULT 0, -- 1: the DOM a browser built, not the bytes served
    status INTEGER,
    headers TEXT,                  -- JSON {name: [values]}
    content_type TEXT,
    encoding TEXT,
    sha256 TEXT NOT NULL,
    size INTEGER,
    body BLOB,                     -- the raw bytes, exactly as served
    html TEXT,                     -- body decoded (NULL for non-HTML)
    text TEXT,                     -- main text of the content container
    title TEXT,
    index_no TEXT, publisher TEXT, written_date TEXT, published_date TEXT,
    doc_no TEXT, topic TEXT, disclosure TEXT, genre TEXT,
    is_report INTEGER NOT NULL DEFAULT 0,
    extractor_version TEXT,
    extract_error TEXT,
    extraction_digest TEXT,        -- sha256 of the extraction output: unchanged output is not rewritten
    UNIQUE (url, sha256)
);
CREATE INDEX IF NOT EXISTS pages_url ON pages(url);
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
    sha256 TEXT NOT NULL,
    body BLOB,
    UNIQUE (url, sha256)
);
CREATE TABLE IF NOT EXISTS reports (
    id INTEGER PRIMARY KEY,
    page INTEGER NOT NULL UNIQUE REFERENCES pages(id),
    title TEXT,
    agency TEXT,
    year INTEGER,
    layout TEXT,
    cell_count INTEGER,
    checks_failed INTEGER,
    warnings TEXT,                 -- JSON list
    extractor_version TEXT,
    extracted_at TEXT
);
CREATE INDEX IF NOT EXISTS reports_agency_year ON reports(agency, year);
CREATE TABLE IF NOT EXISTS report_cells (
    report_id INTEGER NOT NULL REFERENCES reports(id),
    table_code TEXT NOT NULL,
    row_code TEXT NOT NULL,
    col_code TEXT NOT NULL,
    value,                         -- no affinity: int stays int, float stays float, NULL = blank
    raw TEXT,
    PRIMARY KEY (report_id, table_code, row_code, col_code)
);
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
"""

-- Rounds schema, SQLite flavour. Never edit after release: add a new numbered file.
-- Times are RFC 3339 text and dates YYYY-MM-DD text, the same in both engines.
CREATE TABLE imports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE TABLE import_files (
    import_id BIGINT NOT NULL REFERENCES imports(id),
    name TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (import_id, name)
);
CREATE TABLE rotas (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    date TEXT NOT NULL,
    scope TEXT NOT NULL,
    version BIGINT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'published')),
    import_version BIGINT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    UNIQUE (date, scope, version)
);
CREATE TABLE pins (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    date TEXT NOT NULL,
    visit TEXT NOT NULL,
    worker TEXT,
    start_time TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE TABLE events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    date TEXT NOT NULL,
    kind TEXT NOT NULL,
    worker TEXT,
    visit TEXT,
    at_time TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE TABLE users (
    id TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    worker_id TEXT,
    pod TEXT,
    locality TEXT,
    token_hash TEXT NOT NULL UNIQUE,
    feed_token_hash TEXT UNIQUE,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE TABLE audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    who TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX rotas_by_date ON rotas (date, scope, status, version);
CREATE INDEX pins_by_date ON pins (date);
CREATE INDEX events_by_date ON events (date);

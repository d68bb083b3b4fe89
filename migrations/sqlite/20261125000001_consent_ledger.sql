-- The proof-of-consent ledger (tower-consent): one row per decision, each distinct
-- banner wording once, and links from consent ids to subjects (accounts).
CREATE TABLE IF NOT EXISTS consent_wordings (
    hash TEXT PRIMARY KEY NOT NULL,
    language TEXT NOT NULL,
    content TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS consent_records (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    consent_id TEXT NOT NULL,
    recorded_at INTEGER NOT NULL,
    revision INTEGER NOT NULL,
    granted TEXT NOT NULL,
    action TEXT NOT NULL,
    source TEXT NOT NULL,
    language TEXT NOT NULL,
    wording TEXT NOT NULL REFERENCES consent_wordings (hash),
    page TEXT,
    gpc INTEGER NOT NULL,
    user_agent TEXT,
    ip TEXT
);

CREATE INDEX IF NOT EXISTS consent_records_by_id ON consent_records (consent_id, seq);
CREATE INDEX IF NOT EXISTS consent_records_by_time ON consent_records (recorded_at);

CREATE TABLE IF NOT EXISTS consent_subjects (
    consent_id TEXT NOT NULL,
    subject TEXT NOT NULL,
    linked_at INTEGER NOT NULL,
    PRIMARY KEY (consent_id, subject)
);

CREATE INDEX IF NOT EXISTS consent_subjects_by_subject ON consent_subjects (subject);

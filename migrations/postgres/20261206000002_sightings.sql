-- What the instances of an app sharing this ledger have seen (tower-consent, issue 26):
-- the catalog entries each instance lists in its cookie declaration, once per entry and
-- instance, and the undeclared cookie names of the report with the counts of every
-- instance added up (at most 1,024 names; sightings past them are counted as dropped).
CREATE TABLE IF NOT EXISTS consent_sightings (
    pattern TEXT NOT NULL,
    instance TEXT NOT NULL,
    by_app BOOLEAN NOT NULL,
    first_seen BIGINT NOT NULL,
    PRIMARY KEY (pattern, instance)
);

CREATE TABLE IF NOT EXISTS consent_undeclared (
    name TEXT PRIMARY KEY NOT NULL,
    name_truncated BOOLEAN NOT NULL,
    first_seen BIGINT NOT NULL,
    first_path TEXT NOT NULL,
    first_direction TEXT NOT NULL,
    in_requests BIGINT NOT NULL,
    in_responses BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS consent_undeclared_dropped (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    dropped BIGINT NOT NULL
);

INSERT INTO consent_undeclared_dropped (id, dropped) VALUES (1, 0) ON CONFLICT (id) DO NOTHING;

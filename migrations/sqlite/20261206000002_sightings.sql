-- What the instances of an app sharing this ledger have seen (tower-consent, issue 26):
-- the catalog entries any instance lists in its cookie declaration, one row per entry
-- (the earliest sighting; by_app if any instance saw the app set it), so the table holds
-- at most the catalog however many instances come and go; and the undeclared cookie
-- names of the report with the counts of every instance added up (at most 1,024 names;
-- sightings past them are counted as dropped).
CREATE TABLE IF NOT EXISTS consent_sightings (
    pattern TEXT PRIMARY KEY NOT NULL,
    by_app INTEGER NOT NULL,
    first_seen INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS consent_undeclared (
    name TEXT PRIMARY KEY NOT NULL,
    name_truncated INTEGER NOT NULL,
    first_seen INTEGER NOT NULL,
    first_path TEXT NOT NULL,
    first_direction TEXT NOT NULL,
    in_requests INTEGER NOT NULL,
    in_responses INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS consent_undeclared_dropped (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    dropped INTEGER NOT NULL
);

INSERT INTO consent_undeclared_dropped (id, dropped) VALUES (1, 0) ON CONFLICT (id) DO NOTHING;

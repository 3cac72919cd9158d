-- Sluice registry store, format 1 (SQLite).
--
-- Schemas are content-addressed: the caller computes `fingerprint` over type, canonical text and
-- references, so one schema registered under several subjects has a single id. AUTOINCREMENT
-- keeps ids from ever being reused, also after an explicit (IMPORT) id above the current maximum.
CREATE TABLE schemas (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    fingerprint TEXT    NOT NULL UNIQUE,
    schema_type TEXT    NOT NULL,          -- wire name: AVRO | JSON | PROTOBUF
    schema      TEXT    NOT NULL,
    refs        TEXT    NOT NULL DEFAULT '[]' -- JSON array of {name, subject, version}
);

CREATE TABLE subject_versions (
    subject   TEXT    NOT NULL,
    version   INTEGER NOT NULL CHECK (version > 0),
    schema_id INTEGER NOT NULL REFERENCES schemas (id),
    deleted   BOOLEAN NOT NULL DEFAULT FALSE, -- soft-deleted
    PRIMARY KEY (subject, version)
) WITHOUT ROWID;

CREATE INDEX subject_versions_by_schema_id ON subject_versions (schema_id);

-- One row per subject with its own setting; the global row uses the subject `__GLOBAL`.
CREATE TABLE configs (
    subject TEXT NOT NULL PRIMARY KEY,
    body    TEXT NOT NULL                  -- JSON
) WITHOUT ROWID;

CREATE TABLE modes (
    subject TEXT NOT NULL PRIMARY KEY,
    mode    TEXT NOT NULL
) WITHOUT ROWID;

-- One row appended by every committed write transaction.
CREATE TABLE changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at  INTEGER NOT NULL                   -- milliseconds since the Unix epoch
);

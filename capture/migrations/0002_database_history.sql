-- One row per version of a database's default character set, with the binlog position where it
-- took effect (the snapshot's, or a CREATE/ALTER/DROP DATABASE read while streaming). Tables
-- created later without a charset take it, so a restart must know it as Debezium's schema
-- history does. `charset` is NULL when none is known; `dropped` is 1 when the database was
-- dropped there. Stores written before this migration have no rows: no charset is known.
CREATE TABLE database_history (
    connector TEXT NOT NULL,
    seq       INTEGER NOT NULL,
    database  TEXT NOT NULL,
    position  TEXT NOT NULL,
    charset   TEXT,
    dropped   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (connector, seq)
);

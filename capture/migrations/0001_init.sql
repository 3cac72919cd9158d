-- Capture's own state: connector configs, committed offsets, and the history of table
-- models with the binlog position where each version took effect.
CREATE TABLE connectors (
    name         TEXT PRIMARY KEY NOT NULL,
    config       TEXT NOT NULL,
    target_state TEXT NOT NULL DEFAULT 'RUNNING',
    created_at   INTEGER NOT NULL
);

CREATE TABLE offsets (
    connector  TEXT PRIMARY KEY NOT NULL,
    offset     TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);

-- One row per version of a table model. `table_model` is NULL when the table was dropped.
-- `position` orders versions: the version in force at an offset is the last one whose
-- position is at or before it.
CREATE TABLE table_history (
    connector   TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    database    TEXT NOT NULL,
    table_name  TEXT NOT NULL,
    position    TEXT NOT NULL,
    ddl         TEXT NOT NULL,
    table_model TEXT,
    PRIMARY KEY (connector, seq)
);
CREATE INDEX table_history_by_table ON table_history (connector, database, table_name, seq);

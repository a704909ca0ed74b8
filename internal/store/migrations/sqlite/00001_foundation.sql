-- +goose Up
-- Times are unix microseconds (UTC); money is integer fen.
CREATE TABLE branches (
    id        INTEGER PRIMARY KEY,
    parent_id INTEGER REFERENCES branches(id),
    code      TEXT NOT NULL UNIQUE,
    name      TEXT NOT NULL,
    name_en   TEXT NOT NULL DEFAULT ''
);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL,
    branch_id     INTEGER NOT NULL REFERENCES branches(id),
    active        BOOLEAN NOT NULL DEFAULT TRUE,
    created_at    BIGINT NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id),
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    prefix       TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    revoked_at   BIGINT
);

CREATE TABLE login_failures (
    username     TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL,
    last_at      BIGINT NOT NULL,
    locked_until BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE donations (
    id                 INTEGER PRIMARY KEY,
    cert_no            TEXT NOT NULL UNIQUE,
    kind               TEXT NOT NULL,
    reverses_id        INTEGER REFERENCES donations(id),
    corrects_id        INTEGER REFERENCES donations(id),
    branch_id          INTEGER NOT NULL REFERENCES branches(id),
    donor_kind         TEXT NOT NULL,
    donor_name         TEXT NOT NULL,
    donor_phone        TEXT NOT NULL DEFAULT '',
    donor_phone_last4  TEXT NOT NULL DEFAULT '',
    donor_id_number    TEXT NOT NULL DEFAULT '',
    anonymous          BOOLEAN NOT NULL,
    amount_fen         BIGINT NOT NULL,
    channel            TEXT NOT NULL,
    received_at        BIGINT NOT NULL,
    designation_kind   TEXT NOT NULL,
    designation_target TEXT NOT NULL DEFAULT '',
    fund_label         TEXT NOT NULL,
    message            TEXT NOT NULL DEFAULT '',
    external_ref       TEXT,
    idem_key           TEXT,
    fingerprint        TEXT NOT NULL,
    reason             TEXT NOT NULL DEFAULT '',
    source             TEXT NOT NULL,
    import_id          INTEGER,
    created_by         TEXT NOT NULL,
    created_at         BIGINT NOT NULL
);
-- Every index costs each intake a b-tree insert, so: partial indexes where
-- most rows have nothing to index, and branch lists walk the time index.
CREATE UNIQUE INDEX donations_reverses ON donations(reverses_id) WHERE reverses_id IS NOT NULL;
CREATE UNIQUE INDEX donations_idem_key ON donations(idem_key) WHERE idem_key IS NOT NULL;
-- A reversed donation keeps its bank reference; the corrected record that
-- replaces it may carry the same one, and each reversal has one correction.
CREATE UNIQUE INDEX donations_external_ref ON donations(external_ref) WHERE external_ref IS NOT NULL AND corrects_id IS NULL;
CREATE UNIQUE INDEX donations_corrects ON donations(corrects_id) WHERE corrects_id IS NOT NULL;
CREATE INDEX donations_received ON donations(received_at);
CREATE INDEX donations_lookup ON donations(donor_name, donor_phone_last4) WHERE donor_phone_last4 <> '';

CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    at        BIGINT NOT NULL,
    user_id   INTEGER,
    username  TEXT NOT NULL,
    role      TEXT NOT NULL,
    via       TEXT NOT NULL,
    ip        TEXT NOT NULL DEFAULT '',
    action    TEXT NOT NULL,
    entity    TEXT NOT NULL,
    entity_id BIGINT NOT NULL DEFAULT 0,
    before    TEXT NOT NULL DEFAULT '',
    after     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_at ON audit_log(at);
CREATE INDEX audit_entity ON audit_log(entity, entity_id);
CREATE INDEX audit_user ON audit_log(username, at);
-- Append-only: the trail cannot be changed or removed through SQL.
-- +goose StatementBegin
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
-- +goose StatementEnd
-- Donations are never edited or deleted; a correction is a reversal record.
-- +goose StatementBegin
CREATE TRIGGER donations_no_update BEFORE UPDATE ON donations BEGIN SELECT RAISE(ABORT, 'donations are immutable: record a reversal'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER donations_no_delete BEFORE DELETE ON donations BEGIN SELECT RAISE(ABORT, 'donations are immutable: record a reversal'); END;
-- +goose StatementEnd

CREATE TABLE imports (
    id          INTEGER PRIMARY KEY,
    filename    TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    content     BLOB NOT NULL,
    mapping     TEXT NOT NULL DEFAULT '{}',
    branch_id   INTEGER NOT NULL REFERENCES branches(id),
    designation TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL,
    rows_total  INTEGER NOT NULL DEFAULT 0,
    accepted    INTEGER NOT NULL DEFAULT 0,
    skipped     INTEGER NOT NULL DEFAULT 0,
    total_fen   BIGINT NOT NULL DEFAULT 0,
    error       TEXT NOT NULL DEFAULT '',
    created_by  TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    started_at  BIGINT,
    finished_at BIGINT
);

CREATE TABLE import_mappings (
    name       TEXT PRIMARY KEY,
    mapping    TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

-- One row per run of a scheduled job and time slot: the primary key makes
-- the job run once across every boai process sharing the database.
CREATE TABLE job_runs (
    name       TEXT NOT NULL,
    slot       TEXT NOT NULL,
    owner      TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    PRIMARY KEY (name, slot)
);

-- +goose Down
DROP TABLE job_runs;
DROP TABLE import_mappings;
DROP TABLE imports;
DROP TABLE audit_log;
DROP TABLE donations;
DROP TABLE login_failures;
DROP TABLE api_tokens;
DROP TABLE sessions;
DROP TABLE users;
DROP TABLE branches;

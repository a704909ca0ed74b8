-- +goose Up
-- The daily disclosure (每日公示, issue #5): one row per day, made,
-- checked by a second person and published; then never changed again. A
-- mistake in a published day is fixed by a correction notice (更正说明),
-- which goes through the same steps and is as permanent.
--
-- content is the day as the domain writes it (disclosure.Day.Content,
-- the public JSON); digest is its SHA-256 as the checker saw it, so the
-- stored content can be checked against what was signed off.
CREATE TABLE disclosures (
    id           INTEGER PRIMARY KEY,
    day          TEXT NOT NULL UNIQUE,
    content      TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('draft', 'checked', 'published')),
    digest       TEXT NOT NULL DEFAULT '',
    made_by      TEXT NOT NULL,
    made_at      BIGINT NOT NULL,
    checked_by   TEXT NOT NULL DEFAULT '',
    checked_at   BIGINT,
    published_by TEXT NOT NULL DEFAULT '',
    published_at BIGINT,
    CHECK (status = 'draft' OR (checked_by <> '' AND lower(checked_by) <> lower(made_by) AND digest <> '' AND checked_at IS NOT NULL)),
    CHECK (status <> 'published' OR (published_by <> '' AND published_at IS NOT NULL))
);
CREATE INDEX disclosures_published ON disclosures(published_at) WHERE status = 'published';

CREATE TABLE disclosure_corrections (
    id            INTEGER PRIMARY KEY,
    disclosure_id INTEGER NOT NULL REFERENCES disclosures(id),
    section       TEXT NOT NULL CHECK (section IN ('money', 'goods', 'allocations', 'expenditures', 'totals')),
    line          INTEGER NOT NULL CHECK (line >= 0),
    was           TEXT NOT NULL,
    corrected     TEXT NOT NULL,
    reason        TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('draft', 'checked', 'published')),
    digest        TEXT NOT NULL DEFAULT '',
    made_by       TEXT NOT NULL,
    made_at       BIGINT NOT NULL,
    checked_by    TEXT NOT NULL DEFAULT '',
    checked_at    BIGINT,
    published_by  TEXT NOT NULL DEFAULT '',
    published_at  BIGINT,
    CHECK (status = 'draft' OR (checked_by <> '' AND lower(checked_by) <> lower(made_by) AND digest <> '' AND checked_at IS NOT NULL)),
    CHECK (status <> 'published' OR (published_by <> '' AND published_at IS NOT NULL))
);
CREATE INDEX disclosure_corrections_day ON disclosure_corrections(disclosure_id, id);

-- Published is for ever: no update, no delete; nothing is ever deleted.
-- +goose StatementBegin
CREATE TRIGGER disclosures_published_fixed BEFORE UPDATE ON disclosures WHEN OLD.status = 'published'
BEGIN SELECT RAISE(ABORT, 'a published disclosure is never changed: publish a correction'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER disclosures_no_delete BEFORE DELETE ON disclosures
BEGIN SELECT RAISE(ABORT, 'disclosures are never deleted'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER disclosure_corrections_published_fixed BEFORE UPDATE ON disclosure_corrections WHEN OLD.status = 'published'
BEGIN SELECT RAISE(ABORT, 'a published correction is never changed'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER disclosure_corrections_no_delete BEFORE DELETE ON disclosure_corrections
BEGIN SELECT RAISE(ABORT, 'corrections are never deleted'); END;
-- +goose StatementEnd

-- What building a day reads by time: stock documents (goods received,
-- goods dispatched) and their moves, intake by its goods-received note,
-- payments.
CREATE INDEX stock_docs_created ON stock_docs(created_at);
CREATE INDEX stock_moves_doc ON stock_moves(doc_id);
CREATE INDEX inkind_donations_receipt_doc ON inkind_donations(receipt_doc_id) WHERE receipt_doc_id IS NOT NULL;
CREATE INDEX expenditures_paid ON expenditures(paid_at);

-- +goose Down
DROP INDEX expenditures_paid;
DROP INDEX inkind_donations_receipt_doc;
DROP INDEX stock_moves_doc;
DROP INDEX stock_docs_created;
DROP TABLE disclosure_corrections;
DROP TABLE disclosures;

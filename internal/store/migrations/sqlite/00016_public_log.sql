-- +goose Up
-- The public log's outbox (issue #5). A record that is a public fact
-- writes an outbox row in its own transaction, so the fact is logged if
-- and only if the record committed. The log's single writer numbers
-- pending rows by the log index they take (log_entries, with the entry's
-- exact bytes), then appends them; after a crash, entries at or past the
-- log's size are appended again with the same bytes, the rest are done.
CREATE TABLE log_outbox (
    id     INTEGER PRIMARY KEY,
    kind   TEXT NOT NULL,
    ref_id BIGINT NOT NULL
);

CREATE TABLE log_entries (
    idx       BIGINT PRIMARY KEY,
    kind      TEXT NOT NULL,
    ref_id    BIGINT NOT NULL,
    amount    BIGINT NOT NULL DEFAULT 0,
    day       TEXT NOT NULL, -- the day, in the society's time zone, it was logged
    entry     TEXT NOT NULL,
    logged_at BIGINT NOT NULL,
    UNIQUE (kind, ref_id)
);
CREATE INDEX log_entries_day ON log_entries(day, idx);

-- Each day of the log ends with a day close; its checkpoint (the tree
-- that ends with the close) is printed on that day's disclosure.
CREATE TABLE log_days (
    day        TEXT PRIMARY KEY,
    first_idx  BIGINT NOT NULL,
    count      BIGINT NOT NULL,
    close_idx  BIGINT NOT NULL UNIQUE,
    checkpoint TEXT NOT NULL DEFAULT ''
);

-- The secret certificate salts are derived from (publog.Salter).
CREATE TABLE log_secrets (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- +goose StatementBegin
CREATE TRIGGER log_entries_no_update BEFORE UPDATE ON log_entries BEGIN SELECT RAISE(ABORT, 'log entries are immutable'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER log_entries_no_delete BEFORE DELETE ON log_entries BEGIN SELECT RAISE(ABORT, 'log entries are immutable'); END;
-- +goose StatementEnd

-- What was public before the log existed is logged first, in time order.
INSERT INTO log_outbox (kind, ref_id)
SELECT kind, id FROM (
    SELECT 'donation' AS kind, id, created_at AS at FROM donations
    UNION ALL SELECT 'goods', id, created_at FROM inkind_donations WHERE status = 'settled'
    UNION ALL SELECT 'receipt', id, issued_at FROM receipts
    UNION ALL SELECT 'receipt_void', id, voided_at FROM receipt_voids
    UNION ALL SELECT 'allocation', id, decided_at FROM allocations WHERE status IN ('approved', 'dispatched')
    UNION ALL SELECT 'dispatch', id, signed_at FROM dispatches WHERE signed_at IS NOT NULL
    UNION ALL SELECT 'expenditure', id, paid_at FROM expenditures WHERE paid_at IS NOT NULL
) f ORDER BY at, kind, id;

-- +goose Down
DROP TABLE log_secrets;
DROP TABLE log_days;
DROP TABLE log_entries;
DROP TABLE log_outbox;

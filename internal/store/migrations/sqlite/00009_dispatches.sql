-- +goose Up
-- Dispatches (分类运送): how the goods of a dispatch note travel, and the
-- recipient's sign-off through a one-time link.
CREATE TABLE dispatches (
    id           INTEGER PRIMARY KEY,
    doc_id       INTEGER NOT NULL UNIQUE REFERENCES stock_docs(id),
    mode         TEXT NOT NULL,
    recipient    TEXT NOT NULL,
    route        TEXT NOT NULL DEFAULT '',
    vehicle      TEXT NOT NULL DEFAULT '',
    driver       TEXT NOT NULL DEFAULT '',
    token_hash   TEXT NOT NULL UNIQUE,
    signed_at    BIGINT,
    signed_by    TEXT NOT NULL DEFAULT '',
    note         TEXT NOT NULL DEFAULT '',
    photo        BLOB,
    created_by   TEXT NOT NULL,
    created_at   BIGINT NOT NULL
);

CREATE TABLE dispatch_receipts (
    id          INTEGER PRIMARY KEY,
    dispatch_id INTEGER NOT NULL REFERENCES dispatches(id),
    lot_id      INTEGER NOT NULL REFERENCES stock_lots(id),
    sent        BIGINT NOT NULL,
    received    BIGINT NOT NULL CHECK (received >= 0),
    reason      TEXT NOT NULL DEFAULT ''
);

-- +goose Down
DROP TABLE dispatch_receipts;
DROP TABLE dispatches;

-- +goose Up
-- Requesting units (hospitals, district headquarters, community
-- checkpoints) and their allocation requests (捐赠款物调拨清单).
CREATE TABLE recipients (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    class       TEXT NOT NULL,
    contact     TEXT NOT NULL DEFAULT '',
    phone       TEXT NOT NULL DEFAULT '',
    address     TEXT NOT NULL DEFAULT ''
);

CREATE TABLE alloc_requests (
    id           INTEGER PRIMARY KEY,
    recipient_id INTEGER NOT NULL REFERENCES recipients(id),
    purpose      TEXT NOT NULL,
    urgency      TEXT NOT NULL,
    address      TEXT NOT NULL,
    contact      TEXT NOT NULL,
    status       TEXT NOT NULL,
    submitted_at BIGINT NOT NULL,
    created_by   TEXT NOT NULL
);

-- fulfilled grows as goods are dispatched; the rest stays open.
CREATE TABLE alloc_request_lines (
    id         INTEGER PRIMARY KEY,
    request_id INTEGER NOT NULL REFERENCES alloc_requests(id),
    line_no    INTEGER NOT NULL,
    item_id    INTEGER NOT NULL REFERENCES goods_items(id),
    quantity   BIGINT NOT NULL CHECK (quantity > 0),
    fulfilled  BIGINT NOT NULL DEFAULT 0 CHECK (fulfilled >= 0),
    UNIQUE (request_id, line_no)
);

-- +goose Down
DROP TABLE alloc_request_lines;
DROP TABLE alloc_requests;
DROP TABLE recipients;

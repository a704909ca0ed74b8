-- +goose Up
-- Allocations the task force proposes for a request, their approval steps
-- and every decision taken on them.
CREATE TABLE allocations (
    id           INTEGER PRIMARY KEY,
    request_id   INTEGER NOT NULL REFERENCES alloc_requests(id),
    status       TEXT NOT NULL,
    step         INTEGER NOT NULL,
    submitted_at BIGINT NOT NULL,
    decided_at   BIGINT,
    created_by   TEXT NOT NULL
);
CREATE INDEX allocations_status ON allocations(status, submitted_at);

CREATE TABLE allocation_lines (
    id              INTEGER PRIMARY KEY,
    allocation_id   INTEGER NOT NULL REFERENCES allocations(id),
    request_line_id INTEGER NOT NULL REFERENCES alloc_request_lines(id),
    lot_id          BIGINT NOT NULL,
    quantity        BIGINT NOT NULL CHECK (quantity >= 0),
    reason          TEXT NOT NULL DEFAULT ''
);

CREATE TABLE approval_actions (
    id            INTEGER PRIMARY KEY,
    allocation_id INTEGER NOT NULL REFERENCES allocations(id),
    step          INTEGER NOT NULL,
    decision      TEXT NOT NULL,
    comment       TEXT NOT NULL DEFAULT '',
    by_user       TEXT NOT NULL,
    role          TEXT NOT NULL,
    at            BIGINT NOT NULL
);

-- +goose Down
DROP TABLE approval_actions;
DROP TABLE allocation_lines;
DROP TABLE allocations;

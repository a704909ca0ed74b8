-- +goose Up
-- An approved allocation leaves on dispatch notes (one per warehouse its
-- lots are in); until then its lines hold (reserve) their stock and their
-- request lines.
ALTER TABLE dispatches ADD COLUMN allocation_id INTEGER REFERENCES allocations(id);
CREATE INDEX dispatches_allocation ON dispatches(allocation_id) WHERE allocation_id IS NOT NULL;

-- 线上审批、线下补办: the paper documents an allocation approved online
-- still owes, and when each was recorded. Reminders go out until then.
CREATE TABLE allocation_paperwork (
    id            INTEGER PRIMARY KEY,
    allocation_id INTEGER NOT NULL REFERENCES allocations(id),
    kind          TEXT NOT NULL,
    ref           TEXT NOT NULL DEFAULT '',
    recorded_at   BIGINT,
    recorded_by   TEXT NOT NULL DEFAULT '',
    reminded_at   BIGINT,
    UNIQUE (allocation_id, kind)
);
CREATE INDEX allocation_paperwork_owed ON allocation_paperwork(allocation_id) WHERE recorded_at IS NULL;

-- Files a requesting unit attaches to its request (letters, lists).
CREATE TABLE alloc_request_files (
    id           INTEGER PRIMARY KEY,
    request_id   INTEGER NOT NULL REFERENCES alloc_requests(id),
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    data         BLOB NOT NULL,
    created_at   BIGINT NOT NULL
);
CREATE INDEX alloc_request_files_request ON alloc_request_files(request_id);

-- +goose Down
DROP TABLE alloc_request_files;
DROP TABLE allocation_paperwork;
DROP INDEX dispatches_allocation;
ALTER TABLE dispatches DROP COLUMN allocation_id;

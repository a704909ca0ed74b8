-- +goose Up
-- The list compiled at each day's cut-off, kept as it was published to the
-- task force; one per day.
CREATE TABLE cutoff_lists (
    for_day     TEXT PRIMARY KEY,
    compiled_at BIGINT NOT NULL,
    lines       TEXT NOT NULL
);

-- +goose Down
DROP TABLE cutoff_lists;

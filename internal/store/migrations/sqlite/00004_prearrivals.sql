-- +goose Up
-- Pre-arrival notices (预到物资): goods pledged with the day they are
-- expected. Arrivals turn into in-kind intake; what has not arrived stays
-- expected.
CREATE TABLE prearrivals (
    id                 INTEGER PRIMARY KEY,
    branch_id          INTEGER NOT NULL REFERENCES branches(id),
    donor_kind         TEXT NOT NULL,
    donor_name         TEXT NOT NULL,
    anonymous          BOOLEAN NOT NULL,
    designation_kind   TEXT NOT NULL,
    designation_target TEXT NOT NULL DEFAULT '',
    expected_on        TEXT NOT NULL,
    note               TEXT NOT NULL DEFAULT '',
    created_by         TEXT NOT NULL,
    created_at         BIGINT NOT NULL
);
CREATE INDEX prearrivals_expected ON prearrivals(expected_on);

CREATE TABLE prearrival_lines (
    id            INTEGER PRIMARY KEY,
    prearrival_id INTEGER NOT NULL REFERENCES prearrivals(id),
    line_no       INTEGER NOT NULL,
    item_id       INTEGER NOT NULL REFERENCES goods_items(id),
    expected      BIGINT NOT NULL CHECK (expected > 0),
    arrived       BIGINT NOT NULL DEFAULT 0 CHECK (arrived >= 0),
    UNIQUE (prearrival_id, line_no)
);

-- +goose Down
DROP TABLE prearrival_lines;
DROP TABLE prearrivals;

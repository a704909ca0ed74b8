-- +goose Up
-- In-kind donations at intake: what the donor declared, who signed for
-- what, and what each line settled as. Accepted goods then enter stock
-- through a goods-received note.
CREATE TABLE inkind_donations (
    id                 INTEGER PRIMARY KEY,
    cert_no            TEXT NOT NULL UNIQUE,
    branch_id          INTEGER NOT NULL REFERENCES branches(id),
    donor_kind         TEXT NOT NULL,
    donor_name         TEXT NOT NULL,
    donor_phone        TEXT NOT NULL DEFAULT '',
    anonymous          BOOLEAN NOT NULL,
    designation_kind   TEXT NOT NULL,
    designation_target TEXT NOT NULL DEFAULT '',
    received_at        BIGINT NOT NULL,
    status             TEXT NOT NULL,
    receipt_doc_id     INTEGER REFERENCES stock_docs(id),
    created_by         TEXT NOT NULL,
    created_at         BIGINT NOT NULL
);

CREATE TABLE inkind_lines (
    id            INTEGER PRIMARY KEY,
    donation_id   INTEGER NOT NULL REFERENCES inkind_donations(id),
    line_no       INTEGER NOT NULL,
    item_id       INTEGER NOT NULL REFERENCES goods_items(id),
    spec          TEXT NOT NULL DEFAULT '',
    declared      BIGINT NOT NULL,
    batch         TEXT NOT NULL DEFAULT '',
    produced_on   TEXT NOT NULL DEFAULT '',
    expires_on    TEXT NOT NULL DEFAULT '',
    valuation     TEXT NOT NULL,
    declared_fen  BIGINT NOT NULL DEFAULT 0,
    evidence_kind TEXT NOT NULL DEFAULT '',
    evidence_ref  TEXT NOT NULL DEFAULT '',
    appraiser     TEXT NOT NULL DEFAULT '',
    report_no     TEXT NOT NULL DEFAULT '',
    appraised_fen BIGINT NOT NULL DEFAULT 0,
    appraised_on  TEXT NOT NULL DEFAULT '',
    accepted      BIGINT NOT NULL DEFAULT 0,
    quarantined   BIGINT NOT NULL DEFAULT 0,
    rejected      BIGINT NOT NULL DEFAULT 0,
    UNIQUE (donation_id, line_no)
);

CREATE TABLE inkind_signoffs (
    id          INTEGER PRIMARY KEY,
    donation_id INTEGER NOT NULL REFERENCES inkind_donations(id),
    line_no     INTEGER NOT NULL,
    role        TEXT NOT NULL,
    person      TEXT NOT NULL,
    counted     BIGINT NOT NULL,
    verdict     TEXT NOT NULL,
    reason      TEXT NOT NULL DEFAULT '',
    signed_by   TEXT NOT NULL,
    at          BIGINT NOT NULL,
    UNIQUE (donation_id, line_no, role)
);

-- +goose Down
DROP TABLE inkind_signoffs;
DROP TABLE inkind_lines;
DROP TABLE inkind_donations;

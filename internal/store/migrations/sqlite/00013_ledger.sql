-- +goose Up
-- The double-entry book (issue #4). Transactions and their postings are
-- appended, never edited: a correction is a reversing transaction. A
-- balance is derived, never kept in a row every posting updates (that row
-- would serialise all intake): postings carry their fund, and a
-- checkpoint per fund is rolled forward in the background.
CREATE TABLE ledger_txns (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,
    at          BIGINT NOT NULL,
    period      TEXT NOT NULL,
    ref         TEXT NOT NULL,
    donation_id INTEGER REFERENCES donations(id),
    reverses_id INTEGER UNIQUE REFERENCES ledger_txns(id),
    reason      TEXT NOT NULL DEFAULT '',
    approver    TEXT NOT NULL DEFAULT '',
    consent     TEXT NOT NULL DEFAULT '',
    created_by  TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
-- A record posts once; its reversal shares its ref. (A donation posts
-- once because it is inserted once, in the same transaction: its ref is
-- left out of the index, which intake would otherwise pay for.)
CREATE UNIQUE INDEX ledger_txns_ref ON ledger_txns(ref) WHERE kind NOT IN ('reversal', 'donation');

-- amount is signed, debit positive: a transaction balances when its
-- postings sum to zero. fund is the fund the posting belongs to (its own
-- account, or the fund an expense is charged to); '' for asset accounts.
CREATE TABLE ledger_postings (
    id      INTEGER PRIMARY KEY,
    txn_id  INTEGER NOT NULL REFERENCES ledger_txns(id),
    account TEXT NOT NULL,
    fund    TEXT NOT NULL DEFAULT '',
    amount  BIGINT NOT NULL CHECK (amount <> 0)
);
CREATE INDEX ledger_postings_txn ON ledger_postings(txn_id);
CREATE INDEX ledger_postings_fund ON ledger_postings(fund, id);

-- A fund's balance through a posting id; the rest is summed on read.
CREATE TABLE ledger_checkpoints (
    fund       TEXT PRIMARY KEY,
    through_id BIGINT NOT NULL,
    balance    BIGINT NOT NULL
);

-- Months closed to back-dated entries ('' while none is).
CREATE TABLE ledger_periods (
    id             INTEGER PRIMARY KEY CHECK (id = 1),
    closed_through TEXT NOT NULL,
    closed_by      TEXT NOT NULL DEFAULT '',
    closed_at      BIGINT NOT NULL DEFAULT 0
);
INSERT INTO ledger_periods (id, closed_through) VALUES (1, '');

-- Expenditure: pending → approved → paid (or rejected), drawing on named
-- funds, linked to the donations whose money it used.
CREATE TABLE expenditures (
    id             INTEGER PRIMARY KEY,
    kind           TEXT NOT NULL,
    payee          TEXT NOT NULL,
    purpose_kind   TEXT NOT NULL,
    purpose_target TEXT NOT NULL DEFAULT '',
    note           TEXT NOT NULL DEFAULT '',
    amount         BIGINT NOT NULL CHECK (amount > 0),
    status         TEXT NOT NULL,
    requested_by   TEXT NOT NULL,
    approvers      TEXT NOT NULL DEFAULT '',
    reason         TEXT NOT NULL DEFAULT '',
    created_at     BIGINT NOT NULL,
    decided_at     BIGINT,
    paid_at        BIGINT,
    txn_id         INTEGER REFERENCES ledger_txns(id)
);
CREATE INDEX expenditures_status ON expenditures(status, id);

CREATE TABLE expenditure_draws (
    expenditure_id INTEGER NOT NULL REFERENCES expenditures(id),
    fund           TEXT NOT NULL,
    amount         BIGINT NOT NULL CHECK (amount > 0),
    PRIMARY KEY (expenditure_id, fund)
);

-- Money that came into a fund, by donation, and how much of it spending
-- (or a release to another fund) has used: first in, first out reads the
-- fund's unused inflows in order. A release moves the donors' money on as
-- new inflows of the receiving fund, keeping whose money it is.
CREATE TABLE fund_inflows (
    id          INTEGER PRIMARY KEY,
    fund        TEXT NOT NULL,
    donation_id INTEGER NOT NULL REFERENCES donations(id),
    amount      BIGINT NOT NULL CHECK (amount > 0),
    used        BIGINT NOT NULL DEFAULT 0 CHECK (used >= 0 AND used <= amount),
    txn_id      INTEGER NOT NULL REFERENCES ledger_txns(id)
);
CREATE INDEX fund_inflows_unused ON fund_inflows(fund, id) WHERE used < amount;
CREATE INDEX fund_inflows_donation ON fund_inflows(donation_id, id);

-- Which donations' money paid for which expenditure (or moved in which
-- release): "where did my money go" one way, "whose money paid for this"
-- the other.
CREATE TABLE fund_links (
    id             INTEGER PRIMARY KEY,
    donation_id    INTEGER NOT NULL REFERENCES donations(id),
    expenditure_id INTEGER REFERENCES expenditures(id),
    txn_id         INTEGER NOT NULL REFERENCES ledger_txns(id),
    fund           TEXT NOT NULL,
    amount         BIGINT NOT NULL CHECK (amount > 0)
);
CREATE INDEX fund_links_donation ON fund_links(donation_id, id);
CREATE INDEX fund_links_expenditure ON fund_links(expenditure_id, id);

-- Warnings for supervisors (预警): what happened, about what, when.
CREATE TABLE alerts (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL,
    ref        TEXT NOT NULL DEFAULT '',
    message    TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX alerts_created ON alerts(created_at);
-- +goose StatementBegin
CREATE TRIGGER ledger_txns_no_update BEFORE UPDATE ON ledger_txns BEGIN SELECT RAISE(ABORT, 'ledger transactions are immutable'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER ledger_txns_no_delete BEFORE DELETE ON ledger_txns BEGIN SELECT RAISE(ABORT, 'ledger transactions are immutable'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER ledger_postings_no_update BEFORE UPDATE ON ledger_postings BEGIN SELECT RAISE(ABORT, 'ledger postings are immutable'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER ledger_postings_no_delete BEFORE DELETE ON ledger_postings BEGIN SELECT RAISE(ABORT, 'ledger postings are immutable'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER fund_links_no_update BEFORE UPDATE ON fund_links BEGIN SELECT RAISE(ABORT, 'fund links are immutable'); END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE alerts;
DROP TABLE fund_inflows;
DROP TABLE fund_links;
DROP TABLE expenditure_draws;
DROP TABLE expenditures;
DROP TABLE ledger_periods;
DROP TABLE ledger_checkpoints;
DROP TABLE ledger_postings;
DROP TABLE ledger_txns;

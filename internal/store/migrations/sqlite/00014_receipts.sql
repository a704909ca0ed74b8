-- +goose Up
-- Donation receipts, 公益事业捐赠票据 (issue #4). Nothing here is ever
-- deleted. A range's count of used numbers only grows; a receipt changes
-- once, from issued to voided, and its void row says why; every number a
-- range has handed out is on a valid receipt or has a void row.

-- Runs of numbers the finance bureau gave the society, start_no to end_no
-- inclusive under one 票据代码, held by one person or office. used counts
-- the numbers handed out, strictly in order.
CREATE TABLE receipt_ranges (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL,
    start_no    BIGINT NOT NULL,
    end_no      BIGINT NOT NULL,
    width       INTEGER NOT NULL,
    holder      TEXT NOT NULL,
    used        BIGINT NOT NULL DEFAULT 0,
    obtained_on TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    created_by  TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    CHECK (start_no >= 1 AND end_no >= start_no AND used >= 0 AND used <= end_no - start_no + 1),
    UNIQUE (code, start_no)
);

-- A receipt for a money donation (donation_id) or for one line of an
-- in-kind donation (inkind_id, line_no from 0).
CREATE TABLE receipts (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL,
    number      BIGINT NOT NULL,
    width       INTEGER NOT NULL,
    range_id    INTEGER NOT NULL REFERENCES receipt_ranges(id),
    check_code  TEXT NOT NULL,
    donation_id INTEGER REFERENCES donations(id),
    inkind_id   INTEGER REFERENCES inkind_donations(id),
    line_no     INTEGER,
    payer_kind  TEXT NOT NULL,
    payer_name  TEXT NOT NULL,
    payer_uscc  TEXT NOT NULL DEFAULT '',
    project     TEXT NOT NULL,
    unit        TEXT NOT NULL DEFAULT '',
    quantity    BIGINT NOT NULL CHECK (quantity > 0),
    amount_fen  BIGINT NOT NULL CHECK (amount_fen > 0),
    reviewer    TEXT NOT NULL,
    payee       TEXT NOT NULL,
    issued_on   TEXT NOT NULL,
    issued_by   TEXT NOT NULL,
    issued_at   BIGINT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('issued', 'voided')),
    reissue_of  INTEGER UNIQUE REFERENCES receipts(id),
    CHECK ((donation_id IS NULL) <> (inkind_id IS NULL)),
    CHECK ((inkind_id IS NULL) = (line_no IS NULL)),
    UNIQUE (code, number)
);
-- One valid receipt per gift, whatever runs concurrently.
CREATE UNIQUE INDEX receipts_live_donation ON receipts(donation_id) WHERE status = 'issued' AND donation_id IS NOT NULL;
CREATE UNIQUE INDEX receipts_live_line ON receipts(inkind_id, line_no) WHERE status = 'issued' AND inkind_id IS NOT NULL;
CREATE INDEX receipts_donation ON receipts(donation_id);
CREATE INDEX receipts_inkind ON receipts(inkind_id, line_no);
CREATE INDEX receipts_issued_at ON receipts(issued_at);

-- Why a number carries no valid receipt: a receipt voided after issue, or
-- a form spoiled before it (receipt_id NULL).
CREATE TABLE receipt_voids (
    id         INTEGER PRIMARY KEY,
    code       TEXT NOT NULL,
    number     BIGINT NOT NULL,
    receipt_id INTEGER UNIQUE REFERENCES receipts(id),
    reason     TEXT NOT NULL CHECK (reason <> ''),
    voided_by  TEXT NOT NULL,
    voided_at  BIGINT NOT NULL,
    UNIQUE (code, number)
);

-- Donors' choices about a receipt, as they tell the society: declined,
-- anonymous (no receipt in their name), or wanted (a change of mind).
-- The latest row for a gift counts.
CREATE TABLE receipt_choices (
    id          INTEGER PRIMARY KEY,
    donation_id INTEGER REFERENCES donations(id),
    inkind_id   INTEGER REFERENCES inkind_donations(id),
    choice      TEXT NOT NULL CHECK (choice IN ('declined', 'anonymous', 'wanted')),
    note        TEXT NOT NULL DEFAULT '',
    recorded_by TEXT NOT NULL,
    recorded_at BIGINT NOT NULL,
    CHECK ((donation_id IS NULL) <> (inkind_id IS NULL))
);
CREATE INDEX receipt_choices_donation ON receipt_choices(donation_id, id);
CREATE INDEX receipt_choices_inkind ON receipt_choices(inkind_id, id);

-- A donor's request for a receipt, answered by the receipt issued.
CREATE TABLE receipt_requests (
    id           INTEGER PRIMARY KEY,
    donation_id  INTEGER NOT NULL REFERENCES donations(id),
    requested_at BIGINT NOT NULL,
    channel      TEXT NOT NULL DEFAULT '',
    recorded_by  TEXT NOT NULL,
    answered_at  BIGINT,
    receipt_id   INTEGER REFERENCES receipts(id)
);
CREATE UNIQUE INDEX receipt_requests_open ON receipt_requests(donation_id) WHERE answered_at IS NULL;
CREATE INDEX receipt_requests_unanswered ON receipt_requests(requested_at) WHERE answered_at IS NULL;

-- The society's receipt keys, made on first use and never shown: the
-- HMAC key of the 校验码 and the Ed25519 seed that signs the
-- machine-readable form.
CREATE TABLE receipt_keys (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    check_key  BLOB NOT NULL,
    sign_seed  BLOB NOT NULL,
    created_at BIGINT NOT NULL
);

-- +goose StatementBegin
CREATE TRIGGER receipt_ranges_no_delete BEFORE DELETE ON receipt_ranges BEGIN SELECT RAISE(ABORT, 'receipt ranges are never deleted'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER receipt_ranges_only_use BEFORE UPDATE ON receipt_ranges
WHEN NEW.used < OLD.used OR NEW.id <> OLD.id OR NEW.code <> OLD.code OR NEW.start_no <> OLD.start_no OR NEW.end_no <> OLD.end_no
    OR NEW.width <> OLD.width OR NEW.holder <> OLD.holder OR NEW.obtained_on <> OLD.obtained_on OR NEW.note <> OLD.note
    OR NEW.created_by <> OLD.created_by OR NEW.created_at <> OLD.created_at
BEGIN SELECT RAISE(ABORT, 'a receipt range only hands out numbers'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER receipts_no_delete BEFORE DELETE ON receipts BEGIN SELECT RAISE(ABORT, 'receipts are never deleted: void them'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER receipts_only_void BEFORE UPDATE OF id, code, number, width, range_id, check_code, donation_id, inkind_id, line_no,
    payer_kind, payer_name, payer_uscc, project, unit, quantity, amount_fen, reviewer, payee, issued_on, issued_by, issued_at, reissue_of ON receipts
BEGIN SELECT RAISE(ABORT, 'a receipt is never edited: void it and reissue'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER receipts_void_once BEFORE UPDATE OF status ON receipts
WHEN NOT (OLD.status = 'issued' AND NEW.status = 'voided')
BEGIN SELECT RAISE(ABORT, 'a receipt only goes from issued to voided'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER receipt_voids_no_update BEFORE UPDATE ON receipt_voids BEGIN SELECT RAISE(ABORT, 'receipt voids are immutable'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER receipt_voids_no_delete BEFORE DELETE ON receipt_voids BEGIN SELECT RAISE(ABORT, 'receipt voids are immutable'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER receipt_choices_no_update BEFORE UPDATE ON receipt_choices BEGIN SELECT RAISE(ABORT, 'receipt choices are immutable'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER receipt_choices_no_delete BEFORE DELETE ON receipt_choices BEGIN SELECT RAISE(ABORT, 'receipt choices are immutable'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER receipt_requests_no_delete BEFORE DELETE ON receipt_requests BEGIN SELECT RAISE(ABORT, 'receipt requests are never deleted'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER receipt_requests_answer_once BEFORE UPDATE ON receipt_requests
WHEN OLD.answered_at IS NOT NULL OR NEW.answered_at IS NULL OR NEW.id <> OLD.id OR NEW.donation_id <> OLD.donation_id
    OR NEW.requested_at <> OLD.requested_at OR NEW.channel <> OLD.channel OR NEW.recorded_by <> OLD.recorded_by
BEGIN SELECT RAISE(ABORT, 'a receipt request is answered once'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER receipt_keys_no_update BEFORE UPDATE ON receipt_keys BEGIN SELECT RAISE(ABORT, 'receipt keys are never replaced'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER receipt_keys_no_delete BEFORE DELETE ON receipt_keys BEGIN SELECT RAISE(ABORT, 'receipt keys are never replaced'); END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE receipt_keys;
DROP TABLE receipt_requests;
DROP TABLE receipt_choices;
DROP TABLE receipt_voids;
DROP TABLE receipts;
DROP TABLE receipt_ranges;

-- +goose Up
-- The book as transfers (issue #4: intake within 20% of its cost before
-- the ledger). A row of ledger_txns is now one transfer: amount moved
-- from the credit account to the debit account, balanced by its own
-- shape (amount > 0, two different accounts), so a donation is a single
-- row instead of a header and two postings. A transaction of several
-- legs (a payment from several funds) is several transfers: the first
-- carries the transaction's id (txn_id NULL), the others point at it.
-- Postings stay readable as the view ledger_postings.
--
-- A donation's fund inflow is no longer written at intake either:
-- spending catches a fund's inflows up from its donation transfers first
-- (fund_cursors says how far). Checkpoints count transfer ids; those
-- counted by posting id are dropped and rolled afresh.
-- +goose StatementBegin
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM ledger_postings GROUP BY txn_id
               HAVING COUNT(*) FILTER (WHERE amount > 0) > 1 AND COUNT(*) FILTER (WHERE amount < 0) > 1) THEN
        RAISE EXCEPTION 'a ledger transaction with several debits and several credits does not pair into transfers';
    END IF;
END $$;
-- +goose StatementEnd
CREATE TABLE ledger_pairs AS
    SELECT c.txn_id AS txn_id, c.id AS ord, d.account AS debit, d.fund AS dr_fund, c.account AS credit, c.fund AS cr_fund, -c.amount AS amount
    FROM ledger_postings c JOIN ledger_postings d ON d.txn_id = c.txn_id AND d.amount > 0
    WHERE c.amount < 0 AND (SELECT COUNT(*) FROM ledger_postings x WHERE x.txn_id = c.txn_id AND x.amount > 0) = 1
    UNION ALL
    SELECT d.txn_id, d.id, d.account, d.fund, c.account, c.fund, d.amount
    FROM ledger_postings d JOIN ledger_postings c ON c.txn_id = d.txn_id AND c.amount < 0
    WHERE d.amount > 0 AND (SELECT COUNT(*) FROM ledger_postings x WHERE x.txn_id = d.txn_id AND x.amount > 0) > 1;

-- Second legs repeat their transaction's ref and reversal: both unique
-- indexes come back below, on first legs only.
DROP INDEX ledger_txns_ref;
ALTER TABLE ledger_txns DROP CONSTRAINT ledger_txns_reverses_id_key;
ALTER TABLE ledger_txns ADD COLUMN txn_id BIGINT, ADD COLUMN debit TEXT, ADD COLUMN credit TEXT, ADD COLUMN amount BIGINT,
    ADD COLUMN dr_fund TEXT NOT NULL DEFAULT '', ADD COLUMN cr_fund TEXT NOT NULL DEFAULT '';
ALTER TABLE ledger_txns DISABLE TRIGGER ledger_txns_immutable;
UPDATE ledger_txns t SET debit = p.debit, credit = p.credit, amount = p.amount, dr_fund = p.dr_fund, cr_fund = p.cr_fund
    FROM ledger_pairs p WHERE p.txn_id = t.id AND p.ord = (SELECT MIN(ord) FROM ledger_pairs q WHERE q.txn_id = t.id);
ALTER TABLE ledger_txns ENABLE TRIGGER ledger_txns_immutable;
-- Second legs take ids after every transaction's (whatever set them).
SELECT setval(pg_get_serial_sequence('ledger_txns', 'id'), (SELECT COALESCE(MAX(id), 0) FROM ledger_txns) + 1, false);
INSERT INTO ledger_txns (txn_id, kind, at, period, ref, donation_id, reverses_id, reason, approver, consent, created_by, created_at,
        debit, credit, amount, dr_fund, cr_fund)
    SELECT t.id, t.kind, t.at, t.period, t.ref, t.donation_id, t.reverses_id, t.reason, t.approver, t.consent, t.created_by, t.created_at,
        p.debit, p.credit, p.amount, p.dr_fund, p.cr_fund
    FROM ledger_txns t JOIN ledger_pairs p ON p.txn_id = t.id AND p.ord > (SELECT MIN(ord) FROM ledger_pairs q WHERE q.txn_id = t.id)
    ORDER BY t.id, p.ord;
DROP TABLE ledger_pairs;
DROP TABLE ledger_postings;
ALTER TABLE ledger_txns ALTER COLUMN debit SET NOT NULL, ALTER COLUMN credit SET NOT NULL, ALTER COLUMN amount SET NOT NULL,
    ADD CONSTRAINT ledger_txns_amount CHECK (amount > 0), ADD CONSTRAINT ledger_txns_two_accounts CHECK (debit <> credit),
    ADD CONSTRAINT ledger_txns_leg CHECK (txn_id IS NULL OR txn_id < id);
-- A record posts once; its reversal shares its ref (donations post once
-- because they are inserted once, in the same transaction).
CREATE UNIQUE INDEX ledger_txns_ref ON ledger_txns(ref) WHERE txn_id IS NULL AND kind NOT IN ('reversal', 'donation');
CREATE UNIQUE INDEX ledger_txns_reverses ON ledger_txns(reverses_id) WHERE txn_id IS NULL AND reverses_id IS NOT NULL;
CREATE INDEX ledger_txns_legs ON ledger_txns(txn_id) WHERE txn_id IS NOT NULL;
-- A fund's tail since its checkpoint, and what came into it since its
-- cursor: credits and debits apart, each only where there is a fund.
CREATE INDEX ledger_txns_cr_fund ON ledger_txns(cr_fund, id) WHERE cr_fund <> '';
CREATE INDEX ledger_txns_dr_fund ON ledger_txns(dr_fund, id) WHERE dr_fund <> '';
-- Postings as before: amount signed, debit positive; txn_id is the
-- transaction's.
CREATE VIEW ledger_postings AS
    SELECT COALESCE(txn_id, id) AS txn_id, id AS transfer_id, debit AS account, dr_fund AS fund, amount FROM ledger_txns
    UNION ALL
    SELECT COALESCE(txn_id, id), id, credit, cr_fund, -amount FROM ledger_txns;

DELETE FROM ledger_checkpoints;
CREATE TABLE fund_cursors (
    fund       TEXT PRIMARY KEY,
    through_id BIGINT NOT NULL
);
INSERT INTO fund_cursors (fund, through_id)
    SELECT i.fund, MAX(i.txn_id) FROM fund_inflows i JOIN ledger_txns t ON t.id = i.txn_id WHERE t.kind = 'donation' GROUP BY i.fund;
DROP INDEX fund_inflows_unused;
CREATE INDEX fund_inflows_unused ON fund_inflows(fund, txn_id, id) WHERE used < amount;

-- +goose Down
INSERT INTO fund_inflows (fund, donation_id, amount, txn_id)
    SELECT t.cr_fund, t.donation_id, t.amount, t.id FROM ledger_txns t LEFT JOIN fund_cursors c ON c.fund = t.cr_fund
    WHERE t.kind = 'donation' AND t.cr_fund <> '' AND t.id > COALESCE(c.through_id, 0) ORDER BY t.id;
DROP TABLE fund_cursors;
DROP INDEX fund_inflows_unused;
CREATE INDEX fund_inflows_unused ON fund_inflows(fund, id) WHERE used < amount;
DELETE FROM ledger_checkpoints;
CREATE TABLE ledger_postings_old (
    id      BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    txn_id  BIGINT NOT NULL REFERENCES ledger_txns(id),
    account TEXT NOT NULL,
    fund    TEXT NOT NULL DEFAULT '',
    amount  BIGINT NOT NULL CHECK (amount <> 0)
);
INSERT INTO ledger_postings_old (txn_id, account, fund, amount)
    SELECT txn_id, account, fund, SUM(amount) FROM ledger_postings GROUP BY txn_id, account, fund, amount > 0
    ORDER BY txn_id, MIN(transfer_id), SUM(amount) < 0;
DROP VIEW ledger_postings;
ALTER TABLE ledger_txns DISABLE TRIGGER ledger_txns_immutable;
DELETE FROM ledger_txns WHERE txn_id IS NOT NULL;
ALTER TABLE ledger_txns ENABLE TRIGGER ledger_txns_immutable;
DROP INDEX ledger_txns_cr_fund;
DROP INDEX ledger_txns_dr_fund;
DROP INDEX ledger_txns_legs;
DROP INDEX ledger_txns_reverses;
DROP INDEX ledger_txns_ref;
ALTER TABLE ledger_txns DROP COLUMN txn_id, DROP COLUMN debit, DROP COLUMN credit, DROP COLUMN amount, DROP COLUMN dr_fund, DROP COLUMN cr_fund;
ALTER TABLE ledger_txns ADD CONSTRAINT ledger_txns_reverses_id_key UNIQUE (reverses_id);
CREATE UNIQUE INDEX ledger_txns_ref ON ledger_txns(ref) WHERE kind NOT IN ('reversal', 'donation');
ALTER TABLE ledger_postings_old RENAME TO ledger_postings;
CREATE INDEX ledger_postings_txn ON ledger_postings(txn_id);
CREATE INDEX ledger_postings_fund ON ledger_postings(fund, id);
CREATE TRIGGER ledger_postings_immutable BEFORE UPDATE OR DELETE ON ledger_postings FOR EACH ROW EXECUTE FUNCTION boai_immutable();

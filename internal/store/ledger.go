package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"boai"
	"boai/internal/audit"
	"boai/internal/donation"
	"boai/internal/ledger"
	"boai/internal/money"
)

// The book (issue #4). A money donation posts its transaction in the same
// database transaction as its intake; spending, releases and reversals go
// through the writer one at a time and read a fund's balance there, so a
// fund never goes below zero; donations never read a balance, so they
// still commit in groups.

// closedThrough is the last closed month ("" when none).
func (t *Tx) closedThrough(ctx context.Context) (ledger.Period, error) {
	if t.closed != nil {
		return ledger.Period(*t.closed), nil
	}
	var p string
	if err := t.queryRow(ctx, "SELECT closed_through FROM ledger_periods WHERE id = 1").Scan(&p); err != nil {
		return "", err
	}
	t.closed = &p
	return ledger.Period(p), nil
}

// checkOpen refuses an entry dated into a closed month.
func (t *Tx) checkOpen(ctx context.Context, at time.Time) error {
	closed, err := t.closedThrough(ctx)
	if err != nil {
		return err
	}
	return ledger.CheckOpen(closed, at, CertLocation)
}

// A row of ledger_txns is one transfer (00015): amount moved from its
// credit account to its debit account. A transaction of several legs is
// several rows; the first carries the transaction's id and the others
// point at it with txn_id.
const (
	transferCols   = "txn_id, kind, at, period, ref, donation_id, reverses_id, reason, approver, consent, created_by, created_at, debit, credit, amount, dr_fund, cr_fund"
	insertTransfer = "INSERT INTO ledger_txns (" + transferCols + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
	// A donation is one transfer: what every intake runs (prepared once
	// on SQLite, see hotWrites).
	insertDonationTransfer = `INSERT INTO ledger_txns (kind, at, period, ref, donation_id, created_by, created_at, debit, credit, amount, cr_fund)
		VALUES ('donation', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	insertInflowStmt = "INSERT INTO fund_inflows (fund, donation_id, amount, txn_id) VALUES (?, ?, ?, ?)"
)

// transfer is one row of the book.
type transfer struct {
	debit, credit ledger.Account
	amount        money.Fen
}

// transfers pairs a balanced transaction's postings into transfers,
// debits against credits in their order; what is left over on either
// side means the postings do not balance.
func transfers(ps []ledger.Posting) ([]transfer, error) {
	type leg struct {
		a ledger.Account
		v money.Fen
	}
	var dr, cr []leg
	for _, p := range ps {
		if v := p.Signed(); v > 0 {
			dr = append(dr, leg{p.Account, v})
		} else if v < 0 {
			cr = append(cr, leg{p.Account, -v})
		}
	}
	var out []transfer
	i, j := 0, 0
	for i < len(dr) && j < len(cr) {
		n := min(dr[i].v, cr[j].v)
		if dr[i].a == cr[j].a {
			return nil, fmt.Errorf("account %s on both sides of one transfer", dr[i].a)
		}
		out = append(out, transfer{debit: dr[i].a, credit: cr[j].a, amount: n})
		if dr[i].v -= n; dr[i].v == 0 {
			i++
		}
		if cr[j].v -= n; cr[j].v == 0 {
			j++
		}
	}
	if i < len(dr) || j < len(cr) || len(out) == 0 {
		return nil, fmt.Errorf("postings do not balance")
	}
	return out, nil
}

// postTxn records a validated transaction as its transfers and returns
// its id. Each transfer balances by its shape (a positive amount between
// two accounts, checked by the database too), so the transaction does.
func (t *Tx) postTxn(ctx context.Context, tx *ledger.Transaction, donationID int64, by string) (int64, error) {
	if err := tx.Validate(); err != nil {
		return 0, err
	}
	if err := t.checkOpen(ctx, tx.At); err != nil {
		return 0, err
	}
	trs, err := transfers(tx.Postings)
	if err != nil {
		return 0, fmt.Errorf("ledger transaction %s: %w", tx.Ref, err)
	}
	var id int64
	for i, tr := range trs {
		var txnID any
		if i > 0 {
			txnID = id
		}
		n, err := t.insert(ctx, insertTransfer, txnID, tx.Kind, micros(tx.At), string(ledger.PeriodOf(tx.At, CertLocation)), tx.Ref,
			nullID(donationID), nullID(tx.Reverses), tx.Reason, tx.Approver, tx.Consent, by, micros(t.db.Now()),
			string(tr.debit), string(tr.credit), int64(tr.amount), string(tr.debit.Fund()), string(tr.credit.Fund()))
		if err != nil {
			if isUniqueViolation(err) {
				return 0, boai.Errorf(boai.ECONFLICT, "该业务已入账 / already posted: %s", tx.Ref)
			}
			return 0, fmt.Errorf("insert ledger transfer: %w", err)
		}
		if i == 0 {
			id = n
		}
	}
	tx.ID = id
	return id, nil
}

// postDonation posts a money donation with its intake: one transfer from
// its fund to where the money arrived. (The fund's inflow row, which
// spending uses, is caught up from these transfers when the fund is next
// spent from: intake writes nothing more.) A reversal posts the
// reversal of the donation's transaction, if none of the money has been
// spent yet.
func (t *Tx) postDonation(ctx context.Context, d *donation.Donation, by string) error {
	if d.Kind == donation.KindReversal {
		return t.postDonationReversal(ctx, d, by)
	}
	tx, err := ledger.ForDonation(d)
	if err != nil {
		return err
	}
	if err := t.checkOpen(ctx, tx.At); err != nil {
		return err
	}
	asset, fund := tx.Postings[0].Account, tx.Postings[1].Account
	if err := t.holdFunds(ctx, []ledger.Account{fund}); err != nil {
		return err
	}
	// One row, balanced by its shape: intake pays for nothing more.
	if _, err := t.exec(ctx, insertDonationTransfer, micros(tx.At), string(ledger.PeriodOf(tx.At, CertLocation)), tx.Ref, d.ID, by,
		micros(t.db.Now()), string(asset), string(fund), int64(d.AmountFen), string(fund)); err != nil {
		return fmt.Errorf("post donation: %w", err)
	}
	return nil
}

// batchLedger is the rest of a batch's donation INSERT on PostgreSQL
// (insertDonations): common table expressions that post each inserted
// donation's transfer in the same statement, so the book costs a batch
// no extra round trip. The donations come in as CTE d (id, cert_no,
// received_at); the statement ends with what it posted, as CTE x
// (id, donation_id), for the caller to check that every inserted
// donation posted.
//
// Inside the statement, before any transfer id is drawn (the CTE lk is
// an aggregate, so it has taken every lock before it yields the row each
// transfer joins), the batch takes its funds' shared locks (holdFunds).
// A donation dated into a closed month does not post; the caller sees it
// missing and the batch runs again a donation at a time, where it is
// refused with its reason.
func (t *Tx) batchLedger(ws []*donationWrite) (string, []any, error) {
	n := len(ws)
	certs, assets, funds, periods, by := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	amounts := make([]int64, n)
	var keys []string
	for i, w := range ws {
		if w.d.Kind == donation.KindReversal {
			return "", nil, fmt.Errorf("a reversal in a donation batch")
		}
		tx, err := ledger.ForDonation(w.d)
		if err != nil {
			return "", nil, err
		}
		fund := tx.Postings[1].Account
		if k := "fund:" + string(fund); !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
		certs[i], assets[i], funds[i], amounts[i] = w.d.CertNo, string(tx.Postings[0].Account), string(fund), int64(w.d.AmountFen)
		periods[i], by[i] = string(ledger.PeriodOf(w.d.ReceivedAt, CertLocation)), w.a.Username
	}
	slices.Sort(keys)
	const q = `, lk AS (SELECT COUNT(pg_advisory_xact_lock_shared(hashtext(current_schema() || '/' || k))) AS n FROM unnest(?::text[]) AS k),
	l AS (SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::bigint[], ?::text[], ?::text[]) AS l(cert, asset, fund, amount, period, by)),
	x AS (INSERT INTO ledger_txns (kind, at, period, ref, donation_id, created_by, created_at, debit, credit, amount, cr_fund)
		SELECT 'donation', d.received_at, l.period, 'donation:' || d.id, d.id, l.by, ?, l.asset, l.fund, l.amount, l.fund
		FROM d JOIN l ON l.cert = d.cert_no CROSS JOIN lk
		WHERE l.period > (SELECT closed_through FROM ledger_periods WHERE id = 1) AND lk.n >= 0
		ORDER BY d.id
		RETURNING id, donation_id)`
	return q, []any{keys, certs, assets, funds, amounts, periods, by, micros(t.db.Now())}, nil
}

// postDonationReversal cancels a donation's transaction when the donation
// is reversed. Money already spent (or moved by a release) cannot be
// taken back: the reversal is refused, naming what used it.
func (t *Tx) postDonationReversal(ctx context.Context, rev *donation.Donation, by string) error {
	// The donation's own transaction, found through its first inflow
	// (indexed by donation), not by its ref (not indexed, see 00013),
	// once its fund's inflows are caught up.
	orig0, err := scanDonation(t.queryRow(ctx, "SELECT "+donationCols+donationFrom+" WHERE d.id = ?", rev.ReversesID))
	if err != nil {
		return fmt.Errorf("donation reversed: %w", err)
	}
	if otx, err := ledger.ForDonation(orig0); err == nil {
		if err := t.catchUp(ctx, otx.Postings[1].Account); err != nil {
			return err
		}
	}
	var txnID int64
	err = t.queryRow(ctx, "SELECT txn_id FROM fund_inflows WHERE donation_id = ? ORDER BY id LIMIT 1", rev.ReversesID).Scan(&txnID)
	var orig *ledger.Transaction
	if err == nil {
		orig, err = t.txnByID(ctx, txnID)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return nil // recorded before the book existed: nothing to cancel
	} else if err != nil {
		return err
	}
	var used, n int64
	if err := t.queryRow(ctx, "SELECT COALESCE(SUM(used), 0), COUNT(*) FROM fund_inflows WHERE donation_id = ?", rev.ReversesID).Scan(&used, &n); err != nil {
		return err
	}
	if used > 0 || n > 1 {
		return boai.Errorf(boai.ECONFLICT, "该捐赠的款项已被支出或转出（%s），不能冲正 / this donation's money has already been spent or moved (%s) and cannot be reversed",
			money.Fen(used).Yuan(), money.Fen(used).Yuan())
	}
	r, err := ledger.Reverse(*orig, rev.CreatedAt, rev.Reason, by)
	if err != nil {
		return err
	}
	// Dated when it is made: a closed month stays closed.
	if _, err := t.postTxn(ctx, &r, rev.ID, by); err != nil {
		return err
	}
	_, err = t.exec(ctx, "UPDATE fund_inflows SET used = amount WHERE donation_id = ?", rev.ReversesID)
	return err
}

// txnByID reads a recorded transaction with its postings.
func (t *Tx) txnByID(ctx context.Context, id int64) (*ledger.Transaction, error) {
	tx := &ledger.Transaction{}
	var at int64
	var reverses sql.NullInt64
	if err := t.queryRow(ctx, "SELECT id, kind, at, ref, reverses_id, reason, approver, consent FROM ledger_txns WHERE id = ?", id).Scan(
		&tx.ID, &tx.Kind, &at, &tx.Ref, &reverses, &tx.Reason, &tx.Approver, &tx.Consent); err != nil {
		return nil, err
	}
	tx.At, tx.Reverses = fromMicros(at), reverses.Int64
	rows, err := t.query(ctx, "SELECT debit, credit, amount FROM ledger_txns WHERE id = ? OR txn_id = ? ORDER BY id", tx.ID, tx.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var dr, cr string
		var v int64
		if err := rows.Scan(&dr, &cr, &v); err != nil {
			return nil, err
		}
		tx.Postings = append(tx.Postings, ledger.Dr(ledger.Account(dr), money.Fen(v)), ledger.Cr(ledger.Account(cr), money.Fen(v)))
	}
	return tx, rows.Err()
}

// fundBalance is what a fund holds: its checkpoint plus the postings
// after it. Read inside the writer, it is exact for the spend that reads it.
func (t *Tx) fundBalance(ctx context.Context, fund ledger.Account) (money.Fen, error) {
	var through, base int64
	err := t.queryRow(ctx, "SELECT through_id, balance FROM ledger_checkpoints WHERE fund = ?", string(fund)).Scan(&through, &base)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, err
	}
	_, tail, err := t.fundTail(ctx, fund, through)
	return money.Fen(base + tail), err
}

// fundTail sums what came into a fund less what left it after transfer
// through, and names the last transfer summed (through when none).
func (t *Tx) fundTail(ctx context.Context, fund ledger.Account, through int64) (last, sum int64, err error) {
	var crLast, drLast sql.NullInt64
	var in, out int64
	// through is written into the SQL, not bound: PostgreSQL plans a cached
	// statement once for any value, guessing a third of the table lies
	// after it, and picked a parallel scan that read a fund's balance at
	// 1M donations in 25 ms instead of 1. (through is our own integer; its
	// value changes once a minute, when the checkpoint rolls.)
	tail := fmt.Sprintf(" AND id > %d", through)
	if err := t.queryRow(ctx, `SELECT MAX(id), COALESCE(SUM(amount), 0) FROM ledger_txns WHERE cr_fund = ? AND cr_fund <> ''`+tail,
		string(fund)).Scan(&crLast, &in); err != nil {
		return 0, 0, err
	}
	if err := t.queryRow(ctx, `SELECT MAX(id), COALESCE(SUM(amount), 0) FROM ledger_txns WHERE dr_fund = ? AND dr_fund <> ''`+tail,
		string(fund)).Scan(&drLast, &out); err != nil {
		return 0, 0, err
	}
	return max(through, crLast.Int64, drLast.Int64), in - out, nil
}

// FundBalance is a fund's balance now.
func (db *DB) FundBalance(ctx context.Context, fund ledger.Account) (money.Fen, error) {
	var b money.Fen
	err := db.readTx(ctx, func(tx *Tx) error {
		var err error
		b, err = tx.fundBalance(ctx, fund)
		return err
	})
	return b, err
}

// holdFunds keeps, on PostgreSQL, a spend of these funds from running
// while this transaction posts to them (a shared advisory lock per fund;
// spends take it exclusively). Advisory locks are the whole database's,
// so their keys name the schema: boai instances in other schemas of the
// same database (tests, benchmarks) do not wait for each other. Transaction ids are drawn after the lock,
// so once a spend holds a fund every posting to it with a lower id has
// committed: catching up by id never skips one that commits late. SQLite's
// one writer needs none of this.
func (t *Tx) holdFunds(ctx context.Context, funds []ledger.Account) error {
	if t.db.Dialect != Postgres || len(funds) == 0 {
		return nil
	}
	keys := make([]string, len(funds))
	for i, f := range funds {
		keys[i] = "fund:" + string(f)
	}
	slices.Sort(keys)
	_, err := t.exec(ctx, "SELECT pg_advisory_xact_lock_shared(hashtext(current_schema() || '/' || k)) FROM unnest(?::text[]) AS k", keys)
	return err
}

// holdFund takes a fund for a spend (or a roll of its checkpoint): on
// PostgreSQL an exclusive advisory lock that waits for the donations
// posting to it; SQLite's one writer already runs these one at a time.
func (t *Tx) holdFund(ctx context.Context, fund ledger.Account) error {
	if t.db.Dialect != Postgres {
		return nil
	}
	_, err := t.exec(ctx, "SELECT pg_advisory_xact_lock(hashtext(current_schema() || '/' || ?))", "fund:"+string(fund))
	return err
}

// catchUp takes a fund and writes the inflow rows of the donations
// posted to it since it was last caught up, in the order they came, so
// spending (first in, first out) and reversals see every one of them.
func (t *Tx) catchUp(ctx context.Context, fund ledger.Account) error {
	if err := t.holdFund(ctx, fund); err != nil {
		return err
	}
	var through int64
	if err := t.queryRow(ctx, "SELECT through_id FROM fund_cursors WHERE fund = ?", string(fund)).Scan(&through); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	var last sql.NullInt64
	if err := t.queryRow(ctx, "SELECT MAX(id) FROM ledger_txns WHERE cr_fund = ? AND cr_fund <> '' AND id > ?", string(fund), through).Scan(&last); err != nil {
		return err
	}
	if !last.Valid {
		return nil
	}
	if _, err := t.exec(ctx, `INSERT INTO fund_inflows (fund, donation_id, amount, txn_id)
		SELECT cr_fund, donation_id, amount, id FROM ledger_txns
		WHERE cr_fund = ? AND cr_fund <> '' AND id > ? AND id <= ? AND kind = 'donation' ORDER BY id`, string(fund), through, last.Int64); err != nil {
		return fmt.Errorf("catch up inflows of %s: %w", fund, err)
	}
	_, err := t.exec(ctx, `INSERT INTO fund_cursors (fund, through_id) VALUES (?, ?)
		ON CONFLICT (fund) DO UPDATE SET through_id = excluded.through_id`, string(fund), last.Int64)
	return err
}

// RollCheckpoints moves every fund's checkpoint up to its last posting, so
// a balance read sums only what came since, and catches the fund's
// inflows up, so a spend has little left to do. It runs in the
// background; a donation never waits for it.
func (db *DB) RollCheckpoints(ctx context.Context) (int, error) {
	var funds []string
	if err := db.readTx(ctx, func(t *Tx) error {
		funds = funds[:0]
		rows, err := t.query(ctx, "SELECT cr_fund FROM ledger_txns WHERE cr_fund <> '' UNION SELECT dr_fund FROM ledger_txns WHERE dr_fund <> ''")
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var f string
			if err := rows.Scan(&f); err != nil {
				return err
			}
			funds = append(funds, f)
		}
		return rows.Err()
	}); err != nil {
		return 0, err
	}
	slices.Sort(funds)
	n := 0
	// A fund at a time: each holds its fund's spends (and, on PostgreSQL,
	// its donations) only for as long as its own roll takes.
	for _, f := range funds {
		err := db.Write(ctx, func(t *Tx) error {
			if err := t.catchUp(ctx, ledger.Account(f)); err != nil {
				return err
			}
			var through int64
			if err := t.queryRow(ctx, "SELECT through_id FROM ledger_checkpoints WHERE fund = ?", f).Scan(&through); err != nil && !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			last, sum, err := t.fundTail(ctx, ledger.Account(f), through)
			if err != nil || last == through {
				return err
			}
			_, err = t.exec(ctx, `INSERT INTO ledger_checkpoints (fund, through_id, balance) VALUES (?, ?, ?)
				ON CONFLICT (fund) DO UPDATE SET through_id = excluded.through_id, balance = ledger_checkpoints.balance + excluded.balance`,
				f, last, sum)
			return err
		})
		if err != nil {
			return n, fmt.Errorf("roll %s: %w", f, err)
		}
		n++
	}
	return n, nil
}

// reserve checks, before a spend is posted, that a fund holds amount:
// spends of one fund queue on it (holdFund), donations do not wait for
// one another.
func (t *Tx) reserve(ctx context.Context, fund ledger.Account, amount money.Fen) error {
	if err := t.catchUp(ctx, fund); err != nil {
		return err
	}
	bal, err := t.fundBalance(ctx, fund)
	if err != nil {
		return err
	}
	return ledger.CheckAvailable(fund, bal, amount)
}

// spendFrom links amount of a fund's money, oldest donations first, to
// the transaction txnID just posted (a payment, with its expenditure, or
// a release), marks their inflows used and returns the links. reserve
// has checked the fund holds it.
func (t *Tx) spendFrom(ctx context.Context, fund ledger.Account, amount money.Fen, txnID, expenditureID int64) ([]ledger.Link, error) {
	var inflows []ledger.Inflow
	var need money.Fen
	byID := map[int64]int64{} // inflow id → donation id
	rows, err := t.query(ctx, "SELECT id, donation_id, amount, used FROM fund_inflows WHERE fund = ? AND used < amount ORDER BY txn_id, id", string(fund))
	if err != nil {
		return nil, err
	}
	for rows.Next() && need < amount {
		var in ledger.Inflow
		var did int64
		if err := rows.Scan(&in.ID, &did, &in.Amount, &in.Used); err != nil {
			rows.Close()
			return nil, err
		}
		byID[in.ID] = did
		inflows = append(inflows, in)
		need += in.Unused()
	}
	rows.Close()
	links, err := ledger.LinkFIFO(inflows, expenditureID, ledger.Draw{Fund: fund, Amount: amount})
	if err != nil {
		return nil, err
	}
	// LinkFIFO names inflows by the id it was given: the inflow row.
	out := make([]ledger.Link, 0, len(links))
	for _, l := range links {
		if _, err := t.exec(ctx, "UPDATE fund_inflows SET used = used + ? WHERE id = ? AND used + ? <= amount", l.Amount, l.DonationID, l.Amount); err != nil {
			return nil, err
		}
		did := byID[l.DonationID]
		if _, err := t.exec(ctx, "INSERT INTO fund_links (donation_id, expenditure_id, txn_id, fund, amount) VALUES (?, ?, ?, ?, ?)",
			did, nullID(expenditureID), txnID, string(fund), l.Amount); err != nil {
			return nil, err
		}
		out = append(out, ledger.Link{DonationID: did, ExpenditureID: expenditureID, Amount: l.Amount})
	}
	return out, nil
}

// Release re-purposes money of a restricted fund with the donors'
// consent: an approved transfer to another fund. The donors' money moves
// on as inflows of the receiving fund, so it stays traceable to them.
func (db *DB) Release(ctx context.Context, a audit.Actor, r ledger.Release) (int64, error) {
	r.At = db.Now()
	if strings.TrimSpace(r.Approver) == "" || r.Approver == a.Username {
		return 0, boai.Errorf(boai.EINVALID, "解除限定须由另一位审批人批准 / a release is approved by someone other than who records it")
	}
	tx, err := r.Transaction()
	if err != nil {
		return 0, err
	}
	var id int64
	err = db.Write(ctx, func(t *Tx) error {
		tx.Ref = fmt.Sprintf("release:%d", db.Now().UnixNano())
		if err := t.reserve(ctx, r.From, r.Amount); err != nil {
			return err
		}
		if id, err = t.postTxn(ctx, &tx, 0, a.Username); err != nil {
			return err
		}
		links, err := t.spendFrom(ctx, r.From, r.Amount, id, 0)
		if err != nil {
			return err
		}
		for _, l := range links {
			if _, err := t.exec(ctx, insertInflowStmt, string(r.To), l.DonationID, l.Amount, id); err != nil {
				return err
			}
		}
		return t.audit(ctx, a, "ledger.release", "ledger_txn", id, nil, map[string]any{"from": r.From, "to": r.To, "amount": r.Amount,
			"consent": r.Consent, "reason": r.Reason, "approver": r.Approver, "donations": len(links)})
	})
	return id, err
}

// ClosePeriod closes a month to back-dated entries.
func (db *DB) ClosePeriod(ctx context.Context, a audit.Actor, p ledger.Period) error {
	return db.Write(ctx, func(t *Tx) error {
		closed, err := t.closedThrough(ctx)
		if err != nil {
			return err
		}
		if err := ledger.CheckClose(closed, p, db.Now(), CertLocation); err != nil {
			return err
		}
		if _, err := t.exec(ctx, "UPDATE ledger_periods SET closed_through = ?, closed_by = ?, closed_at = ? WHERE id = 1", string(p), a.Username, micros(db.Now())); err != nil {
			return err
		}
		t.closed = nil
		return t.audit(ctx, a, "ledger.close", "ledger_period", 1, map[string]any{"closed_through": closed}, map[string]any{"closed_through": p})
	})
}

// ClosedThrough is the last closed month.
func (db *DB) ClosedThrough(ctx context.Context) (ledger.Period, error) {
	var p ledger.Period
	err := db.readTx(ctx, func(t *Tx) error {
		var err error
		p, err = t.closedThrough(ctx)
		return err
	})
	return p, err
}

// isUniqueViolation reports a unique-key clash on either database.
func isUniqueViolation(err error) bool {
	s := err.Error()
	return strings.Contains(s, "UNIQUE constraint failed") || strings.Contains(s, "SQLSTATE 23505") || strings.Contains(s, "duplicate key")
}

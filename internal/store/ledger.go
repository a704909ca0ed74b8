package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
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

// insertTxnStmt and insertPairStmt are what every donation runs: they
// are prepared once on SQLite (hotWrites).
const (
	insertTxnStmt = `INSERT INTO ledger_txns (kind, at, period, ref, donation_id, reverses_id, reason, approver, consent, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	insertPairStmt   = "INSERT INTO ledger_postings (txn_id, account, fund, amount) VALUES (?, ?, ?, ?), (?, ?, ?, ?)"
	insertInflowStmt = "INSERT INTO fund_inflows (fund, donation_id, amount, txn_id) VALUES (?, ?, ?, ?)"
	txnSumStmt       = "SELECT COALESCE(SUM(amount), 0), COUNT(*) FROM ledger_postings WHERE txn_id = ?"
)

// postTxn records a validated transaction with its postings and returns
// its id, reading the sum back inside the same database transaction so an
// unbalanced entry can never commit. (A donation's pair is balanced by
// construction instead, in one statement: intake pays for no read.)
func (t *Tx) postTxn(ctx context.Context, tx *ledger.Transaction, donationID int64, by string) (int64, error) {
	if err := tx.Validate(); err != nil {
		return 0, err
	}
	if err := t.checkOpen(ctx, tx.At); err != nil {
		return 0, err
	}
	id, err := t.insert(ctx, insertTxnStmt, tx.Kind, micros(tx.At), string(ledger.PeriodOf(tx.At, CertLocation)), tx.Ref,
		nullID(donationID), nullID(tx.Reverses), tx.Reason, tx.Approver, tx.Consent, by, micros(t.db.Now()))
	if err != nil {
		if isUniqueViolation(err) {
			return 0, boai.Errorf(boai.ECONFLICT, "该业务已入账 / already posted: %s", tx.Ref)
		}
		return 0, fmt.Errorf("insert ledger transaction: %w", err)
	}
	tx.ID = id
	var b strings.Builder
	b.WriteString("INSERT INTO ledger_postings (txn_id, account, fund, amount) VALUES ")
	args := make([]any, 0, 4*len(tx.Postings))
	for i, p := range tx.Postings {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(?, ?, ?, ?)")
		args = append(args, id, string(p.Account), string(p.Account.Fund()), int64(p.Signed()))
	}
	if _, err := t.exec(ctx, b.String(), args...); err != nil {
		return 0, fmt.Errorf("insert postings: %w", err)
	}
	return id, t.checkBalanced(ctx, id)
}

func (t *Tx) checkBalanced(ctx context.Context, id int64) error {
	var sum, n int64
	if err := t.queryRow(ctx, txnSumStmt, id).Scan(&sum, &n); err != nil {
		return err
	}
	if sum != 0 || n < 2 {
		return fmt.Errorf("ledger transaction %d does not balance (sum %d over %d postings)", id, sum, n)
	}
	return nil
}

// postDonation posts a money donation with its intake: debit where the
// money arrived, credit its fund, and the fund's new inflow. A reversal
// posts the reversal of the donation's transaction, if none of the money
// has been spent yet.
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
	// On PostgreSQL the id comes back with the insert (one round trip);
	// SQLite's one writer knows the last id without RETURNING.
	var id int64
	if t.db.Dialect == Postgres {
		if err := t.queryRow(ctx, insertTxnStmt+" RETURNING id", tx.Kind, micros(tx.At), string(ledger.PeriodOf(tx.At, CertLocation)), tx.Ref, d.ID, nil,
			"", "", "", by, micros(t.db.Now())).Scan(&id); err != nil {
			return fmt.Errorf("post donation: %w", err)
		}
	} else {
		res, err := t.exec(ctx, insertTxnStmt, tx.Kind, micros(tx.At), string(ledger.PeriodOf(tx.At, CertLocation)), tx.Ref, d.ID, nil, "", "", "",
			by, micros(t.db.Now()))
		if err != nil {
			return fmt.Errorf("post donation: %w", err)
		}
		if id, err = res.LastInsertId(); err != nil {
			return err
		}
	}
	amount := int64(d.AmountFen)
	if _, err := t.exec(ctx, insertPairStmt, id, string(asset), "", amount, id, string(fund), string(fund), -amount); err != nil {
		return fmt.Errorf("post donation: %w", err)
	}
	if _, err := t.exec(ctx, insertInflowStmt, string(fund), d.ID, amount, id); err != nil {
		return fmt.Errorf("fund inflow: %w", err)
	}
	// Balanced by construction: one statement debits and credits the same
	// amount (the database's own check would cost intake a read each).
	return nil
}

// postDonations posts a batch of donations (PostgreSQL's multi-row path):
// one INSERT for their transactions, one for all postings, one for the
// inflows, whatever the batch's size.
func (t *Tx) postDonations(ctx context.Context, ds []*donation.Donation, by []string) error {
	if len(ds) == 0 {
		return nil
	}
	closed, err := t.closedThrough(ctx)
	if err != nil {
		return err
	}
	txns := make([]ledger.Transaction, len(ds))
	var b strings.Builder
	b.WriteString("INSERT INTO ledger_txns (kind, at, period, ref, donation_id, created_by, created_at) VALUES ")
	args := make([]any, 0, 7*len(ds))
	now := micros(t.db.Now())
	for i, d := range ds {
		if d.Kind == donation.KindReversal {
			return fmt.Errorf("a reversal in a donation batch")
		}
		if txns[i], err = ledger.ForDonation(d); err != nil {
			return err
		}
		if err := ledger.CheckOpen(closed, d.ReceivedAt, CertLocation); err != nil {
			return err
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(?, ?, ?, ?, ?, ?, ?)")
		args = append(args, ledger.KindDonation, micros(d.ReceivedAt), string(ledger.PeriodOf(d.ReceivedAt, CertLocation)), txns[i].Ref, d.ID, by[i], now)
	}
	b.WriteString(" RETURNING id, donation_id")
	rows, err := t.query(ctx, b.String(), args...)
	if err != nil {
		return fmt.Errorf("post donations: %w", err)
	}
	ids := make(map[int64]int64, len(ds))
	for rows.Next() {
		var id, did int64
		if err := rows.Scan(&id, &did); err != nil {
			rows.Close()
			return err
		}
		ids[did] = id
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	var p, f strings.Builder
	p.WriteString("INSERT INTO ledger_postings (txn_id, account, fund, amount) VALUES ")
	f.WriteString("INSERT INTO fund_inflows (fund, donation_id, amount, txn_id) VALUES ")
	pargs := make([]any, 0, 8*len(ds))
	fargs := make([]any, 0, 4*len(ds))
	for i, d := range ds {
		id := ids[d.ID]
		if i > 0 {
			p.WriteString(", ")
			f.WriteString(", ")
		}
		p.WriteString("(?, ?, ?, ?), (?, ?, ?, ?)")
		f.WriteString("(?, ?, ?, ?)")
		asset, fund := txns[i].Postings[0].Account, txns[i].Postings[1].Account
		amount := int64(d.AmountFen)
		pargs = append(pargs, id, string(asset), "", amount, id, string(fund), string(fund), -amount)
		fargs = append(fargs, string(fund), d.ID, amount, id)
	}
	if _, err := t.exec(ctx, p.String(), pargs...); err != nil {
		return fmt.Errorf("post donations: %w", err)
	}
	if _, err := t.exec(ctx, f.String(), fargs...); err != nil {
		return fmt.Errorf("fund inflows: %w", err)
	}
	return nil
}

// postDonationReversal cancels a donation's transaction when the donation
// is reversed. Money already spent (or moved by a release) cannot be
// taken back: the reversal is refused, naming what used it.
func (t *Tx) postDonationReversal(ctx context.Context, rev *donation.Donation, by string) error {
	// The donation's own transaction, found through its first inflow
	// (indexed by donation), not by its ref (not indexed, see 00013).
	var txnID int64
	err := t.queryRow(ctx, "SELECT txn_id FROM fund_inflows WHERE donation_id = ? ORDER BY id LIMIT 1", rev.ReversesID).Scan(&txnID)
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
	rows, err := t.query(ctx, "SELECT account, amount FROM ledger_postings WHERE txn_id = ? ORDER BY id", tx.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var a string
		var v int64
		if err := rows.Scan(&a, &v); err != nil {
			return nil, err
		}
		if v > 0 {
			tx.Postings = append(tx.Postings, ledger.Dr(ledger.Account(a), money.Fen(v)))
		} else {
			tx.Postings = append(tx.Postings, ledger.Cr(ledger.Account(a), money.Fen(-v)))
		}
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
	var tail int64
	if err := t.queryRow(ctx, "SELECT COALESCE(SUM(amount), 0) FROM ledger_postings WHERE fund = ? AND id > ?", string(fund), through).Scan(&tail); err != nil {
		return 0, err
	}
	return money.Fen(base - tail), nil // funds keep credit balances: postings are debit positive
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

// RollCheckpoints moves every fund's checkpoint up to its last posting, so
// a balance read sums only what came since. It runs in the background; a
// donation never waits for it.
func (db *DB) RollCheckpoints(ctx context.Context) (int, error) {
	n := 0
	err := db.WriteAlone(ctx, func(tx *Tx) error {
		n = 0
		rows, err := tx.query(ctx, `SELECT p.fund, MAX(p.id), SUM(p.amount) FROM ledger_postings p
			LEFT JOIN ledger_checkpoints c ON c.fund = p.fund
			WHERE p.fund <> '' AND p.id > COALESCE(c.through_id, 0) GROUP BY p.fund`)
		if err != nil {
			return err
		}
		type roll struct {
			fund        string
			through, by int64
		}
		var rs []roll
		for rows.Next() {
			var r roll
			if err := rows.Scan(&r.fund, &r.through, &r.by); err != nil {
				rows.Close()
				return err
			}
			rs = append(rs, r)
		}
		rows.Close()
		for _, r := range rs {
			if _, err := tx.exec(ctx, `INSERT INTO ledger_checkpoints (fund, through_id, balance) VALUES (?, ?, ?)
				ON CONFLICT (fund) DO UPDATE SET through_id = excluded.through_id, balance = ledger_checkpoints.balance + excluded.balance`,
				r.fund, r.through, -r.by); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// reserve checks, before a spend is posted, that a fund holds amount:
// spends of one fund queue on it (a PostgreSQL advisory lock; SQLite's
// one writer already runs them one at a time), donations never wait.
func (t *Tx) reserve(ctx context.Context, fund ledger.Account, amount money.Fen) error {
	if t.db.Dialect == Postgres {
		if _, err := t.exec(ctx, "SELECT pg_advisory_xact_lock(hashtext(?))", "fund:"+string(fund)); err != nil {
			return err
		}
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
	rows, err := t.query(ctx, "SELECT id, donation_id, amount, used FROM fund_inflows WHERE fund = ? AND used < amount ORDER BY id", string(fund))
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

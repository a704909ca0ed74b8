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
	"boai/internal/publog"
	"boai/internal/supervision"
)

// ExpenditureView is an expenditure with its dates and, once paid, the
// donations whose money it used.
type ExpenditureView struct {
	ledger.Expenditure
	CreatedAt time.Time
	DecidedAt time.Time
	PaidAt    time.Time
	TxnID     int64
	Donations []DonationUse
}

// DonationUse is a donation's money behind a payment.
type DonationUse struct {
	DonationID int64
	CertNo     string
	Donor      donation.Donor
	Fund       ledger.Account
	Amount     money.Fen
}

// CreateExpenditure records a spending request. Money designated for X
// can only be spent on X: a draw on a restricted fund for another purpose
// is refused with the fund's name, and supervisors are alerted to the
// attempt. Amounts over the policy's threshold alert them too.
func (db *DB) CreateExpenditure(ctx context.Context, a audit.Actor, e *ledger.Expenditure, p ledger.Policy) error {
	e.RequestedBy, e.Status = a.Username, ledger.Pending
	if err := e.Validate(); err != nil {
		if restrictedMisuse(e) {
			_ = db.Write(ctx, func(t *Tx) error {
				// Each attempt is its own subject: who tried, and when.
				_, aerr := t.raiseAlert(ctx, supervision.RestrictedMisuse, fmt.Sprintf("attempt:%s:%d", a.Username, micros(t.db.Now())),
					fmt.Sprintf("%s 试图将定向资金用于其他用途：%s（收款单位 %s，%s）", a.Username, boai.ErrorMessage(err), e.Payee, e.Amount.Yuan()),
					supervision.Critical)
				return aerr
			})
		}
		return err
	}
	return db.Write(ctx, func(t *Tx) error {
		id, err := t.insert(ctx, `INSERT INTO expenditures (kind, payee, purpose_kind, purpose_target, note, amount, status, requested_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, string(e.Kind), e.Payee, string(e.Purpose.Kind), e.Purpose.Target, e.Note, int64(e.Amount),
			string(e.Status), e.RequestedBy, micros(db.Now()))
		if err != nil {
			return fmt.Errorf("insert expenditure: %w", err)
		}
		e.ID = id
		for _, d := range e.Draws {
			if _, err := t.exec(ctx, "INSERT INTO expenditure_draws (expenditure_id, fund, amount) VALUES (?, ?, ?)", id, string(d.Fund), int64(d.Amount)); err != nil {
				return err
			}
		}
		if p.Alert(e.Amount) {
			if _, err := t.raiseAlert(ctx, supervision.ExpenditureOverThreshold, supervision.ExpenditureSubject(id),
				fmt.Sprintf("支出 #%d 金额 %s 超过 %s，须两人审批：%s", id, e.Amount.Yuan(), p.SecondApprovalOver.Yuan(), e.Payee), supervision.Warning); err != nil {
				return err
			}
		}
		return t.audit(ctx, a, "expenditure.create", "expenditure", id, nil, e)
	})
}

// restrictedMisuse reports whether a refused request drew on a restricted
// fund for something else.
func restrictedMisuse(e *ledger.Expenditure) bool {
	for _, d := range e.Draws {
		if d.Fund.Restricted() && ledger.CheckSpend(d.Fund, e.Purpose) != nil {
			return true
		}
	}
	return false
}

const expenditureCols = `SELECT id, kind, payee, purpose_kind, purpose_target, note, amount, status, requested_by, approvers, reason,
	created_at, decided_at, paid_at, txn_id FROM expenditures`

func scanExpenditure(r interface{ Scan(...any) error }) (*ExpenditureView, error) {
	v := &ExpenditureView{}
	e := &v.Expenditure
	var kind, status, pk, approvers string
	var created int64
	var decided, paid, txn sql.NullInt64
	var amount int64
	err := r.Scan(&e.ID, &kind, &e.Payee, &pk, &e.Purpose.Target, &e.Note, &amount, &status, &e.RequestedBy, &approvers, &e.Reason,
		&created, &decided, &paid, &txn)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, boai.Errorf(boai.ENOTFOUND, "支出不存在 / expenditure not found")
	} else if err != nil {
		return nil, err
	}
	e.Kind, e.Status, e.Purpose.Kind, e.Amount = ledger.Category(kind), ledger.Status(status), donation.DesignationKind(pk), money.Fen(amount)
	if approvers != "" {
		e.Approvers = strings.Split(approvers, ",")
	}
	v.CreatedAt, v.DecidedAt, v.PaidAt, v.TxnID = fromMicros(created), nullMicros(decided), nullMicros(paid), txn.Int64
	return v, nil
}

func (t *Tx) expenditure(ctx context.Context, id int64) (*ExpenditureView, error) {
	v, err := scanExpenditure(t.queryRow(ctx, expenditureCols+" WHERE id = ?", id))
	if err != nil {
		return nil, err
	}
	e := &v.Expenditure
	rows, err := t.query(ctx, "SELECT fund, amount FROM expenditure_draws WHERE expenditure_id = ? ORDER BY fund", id)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var d ledger.Draw
		var f string
		var a int64
		if err := rows.Scan(&f, &a); err != nil {
			rows.Close()
			return nil, err
		}
		d.Fund, d.Amount = ledger.Account(f), money.Fen(a)
		e.Draws = append(e.Draws, d)
	}
	rows.Close()
	rows, err = t.query(ctx, `SELECT l.donation_id, d.cert_no, d.donor_kind, d.donor_name, d.anonymous, l.fund, l.amount
		FROM fund_links l JOIN donations d ON d.id = l.donation_id WHERE l.expenditure_id = ? ORDER BY l.id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var u DonationUse
		var f string
		var a int64
		if err := rows.Scan(&u.DonationID, &u.CertNo, &u.Donor.Kind, &u.Donor.Name, &u.Donor.Anonymous, &f, &a); err != nil {
			return nil, err
		}
		u.Fund, u.Amount = ledger.Account(f), money.Fen(a)
		v.Donations = append(v.Donations, u)
	}
	return v, rows.Err()
}

// Expenditure returns one expenditure with its draws and the donations
// behind it.
func (db *DB) Expenditure(ctx context.Context, id int64) (*ExpenditureView, error) {
	var v *ExpenditureView
	err := db.readTx(ctx, func(t *Tx) error {
		var err error
		v, err = t.expenditure(ctx, id)
		return err
	})
	return v, err
}

// Expenditures lists expenditures with their draws, newest first;
// status "" for all. Two queries, whatever the count.
func (db *DB) Expenditures(ctx context.Context, status string, limit int) ([]ExpenditureView, error) {
	rows, err := db.query(ctx, expenditureCols+" WHERE (? = '' OR status = ?) ORDER BY id DESC LIMIT ?", status, status, limit)
	if err != nil {
		return nil, err
	}
	var out []ExpenditureView
	for rows.Next() {
		v, err := scanExpenditure(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, *v)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	byID := make(map[int64]*ExpenditureView, len(out))
	for i := range out {
		byID[out[i].ID] = &out[i]
	}
	draws, err := db.query(ctx, "SELECT expenditure_id, fund, amount FROM expenditure_draws WHERE expenditure_id BETWEEN ? AND ? ORDER BY expenditure_id, fund",
		out[len(out)-1].ID, out[0].ID)
	if err != nil {
		return nil, err
	}
	defer draws.Close()
	for draws.Next() {
		var id, a int64
		var f string
		if err := draws.Scan(&id, &f, &a); err != nil {
			return nil, err
		}
		if v := byID[id]; v != nil {
			v.Draws = append(v.Draws, ledger.Draw{Fund: ledger.Account(f), Amount: money.Fen(a)})
		}
	}
	return out, draws.Err()
}

// ApproveExpenditure records an approval; over the policy's threshold a
// second, different approver is needed before it stands approved.
func (db *DB) ApproveExpenditure(ctx context.Context, a audit.Actor, id int64, p ledger.Policy) (*ExpenditureView, error) {
	var v *ExpenditureView
	err := db.Write(ctx, func(t *Tx) error {
		var err error
		if v, err = t.expenditure(ctx, id); err != nil {
			return err
		}
		before := v.Status
		if err := v.Approve(p, a.Username); err != nil {
			return err
		}
		decided := any(nil)
		if v.Status == ledger.Approved {
			v.DecidedAt, decided = db.Now(), micros(db.Now())
		}
		if _, err := t.exec(ctx, "UPDATE expenditures SET status = ?, approvers = ?, decided_at = ? WHERE id = ?",
			string(v.Status), strings.Join(v.Approvers, ","), decided, id); err != nil {
			return err
		}
		return t.audit(ctx, a, "expenditure.approve", "expenditure", id, map[string]any{"status": before}, map[string]any{"status": v.Status, "approvers": v.Approvers})
	})
	return v, err
}

// RejectExpenditure turns a pending expenditure down.
func (db *DB) RejectExpenditure(ctx context.Context, a audit.Actor, id int64, reason string) error {
	return db.Write(ctx, func(t *Tx) error {
		v, err := t.expenditure(ctx, id)
		if err != nil {
			return err
		}
		if err := v.Reject(a.Username, reason); err != nil {
			return err
		}
		if _, err := t.exec(ctx, "UPDATE expenditures SET status = ?, reason = ?, decided_at = ? WHERE id = ?", string(v.Status), v.Reason, micros(db.Now()), id); err != nil {
			return err
		}
		return t.audit(ctx, a, "expenditure.reject", "expenditure", id, nil, map[string]any{"reason": v.Reason})
	})
}

// PayExpenditure pays an approved expenditure from the bank: it posts the
// payment and takes each draw from its fund, oldest donations first,
// never below zero, linking the donations used — all in one transaction.
func (db *DB) PayExpenditure(ctx context.Context, a audit.Actor, id int64) (*ExpenditureView, error) {
	return db.PayExpenditureFrom(ctx, a, id, nil)
}

// PayExpenditureFrom pays as PayExpenditure does, but takes each fund's
// money from the donations chosen (donation id → amount) instead of the
// oldest first: for a gift the donor asked to go to this purchase. The
// chosen amounts of a fund must add up to its draw, and no donation gives
// more than it still has unused. A fund with no donation chosen is taken
// first in, first out.
func (db *DB) PayExpenditureFrom(ctx context.Context, a audit.Actor, id int64, chosen map[int64]money.Fen) (*ExpenditureView, error) {
	var v *ExpenditureView
	err := db.Write(ctx, func(t *Tx) error {
		var err error
		if v, err = t.expenditure(ctx, id); err != nil {
			return err
		}
		now := db.Now()
		tx, err := v.Pay(now, ledger.Bank)
		if err != nil {
			return err
		}
		for _, d := range v.Draws {
			if err := t.reserve(ctx, d.Fund, d.Amount); err != nil {
				return err
			}
		}
		txnID, err := t.postTxn(ctx, &tx, 0, a.Username)
		if err != nil {
			return err
		}
		byFund, err := t.chosenByFund(ctx, chosen)
		if err != nil {
			return err
		}
		for f := range byFund {
			if !slices.ContainsFunc(v.Draws, func(d ledger.Draw) bool { return d.Fund == f }) {
				return boai.Errorf(boai.EINVALID, "所选捐赠属于本支出未动用的基金 / a chosen donation belongs to a fund this expenditure does not draw on")
			}
		}
		for _, d := range v.Draws {
			if pick := byFund[d.Fund]; len(pick) > 0 {
				if err := t.spendChosen(ctx, d, pick, txnID, id); err != nil {
					return err
				}
				continue
			}
			if _, err := t.spendFrom(ctx, d.Fund, d.Amount, txnID, id); err != nil {
				return err
			}
		}
		if _, err := t.exec(ctx, "UPDATE expenditures SET status = ?, paid_at = ?, txn_id = ? WHERE id = ?", string(ledger.Paid), micros(now), txnID, id); err != nil {
			return err
		}
		v.PaidAt, v.TxnID = now, txnID
		if err := t.logFact(ctx, publog.Expenditure, id); err != nil {
			return err
		}
		return t.audit(ctx, a, "expenditure.pay", "expenditure", id, nil, map[string]any{"txn": txnID, "amount": v.Amount})
	})
	if err != nil {
		return nil, err
	}
	return db.Expenditure(ctx, id)
}

// TrailLine is one step of a donation's money: what it paid for, or the
// fund it was moved to.
type TrailLine struct {
	Fund          ledger.Account
	Amount        money.Fen
	ExpenditureID int64 // 0 for a release
	Kind          ledger.Category
	Payee         string
	Purpose       donation.Designation
	At            time.Time
}

// MoneyTrail answers "where did my money go" for one donation: its fund,
// and every payment (or release) its money went into, with how much.
func (db *DB) MoneyTrail(ctx context.Context, donationID int64) (fund ledger.Account, unused money.Fen, lines []TrailLine, err error) {
	err = db.readTx(ctx, func(t *Tx) error {
		var f string
		var left int64
		if err := t.queryRow(ctx, `SELECT fund, amount - used FROM fund_inflows WHERE donation_id = ? ORDER BY id LIMIT 1`, donationID).Scan(&f, &left); errors.Is(err, sql.ErrNoRows) {
			// Not caught up yet (see catchUp): none of it has been spent
			// or moved, and it sits in its own fund.
			d, err := scanDonation(t.queryRow(ctx, "SELECT "+donationCols+donationFrom+" WHERE d.id = ?", donationID))
			if boai.ErrorCode(err) == boai.ENOTFOUND {
				return nil
			} else if err != nil {
				return err
			}
			tx, err := ledger.ForDonation(d)
			if err != nil {
				return nil // a reversal posts nothing of its own to trace
			}
			fund, unused = tx.Postings[1].Account, d.AmountFen
			return nil
		} else if err != nil {
			return err
		}
		fund = ledger.Account(f)
		if err := t.queryRow(ctx, `SELECT COALESCE(SUM(amount - used), 0) FROM fund_inflows WHERE donation_id = ?`, donationID).Scan(&left); err != nil {
			return err
		}
		unused = money.Fen(left)
		rows, err := t.query(ctx, `SELECT l.fund, l.amount, COALESCE(l.expenditure_id, 0), COALESCE(e.kind, ''), COALESCE(e.payee, ''),
				COALESCE(e.purpose_kind, ''), COALESCE(e.purpose_target, ''), x.at
			FROM fund_links l JOIN ledger_txns x ON x.id = l.txn_id LEFT JOIN expenditures e ON e.id = l.expenditure_id
			WHERE l.donation_id = ? ORDER BY l.id`, donationID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var l TrailLine
			var f, k, pk string
			var a, at int64
			if err := rows.Scan(&f, &a, &l.ExpenditureID, &k, &l.Payee, &pk, &l.Purpose.Target, &at); err != nil {
				return err
			}
			l.Fund, l.Amount, l.Kind, l.Purpose.Kind, l.At = ledger.Account(f), money.Fen(a), ledger.Category(k), donation.DesignationKind(pk), fromMicros(at)
			lines = append(lines, l)
		}
		return rows.Err()
	})
	return fund, unused, lines, err
}

// FundView is a fund's figures: received, spent, moved, and its balance.
type FundView struct {
	Fund     ledger.Account
	Received money.Fen // donations (and goods at value) credited
	Spent    money.Fen // expenses charged to it
	Moved    money.Fen // net releases out (negative: in)
	Balance  money.Fen
}

// Rate is the fund's utilisation: spent ÷ received.
func (f FundView) Rate() ledger.Rate { return ledger.Rate{Received: f.Received, Spent: f.Spent} }

// Funds sums every fund's postings: what came in, what was spent, what
// it holds. The goods fund is among them (goods received, distributed and
// on hand, at value): callers adding up money leave it out (Fund.Goods). from/to bound the period (zero: all time) for received and
// spent; the balance is always now.
func (db *DB) Funds(ctx context.Context, from, to time.Time) ([]FundView, error) {
	lo, hi := int64(0), int64(1<<62)
	if !from.IsZero() {
		lo = micros(from)
	}
	if !to.IsZero() {
		hi = micros(to)
	}
	rows, err := db.query(ctx, `SELECT p.fund,
			COALESCE(SUM(CASE WHEN t.kind IN ('donation', 'goods') AND t.at >= ? AND t.at < ? THEN -p.amount END), 0),
			COALESCE(SUM(CASE WHEN t.kind = 'reversal' AND p.account = p.fund AND t.at >= ? AND t.at < ? THEN -p.amount END), 0),
			COALESCE(SUM(CASE WHEN p.account <> p.fund AND t.at >= ? AND t.at < ? THEN p.amount END), 0),
			COALESCE(SUM(CASE WHEN t.kind = 'release' THEN p.amount END), 0),
			COALESCE(SUM(p.amount), 0)
		FROM ledger_postings p JOIN ledger_txns t ON t.id = p.txn_id WHERE p.fund <> '' GROUP BY p.fund ORDER BY p.fund`, lo, hi, lo, hi, lo, hi)
	if err != nil {
		return nil, fmt.Errorf("funds: %w", err)
	}
	defer rows.Close()
	var out []FundView
	for rows.Next() {
		var f FundView
		var fund string
		var rec, rev, spent, moved, sum int64
		if err := rows.Scan(&fund, &rec, &rev, &spent, &moved, &sum); err != nil {
			return nil, err
		}
		f.Fund, f.Received, f.Spent, f.Moved, f.Balance = ledger.Account(fund), money.Fen(rec+rev), money.Fen(spent), money.Fen(moved), money.Fen(-sum)
		out = append(out, f)
	}
	return out, rows.Err()
}

// TrialBalance sums every account; the total is zero when the book holds.
func (db *DB) TrialBalance(ctx context.Context) (ledger.Balances, error) {
	rows, err := db.query(ctx, "SELECT account, SUM(amount) FROM ledger_postings GROUP BY account")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	b := ledger.Balances{}
	for rows.Next() {
		var a string
		var v int64
		if err := rows.Scan(&a, &v); err != nil {
			return nil, err
		}
		b[ledger.Account(a)] = money.Fen(v)
	}
	return b, rows.Err()
}

// UnbalancedTxns lists transactions whose postings do not sum to zero:
// none, ever; the audit asks anyway.
func (db *DB) UnbalancedTxns(ctx context.Context) ([]int64, error) {
	rows, err := db.query(ctx, "SELECT txn_id FROM ledger_postings GROUP BY txn_id HAVING SUM(amount) <> 0")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// PendingExpenditures counts expenditures awaiting approval that user did
// not request and has not approved yet.
func (db *DB) PendingExpenditures(ctx context.Context, user string) (int, error) {
	var n int
	err := db.queryRow(ctx, `SELECT COUNT(*) FROM expenditures WHERE status = 'pending' AND requested_by <> ?
		AND ',' || approvers || ',' NOT LIKE ?`, user, "%,"+escapeLike(user)+",%").Scan(&n)
	return n, err
}

// chosenByFund sorts chosen donations by the fund their unused money is
// in.
func (t *Tx) chosenByFund(ctx context.Context, chosen map[int64]money.Fen) (map[ledger.Account][]ledger.Link, error) {
	out := map[ledger.Account][]ledger.Link{}
	for did, amt := range chosen {
		// The donation's own fund may not be caught up yet.
		if d, err := scanDonation(t.queryRow(ctx, "SELECT "+donationCols+donationFrom+" WHERE d.id = ?", did)); err == nil {
			if tx, err := ledger.ForDonation(d); err == nil {
				if err := t.catchUp(ctx, tx.Postings[1].Account); err != nil {
					return nil, err
				}
			}
		}
		var fund string
		err := t.queryRow(ctx, "SELECT fund FROM fund_inflows WHERE donation_id = ? AND used < amount ORDER BY id LIMIT 1", did).Scan(&fund)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, boai.Errorf(boai.EINVALID, "捐赠 %d 没有尚未使用的款项 / donation %d has no unused money", did, did)
		} else if err != nil {
			return nil, err
		}
		out[ledger.Account(fund)] = append(out[ledger.Account(fund)], ledger.Link{DonationID: did, Amount: amt})
	}
	return out, nil
}

// spendChosen takes a draw from the donations chosen for it, after
// ledger.CheckLinks has agreed: they add up to the draw and none gives
// more than it has unused.
func (t *Tx) spendChosen(ctx context.Context, d ledger.Draw, pick []ledger.Link, txnID, expID int64) error {
	var inflows []ledger.Inflow
	for i := range pick {
		pick[i].ExpenditureID = expID
		var amount, used int64
		if err := t.queryRow(ctx, "SELECT COALESCE(SUM(amount), 0), COALESCE(SUM(used), 0) FROM fund_inflows WHERE donation_id = ? AND fund = ?",
			pick[i].DonationID, string(d.Fund)).Scan(&amount, &used); err != nil {
			return err
		}
		if amount > 0 {
			inflows = append(inflows, ledger.Inflow{ID: pick[i].DonationID, Amount: money.Fen(amount), Used: money.Fen(used)})
		}
	}
	if err := ledger.CheckLinks(inflows, expID, d, pick); err != nil {
		return err
	}
	for _, l := range pick {
		left := l.Amount
		rows, err := t.query(ctx, "SELECT id, amount - used FROM fund_inflows WHERE donation_id = ? AND fund = ? AND used < amount ORDER BY id",
			l.DonationID, string(d.Fund))
		if err != nil {
			return err
		}
		type take struct{ id, n int64 }
		var takes []take
		for rows.Next() && left > 0 {
			var id, free int64
			if err := rows.Scan(&id, &free); err != nil {
				rows.Close()
				return err
			}
			n := min(free, int64(left))
			takes = append(takes, take{id, n})
			left -= money.Fen(n)
		}
		rows.Close()
		for _, tk := range takes {
			if _, err := t.exec(ctx, "UPDATE fund_inflows SET used = used + ? WHERE id = ? AND used + ? <= amount", tk.n, tk.id, tk.n); err != nil {
				return err
			}
		}
		if _, err := t.exec(ctx, "INSERT INTO fund_links (donation_id, expenditure_id, txn_id, fund, amount) VALUES (?, ?, ?, ?, ?)",
			l.DonationID, expID, txnID, string(d.Fund), int64(l.Amount)); err != nil {
			return err
		}
	}
	return nil
}

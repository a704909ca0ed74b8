package store

import (
	"context"
	"fmt"
	"time"

	"boai/internal/donation"
	"boai/internal/ledger"
	"boai/internal/money"
	"boai/internal/supervision"
)

// Reads of a whole period, row by row, for the audit package: a month of
// a hundred thousand donations goes through without being held in memory.

// EachDonation calls fn with every donation f selects, oldest first (f's
// Limit and Offset are ignored).
func (db *DB) EachDonation(ctx context.Context, f DonationFilter, fn func(*donation.Donation) error) error {
	cond, args := f.where()
	rows, err := db.query(ctx, "SELECT "+donationCols+donationFrom+cond+" ORDER BY d.received_at, d.id", args...)
	if err != nil {
		return fmt.Errorf("read donations: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		d, err := scanDonation(rows)
		if err != nil {
			return err
		}
		if err := fn(d); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Transfer is one row of the book: amount moved from the credit account to
// the debit account. Legs of one transaction share TxnID.
type Transfer struct {
	ID         int64
	TxnID      int64 // the transaction's first transfer; its own id for the first
	Kind       string
	At         time.Time
	Period     string
	Ref        string
	DonationID int64
	ReversesID int64
	Reason     string
	Approver   string
	Consent    string
	CreatedBy  string
	Debit      ledger.Account
	Credit     ledger.Account
	Amount     money.Fen
}

// EachTransfer calls fn with every transfer of the book dated in
// [from, to), in the order written.
func (db *DB) EachTransfer(ctx context.Context, from, to time.Time, fn func(Transfer) error) error {
	rows, err := db.query(ctx, `SELECT id, COALESCE(txn_id, id), kind, at, period, ref, COALESCE(donation_id, 0), COALESCE(reverses_id, 0),
			reason, approver, consent, created_by, debit, credit, amount
		FROM ledger_txns WHERE at >= ? AND at < ? ORDER BY id`, micros(from), micros(to))
	if err != nil {
		return fmt.Errorf("read transfers: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var t Transfer
		var at, amount int64
		var dr, cr string
		if err := rows.Scan(&t.ID, &t.TxnID, &t.Kind, &at, &t.Period, &t.Ref, &t.DonationID, &t.ReversesID, &t.Reason, &t.Approver, &t.Consent,
			&t.CreatedBy, &dr, &cr, &amount); err != nil {
			return err
		}
		t.At, t.Debit, t.Credit, t.Amount = fromMicros(at), ledger.Account(dr), ledger.Account(cr), money.Fen(amount)
		if err := fn(t); err != nil {
			return err
		}
	}
	return rows.Err()
}

// EachExpenditure calls fn with every expenditure requested or paid in
// [from, to), with its draws on the funds, in the order requested.
func (db *DB) EachExpenditure(ctx context.Context, from, to time.Time, fn func(*ExpenditureView) error) error {
	f, t := micros(from), micros(to)
	rows, err := db.query(ctx, expenditureCols+` WHERE (created_at >= ? AND created_at < ?) OR (paid_at >= ? AND paid_at < ?) ORDER BY id`, f, t, f, t)
	if err != nil {
		return fmt.Errorf("read expenditures: %w", err)
	}
	var list []ExpenditureView
	for rows.Next() {
		v, err := scanExpenditure(rows)
		if err != nil {
			rows.Close()
			return err
		}
		list = append(list, *v)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for i := range list {
		draws, err := db.query(ctx, "SELECT fund, amount FROM expenditure_draws WHERE expenditure_id = ? ORDER BY fund", list[i].ID)
		if err != nil {
			return err
		}
		for draws.Next() {
			var fund string
			var a int64
			if err := draws.Scan(&fund, &a); err != nil {
				draws.Close()
				return err
			}
			list[i].Draws = append(list[i].Draws, ledger.Draw{Fund: ledger.Account(fund), Amount: money.Fen(a)})
		}
		draws.Close()
		if err := draws.Err(); err != nil {
			return err
		}
		if err := fn(&list[i]); err != nil {
			return err
		}
	}
	return nil
}

// EachAlert calls fn with every alert f selects, oldest first (f's Limit
// and Offset are ignored).
func (db *DB) EachAlert(ctx context.Context, f supervision.Filter, fn func(supervision.Alert) error) error {
	cond, args, err := alertWhere(f)
	if err != nil {
		return err
	}
	rows, err := db.query(ctx, alertCols+cond+" ORDER BY id", args...)
	if err != nil {
		return fmt.Errorf("read alerts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		a, err := scanAlert(rows)
		if err != nil {
			return err
		}
		if err := fn(a); err != nil {
			return err
		}
	}
	return rows.Err()
}

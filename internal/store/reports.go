package store

import (
	"context"
	"fmt"
	"time"

	"boai/internal/ledger"
	"boai/internal/money"
)

// StatementLine is one line of the income and expenditure statement: an
// account's movement in a month.
type StatementLine struct {
	Period  ledger.Period
	Account ledger.Account
	Amount  money.Fen // income positive for fund credits, expense positive for expenses
}

// Statement is the income and expenditure statement from..to: per month,
// income by fund (donations, less their reversals) and expenditure by
// category and fund (payments, less reversals). Releases move money
// between funds and are shown apart.
func (db *DB) Statement(ctx context.Context, from, to time.Time) ([]StatementLine, error) {
	lo, hi := int64(0), int64(1<<62)
	if !from.IsZero() {
		lo = micros(from)
	}
	if !to.IsZero() {
		hi = micros(to)
	}
	rows, err := db.query(ctx, `SELECT t.period, p.account, SUM(p.amount) FROM ledger_postings p JOIN ledger_txns t ON t.id = p.txn_id
		WHERE p.fund <> '' AND t.at >= ? AND t.at < ? GROUP BY t.period, p.account ORDER BY t.period, p.account`, lo, hi)
	if err != nil {
		return nil, fmt.Errorf("statement: %w", err)
	}
	defer rows.Close()
	var out []StatementLine
	for rows.Next() {
		var l StatementLine
		var p, a string
		var v int64
		if err := rows.Scan(&p, &a, &v); err != nil {
			return nil, err
		}
		l.Period, l.Account = ledger.Period(p), ledger.Account(a)
		if l.Account.Class() == ledger.ClassFund {
			v = -v // a fund's credits are its income
		}
		l.Amount = money.Fen(v)
		out = append(out, l)
	}
	return out, rows.Err()
}

// DesignationTotal is what donors gave for one designation.
type DesignationTotal struct {
	Kind   string
	Target string
	Count  int
	Fen    money.Fen
}

// DonationsByDesignation sums standing donations (reversals netted) by
// designation from..to.
func (db *DB) DonationsByDesignation(ctx context.Context, from, to time.Time) ([]DesignationTotal, error) {
	lo, hi := int64(0), int64(1<<62)
	if !from.IsZero() {
		lo = micros(from)
	}
	if !to.IsZero() {
		hi = micros(to)
	}
	rows, err := db.query(ctx, `SELECT designation_kind, designation_target, SUM(CASE WHEN kind = 'donation' THEN 1 ELSE -1 END), SUM(amount_fen)
		FROM donations WHERE received_at >= ? AND received_at < ? GROUP BY designation_kind, designation_target ORDER BY 4 DESC`, lo, hi)
	if err != nil {
		return nil, fmt.Errorf("donations by designation: %w", err)
	}
	defer rows.Close()
	var out []DesignationTotal
	for rows.Next() {
		var d DesignationTotal
		var f int64
		if err := rows.Scan(&d.Kind, &d.Target, &d.Count, &f); err != nil {
			return nil, err
		}
		d.Fen = money.Fen(f)
		out = append(out, d)
	}
	return out, rows.Err()
}

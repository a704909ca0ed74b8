package ledger

import (
	"fmt"
	"maps"
	"slices"

	"boai"
	"boai/internal/money"
)

// Balances are account balances, debit positive: an asset or expense
// account has a positive balance, a fund a negative one.
type Balances map[Account]money.Fen

// Trial totals transactions into balances, after checking each one, so a
// single bad transaction is named rather than hidden in a wrong total.
func Trial(txns []Transaction) (Balances, error) {
	b := Balances{}
	for i := range txns {
		if err := txns[i].Validate(); err != nil {
			return nil, fmt.Errorf("transaction %d: %w", txns[i].ID, err)
		}
		b.Add(txns[i])
	}
	return b, nil
}

// Add posts t into b.
func (b Balances) Add(t Transaction) {
	for _, p := range t.Postings {
		b[p.Account] += p.Signed()
	}
}

// Check is the trial balance: every balance together sums to zero, and no
// fund is below zero.
func (b Balances) Check() error {
	var sum money.Fen
	for _, v := range b {
		sum += v
	}
	if sum != 0 {
		return boai.Errorf(boai.EINTERNAL, "试算不平，差额 %s / the trial balance is off by %s", sum.Yuan(), sum.Yuan())
	}
	funds := b.Funds()
	for _, f := range slices.Sorted(maps.Keys(funds)) {
		if v := funds[f]; v < 0 {
			return boai.Errorf(boai.EINTERNAL, "基金「%s」余额为负（%s）/ the fund %q is negative (%s)",
				f.Designation().FundLabel(), v.Yuan(), f.Designation().FundLabelEn(), v.Yuan())
		}
	}
	return nil
}

// Funds is what each fund holds: what was credited to it, less what it
// moved out and the expenses charged to it.
func (b Balances) Funds() map[Account]money.Fen {
	out := map[Account]money.Fen{}
	for a, v := range b {
		if f := a.Fund(); f != "" {
			out[f] -= v // the fund's own credit balance, and its expenses' debits
		}
	}
	return out
}

package store

import (
	"context"
	"os"
	"testing"

	"boai/internal/ledger"
	"boai/internal/money"
)

// Postings pair into transfers, and postings that do not balance do not.
func TestTransfers(t *testing.T) {
	exp := ledger.ExpenseAccount(ledger.Category("procurement"), ledger.GeneralFund)
	tests := []struct {
		name string
		ps   []ledger.Posting
		want int // transfers; 0: refused
	}{
		{"pair", []ledger.Posting{ledger.Dr(ledger.Bank, 100), ledger.Cr(ledger.GeneralFund, 100)}, 1},
		{"one credit, two debits", []ledger.Posting{ledger.Dr(exp, 60), ledger.Dr(ledger.Cash, 40), ledger.Cr(ledger.Bank, 100)}, 2},
		{"two and two", []ledger.Posting{ledger.Dr(exp, 60), ledger.Dr(ledger.Cash, 40), ledger.Cr(ledger.Bank, 30), ledger.Cr(ledger.GeneralFund, 70)}, 3},
		{"short credit", []ledger.Posting{ledger.Dr(ledger.Bank, 100), ledger.Cr(ledger.GeneralFund, 99)}, 0},
		{"short debit", []ledger.Posting{ledger.Dr(ledger.Bank, 99), ledger.Cr(ledger.GeneralFund, 100)}, 0},
		{"one side only", []ledger.Posting{ledger.Dr(ledger.Bank, 100)}, 0},
		{"same account", []ledger.Posting{ledger.Dr(ledger.Bank, 100), ledger.Cr(ledger.Bank, 100)}, 0},
		{"nothing", nil, 0},
	}
	for _, tc := range tests {
		trs, err := transfers(tc.ps)
		if tc.want == 0 {
			if err == nil {
				t.Errorf("%s: paired into %v", tc.name, trs)
			}
			continue
		}
		if err != nil || len(trs) != tc.want {
			t.Errorf("%s: %d transfers (%v), want %d", tc.name, len(trs), err, tc.want)
			continue
		}
		sum := map[ledger.Account]money.Fen{}
		for _, tr := range trs {
			sum[tr.debit] += tr.amount
			sum[tr.credit] -= tr.amount
		}
		for _, p := range tc.ps {
			sum[p.Account] -= p.Signed()
		}
		for a, v := range sum {
			if v != 0 {
				t.Errorf("%s: account %s off by %v", tc.name, a, v)
			}
		}
	}
}

// The database refuses a transfer that cannot balance even if the
// store's own pairing were bypassed, and the write rolls back.
func TestUnbalancedTransferNeverCommits(t *testing.T) {
	ctx := context.Background()
	dbs := map[string]func() (*DB, func()){"sqlite": func() (*DB, func()) {
		db, err := Open(ctx, t.TempDir()+"/b.db")
		if err != nil {
			t.Fatal(err)
		}
		return db, func() { db.Close() }
	}}
	if dsn := os.Getenv("BOAI_TEST_POSTGRES"); dsn != "" {
		dbs["postgres"] = func() (*DB, func()) {
			url, schema, err := FreshSchema(dsn, "boai_test_")
			if err != nil {
				t.Fatal(err)
			}
			db, err := Open(ctx, url)
			if err != nil {
				t.Fatal(err)
			}
			return db, func() { db.Close(); DropSchema(dsn, schema) }
		}
	} else if os.Getenv("CI") != "" {
		t.Fatal("BOAI_TEST_POSTGRES is not set: CI must run the suite on PostgreSQL too")
	}
	for name, open := range dbs {
		t.Run(name, func(t *testing.T) {
			db, done := open()
			defer done()
			for _, row := range [][3]any{{"5101", "3101", 0}, {"5101", "3101", -5}, {"1002", "1002", 100}} {
				err := db.Write(ctx, func(tx *Tx) error {
					_, err := tx.exec(ctx, insertTransfer, nil, ledger.KindPayment, 1, "2026-01", "test:1", nil, nil, "", "", "", "test", 1,
						row[0], row[1], row[2], "", "")
					return err
				})
				if err == nil {
					t.Errorf("transfer %v committed", row)
				}
			}
			var n int
			if err := db.queryRow(ctx, "SELECT COUNT(*) FROM ledger_txns").Scan(&n); err != nil || n != 0 {
				t.Fatalf("transfers left behind: %d %v", n, err)
			}
		})
	}
}

package store

import (
	"context"
	"testing"

	"boai/internal/audit"
	"boai/internal/ledger"
)

// The store's own check refuses an unbalanced transaction even if the
// domain's validation were bypassed, and the write rolls back.
func TestUnbalancedTransactionNeverCommits(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, t.TempDir()+"/b.db")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Write(ctx, func(tx *Tx) error {
		id, err := tx.insert(ctx, insertTxnStmt, ledger.KindPayment, 1, "2026-01", "test:1", nil, nil, "", "", "", audit.System.Username, 1)
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, "INSERT INTO ledger_postings (txn_id, account, fund, amount) VALUES (?, '5101', '3101', 100), (?, '1002', '', -99)", id, id); err != nil {
			return err
		}
		return tx.checkBalanced(ctx, id)
	})
	if err == nil {
		t.Fatal("an unbalanced transaction committed")
	}
	var n int
	if err := db.queryRow(ctx, "SELECT COUNT(*) FROM ledger_postings").Scan(&n); err != nil || n != 0 {
		t.Fatalf("postings left behind: %d %v", n, err)
	}
}

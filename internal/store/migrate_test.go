package store

import (
	"context"
	"database/sql"
	"io/fs"
	"path/filepath"
	"testing"

	"github.com/pressly/goose/v3"
)

// The lot-source migration rebuilds stock_lots on SQLite. Upgrading a
// database that already has stock must keep every lot, its id and the
// stock moves and dispatch receipts that point at it, and leave foreign
// keys enforced.
func TestMigrateLotSourcesKeepsStock(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	conn, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetMaxOpenConns(1)
	sub, _ := fs.Sub(migrations, "migrations/sqlite")
	p, err := goose.NewProvider(goose.DialectSQLite3, conn, sub)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 9); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		"INSERT INTO branches (id, code, name) VALUES (1, 'HZ', '杭州市红十字会')",
		"INSERT INTO goods_categories (id, code, name) VALUES (1, 'med', '医用防护')",
		"INSERT INTO goods_items (id, category_id, code, name, spec, unit) VALUES (1, 1, 'N95', '医用防护口罩', 'N95', '只')",
		"INSERT INTO warehouses (id, code, name, kind, branch_id) VALUES (1, 'W1', '备灾中心', 'relief_centre', 1)",
		"INSERT INTO stock_lots (id, item_id, warehouse_id, designation_kind, quantity) VALUES (7, 1, 1, 'undesignated', 90)",
		"INSERT INTO stock_docs (id, no, kind, warehouse_id, created_by, created_at) VALUES (1, 'RK1', 'receipt', 1, 'x', 0)",
		"INSERT INTO stock_moves (doc_id, lot_id, item_id, warehouse_id, delta, balance, at) VALUES (1, 7, 1, 1, 90, 90, 0)",
	} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if _, err := p.Up(ctx); err != nil {
		t.Fatal(err)
	}
	var qty, src int64
	if err := conn.QueryRowContext(ctx, "SELECT quantity, source_line FROM stock_lots WHERE id = 7").Scan(&qty, &src); err != nil || qty != 90 || src != 0 {
		t.Fatalf("lot 7 after migration: qty %d source %d err %v", qty, src, err)
	}
	var fk int
	if err := conn.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk); err != nil || fk != 1 {
		t.Fatalf("foreign keys after migration: %d %v", fk, err)
	}
	rows, err := conn.QueryContext(ctx, "PRAGMA foreign_key_check")
	if err != nil {
		t.Fatal(err)
	}
	if rows.Next() {
		t.Fatal("foreign key violations after migration")
	}
	rows.Close()
	// Same key from another donation line is a lot of its own now.
	if _, err := conn.ExecContext(ctx, "INSERT INTO stock_lots (item_id, warehouse_id, designation_kind, source_line, quantity) VALUES (1, 1, 'undesignated', 3, 5)"); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, "INSERT INTO stock_moves (doc_id, lot_id, item_id, warehouse_id, delta, balance, at) VALUES (1, 999, 1, 1, 1, 1, 0)"); err == nil {
		t.Fatal("a move to a missing lot was accepted: foreign keys are off")
	}
}

package store

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"os"
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

// The transfers migration rebuilds the book: a transaction's postings
// become transfers, the first keeping the transaction's id, and inflows
// are no longer written at intake. A book written the old way must keep
// every amount on every account, know how far each fund's inflows are
// written, and go back down again.
func TestMigrateTransfersKeepsBook(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		conn, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "old.db")+"?_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)")
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		conn.SetMaxOpenConns(1)
		testMigrateTransfers(t, conn, SQLite)
	})
	dsn := os.Getenv("BOAI_TEST_POSTGRES")
	if dsn == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("BOAI_TEST_POSTGRES is not set: CI must run the suite on PostgreSQL too")
		}
		return
	}
	t.Run("postgres", func(t *testing.T) {
		url, schema, err := FreshSchema(dsn, "boai_test_")
		if err != nil {
			t.Fatal(err)
		}
		defer DropSchema(dsn, schema)
		conn, err := sql.Open("pgx", url)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		testMigrateTransfers(t, conn, Postgres)
	})
}

func testMigrateTransfers(t *testing.T, conn *sql.DB, dialect Dialect) {
	ctx := context.Background()
	sub, _ := fs.Sub(migrations, "migrations/"+map[Dialect]string{SQLite: "sqlite", Postgres: "postgres"}[dialect])
	p, err := goose.NewProvider(map[Dialect]goose.Dialect{SQLite: goose.DialectSQLite3, Postgres: goose.DialectPostgres}[dialect], conn, sub)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 14); err != nil {
		t.Fatal(err)
	}
	rebind := (&DB{Dialect: dialect}).q
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := conn.ExecContext(ctx, rebind(q), args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	count := func(q string) (n, sum int64) {
		t.Helper()
		if err := conn.QueryRowContext(ctx, q).Scan(&n, &sum); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return n, sum
	}
	balances := func() map[string]int64 {
		t.Helper()
		rows, err := conn.QueryContext(ctx, "SELECT account, SUM(amount) FROM ledger_postings GROUP BY account")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[string]int64{}
		for rows.Next() {
			var a string
			var v int64
			if err := rows.Scan(&a, &v); err != nil {
				t.Fatal(err)
			}
			out[a] = v
		}
		return out
	}
	exec("INSERT INTO branches (id, code, name) VALUES (1, 'HZ', '杭州市红十字会')")
	for i := int64(1); i <= 3; i++ {
		exec(`INSERT INTO donations (id, cert_no, kind, branch_id, donor_kind, donor_name, anonymous, amount_fen, channel, received_at,
			designation_kind, fund_label, fingerprint, source, created_by, created_at)
			VALUES (?, ?, 'donation', 1, 'person', '张三', false, 1000, 'bank', 0, 'undesignated', '', ?, 'manual', 'x', 0)`, i, fmt.Sprint("C", i), fmt.Sprint(i))
		exec("INSERT INTO ledger_txns (id, kind, at, period, ref, donation_id, created_by, created_at) VALUES (?, 'donation', 0, '1970-01', '', ?, 'x', 0)", i, i)
		exec("INSERT INTO ledger_postings (txn_id, account, fund, amount) VALUES (?, '1002', '', 1000), (?, '3101', '3101', -1000)", i, i)
		exec("INSERT INTO fund_inflows (fund, donation_id, amount, used, txn_id) VALUES ('3101', ?, 1000, ?, ?)", i, map[int64]int64{1: 1000, 2: 400, 3: 0}[i], i)
	}
	// A payment from two expense accounts: two legs against one credit.
	exec("INSERT INTO ledger_txns (id, kind, at, period, ref, created_by, created_at) VALUES (4, 'payment', 0, '1970-01', 'expenditure:1', 'x', 0)")
	exec("INSERT INTO ledger_postings (txn_id, account, fund, amount) VALUES (4, '5101:3101', '3101', 1000), (4, '5102:3101', '3101', 400), (4, '1002', '', -1400)")
	exec("INSERT INTO fund_links (donation_id, txn_id, fund, amount) VALUES (1, 4, '3101', 1000), (2, 4, '3101', 400)")
	exec("INSERT INTO ledger_checkpoints (fund, through_id, balance) VALUES ('3101', 4, 2000)")
	before := balances()
	if _, err := p.UpTo(ctx, 15); err != nil {
		t.Fatal(err)
	}
	if n, _ := count("SELECT COUNT(*), 0 FROM ledger_txns WHERE txn_id IS NULL"); n != 4 {
		t.Fatalf("transactions after migration: %d", n)
	}
	if n, legs := count("SELECT COUNT(*), SUM(txn_id) FROM ledger_txns WHERE txn_id IS NOT NULL"); n != 1 || legs != 4 {
		t.Fatalf("second legs after migration: %d (of %d)", n, legs)
	}
	if after := balances(); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Fatalf("balances changed: %v, were %v", after, before)
	}
	if n, cursor := count("SELECT COUNT(*), MAX(through_id) FROM fund_cursors WHERE fund = '3101'"); n != 1 || cursor != 3 {
		t.Fatalf("fund cursor: %d", cursor)
	}
	if n, _ := count("SELECT COUNT(*), 0 FROM ledger_checkpoints"); n != 0 {
		t.Fatalf("checkpoints by posting id survived: %d", n)
	}
	for _, q := range []string{"UPDATE ledger_txns SET reason = 'x' WHERE id = 1", "DELETE FROM ledger_txns WHERE id = 1",
		"INSERT INTO ledger_txns (kind, at, period, ref, created_by, created_at, debit, credit, amount) VALUES ('payment', 0, '', 'e:2', 'x', 0, '1002', '1002', 5)",
		"INSERT INTO ledger_txns (kind, at, period, ref, created_by, created_at, debit, credit, amount) VALUES ('payment', 0, '', 'e:2', 'x', 0, '5101', '1002', 0)"} {
		if _, err := conn.ExecContext(ctx, q); err == nil {
			t.Fatalf("%s: accepted after the rebuild", q)
		}
	}
	if dialect == SQLite {
		if rows, err := conn.QueryContext(ctx, "PRAGMA foreign_key_check"); err != nil || rows.Next() {
			t.Fatalf("foreign key violations after the rebuild (%v)", err)
		} else {
			rows.Close()
		}
	}
	reversal := "INSERT INTO ledger_txns (kind, at, period, ref, reverses_id, created_by, created_at, debit, credit, amount, dr_fund) VALUES ('reversal', 0, '', '', 3, 'x', 0, '3101', '1002', 1000, '3101')"
	exec(reversal)
	if _, err := conn.ExecContext(ctx, reversal); err == nil {
		t.Fatal("a transaction reversed twice")
	}
	// A donation posted the new way (no inflow), then down: its inflow is
	// written so the old code finds it, and every posting is back.
	exec(`INSERT INTO donations (id, cert_no, kind, branch_id, donor_kind, donor_name, anonymous, amount_fen, channel, received_at,
		designation_kind, fund_label, fingerprint, source, created_by, created_at)
		VALUES (4, 'C4', 'donation', 1, 'person', '李四', false, 500, 'bank', 0, 'undesignated', '', '4', 'manual', 'x', 0)`)
	exec("INSERT INTO ledger_txns (kind, at, period, ref, donation_id, created_by, created_at, debit, credit, amount, cr_fund) VALUES ('donation', 0, '1970-01', '', 4, 'x', 0, '1002', '3101', 500, '3101')")
	before = balances()
	// Down past the transfers migration (00015), whatever came after it.
	if _, err := p.DownTo(ctx, 14); err != nil {
		t.Fatal(err)
	}
	if n, unused := count("SELECT COUNT(*), SUM(amount - used) FROM fund_inflows"); n != 4 || unused != 2100 {
		t.Fatalf("inflows after down: %d rows, %d unused", n, unused)
	}
	if n, _ := count("SELECT COUNT(*), 0 FROM ledger_postings"); n != 13 {
		t.Fatalf("postings after down: %d", n)
	}
	if after := balances(); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Fatalf("balances changed going down: %v, were %v", after, before)
	}
}

// The supervision migration gives every alert raised before it a subject
// of its own, so the unique key holds, and goes back down.
func TestMigrateSupervisionKeepsAlerts(t *testing.T) {
	run := func(t *testing.T, conn *sql.DB, dialect Dialect) {
		ctx := context.Background()
		sub, _ := fs.Sub(migrations, "migrations/"+string(dialect))
		p, err := goose.NewProvider(map[Dialect]goose.Dialect{SQLite: goose.DialectSQLite3, Postgres: goose.DialectPostgres}[dialect], conn, sub)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.UpTo(ctx, 15); err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{"INSERT INTO alerts (kind, ref, message, created_at) VALUES ('restricted_misuse', '', 'a', 1)",
			"INSERT INTO alerts (kind, ref, message, created_at) VALUES ('restricted_misuse', '', 'b', 2)",
			"INSERT INTO alerts (kind, ref, message, created_at) VALUES ('expenditure_over_threshold', 'expenditure:7', 'c', 3)",
			"INSERT INTO webhooks (kind, url) VALUES ('wecom', 'https://qyapi.weixin.qq.com/x?key=1')"} {
			if _, err := conn.ExecContext(ctx, q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		if _, err := p.UpTo(ctx, 18); err != nil {
			t.Fatal(err)
		}
		var refs, sevs, topic string
		if err := conn.QueryRowContext(ctx, "SELECT string_agg(ref, ',' ORDER BY id), string_agg(severity, ',' ORDER BY id) FROM alerts").Scan(&refs, &sevs); dialect == Postgres && err != nil {
			t.Fatal(err)
		}
		if dialect == SQLite {
			if err := conn.QueryRowContext(ctx, "SELECT group_concat(ref, ','), group_concat(severity, ',') FROM (SELECT ref, severity FROM alerts ORDER BY id)").Scan(&refs, &sevs); err != nil {
				t.Fatal(err)
			}
		}
		if refs != "alert:1,alert:2,expenditure:7" || sevs != "warning,warning,warning" {
			t.Errorf("after up: refs %q severities %q", refs, sevs)
		}
		if err := conn.QueryRowContext(ctx, "SELECT topic FROM webhooks").Scan(&topic); err != nil || topic != "approvals" {
			t.Errorf("an existing robot's topic: %q %v", topic, err)
		}
		if _, err := conn.ExecContext(ctx, "INSERT INTO alerts (kind, ref, message, created_at) VALUES ('expenditure_over_threshold', 'expenditure:7', 'd', 4)"); err == nil {
			t.Error("the same subject twice")
		}
		if _, err := p.DownTo(ctx, 15); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := conn.QueryRowContext(ctx, "SELECT COUNT(*) FROM alerts").Scan(&n); err != nil || n != 3 {
			t.Errorf("alerts after down: %d %v", n, err)
		}
	}
	t.Run("sqlite", func(t *testing.T) {
		conn, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "old.db")+"?_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)")
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		conn.SetMaxOpenConns(1)
		run(t, conn, SQLite)
	})
	dsn := os.Getenv("BOAI_TEST_POSTGRES")
	if dsn == "" {
		return
	}
	t.Run("postgres", func(t *testing.T) {
		url, schema, err := FreshSchema(dsn, "boai_test_")
		if err != nil {
			t.Fatal(err)
		}
		defer DropSchema(dsn, schema)
		conn, err := sql.Open("pgx", url)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		run(t, conn, Postgres)
	})
}

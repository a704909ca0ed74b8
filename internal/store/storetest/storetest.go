// Package storetest opens real databases for tests: a fresh SQLite file,
// and a fresh schema on the PostgreSQL server named by BOAI_TEST_POSTGRES.
// No test mocks the database.
package storetest

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"boai/internal/store"
)

// Backend names a database for a test run.
type Backend struct {
	Name string
	Open func(t testing.TB) *store.DB
}

// Backends are the databases every store test runs on: SQLite always,
// PostgreSQL when BOAI_TEST_POSTGRES holds a DSN. In CI a missing
// PostgreSQL fails the run instead of skipping.
func Backends(t testing.TB) []Backend {
	bs := []Backend{{Name: "sqlite", Open: OpenSQLite}}
	if PostgresDSN(t) != "" {
		bs = append(bs, Backend{Name: "postgres", Open: OpenPostgres})
	}
	return bs
}

// PostgresDSN returns BOAI_TEST_POSTGRES; without it it logs why
// PostgreSQL is skipped, or fails in CI.
func PostgresDSN(t testing.TB) string {
	dsn := os.Getenv("BOAI_TEST_POSTGRES")
	if dsn == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("BOAI_TEST_POSTGRES is not set: CI must run the suite on PostgreSQL too")
		}
		t.Log("BOAI_TEST_POSTGRES not set: PostgreSQL runs skipped (set it to a DSN, e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable)")
	}
	return dsn
}

// Each runs f once per backend as a subtest.
func Each(t *testing.T, f func(t *testing.T, db *store.DB)) {
	for _, b := range Backends(t) {
		t.Run(b.Name, func(t *testing.T) { f(t, b.Open(t)) })
	}
}

// OpenSQLite opens a fresh SQLite database in the test's temp dir.
func OpenSQLite(t testing.TB) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "boai.db"))
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// OpenPostgres opens a fresh schema on the test PostgreSQL server, dropped
// when the test ends.
func OpenPostgres(t testing.TB) *store.DB {
	t.Helper()
	dsn, schema, err := store.FreshSchema(PostgresDSN(t), "boai_test_")
	if err != nil {
		t.Fatalf("postgres schema: %v", err)
	}
	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	t.Cleanup(func() {
		db.Close()
		store.DropSchema(PostgresDSN(t), schema)
	})
	return db
}

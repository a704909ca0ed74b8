package store

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
)

// FreshSchema creates an empty, uniquely named schema on the PostgreSQL
// server at dsn and returns a DSN that uses it, for tests and benchmarks
// that need a database of their own on a shared server.
func FreshSchema(dsn, prefix string) (string, string, error) {
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		return "", "", err
	}
	schema := prefix + hex.EncodeToString(b)
	conn, err := sql.Open("pgx", dsn)
	if err != nil {
		return "", "", err
	}
	defer conn.Close()
	if _, err := conn.Exec("CREATE SCHEMA " + schema); err != nil {
		return "", "", err
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return "", "", err
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), schema, nil
}

// DropSchema removes a schema made by FreshSchema.
func DropSchema(dsn, schema string) error {
	conn, err := sql.Open("pgx", dsn)
	if err != nil {
		return err
	}
	defer conn.Close()
	_, err = conn.Exec("DROP SCHEMA " + schema + " CASCADE")
	return err
}

// Package store is boai's storage: plain SQL over database/sql, on the
// embedded SQLite (default) or on PostgreSQL through pgx. One file per
// aggregate; public methods open the transaction, private helpers take it,
// so a record, its audit entry and everything else it implies commit
// together or not at all.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite" // registers "sqlite"
)

//go:embed migrations
var migrations embed.FS

// Dialect is the one seam where SQLite and PostgreSQL differ.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB is an open boai database.
type DB struct {
	Dialect Dialect
	read    *sql.DB // readers; on SQLite a read-only pool
	write   *sql.DB // on SQLite the single writer connection; on PostgreSQL the same pool as read
	Now     func() time.Time
	// Checkpoints gives the public log's checkpoint of a day for its
	// disclosure; nil until the log is wired, and the disclosure then
	// prints that it has none yet.
	Checkpoints DayCheckpoints

	queue    chan *writeReq
	stop     chan struct{}
	wg       sync.WaitGroup
	wal      *os.File             // SQLite: the WAL, fsynced by syncLoop
	prepared map[string]*sql.Stmt // SQLite: hot statements on the writer
	syncq    chan []*writeReq
	syncWG   sync.WaitGroup
	rebinds  sync.Map
	path     string // SQLite file
	saltCache
}

// IsPostgres reports whether dsn names a PostgreSQL database.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Open opens (and creates) the database named by dsn, a postgres:// URL or
// a SQLite file path, and applies pending migrations.
func Open(ctx context.Context, dsn string) (*DB, error) {
	db := &DB{Now: time.Now, stop: make(chan struct{}), queue: make(chan *writeReq, 4096)}
	var err error
	writers := 1
	if IsPostgres(dsn) {
		db.Dialect = Postgres
		if db.write, err = sql.Open("pgx", dsn); err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		db.write.SetMaxOpenConns(48)
		db.write.SetMaxIdleConns(48)
		db.read = db.write
		// PostgreSQL takes concurrent writers well; several group-commit
		// loops keep the round trips of one batch off the others' path.
		writers = 8
	} else {
		db.Dialect = SQLite
		db.path = dsn
		// WAL lets readers run beside the one writer; synchronous=FULL
		// fsyncs every commit, so an acknowledged write survives a crash.
		// The writer commits with synchronous=NORMAL and a sync loop
		// fsyncs the WAL before any write is acknowledged (see durable);
		// readers never write.
		pragmas := "_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)" +
			"&_pragma=cache_size(-65536)&_pragma=temp_store(MEMORY)&_pragma=wal_autocheckpoint(10000)"
		if db.write, err = sql.Open("sqlite", "file:"+dsn+"?"+pragmas+"&_txlock=immediate"); err != nil {
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		db.write.SetMaxOpenConns(1)
		db.write.SetConnMaxIdleTime(0)
		if db.read, err = sql.Open("sqlite", "file:"+dsn+"?"+pragmas+"&_pragma=query_only(1)"); err != nil {
			return nil, fmt.Errorf("open sqlite readers: %w", err)
		}
		n := max(4, 2*runtime.NumCPU())
		db.read.SetMaxOpenConns(n)
		db.read.SetMaxIdleConns(n)
	}
	if err := db.write.PingContext(ctx); err != nil {
		db.closeConns()
		return nil, fmt.Errorf("connect %s: %w", db.Dialect, err)
	}
	if err := db.migrate(ctx); err != nil {
		db.closeConns()
		return nil, err
	}
	if db.Dialect == SQLite {
		// Prepared now, while the one writer connection is free; each
		// transaction then reuses them instead of parsing again.
		db.prepared = map[string]*sql.Stmt{}
		for _, q := range hotWrites {
			st, err := db.write.PrepareContext(ctx, q)
			if err != nil {
				db.closeConns()
				return nil, fmt.Errorf("prepare: %w", err)
			}
			db.prepared[q] = st
		}
		// The WAL exists once migrations have run; fsync on this handle
		// flushes what the writer connection wrote to the same file.
		if db.wal, err = os.OpenFile(dsn+"-wal", os.O_RDWR|os.O_CREATE, 0o600); err != nil {
			db.closeConns()
			return nil, fmt.Errorf("open the WAL for fsync: %w", err)
		}
		db.syncq = make(chan []*writeReq, 1024)
		db.syncWG.Add(1)
		go db.syncLoop()
	}
	for range writers {
		db.wg.Add(1)
		go db.writeLoop()
	}
	return db, nil
}

func (db *DB) migrate(ctx context.Context) error {
	sub, err := fs.Sub(migrations, "migrations/"+string(db.Dialect))
	if err != nil {
		return err
	}
	dialect := goose.DialectSQLite3
	if db.Dialect == Postgres {
		dialect = goose.DialectPostgres
	}
	p, err := goose.NewProvider(dialect, db.write, sub)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// Close stops the writers, waiting for queued writes, and closes the pools.
func (db *DB) Close() error {
	close(db.stop)
	db.wg.Wait()
	if db.wal != nil {
		close(db.syncq)
		db.syncWG.Wait()
		db.wal.Close()
	}
	return db.closeConns()
}

func (db *DB) closeConns() error {
	err := db.write.Close()
	if db.read != nil && db.read != db.write {
		err = errors.Join(err, db.read.Close())
	}
	return err
}

// Ping checks the database answers, for /healthz.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	return db.read.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// Backup writes a consistent copy of the SQLite database to path while
// boai keeps running: VACUUM INTO reads one snapshot. It runs on a
// connection of its own (the readers are read-only, the writer may be in
// a transaction); a failed backup leaves no partial file.
func (db *DB) Backup(ctx context.Context, path string) error {
	if db.Dialect != SQLite {
		return errors.New("backup: use pg_dump for PostgreSQL")
	}
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("backup: %s exists; choose a new file", path)
	}
	conn, err := sql.Open("sqlite", "file:"+db.path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "VACUUM INTO ?", path); err != nil {
		os.Remove(path)
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	return nil
}

// q rewrites the portable "?" placeholders for the dialect. Queries in this
// package never put a literal "?" inside a string.
func (db *DB) q(query string) string {
	if db.Dialect != Postgres {
		return query
	}
	if v, ok := db.rebinds.Load(query); ok {
		return v.(string)
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	db.rebinds.Store(query, b.String())
	return b.String()
}

// Tx is a write transaction: the batch a group commit runs in.
type Tx struct {
	db       *DB
	tx       *sql.Tx
	stmts    map[string]*sql.Stmt // closed with the transaction
	readOnly bool                 // a read on the reader pool: no writer statements
	// closed caches the last closed month for this transaction: a batch
	// of donations reads it once (only a spend or a close changes it,
	// and those never share a transaction with donations).
	closed *string
}

// readTx runs fn in a read-only transaction on the reader pool, for reads
// that must see one consistent state.
func (db *DB) readTx(ctx context.Context, fn func(*Tx) error) error {
	sqlTx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("begin read: %w", err)
	}
	defer sqlTx.Rollback()
	return fn(&Tx{db: db, tx: sqlTx, readOnly: true})
}

func (t *Tx) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := t.stmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return t.tx.ExecContext(ctx, t.db.q(query), args...)
}

func (t *Tx) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	if st := t.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return t.tx.QueryRowContext(ctx, t.db.q(query), args...)
}

func (t *Tx) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := t.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return t.tx.QueryContext(ctx, t.db.q(query), args...)
}

// stmt returns query prepared for this transaction: one of the hot
// statements prepared when the database opened, or prepared now and kept
// for the rest of the batch. pgx caches prepared statements per
// connection by itself.
func (t *Tx) stmt(ctx context.Context, query string) *sql.Stmt {
	if t.db.Dialect != SQLite || t.readOnly {
		return nil
	}
	if st, ok := t.stmts[query]; ok {
		return st
	}
	var st *sql.Stmt
	if p, ok := t.db.prepared[query]; ok {
		st = t.tx.StmtContext(ctx, p)
	} else {
		var err error
		if st, err = t.tx.PrepareContext(ctx, query); err != nil {
			return nil // let the plain call report the error
		}
	}
	if t.stmts == nil {
		t.stmts = map[string]*sql.Stmt{}
	}
	t.stmts[query] = st
	return st
}

// insert runs an INSERT … RETURNING id and returns the id.
func (t *Tx) insert(ctx context.Context, query string, args ...any) (int64, error) {
	var id int64
	err := t.queryRow(ctx, query+" RETURNING id", args...).Scan(&id)
	return id, err
}

func (db *DB) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return db.read.QueryRowContext(ctx, db.q(query), args...)
}

func (db *DB) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return db.read.QueryContext(ctx, db.q(query), args...)
}

// micros and fromMicros convert times to the stored form: unix microseconds.
func micros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

func fromMicros(us int64) time.Time {
	if us == 0 {
		return time.Time{}
	}
	return time.UnixMicro(us)
}

func nullMicros(n sql.NullInt64) time.Time {
	if !n.Valid {
		return time.Time{}
	}
	return fromMicros(n.Int64)
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// ExecForTest runs a raw statement on the writer, outside any record's
// rules; tests use it to prove the database itself refuses tampering.
func (db *DB) ExecForTest(ctx context.Context, query string) error {
	_, err := db.write.ExecContext(ctx, query)
	return err
}

// CountForTest runs a raw COUNT query; tests use it to compare a
// derived figure with the tables themselves.
func (db *DB) CountForTest(ctx context.Context, query string) (int64, error) {
	var n int64
	err := db.read.QueryRowContext(ctx, query).Scan(&n)
	return n, err
}

func isForeignKeyViolation(err error) bool {
	s := err.Error()
	return strings.Contains(s, "FOREIGN KEY constraint failed") || strings.Contains(s, "SQLSTATE 23503")
}

// Analyze refreshes the planner's statistics, as an operator does after a
// bulk load (PostgreSQL's autovacuum does it in time on its own).
func (db *DB) Analyze(ctx context.Context) error {
	_, err := db.write.ExecContext(ctx, "ANALYZE")
	return err
}

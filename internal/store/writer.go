package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"syscall"
	"time"

	"boai"
)

// Group commit. Every write goes through a writer loop that takes all the
// writes waiting at that moment and commits them in one transaction, so one
// fsync acknowledges a whole batch: durable and fast at once. A write's
// function may run twice (when its batch fails it is retried alone), so it
// must set its results afresh on each run.

const (
	maxBatch    = 256
	lingerBatch = 32                     // under load, wait for this many writes…
	lingerFor   = 500 * time.Microsecond // …but no longer than this
)

type writeReq struct {
	ctx   context.Context
	fn    func(*Tx) error
	don   *donationWrite // a donation, which a batch inserts with its peers
	alone bool           // long writes (imports) take the writer to themselves
	done  chan error
}

// Write runs fn in a write transaction and returns once it is durably
// committed, or with the error that stopped it. fn must check everything
// before it writes: returning an error rolls back its own writes only when
// it runs alone, so in a batch an error makes the batch run again with
// every write on its own.
func (db *DB) Write(ctx context.Context, fn func(*Tx) error) error {
	return db.submit(&writeReq{ctx: ctx, fn: fn, done: make(chan error, 1)})
}

// WriteAlone is Write for a long transaction that should not share its
// batch, such as committing a 100,000-row import.
func (db *DB) WriteAlone(ctx context.Context, fn func(*Tx) error) error {
	return db.submit(&writeReq{ctx: ctx, fn: fn, alone: true, done: make(chan error, 1)})
}

func (db *DB) submit(r *writeReq) error {
	select {
	case db.queue <- r:
	case <-r.ctx.Done():
		return r.ctx.Err()
	case <-db.stop:
		return errors.New("store closed")
	}
	// Once queued the write will run (unless its context ends before its
	// turn); wait for the outcome even if the caller gives up, so an
	// acknowledged write is never reported as failed.
	return <-r.done
}

func (db *DB) writeLoop() {
	defer db.wg.Done()
	batch := make([]*writeReq, 0, maxBatch)
	lastSize := 0
	for {
		var first *writeReq
		select {
		case first = <-db.queue:
		case <-db.stop:
			// Drain what was queued before Close.
			for {
				select {
				case r := <-db.queue:
					db.runBatch([]*writeReq{r})
				default:
					return
				}
			}
		}
		batch = append(batch[:0], first)
		if !first.alone {
			// Under load (the last batch was shared), linger a moment for
			// more writes: a commit's cost is mostly per batch, so fuller
			// batches make every write cheaper. A lone write is never held.
			var linger <-chan time.Time
			if lastSize > 1 {
				linger = time.After(lingerFor)
			}
		fill:
			for len(batch) < maxBatch {
				var r *writeReq
				select {
				case r = <-db.queue:
				default:
					if linger == nil || len(batch) >= lingerBatch {
						break fill
					}
					select {
					case r = <-db.queue:
					case <-linger:
						break fill
					}
				}
				if r.alone {
					db.runBatch(batch)
					batch = batch[:0]
					db.runBatch([]*writeReq{r})
					break fill
				}
				batch = append(batch, r)
			}
		}
		lastSize = len(batch)
		if len(batch) > 0 {
			db.runBatch(batch)
		}
	}
}

func (db *DB) runBatch(batch []*writeReq) {
	live := batch[:0:0]
	for _, r := range batch {
		if err := r.ctx.Err(); err != nil {
			r.done <- err
			continue
		}
		live = append(live, r)
	}
	if len(live) == 0 {
		return
	}
	if len(live) == 1 {
		if err := db.runTx(live[0].ctx, live[0].fn); err != nil {
			live[0].done <- err
		} else {
			db.durable(live)
		}
		return
	}
	// The batch's context is not any one request's: a caller that goes
	// away must not roll back the others' writes.
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var dons []*donationWrite
	err := db.runTx(ctx, func(tx *Tx) error {
		dons = dons[:0]
		for _, r := range live {
			// On PostgreSQL a batch's donations share one INSERT (round
			// trips are the cost); on SQLite one prepared single-row
			// INSERT each is cheaper than parsing a multi-row one.
			if r.don != nil && db.Dialect == Postgres {
				r.don.err = nil
				dons = append(dons, r.don)
			} else if err := r.fn(tx); err != nil {
				return err
			}
		}
		if len(dons) > 0 {
			return tx.insertDonations(ctx, dons)
		}
		return nil
	})
	if err == nil {
		// A donation refused on its own (a clash) is answered at once;
		// the rest when durable.
		ok := live[:0:0]
		for _, r := range live {
			if r.don != nil && r.don.err != nil {
				r.done <- r.don.err
			} else {
				ok = append(ok, r)
			}
		}
		db.durable(ok)
		return
	}
	// One write failed (or the commit did): run each on its own, so the
	// failure is reported to its owner only.
	var ok []*writeReq
	for _, r := range live {
		if err := db.runTx(r.ctx, r.fn); err != nil {
			r.done <- err
		} else {
			ok = append(ok, r)
		}
	}
	db.durable(ok)
}

// durable answers committed writes once they are on disk. On PostgreSQL
// the commit itself waited for the WAL flush. On SQLite the commit only
// wrote the WAL (synchronous=NORMAL), and the sync loop fsyncs it while
// the writer goes on with the next batch, so the disk's latency is not
// paid inside the one writer; every write is still answered only after
// an fsync that began after its commit.
func (db *DB) durable(reqs []*writeReq) {
	if len(reqs) == 0 {
		return
	}
	if db.wal == nil {
		for _, r := range reqs {
			r.done <- nil
		}
		return
	}
	db.syncq <- reqs
}

func (db *DB) syncLoop() {
	defer db.syncWG.Done()
	for first := range db.syncq {
		pending := [][]*writeReq{first}
	more:
		for {
			select {
			case r, ok := <-db.syncq:
				if !ok {
					break more
				}
				pending = append(pending, r)
			default:
				break more
			}
		}
		// fdatasync: the WAL's data, without the inode's times; SQLite
		// itself syncs the WAL the same way.
		err := syscall.Fdatasync(int(db.wal.Fd()))
		if err != nil {
			slog.Error("fsync of the SQLite WAL failed", "err", err)
			err = &boai.Error{Code: boai.EINTERNAL, Message: "写入未能确认落盘，请重试 / the write could not be confirmed durable; retry",
				Err: fmt.Errorf("fsync wal: %w", err)}
		}
		for _, reqs := range pending {
			for _, r := range reqs {
				r.done <- err
			}
		}
	}
}

func (db *DB) runTx(ctx context.Context, fn func(*Tx) error) (err error) {
	// PostgreSQL may pick this transaction as a deadlock's victim (two
	// writers taking rows in different orders): it rolled back whole, so
	// it is run again.
	for attempt := 0; ; attempt++ {
		err = db.runTxOnce(ctx, fn)
		if attempt < 3 && isRetryable(err) {
			continue
		}
		return err
	}
}

// isRetryable reports a PostgreSQL deadlock or serialization failure.
func isRetryable(err error) bool {
	if err == nil {
		return false
	}
	s := err.Error()
	return strings.Contains(s, "SQLSTATE 40P01") || strings.Contains(s, "SQLSTATE 40001")
}

func (db *DB) runTxOnce(ctx context.Context, fn func(*Tx) error) (err error) {
	sqlTx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	tx := &Tx{db: db, tx: sqlTx}
	defer func() {
		if p := recover(); p != nil {
			_ = sqlTx.Rollback()
			slog.Error("write panicked", "panic", p)
			err = &boai.Error{Code: boai.EINTERNAL, Message: "internal error", Err: fmt.Errorf("panic: %v", p)}
		}
	}()
	if err := fn(tx); err != nil {
		_ = sqlTx.Rollback()
		if isForeignKeyViolation(err) {
			return &boai.Error{Code: boai.EINVALID, Message: "所选机构或关联记录不存在 / a referenced record (such as the branch) does not exist", Err: err}
		}
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

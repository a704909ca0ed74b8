package store

import (
	"context"
	"fmt"
)

// ClaimJob claims the run of job name for slot (e.g. "2026-11-30T09" for
// an hourly job) and reports whether this caller won it. The primary key
// decides, so across every boai process sharing the database exactly one
// runs each slot.
func (db *DB) ClaimJob(ctx context.Context, name, slot, owner string) (bool, error) {
	var won bool
	err := db.Write(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, "INSERT INTO job_runs (name, slot, owner, started_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
			name, slot, owner, micros(db.Now()))
		if err != nil {
			return fmt.Errorf("claim job %s/%s: %w", name, slot, err)
		}
		n, _ := res.RowsAffected()
		won = n == 1
		return nil
	})
	return won, err
}

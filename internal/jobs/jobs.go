// Package jobs runs boai's scheduled work: plain goroutines with a ticker.
// Each run claims its time slot in the database first, so when several
// boai processes share one PostgreSQL database a job runs once, not once
// per process.
package jobs

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// Claimer records who runs a job's slot; the first caller wins.
type Claimer interface {
	ClaimJob(ctx context.Context, name, slot, owner string) (bool, error)
}

// Job is scheduled work run every Every.
type Job struct {
	Name  string
	Every time.Duration
	Run   func(ctx context.Context) error
}

// Runner runs jobs until its context ends.
type Runner struct {
	Claims Claimer
	Owner  string // this process, for the record
	Log    *slog.Logger
	Now    func() time.Time
	wg     sync.WaitGroup
}

// Start runs every job in its own goroutine until ctx ends.
func (r *Runner) Start(ctx context.Context, jobs ...Job) {
	for _, j := range jobs {
		r.wg.Add(1)
		go func() {
			defer r.wg.Done()
			t := time.NewTicker(min(j.Every, time.Minute))
			defer t.Stop()
			for {
				r.Tick(ctx, j)
				select {
				case <-ctx.Done():
					return
				case <-t.C:
				}
			}
		}()
	}
}

// Wait waits for the job goroutines to stop.
func (r *Runner) Wait() { r.wg.Wait() }

// Tick runs j if its current slot is unclaimed, and reports whether it ran.
func (r *Runner) Tick(ctx context.Context, j Job) bool {
	slot := r.Now().UTC().Truncate(j.Every).Format(time.RFC3339)
	won, err := r.Claims.ClaimJob(ctx, j.Name, slot, r.Owner)
	if err != nil {
		if ctx.Err() == nil {
			r.Log.Error("claim job", "job", j.Name, "err", err)
		}
		return false
	}
	if !won {
		return false
	}
	if err := j.Run(ctx); err != nil {
		r.Log.Error("job failed", "job", j.Name, "slot", slot, "err", err)
	}
	return true
}

package jobs_test

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"boai/internal/jobs"
	"boai/internal/store"
	"boai/internal/store/storetest"
)

// Several runners sharing one database (as several boai processes behind
// a load balancer would) run each slot of a job exactly once.
func TestJobRunsOnceAcrossRunners(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		var runs atomic.Int32
		job := jobs.Job{Name: "purge", Every: time.Hour, Run: func(context.Context) error { runs.Add(1); return nil }}
		now := time.Date(2026, 11, 30, 9, 30, 0, 0, time.UTC)
		var wg sync.WaitGroup
		for i := range 4 {
			r := &jobs.Runner{Claims: db, Owner: string(rune('A' + i)), Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
				Now: func() time.Time { return now }}
			wg.Add(1)
			go func() { defer wg.Done(); r.Tick(context.Background(), job) }()
		}
		wg.Wait()
		if got := runs.Load(); got != 1 {
			t.Errorf("job ran %d times in one slot, want 1", got)
		}
		r := &jobs.Runner{Claims: db, Owner: "A", Log: slog.Default(), Now: func() time.Time { return now.Add(time.Hour) }}
		if !r.Tick(context.Background(), job) || runs.Load() != 2 {
			t.Error("next slot did not run")
		}
	})
}

package main

import (
	"context"
	"errors"
	"flag"
	"io"
	"time"

	"boai/internal/bench"
)

func benchCmd(ctx context.Context, cfg Config, args []string, stdout io.Writer) error {
	if len(args) < 1 || args[0] != "intake" {
		return errors.New("usage: boai bench intake [--clients 64] [--duration 10s] [--db postgres://…]")
	}
	fs := flag.NewFlagSet("bench intake", flag.ContinueOnError)
	cfg.flags(fs)
	clients := fs.Int("clients", 64, "concurrent HTTP clients")
	dur := fs.Duration("duration", 10*time.Second, "how long to drive load")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	return bench.Intake(ctx, bench.Options{DB: cfg.DB, Clients: *clients, Duration: *dur, Out: stdout})
}

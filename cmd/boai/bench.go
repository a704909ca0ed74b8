package main

import (
	"context"
	"errors"
	"flag"
	"io"
	"os"
	"runtime/pprof"
	"time"

	"boai/internal/bench"
)

func benchCmd(ctx context.Context, cfg Config, args []string, stdout io.Writer) error {
	if len(args) >= 1 && args[0] == "ledger" {
		fs := flag.NewFlagSet("bench ledger", flag.ContinueOnError)
		cfg.flags(fs)
		n := fs.Int("donations", 1_000_000, "donations in the book")
		samples := fs.Int("samples", 2000, "reads measured per question")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		return bench.Ledger(ctx, bench.LedgerOptions{DB: cfg.DB, Donations: *n, Samples: *samples, Out: stdout})
	}
	if len(args) >= 1 && args[0] == "disclosure" {
		fs := flag.NewFlagSet("bench disclosure", flag.ContinueOnError)
		cfg.flags(fs)
		n := fs.Int("donations", 2500, "money donations in the day disclosed")
		clients := fs.Int("clients", 64, "concurrent HTTP clients")
		dur := fs.Duration("duration", 10*time.Second, "how long to drive load")
		gz := fs.Bool("gzip", true, "ask for gzip, as browsers do")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		return bench.Disclosure(ctx, bench.DisclosureOptions{DB: cfg.DB, Donations: *n, Clients: *clients, Duration: *dur, Gzip: *gz, Out: stdout})
	}
	if len(args) < 1 || args[0] != "intake" {
		return errors.New("usage: boai bench intake [--clients 64] [--duration 10s] [--db postgres://…] | boai bench ledger [--donations 1000000] | boai bench disclosure [--donations 2500] [--clients 64]")
	}
	fs := flag.NewFlagSet("bench intake", flag.ContinueOnError)
	cfg.flags(fs)
	clients := fs.Int("clients", 64, "concurrent HTTP clients")
	dur := fs.Duration("duration", 10*time.Second, "how long to drive load")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the run to this file")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	return bench.Intake(ctx, bench.Options{DB: cfg.DB, Clients: *clients, Duration: *dur, Out: stdout})
}

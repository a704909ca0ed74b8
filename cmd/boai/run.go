package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	_ "time/tzdata" // Asia/Shanghai even where the system has no zone files

	"boai"
	"boai/internal/audit"
	"boai/internal/demo"
	"boai/internal/jobs"
	"boai/internal/money"
	"boai/internal/notify"
	"boai/internal/publish"
	"boai/internal/stock"
	"boai/internal/store"
	"boai/internal/supervision"
	"boai/internal/web"
)

const usage = `boai — a city Red Cross society's donation platform

Usage:
  boai serve [--demo] [--addr :8080] [--data ./boai-data] [--db postgres://…]
  boai migrate
  boai user add NAME --role ROLE [--branch CODE] [--display-name N]   (password read from stdin)
  boai user passwd NAME                                                (password read from stdin)
  boai user token NAME [--label L]                                     (prints a new API token)
  boai import donations FILE [--branch CODE] [--designation D] [--commit]
  boai backup FILE
  boai bench intake [--clients 64] [--duration 10s] [--db postgres://…]
  boai bench disclosure [--donations 2500] [--clients 64] [--duration 10s] [--db postgres://…]
  boai verify bundle FILE|URL --key VKEY [--salt S --name N]
  boai verify checkpoint FILE|URL --key VKEY
  boai verify consistency OLD NEW --key VKEY (--dir DIR | --url URL)
  boai verify log --key VKEY (--dir DIR | --url URL)
  boai verify records [--data DIR | --db URL] [--log-dir DIR]         (the database against the log)

Run "boai COMMAND -h" for a command's flags.
`

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("no command")
	}
	cfg := defaultConfig()
	cfg.env()
	if os.Getenv("GOGC") == "" {
		// boai's live heap is small (tens of MB) and the machines it runs
		// on have few cores: collecting less often gives intake about 15%
		// more CPU for the price of some memory. GOGC overrides.
		debug.SetGCPercent(300)
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return serve(ctx, cfg, rest, stdout, stderr)
	case "migrate":
		return migrate(ctx, cfg, rest, stdout)
	case "user":
		return userCmd(ctx, cfg, rest, os.Stdin, stdout)
	case "import":
		return importCmd(ctx, cfg, rest, stdout)
	case "backup":
		return backup(ctx, cfg, rest, stdout)
	case "bench":
		return benchCmd(ctx, cfg, rest, stdout)
	case "verify":
		if len(rest) > 0 && rest[0] == "records" {
			return verifyRecords(ctx, cfg, rest[1:], stdout)
		}
		return verifyCmd(ctx, rest, stdout)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", cmd)
}

// open opens the configured database and applies the society's settings.
func open(ctx context.Context, cfg Config) (*store.DB, error) {
	dsn, err := cfg.dsn()
	if err != nil {
		return nil, err
	}
	loc, err := cfg.location()
	if err != nil {
		return nil, err
	}
	store.CertPrefix, store.CertLocation = cfg.CertPrefix, loc
	db, err := store.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	if _, err := db.EnsureRoot(ctx, cfg.CertPrefix, cfg.Society, cfg.SocietyEn); err != nil {
		db.Close()
		return nil, err
	}
	if _, err := db.SeedCatalogue(ctx, audit.System); err != nil {
		db.Close()
		return nil, err
	}
	if err := db.ResetInterruptedImports(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func migrate(ctx context.Context, cfg Config, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	cfg.flags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, err := open(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	fmt.Fprintln(stdout, "database is up to date")
	return nil
}

func serve(ctx context.Context, cfg Config, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	cfg.flags(fs)
	cfg.serveFlags(fs)
	withDemo := fs.Bool("demo", false, "on an empty database, create the demo society, accounts and donations")
	if err := fs.Parse(args); err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	if _, err := cfg.proxies(); err != nil {
		return err
	}
	cutoff, err := cfg.cutoff()
	if err != nil {
		return err
	}
	if f, err := money.Parse(cfg.SecondApproval); err != nil || f <= 0 {
		return fmt.Errorf("--second-approval %q: give an amount in yuan, e.g. 50000", cfg.SecondApproval)
	}
	if _, err := cfg.intakeRoles(); err != nil {
		return err
	}
	if _, _, err := cfg.approvalSteps(); err != nil {
		return err
	}
	rules, err := cfg.alertRules()
	if err != nil {
		return err
	}
	discAt, discDue, err := cfg.disclosureTimes()
	if err != nil {
		return err
	}
	db, err := open(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	loc, _ := cfg.location()
	if *withDemo {
		created, err := demo.Seed(ctx, db, time.Now(), 2000)
		if err != nil {
			return err
		}
		if created {
			fmt.Fprintln(stdout, "demo society created: 杭州市红十字会, 7 branches, 2,000 money donations and an epidemic week of relief goods (intake, requests, approvals, dispatches)")
		}
		if _, err := db.UserByName(ctx, demo.Accounts[1].Username); err == nil {
			fmt.Fprintln(stdout, "demo accounts (username / password / role):")
			for _, a := range demo.Accounts {
				fmt.Fprintf(stdout, "  %-11s %-22s %s\n", a.Username, a.Password, a.Role)
			}
		} else {
			fmt.Fprintln(stdout, "the database already has its own accounts: no demo data added")
		}
	}
	wcfg := cfg.web(loc)
	skey, vkey, created, err := cfg.logKey(wcfg.BaseURL, *withDemo)
	if err != nil {
		return err
	}
	if created {
		fmt.Fprintf(stdout, "public log key created; publish its public key:\n  %s\n", vkey)
	}
	wcfg.LogDir, _ = cfg.logFiles()
	wcfg.LogKey = vkey
	wcfg.PackageExtra = func(ctx context.Context, from, to time.Time, add func(string, []byte) error) error {
		return publish.Package(ctx, db, wcfg.LogDir, vkey, from, to, add)
	}
	metrics := web.NewMetrics()
	srv, err := web.NewServer(db, wcfg, log, metrics)
	if err != nil {
		return err
	}
	host, _ := os.Hostname()
	runner := &jobs.Runner{Claims: db, Owner: fmt.Sprintf("%s/%d", host, os.Getpid()), Log: log, Now: time.Now}
	jobCtx, stopJobs := context.WithCancel(context.Background())
	runner.Start(jobCtx, jobs.Job{Name: "purge-sessions", Every: time.Hour, Run: func(ctx context.Context) error {
		_, err := db.PurgeExpired(ctx)
		return err
	}}, cutoffListJob(db, cutoff, loc), jobs.Job{Name: "webhooks", Every: 10 * time.Second, Run: func(ctx context.Context) error {
		_, _, err := notify.Deliver(ctx, db, &http.Client{Timeout: 10 * time.Second}, db.Now())
		return err
	}}, paperworkJob(db, cfg.web(loc).BaseURL), alertsJob(db, rules), jobs.Job{Name: "ledger-checkpoints", Every: time.Minute, Run: func(ctx context.Context) error {
		// Balances read a checkpoint plus the postings after it; rolling
		// it forward keeps that tail short.
		_, err := db.RollCheckpoints(ctx)
		return err
	}}, disclosureJob(db, discAt, discDue, loc))
	logWriter := &publish.Writer{DB: db, Dir: wcfg.LogDir, Key: skey, Log: log, Alert: func(ctx context.Context, msg string) {
		if err := publish.Alert(ctx, db, "writer:"+db.Now().Format(time.DateOnly), "公开日志写入停止 / the public log stopped: "+msg); err != nil {
			log.Error("alert", "err", err)
		}
	}}
	runner.Start(jobCtx, jobs.Job{Name: "log-check", Every: 6 * time.Hour, Run: func(ctx context.Context) error {
		return publish.CheckJob(ctx, db, wcfg.LogDir, vkey)
	}})
	var logDone sync.WaitGroup
	logDone.Add(1)
	go func() { defer logDone.Done(); logWriter.Run(jobCtx) }()
	defer func() { stopJobs(); runner.Wait(); logDone.Wait() }()

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	fmt.Fprintf(stdout, "boai serving %s on http://%s (database: %s)\n", cfg.Society, displayAddr(ln.Addr()), db.Dialect)
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	err = hs.Shutdown(shut)
	srv.Wait()
	return err
}

// paperworkJob reminds the task force, once a day per allocation, of the
// paper documents still owed for allocations approved online.
func paperworkJob(db *store.DB, base string) jobs.Job {
	return jobs.Job{Name: "paperwork-reminders", Every: time.Hour, Run: func(ctx context.Context) error {
		_, err := db.RemindPaperwork(ctx, db.Now(), 24*time.Hour, func(id int64) string { return fmt.Sprintf("%s/goods/allocations/%d", base, id) })
		return err
	}}
}

// alertsJob looks, every few minutes, for what has gone over the alert
// rules' limits (approvals over 10 minutes, goods waiting, receipt
// requests unanswered) and raises each once.
func alertsJob(db *store.DB, rules supervision.Rules) jobs.Job {
	return jobs.Job{Name: "alerts", Every: 5 * time.Minute, Run: func(ctx context.Context) error {
		_, err := db.ScanAlerts(ctx, db.Now(), rules)
		return err
	}}
}

// cutoffListJob compiles, once a day after the cut-off, the list of goods
// available and arriving for the next day, and keeps it as published.
func cutoffListJob(db *store.DB, cutoff time.Duration, loc *time.Location) jobs.Job {
	return jobs.Job{Name: "cutoff-list", Every: 5 * time.Minute, Run: func(ctx context.Context) error {
		now := db.Now()
		day := stock.CutoffDay(now, cutoff, loc)
		if day == now.In(loc).Format("2006-01-02") {
			return nil // before today's cut-off
		}
		if _, err := db.SavedList(ctx, day); err == nil {
			return nil
		}
		l, err := db.CompileList(ctx, day)
		if err != nil {
			return err
		}
		_, err = db.SaveList(ctx, l)
		return err
	}}
}

// disclosureJob prepares, each morning at the configured time, the
// previous day's disclosure draft (made by the system; staff check and
// publish it), and alerts supervisors to any day not published on time.
func disclosureJob(db *store.DB, at, due time.Duration, loc *time.Location) jobs.Job {
	return jobs.Job{Name: "daily-disclosure", Every: 5 * time.Minute, Run: func(ctx context.Context) error {
		_, err := dailyDisclosure(ctx, db, db.Now(), at, due, loc)
		return err
	}}
}

// dailyDisclosure is one run of the disclosure job at now: once the time
// of day is past at, yesterday's draft is prepared unless the day has one
// (a draft made or re-made by staff is theirs to finish); then late days
// are alerted. It reports whether it prepared a draft.
func dailyDisclosure(ctx context.Context, db *store.DB, now time.Time, at, due time.Duration, loc *time.Location) (bool, error) {
	local := now.In(loc)
	midnight := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, loc)
	prepared := false
	var prepErr error
	if !now.Before(midnight.Add(at)) {
		yesterday := midnight.AddDate(0, 0, -1).Format("2006-01-02")
		_, err := db.DisclosureStatus(ctx, yesterday)
		switch {
		case boai.ErrorCode(err) == boai.ENOTFOUND:
			if _, prepErr = db.PrepareDisclosure(ctx, audit.System, yesterday, loc); prepErr == nil {
				prepared = true
			}
		case err != nil:
			prepErr = err
		}
	}
	// Late days are alerted even when the draft could not be made.
	_, err := db.AlertLateDisclosures(ctx, now, due, loc)
	return prepared, errors.Join(prepErr, err)
}

func displayAddr(a net.Addr) string {
	s := a.String()
	if strings.HasPrefix(s, "[::]:") {
		return "localhost:" + strings.TrimPrefix(s, "[::]:")
	}
	return strings.Replace(s, "0.0.0.0", "localhost", 1)
}

func backup(ctx context.Context, cfg Config, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	cfg.flags(fs)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return errors.New("usage: boai backup FILE")
	}
	if _, err := os.Stat(pos[0]); err == nil {
		return fmt.Errorf("%s exists; choose a new file", pos[0])
	}
	db, err := open(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Backup(ctx, pos[0]); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backup written to %s\n", pos[0])
	return nil
}

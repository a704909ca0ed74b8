// Package bench measures intake: donations per second through the HTTP API
// with many concurrent clients, next to the ceiling of the same inserts
// made straight into the store.
package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"boai/internal/audit"
	"boai/internal/auth"
	"boai/internal/donation"
	"boai/internal/money"
	"boai/internal/org"
	"boai/internal/store"
	"boai/internal/web"
)

// Options configure a run.
type Options struct {
	DB       string // PostgreSQL URL; empty for SQLite in a temp dir
	Clients  int
	Duration time.Duration
	Out      io.Writer
}

// Result is one measurement.
type Result struct {
	Name      string
	N         int
	Errors    int
	Elapsed   time.Duration
	P50, P99  time.Duration
	PerSecond float64
}

func (r Result) String() string {
	return fmt.Sprintf("%-22s %8d donations in %5.1fs  %9.0f/s  p50 %7.2fms  p99 %7.2fms  errors %d",
		r.Name, r.N, r.Elapsed.Seconds(), r.PerSecond, ms(r.P50), ms(r.P99), r.Errors)
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// Intake runs the HTTP benchmark and the bare-insert ceiling, each on a
// fresh database, and prints both.
func Intake(ctx context.Context, o Options) error {
	if o.Clients <= 0 {
		o.Clients = 64
	}
	if o.Duration <= 0 {
		o.Duration = 10 * time.Second
	}
	backend := "sqlite (WAL, synchronous=FULL)"
	if o.DB != "" {
		backend = "postgresql"
	}
	fmt.Fprintf(o.Out, "boai bench intake: %d clients, %s, %s, every 201 durably committed before the answer\n", o.Clients, o.Duration, backend)
	httpRes, err := runHTTP(ctx, o)
	if err != nil {
		return err
	}
	fmt.Fprintln(o.Out, httpRes)
	bare, err := runBare(ctx, o)
	if err != nil {
		return err
	}
	fmt.Fprintln(o.Out, bare)
	fmt.Fprintf(o.Out, "HTTP reaches %.0f%% of the bare-insert ceiling\n", 100*httpRes.PerSecond/bare.PerSecond)
	return nil
}

// fresh opens an empty database with one branch and one clerk.
func fresh(ctx context.Context, dsn string) (*store.DB, *auth.User, func(), error) {
	cleanup := func() {}
	if dsn == "" {
		dir, err := os.MkdirTemp("", "boai-bench-")
		if err != nil {
			return nil, nil, nil, err
		}
		dsn = filepath.Join(dir, "boai.db")
		cleanup = func() { os.RemoveAll(dir) }
	} else {
		schemaDSN, schema, err := store.FreshSchema(dsn, "boai_bench_")
		if err != nil {
			return nil, nil, nil, fmt.Errorf("bench schema: %w", err)
		}
		base := dsn
		dsn = schemaDSN
		cleanup = func() { store.DropSchema(base, schema) }
	}
	db, err := store.Open(ctx, dsn)
	if err != nil {
		cleanup()
		return nil, nil, nil, err
	}
	b := &org.Branch{Code: "HZ", Name: "杭州市红十字会"}
	if err := db.CreateBranch(ctx, audit.System, b); err != nil {
		return nil, nil, nil, err
	}
	u := &auth.User{Username: "bench", Role: auth.Clerk, BranchID: b.ID}
	if err := db.CreateUser(ctx, audit.System, u, "bench-password-1"); err != nil {
		return nil, nil, nil, err
	}
	return db, u, func() { db.Close(); cleanup() }, nil
}

func body(client, i int) []byte {
	b, _ := json.Marshal(map[string]any{
		"donor":        map[string]any{"name": fmt.Sprintf("压测捐赠人%d", client), "kind": "person", "phone": "13800138000"},
		"amount_fen":   10000 + i%1000,
		"channel":      "wechat",
		"received_at":  time.Now().Add(-time.Minute).Format(time.RFC3339),
		"designation":  "undesignated",
		"external_ref": fmt.Sprintf("BENCH-%d-%d", client, i),
	})
	return b
}

func runHTTP(ctx context.Context, o Options) (Result, error) {
	db, u, done, err := fresh(ctx, o.DB)
	if err != nil {
		return Result{}, err
	}
	defer done()
	token, err := db.CreateToken(ctx, audit.System, u.ID, "bench")
	if err != nil {
		return Result{}, err
	}
	srv, err := web.NewServer(db, web.Config{Society: "杭州市红十字会", BaseURL: "http://localhost"}, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	if err != nil {
		return Result{}, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return Result{}, err
	}
	hs := &http.Server{Handler: srv.Handler()}
	go hs.Serve(ln)
	defer hs.Close()
	endpoint := "http://" + ln.Addr().String() + "/api/v1/donations"
	tr := &http.Transport{MaxIdleConns: o.Clients, MaxIdleConnsPerHost: o.Clients, DisableCompression: true}
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	res := drive(ctx, "HTTP API", o, func(c, i int) error {
		req, _ := http.NewRequestWithContext(ctx, "POST", endpoint, bytes.NewReader(body(c, i)))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated {
			return fmt.Errorf("status %d", resp.StatusCode)
		}
		return nil
	})
	// Every 201 must be in the database, exactly once.
	_, n, _, err := db.Donations(ctx, store.DonationFilter{})
	if err != nil {
		return res, err
	}
	if n != res.N {
		return res, fmt.Errorf("answered 201 for %d donations but %d are stored", res.N, n)
	}
	return res, nil
}

func runBare(ctx context.Context, o Options) (Result, error) {
	db, u, done, err := fresh(ctx, o.DB)
	if err != nil {
		return Result{}, err
	}
	defer done()
	a := audit.Actor{UserID: u.ID, Username: u.Username, Role: string(u.Role), Via: "bench"}
	return drive(ctx, "bare insert (ceiling)", o, func(c, i int) error {
		d := &donation.Donation{
			Donor:     donation.Donor{Kind: donation.Person, Name: fmt.Sprintf("压测捐赠人%d", c), Phone: "13800138000"},
			AmountFen: 10000 + moneyFen(i%1000), Channel: donation.WeChat, ReceivedAt: time.Now().Add(-time.Minute).Truncate(time.Second),
			Designation: donation.Designation{Kind: donation.Undesignated}, ExternalRef: fmt.Sprintf("BENCH-%d-%d", c, i),
			BranchID: u.BranchID, Source: donation.SourceAPI,
		}
		_, err := db.CreateDonation(ctx, a, d)
		return err
	}), nil
}

// drive runs op from o.Clients goroutines until o.Duration has passed.
func drive(ctx context.Context, name string, o Options, op func(client, i int) error) Result {
	deadline := time.Now().Add(o.Duration)
	lat := make([][]time.Duration, o.Clients)
	errs := make([]int, o.Clients)
	var wg sync.WaitGroup
	start := time.Now()
	for c := range o.Clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; time.Now().Before(deadline) && ctx.Err() == nil; i++ {
				t := time.Now()
				if err := op(c, i); err != nil {
					errs[c]++
					continue
				}
				lat[c] = append(lat[c], time.Since(t))
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	var all []time.Duration
	r := Result{Name: name, Elapsed: elapsed}
	for c := range lat {
		all = append(all, lat[c]...)
		r.Errors += errs[c]
	}
	slices.Sort(all)
	r.N = len(all)
	if r.N > 0 {
		r.P50, r.P99 = all[r.N/2], all[r.N*99/100]
	}
	r.PerSecond = float64(r.N) / elapsed.Seconds()
	return r
}

func moneyFen(n int) money.Fen { return money.Fen(n) }

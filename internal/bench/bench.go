// Package bench measures intake: donations per second through the HTTP API
// with many concurrent clients, next to the ceiling of the same inserts
// made straight into the store.
package bench

import (
	"bufio"
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
	"sync/atomic"
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
	Max       time.Duration
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
	backend := "sqlite (WAL, fdatasync before every answer)"
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
		cleanup = func() {
			if os.Getenv("BOAI_BENCH_KEEP") == "" {
				store.DropSchema(base, schema)
			}
		}
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

// seq numbers the benchmark's payments.
var seq atomic.Int64

// tradeNo makes an external reference shaped like a WeChat Pay
// transaction id: a merchant prefix, the date and a rising sequence.
func tradeNo() string {
	return fmt.Sprintf("4200%s%012d", time.Now().Format("20060102"), seq.Add(1))
}

// donorName draws from a few thousand names, so the donor look-up index
// takes inserts all over, as real names do.
func donorName(i int) string {
	const family, given = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗", "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂"
	f, g := []rune(family), []rune(given)
	h := uint(i) * 2654435761
	return string(f[h%uint(len(f))]) + string(g[(h/7)%uint(len(g))]) + string(g[(h/131)%uint(len(g))])
}

func body(client, i int) []byte {
	b, _ := json.Marshal(map[string]any{
		"donor":        map[string]any{"name": donorName(client*1_000_003 + i), "kind": "person", "phone": fmt.Sprintf("138%08d", i)},
		"amount_fen":   10000 + i%1000,
		"channel":      "wechat",
		"received_at":  time.Now().Add(-time.Minute).Format(time.RFC3339),
		"designation":  "undesignated",
		"external_ref": tradeNo(),
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
	// Each client keeps one HTTP/1.1 keep-alive connection and speaks the
	// protocol directly, as wrk does: the load generator shares the two
	// cores with boai, and net/http's client would spend more CPU than
	// the server it measures.
	conns := make([]*rawConn, o.Clients)
	for c := range conns {
		if conns[c], err = dialRaw(ln.Addr().String(), token); err != nil {
			return Result{}, err
		}
		defer conns[c].Close()
	}
	res := drive(ctx, "HTTP API", o, func(c, i int) error {
		code, err := conns[c].post("/api/v1/donations", body(c, i))
		if err != nil {
			return err
		}
		if code != http.StatusCreated {
			return fmt.Errorf("status %d", code)
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
			Donor:     donation.Donor{Kind: donation.Person, Name: donorName(c*1_000_003 + i), Phone: fmt.Sprintf("138%08d", i)},
			AmountFen: money.Fen(10000 + i%1000), Channel: donation.WeChat, ReceivedAt: time.Now().Add(-time.Minute).Truncate(time.Second),
			Designation: donation.Designation{Kind: donation.Undesignated}, ExternalRef: tradeNo(),
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
		r.P50, r.P99, r.Max = all[r.N/2], all[r.N*99/100], all[r.N-1]
	}
	r.PerSecond = float64(r.N) / elapsed.Seconds()
	return r
}

// rawConn is a minimal HTTP/1.1 client connection for the load generator.
type rawConn struct {
	net.Conn
	host, token string
	br          *bufio.Reader
	bw          *bufio.Writer
}

func dialRaw(addr, token string) (*rawConn, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	return &rawConn{Conn: c, host: addr, token: token, br: bufio.NewReader(c), bw: bufio.NewWriter(c)}, nil
}

func (c *rawConn) post(path string, body []byte) (int, error) {
	fmt.Fprintf(c.bw, "POST %s HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n",
		path, c.host, c.token, len(body))
	c.bw.Write(body)
	if err := c.bw.Flush(); err != nil {
		return 0, err
	}
	resp, err := http.ReadResponse(c.br, nil)
	if err != nil {
		return 0, err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, err
}

package bench

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"boai/internal/audit"
	"boai/internal/donation"
	"boai/internal/money"
	"boai/internal/store"
	"boai/internal/web"
)

// DisclosureOptions configure the public disclosure page benchmark.
type DisclosureOptions struct {
	DB        string // PostgreSQL URL; empty for SQLite in a temp dir
	Donations int    // money donations in the day disclosed
	Clients   int
	Duration  time.Duration
	Gzip      bool // ask for gzip, as browsers do
	Out       io.Writer
}

// Disclosure loads a day of o.Donations donations into a fresh database,
// prepares, checks and publishes its disclosure, then fetches the public
// page GET /disclosure/{date} from o.Clients keep-alive connections for
// o.Duration and prints the latency percentiles and the rate.
func Disclosure(ctx context.Context, o DisclosureOptions) error {
	if o.Donations <= 0 {
		o.Donations = 2500
	}
	if o.Clients <= 0 {
		o.Clients = 64
	}
	if o.Duration <= 0 {
		o.Duration = 10 * time.Second
	}
	db, u, done, err := fresh(ctx, o.DB)
	if err != nil {
		return err
	}
	defer done()
	loc := store.CertLocation
	now := time.Now().In(loc)
	day := time.Date(now.Year(), now.Month(), now.Day()-1, 0, 0, 0, 0, loc)
	date := day.Format("2006-01-02")
	backend := "sqlite"
	if o.DB != "" {
		backend = "postgresql"
	}
	fmt.Fprintf(o.Out, "boai bench disclosure: %s, a day (%s) of %d donations, %d clients, %s, gzip %v\n", backend, date, o.Donations, o.Clients, o.Duration, o.Gzip)

	t0 := time.Now()
	if err := loadDay(ctx, db, u.BranchID, day, o.Donations); err != nil {
		return err
	}
	fmt.Fprintf(o.Out, "loaded %d donations in %.1fs\n", o.Donations, time.Since(t0).Seconds())
	t0 = time.Now()
	maker := audit.Actor{Username: "bench", Role: "clerk", Via: "bench"}
	checker := audit.Actor{Username: "checker", Role: "finance", Via: "bench"}
	if _, err := db.PrepareDisclosure(ctx, maker, date, loc); err != nil {
		return err
	}
	prepared := time.Since(t0)
	if _, err := db.CheckDisclosure(ctx, checker, date); err != nil {
		return err
	}
	if _, err := db.PublishDisclosure(ctx, checker, date); err != nil {
		return err
	}
	fmt.Fprintf(o.Out, "prepared (built from the database and stored) in %.0f ms; checked and published\n", float64(prepared.Microseconds())/1000)

	srv, err := web.NewServer(db, web.Config{Society: "杭州市红十字会", BaseURL: "http://localhost", Location: loc},
		slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: srv.Handler()}
	go hs.Serve(ln)
	defer hs.Close()
	path := "/disclosure/" + date
	conns := make([]*rawConn, o.Clients)
	for c := range conns {
		if conns[c], err = dialRaw(ln.Addr().String(), ""); err != nil {
			return err
		}
		defer conns[c].Close()
	}
	// The first request renders the page; the rest are served from the
	// cache of published pages, as in production after the first reader.
	t0 = time.Now()
	code, size, err := conns[0].get(path, o.Gzip)
	if err != nil || code != http.StatusOK {
		return fmt.Errorf("first GET %s: %d %v", path, code, err)
	}
	fmt.Fprintf(o.Out, "first GET (renders the page): %.1f ms, %d bytes on the wire\n", float64(time.Since(t0).Microseconds())/1000, size)
	res := drive(ctx, "GET "+path, Options{Clients: o.Clients, Duration: o.Duration}, func(c, i int) error {
		code, _, err := conns[c].get(path, o.Gzip)
		if err != nil {
			return err
		}
		if code != http.StatusOK {
			return fmt.Errorf("status %d", code)
		}
		return nil
	})
	fmt.Fprintf(o.Out, "%-32s %8d requests in %4.1fs  %7.0f req/s  p50 %6.2fms  p99 %6.2fms  max %6.2fms  errors %d\n",
		res.Name, res.N, res.Elapsed.Seconds(), res.PerSecond, ms(res.P50), ms(res.P99), ms(res.Max), res.Errors)
	if res.Errors > 0 {
		return fmt.Errorf("%d requests failed", res.Errors)
	}
	return nil
}

// loadDay records n donations received over day: people (some anonymous,
// with phones), organisations, under a few designations.
func loadDay(ctx context.Context, db *store.DB, branch int64, day time.Time, n int) error {
	a := audit.Actor{Username: "bench", Role: "clerk", Via: "bench"}
	designations := []donation.Designation{{Kind: donation.Undesignated}, {Kind: donation.Purpose, Target: "新冠肺炎疫情防控"},
		{Kind: donation.Region, Target: "淳安县"}, {Kind: donation.Institution, Target: "杭州市西溪医院"}}
	step := 24 * time.Hour / time.Duration(n)
	var wg sync.WaitGroup
	work := make(chan int)
	errc := make(chan error, 1)
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				d := &donation.Donation{
					Donor:     donation.Donor{Kind: donation.Person, Name: donorName(i), Phone: fmt.Sprintf("138%08d", i)},
					AmountFen: money.Fen(100 + (i*7919)%500_000), Channel: donation.WeChat, ReceivedAt: day.Add(time.Duration(i) * step).Truncate(time.Second),
					Designation: designations[i%len(designations)], ExternalRef: tradeNo(), BranchID: branch, Source: donation.SourceAPI,
				}
				switch i % 10 {
				case 0:
					d.Donor = donation.Donor{Kind: donation.Organization, Name: fmt.Sprintf("杭州第%d号科技有限公司", i%300)}
				case 1:
					d.Donor.Anonymous = true
				}
				if _, err := db.CreateDonation(ctx, a, d); err != nil {
					select {
					case errc <- err:
					default:
					}
				}
			}
		}()
	}
	for i := range n {
		work <- i
	}
	close(work)
	wg.Wait()
	select {
	case err := <-errc:
		return fmt.Errorf("load the day: %w", err)
	default:
		return nil
	}
}

// get fetches path and returns the status and the body's size on the wire.
func (c *rawConn) get(path string, gzip bool) (int, int64, error) {
	enc := ""
	if gzip {
		enc = "Accept-Encoding: gzip\r\n"
	}
	fmt.Fprintf(c.bw, "GET %s HTTP/1.1\r\nHost: %s\r\n%s\r\n", path, c.host, enc)
	if err := c.bw.Flush(); err != nil {
		return 0, 0, err
	}
	resp, err := http.ReadResponse(c.br, nil)
	if err != nil {
		return 0, 0, err
	}
	n, err := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, n, err
}

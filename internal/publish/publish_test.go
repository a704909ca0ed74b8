package publish

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/transparency-dev/formats/log"
	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
	"golang.org/x/mod/sumdb/note"

	"boai/internal/audit"
	"boai/internal/demo"
	"boai/internal/donation"
	"boai/internal/money"
	"boai/internal/publog"
	"boai/internal/store"
	"boai/internal/store/storetest"
	"boai/internal/tlog"
)

var testNow = time.Date(2026, 2, 10, 15, 0, 0, 0, store.CertLocation)

func testKey(t *testing.T) (skey, vkey string) {
	skey, vkey, err := tlog.GenerateKey("test.boai.example/log")
	if err != nil {
		t.Fatal(err)
	}
	return skey, vkey
}

// seeded is the demo society with its history, logged.
func seeded(t *testing.T, db *store.DB) (*tlog.Log, string, string) {
	t.Helper()
	ctx := context.Background()
	now := testNow
	db.Now = func() time.Time { return now }
	if _, err := demo.Seed(ctx, db, now, 300); err != nil {
		t.Fatal(err)
	}
	skey, vkey := testKey(t)
	dir := filepath.Join(t.TempDir(), "log")
	l, err := tlog.Open(dir, skey)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	leader, err := db.LeadLog(ctx)
	if err != nil || leader == nil {
		t.Fatalf("lead: %v %v", leader, err)
	}
	t.Cleanup(func() { leader.Close() })
	if _, err := Drain(ctx, db, l, leader, 100); err != nil {
		t.Fatal(err)
	}
	return l, dir, vkey
}

// Every public fact the demo recorded is in the log exactly once, and
// the log's checkpoint and proofs check out with transparency-dev's own
// verification code.
func TestEveryFactLoggedOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		l, _, vkey := seeded(t, db)
		want := map[publog.Kind]int{}
		for kind, q := range map[publog.Kind]string{
			publog.Donation:    "SELECT COUNT(*) FROM donations",
			publog.Goods:       "SELECT COUNT(*) FROM inkind_donations WHERE status = 'settled'",
			publog.Receipt:     "SELECT COUNT(*) FROM receipts",
			publog.ReceiptVoid: "SELECT COUNT(*) FROM receipt_voids",
			publog.Allocation:  "SELECT COUNT(*) FROM allocations WHERE status IN ('approved', 'dispatched')",
			publog.Dispatch:    "SELECT COUNT(*) FROM dispatches WHERE signed_at IS NOT NULL",
			publog.Expenditure: "SELECT COUNT(*) FROM expenditures WHERE paid_at IS NOT NULL",
			publog.Correction:  "SELECT COUNT(*) FROM disclosure_corrections WHERE status = 'published'",
		} {
			n, err := db.CountForTest(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			if n == 0 {
				t.Fatalf("the demo has no %s facts: the test would prove nothing", kind)
			}
			want[kind] = int(n)
		}
		got := map[publog.Kind]int{}
		seen := map[string]bool{}
		for i := uint64(0); i < l.Size(); i++ {
			e, err := l.Entry(i)
			if err != nil {
				t.Fatal(err)
			}
			var v struct {
				Type string `json:"type"`
			}
			if err := json.Unmarshal(e, &v); err != nil {
				t.Fatal(err)
			}
			if seen[string(e)] {
				t.Errorf("entry %d is logged twice: %s", i, e)
			}
			seen[string(e)] = true
			got[publog.Kind(v.Type)]++
		}
		for k, n := range want {
			if got[k] != n {
				t.Errorf("%s: %d entries, %d records", k, got[k], n)
			}
		}
		numbered, waiting, err := db.LogStatus(ctx)
		if err != nil || waiting != 0 || uint64(numbered) != l.Size() {
			t.Fatalf("numbered %d, waiting %d, log %d: %v", numbered, waiting, l.Size(), err)
		}

		// transparency-dev's checkpoint parser and note verifier, and its
		// inclusion proof verifier: none of boai's own code.
		v, err := note.NewVerifier(vkey)
		if err != nil {
			t.Fatal(err)
		}
		cp, _, _, err := log.ParseCheckpoint(l.Checkpoint(), v.Name(), v)
		if err != nil {
			t.Fatal(err)
		}
		if cp.Size != l.Size() {
			t.Fatalf("checkpoint size %d, log %d", cp.Size, l.Size())
		}
		h := rfc6962.DefaultHasher
		for _, i := range []uint64{0, 1, cp.Size / 2, cp.Size - 1} {
			e, _ := l.Entry(i)
			p, err := l.InclusionProof(i, cp.Size)
			if err != nil {
				t.Fatal(err)
			}
			if err := proof.VerifyInclusion(h, i, cp.Size, h.HashLeaf(e), p, cp.Hash); err != nil {
				t.Errorf("entry %d: %v", i, err)
			}
		}
		// No personal data: no donor's name or phone number is in any entry.
		for i := uint64(0); i < l.Size(); i++ {
			e, _ := l.Entry(i)
			if bytes.ContainsAny(e, "张王李赵刘陈杨黄") || bytes.Contains(e, []byte("138")) && bytes.Contains(e, []byte(`"phone`)) {
				t.Errorf("entry %d may hold personal data: %s", i, e)
			}
		}
	})
}

// A day ends with its close: the day's first index, its count and
// totals, and a checkpoint recorded for the disclosure that ends with it.
func TestDayClose(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		l, _, vkey := seeded(t, db)
		size := l.Size()
		leader, _ := db.LeadLog(ctx)
		if leader == nil { // SQLite: the same process leads again; PostgreSQL: seeded holds it
			leader = &store.LogLeader{}
		}
		// The next morning, two donations are recorded; then the writer runs.
		day := testNow.Format(time.DateOnly)
		next := testNow.Add(24 * time.Hour)
		db.Now = func() time.Time { return next }
		if _, err := demoDonation(ctx, db, next, 12_300); err != nil {
			t.Fatal(err)
		}
		if _, err := Drain(ctx, db, l, leader, 100); err != nil {
			t.Fatal(err)
		}
		d, err := db.LogDay(ctx, day)
		if err != nil {
			t.Fatal(err)
		}
		if d.First != 0 || d.Count != size || d.Close != size {
			t.Errorf("close of %s: first %d count %d at %d; the log had %d entries", day, d.First, d.Count, d.Close, size)
		}
		close, _ := l.Entry(d.Close)
		var c struct {
			Type   string                  `json:"type"`
			Date   string                  `json:"date"`
			Count  uint64                  `json:"count"`
			Totals map[string]publog.Total `json:"totals"`
		}
		if err := json.Unmarshal(close, &c); err != nil || c.Type != "day_close" || c.Date != day || c.Count != size {
			t.Fatalf("close entry %s: %v", close, err)
		}
		var sum int64
		for _, tot := range c.Totals {
			sum += tot.Count
		}
		if sum != int64(size) || c.Totals["donation"].Amount == 0 {
			t.Errorf("totals %v count %d of %d entries", c.Totals, sum, size)
		}
		cp, err := tlog.VerifyCheckpoint([]byte(d.Checkpoint), vkey)
		if err != nil || cp.Size != d.Close+1 {
			t.Fatalf("day checkpoint size %d: %v", cp.Size, err)
		}
		// The day's disclosure prints this checkpoint.
		dc, ok, err := db.DayCheckpoint(ctx, day)
		if err != nil || !ok || dc.Size != cp.Size || !bytes.Equal(dc.Root, cp.Root) {
			t.Errorf("the disclosure's checkpoint of %s: %+v %v %v; want size %d", day, dc, ok, err, cp.Size)
		}
		if _, ok, err := db.DayCheckpoint(ctx, "2020-01-01"); ok || err != nil {
			t.Errorf("a day the log never had: %v %v", ok, err)
		}
		if l.Size() != d.Close+2 {
			t.Errorf("log size %d: want the close and the new donation after %d", l.Size(), d.Close)
		}
		// Two days later with nothing new: the quiet day is closed too, empty.
		later := next.Add(48 * time.Hour)
		db.Now = func() time.Time { return later }
		if _, err := Drain(ctx, db, l, leader, 100); err != nil {
			t.Fatal(err)
		}
		for _, want := range []struct {
			day   string
			count uint64
		}{{next.Format(time.DateOnly), 1}, {next.Add(24 * time.Hour).Format(time.DateOnly), 0}} {
			d, err := db.LogDay(ctx, want.day)
			if err != nil || d.Count != want.count || d.Checkpoint == "" {
				t.Errorf("%s: %+v %v", want.day, d, err)
			}
		}
	})
}

// Changing a logged donation in the database behind boai's back is
// found, and the audit names the exact entry.
func TestTamperedDonationNamed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		l, dir, vkey := seeded(t, db)
		var id int64 = 7
		e, err := db.FactEntry(ctx, publog.Donation, id)
		if err != nil {
			t.Fatal(err)
		}
		logged := func(i uint64) ([]byte, error) { return l.Entry(i) }
		if m, err := db.CheckLog(ctx, 0, l.Size(), logged); err != nil || len(m) != 0 {
			t.Fatalf("before tampering: %v %v", m, err)
		}
		drop := "DROP TRIGGER donations_no_update"
		if db.Dialect == store.Postgres {
			drop = "DROP TRIGGER donations_immutable ON donations"
		}
		if err := db.ExecForTest(ctx, drop); err != nil {
			t.Fatal(err)
		}
		if err := db.ExecForTest(ctx, fmt.Sprintf("UPDATE donations SET amount_fen = amount_fen + 100 WHERE id = %d", id)); err != nil {
			t.Fatal(err)
		}
		m, err := db.CheckLog(ctx, 0, l.Size(), logged)
		if err != nil {
			t.Fatal(err)
		}
		if len(m) != 1 || m[0].Index != e.Index || m[0].Kind != publog.Donation || m[0].Ref != id {
			t.Fatalf("mismatches %v; want exactly entry %d (donation %d)", m, e.Index, id)
		}
		if !strings.Contains(m[0].String(), fmt.Sprintf("entry %d (donation %d)", e.Index, id)) {
			t.Errorf("the report does not name the entry: %s", m[0])
		}
		// The log itself is intact: its audit passes.
		if _, err := tlog.Audit(ctx, tlog.DirFetcher(dir), vkey, nil); err != nil {
			t.Errorf("audit of the untouched log: %v", err)
		}
	})
}

func demoDonation(ctx context.Context, db *store.DB, at time.Time, fen int64) (*donation.Donation, error) {
	var root int64
	bs, err := db.Branches(ctx)
	if err != nil || len(bs) == 0 {
		return nil, fmt.Errorf("branches: %v", err)
	}
	root = bs[0].ID
	d := &donation.Donation{
		Donor:     donation.Donor{Kind: donation.Person, Name: "赵小燕", Phone: "13800138000"},
		AmountFen: money.Fen(fen), Channel: donation.Bank, ReceivedAt: at.Add(-time.Minute).Truncate(time.Second),
		BranchID: root, ExternalRef: fmt.Sprintf("NEXT-%d", at.UnixNano()), Source: donation.SourceAPI,
	}
	_, err = db.CreateDonation(ctx, audit.System, d)
	return d, err
}

// BenchmarkDrain measures facts logged per second end to end: numbering
// in the database (entries derived from their records) and appending to
// the log with its fsyncs, in batches of 1,024.
//
//	go test -run '^$' -bench Drain -benchtime 20000x ./internal/publish/
func BenchmarkDrain(b *testing.B) {
	for _, be := range storetest.Backends(b) {
		b.Run(be.Name, func(b *testing.B) {
			ctx := context.Background()
			db := be.Open(b)
			if _, err := demo.Seed(ctx, db, testNow, 0); err != nil {
				b.Fatal(err)
			}
			skey, _, _ := tlog.GenerateKey("bench.boai.example/log")
			l, err := tlog.Open(filepath.Join(b.TempDir(), "log"), skey)
			if err != nil {
				b.Fatal(err)
			}
			defer l.Close()
			leader, _ := db.LeadLog(ctx)
			defer leader.Close()
			if _, err := Drain(ctx, db, l, leader, 0); err != nil {
				b.Fatal(err)
			}
			// b.N donations wait in the outbox, recorded as the intake does.
			var wg sync.WaitGroup
			work := make(chan int)
			for range 64 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := range work {
						if _, err := demoDonation(ctx, db, testNow.Add(time.Duration(i)*time.Millisecond), 100); err != nil {
							b.Error(err)
						}
					}
				}()
			}
			for i := range b.N {
				work <- i
			}
			close(work)
			wg.Wait()
			start := l.Size()
			b.ResetTimer()
			n, err := Drain(ctx, db, l, leader, 0)
			b.StopTimer()
			if err != nil || n != b.N || l.Size() != start+uint64(b.N) {
				b.Fatalf("logged %d of %d: %v", n, b.N, err)
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "entries/s")
		})
	}
}

// With PostgreSQL and several boai processes, exactly one writes the log:
// the second to ask is refused while the first holds the lock, and a
// writer that lost its session is fenced out of numbering entries.
func TestOneWriterOnPostgres(t *testing.T) {
	if storetest.PostgresDSN(t) == "" {
		return // SQLite is one process: Open's flock on the directory is its guard (tested in tlog)
	}
	ctx := context.Background()
	db := storetest.OpenPostgres(t)
	if _, err := demo.Seed(ctx, db, testNow, 0); err != nil {
		t.Fatal(err)
	}
	db.Now = func() time.Time { return testNow }
	first, err := db.LeadLog(ctx)
	if err != nil || first == nil {
		t.Fatalf("first writer: %v %v", first, err)
	}
	if second, err := db.LeadLog(ctx); err != nil || second != nil {
		t.Fatalf("a second writer while the first leads: %v %v", second, err)
	}
	if _, err := db.NextLogBatch(ctx, 0, 10, first.Fence); err != nil {
		t.Fatalf("the leader numbers entries: %v", err)
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := demoDonation(ctx, db, testNow, 100); err != nil { // something to number
		t.Fatal(err)
	}
	if _, err := db.NextLogBatch(ctx, 0, 10, first.Fence); err == nil || !strings.Contains(err.Error(), "no longer holds") {
		t.Fatalf("a writer that gave the lock up still numbers entries: %v", err)
	}
	second, err := db.LeadLog(ctx)
	if err != nil || second == nil {
		t.Fatalf("the next writer after the first left: %v %v", second, err)
	}
	second.Close()
}

// The audit package's public-log part: the key, the checkpoint, each
// closed day's checkpoint with the proof of its close, and every entry of
// the period.
func TestAuditPackageLogFiles(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		l, dir, vkey := seeded(t, db)
		leader := &store.LogLeader{}
		if db.Dialect == store.Postgres {
			leader, _ = db.LeadLog(ctx) // seeded's leader is this test's own session: taken again
			if leader == nil {
				leader = &store.LogLeader{}
			}
		}
		next := testNow.Add(24 * time.Hour)
		db.Now = func() time.Time { return next }
		if _, err := Drain(ctx, db, l, leader, 0); err != nil {
			t.Fatal(err)
		}
		day := testNow.Format(time.DateOnly)
		files := map[string][]byte{}
		add := func(name string, data []byte) error {
			if _, dup := files[name]; dup {
				return fmt.Errorf("%s twice", name)
			}
			files[name] = data
			return nil
		}
		from := testNow.Add(-time.Hour)
		if err := Package(ctx, db, dir, vkey, from, next, add); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(files["log/README.txt"]), "entries.jsonl") {
			t.Errorf("the log's README: %q", files["log/README.txt"])
		}
		if string(files["log/key.txt"]) != vkey+"\n" {
			t.Errorf("key: %q", files["log/key.txt"])
		}
		if _, err := tlog.VerifyCheckpoint(files["log/checkpoint"], vkey); err != nil {
			t.Errorf("checkpoint: %v", err)
		}
		cp, err := tlog.VerifyCheckpoint(files["log/days/"+day+".checkpoint"], vkey)
		if err != nil {
			t.Fatalf("the day's checkpoint: %v (files %v)", err, keys(files))
		}
		entry, index, err := tlog.VerifyBundle(files["log/days/"+day+".close.proof"], vkey)
		if err != nil || index != cp.Size-1 || !strings.Contains(string(entry), `"type":"day_close"`) {
			t.Errorf("the close's proof: entry %d %s %v", index, entry, err)
		}
		lines := strings.Count(string(files["log/entries.jsonl"]), "\n")
		if uint64(lines) != l.Size() {
			t.Errorf("%d entries in the package, the log logged %d in the period", lines, l.Size())
		}
	})
}

func keys(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

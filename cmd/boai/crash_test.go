package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"boai/internal/ledger"
	"boai/internal/money"
	"boai/internal/publish"
	"boai/internal/store"
	"boai/internal/store/storetest"
	"boai/internal/tlog"
)

// TestCrashDuringIntake kills boai with SIGKILL in the middle of an intake
// load, restarts it, and checks that every donation answered 201 is there
// exactly once, and that retrying the unanswered ones records each once.
func TestCrashDuringIntake(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test builds and runs the binary")
	}
	bin := filepath.Join(t.TempDir(), "boai")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	t.Run("sqlite", func(t *testing.T) { crashRun(t, bin, "") })
	if dsn := storetest.PostgresDSN(t); dsn != "" {
		t.Run("postgres", func(t *testing.T) {
			schemaDSN, schema, err := store.FreshSchema(dsn, "boai_crash_")
			if err != nil {
				t.Fatal(err)
			}
			defer store.DropSchema(dsn, schema)
			crashRun(t, bin, schemaDSN)
		})
	}
}

func crashRun(t *testing.T, bin, dsn string) {
	data := t.TempDir()
	env := append(os.Environ(), "BOAI_DATA="+data, "BOAI_DB="+dsn)
	addr := freeAddr(t)
	start := func() *exec.Cmd {
		cmd := exec.Command(bin, "serve", "--demo", "--addr", addr)
		cmd.Env = env
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		waitHealthy(t, "http://"+addr, &out)
		return cmd
	}
	srv := start()
	tok := exec.Command(bin, "user", "token", "clerk")
	tok.Env = env
	out, err := tok.Output()
	if err != nil {
		t.Fatalf("token: %v", err)
	}
	token := strings.TrimSpace(string(out))

	var mu sync.Mutex
	acked := map[string]int64{} // ref -> id, answered 201
	sent := map[string]bool{}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 5 * time.Second}
	for c := range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ctx.Err() == nil; i++ {
				ref := fmt.Sprintf("CRASH-%d-%d", c, i)
				mu.Lock()
				sent[ref] = true
				mu.Unlock()
				id, code, err := post(client, "http://"+addr, token, ref)
				if err != nil {
					return // the server is gone
				}
				if code == http.StatusCreated {
					mu.Lock()
					acked[ref] = id
					mu.Unlock()
				}
			}
		}()
	}
	// Beside the intake, the finance office spends: request, approve, pay,
	// each by its own person, from the general fund.
	clerk, approver, finance := staff(t, "http://"+addr, "clerk"), staff(t, "http://"+addr, "approver"), staff(t, "http://"+addr, "finance")
	paid := map[int64]bool{}
	var spendErr error
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				id, err := spendOnce(clerk, approver, finance, "http://"+addr)
				if err != nil {
					mu.Lock()
					spendErr = err
					mu.Unlock()
					return // the server is gone
				}
				mu.Lock()
				paid[id] = true
				mu.Unlock()
			}
		}()
	}
	// Kill in full flight: once a few hundred donations are answered (or
	// after 10 s on a very slow machine).
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		mu.Lock()
		n, p := len(acked), len(paid)
		mu.Unlock()
		if n >= 300 && p >= 3 {
			break
		}
	}
	if err := srv.Process.Kill(); err != nil { // SIGKILL: no shutdown, no flush
		t.Fatal(err)
	}
	srv.Wait()
	cancel()
	wg.Wait()
	if len(acked) < 100 {
		t.Fatalf("only %d donations acknowledged before the kill; the load did not run", len(acked))
	}

	srv = start()
	// Every acknowledged donation survived, with the id it was given.
	for ref, id := range acked {
		gotID, code, err := post(client, "http://"+addr, token, ref)
		if err != nil || code != http.StatusOK || gotID != id {
			t.Fatalf("after restart %s: code %d id %d (want 200, id %d) err %v", ref, code, gotID, id, err)
		}
	}
	// Retrying what was sent but never answered records each exactly once.
	for ref := range sent {
		if _, ok := acked[ref]; ok {
			continue
		}
		if _, code, err := post(client, "http://"+addr, token, ref); err != nil || (code != http.StatusCreated && code != http.StatusOK) {
			t.Fatalf("retry %s: code %d err %v", ref, code, err)
		}
	}
	req, _ := http.NewRequest("GET", "http://"+addr+"/api/v1/donations?q=&limit=1&kind=donation", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var list struct{ Total int }
	json.NewDecoder(resp.Body).Decode(&list)
	if want := 2000 + len(sent); list.Total != want {
		t.Errorf("stored %d donations, want %d (2000 demo + %d sent, each once)", list.Total, want, len(sent))
	}
	t.Logf("%d acknowledged before SIGKILL, %d sent; all present exactly once after restart", len(acked), len(sent))

	// The book after the crash: every acknowledged payment paid once, with
	// its donations linked; every transaction balanced; no fund negative.
	srv.Process.Kill()
	srv.Wait()
	if dsn == "" {
		dsn = filepath.Join(data, "boai.db")
	}
	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if len(paid) == 0 {
		t.Errorf("no payment was acknowledged before the kill: the mixed load did not run (%v)", spendErr)
	}
	for id := range paid {
		e, err := db.Expenditure(context.Background(), id)
		if err != nil || e.Status != ledger.Paid {
			t.Fatalf("acknowledged payment %d after restart: %+v %v", id, e, err)
		}
		var linked money.Fen
		for _, d := range e.Donations {
			linked += d.Amount
		}
		if linked != e.Amount {
			t.Errorf("payment %d of %v links %v", id, e.Amount, linked)
		}
	}
	b, err := db.TrialBalance(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Check(); err != nil {
		t.Errorf("book after the crash: %v", err)
	}
	if bad, err := db.UnbalancedTxns(context.Background()); err != nil || len(bad) > 0 {
		t.Errorf("unbalanced transactions after the crash: %v %v", bad, err)
	}
	t.Logf("%d payments acknowledged; the book balances", len(paid))
	checkLogAfterCrash(t, db, data)
}

// checkLogAfterCrash opens the public log the killed process was writing
// (recovering whatever the kill interrupted), lets it catch up, and checks
// that it holds every committed public fact exactly once and nothing
// else: one entry per record of each kind, each the entry its record
// makes today, and the tree checks out.
func checkLogAfterCrash(t *testing.T, db *store.DB, data string) {
	ctx := context.Background()
	key, err := os.ReadFile(filepath.Join(data, "log.key"))
	if err != nil {
		t.Fatal(err)
	}
	skey := strings.TrimSpace(string(key))
	vkey, err := tlog.PublicKey(skey)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(data, "log")
	l, err := tlog.Open(dir, skey)
	if err != nil {
		t.Fatalf("reopen the log after SIGKILL: %v", err)
	}
	before := l.Size()
	leader, err := db.LeadLog(ctx)
	if err != nil || leader == nil {
		t.Fatalf("lead the log: %v", err)
	}
	if _, err := publish.Drain(ctx, db, l, leader, 0); err != nil {
		t.Fatal(err)
	}
	size := l.Size()
	leader.Close()
	l.Close()
	_, mismatches, err := publish.Check(ctx, db, dir, vkey)
	if err != nil || len(mismatches) > 0 {
		t.Fatalf("log after the crash: %v %v", mismatches, err)
	}
	counts := map[string]int64{}
	for _, q := range []struct{ kind, sql string }{
		{"donation", "SELECT COUNT(*) FROM donations"},
		{"expenditure", "SELECT COUNT(*) FROM expenditures WHERE paid_at IS NOT NULL"},
		{"goods", "SELECT COUNT(*) FROM inkind_donations WHERE status = 'settled'"},
		{"receipt", "SELECT COUNT(*) FROM receipts"},
		{"numbered", "SELECT COUNT(*) FROM log_entries"},
		{"logged donation", "SELECT COUNT(*) FROM log_entries WHERE kind = 'donation'"},
		{"logged expenditure", "SELECT COUNT(*) FROM log_entries WHERE kind = 'expenditure'"},
		{"logged goods", "SELECT COUNT(*) FROM log_entries WHERE kind = 'goods'"},
		{"logged receipt", "SELECT COUNT(*) FROM log_entries WHERE kind = 'receipt'"},
		{"distinct", "SELECT COUNT(*) FROM (SELECT DISTINCT kind, ref_id FROM log_entries) x"},
	} {
		n, err := db.CountForTest(ctx, q.sql)
		if err != nil {
			t.Fatal(err)
		}
		counts[q.kind] = n
	}
	for _, k := range []string{"donation", "expenditure", "goods", "receipt"} {
		if counts[k] != counts["logged "+k] {
			t.Errorf("%d %s records, %d logged", counts[k], k, counts["logged "+k])
		}
	}
	if counts["numbered"] != int64(size) || counts["distinct"] != counts["numbered"] {
		t.Errorf("log %d entries, database numbers %d, %d distinct facts", size, counts["numbered"], counts["distinct"])
	}
	t.Logf("public log: %d entries when killed, %d after catching up; every fact once, each as its record makes it", before, size)
}

// staff logs a demo account in and returns a client holding its session.
func staff(t *testing.T, base, user string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 5 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.PostForm(base+"/login", url.Values{"username": {user}, "password": {"boai-demo-" + user}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login %s: %d", user, resp.StatusCode)
	}
	return c
}

var expenditurePath = regexp.MustCompile(`^/expenditures/(\d+)`)

// spendOnce requests, approves and pays ¥1 from the general fund, and
// returns the expenditure's id once payment is acknowledged.
func spendOnce(clerk, approver, finance *http.Client, base string) (int64, error) {
	step := func(c *http.Client, path string, form url.Values) (string, error) {
		resp, err := c.PostForm(base+path, form)
		if err != nil {
			return "", err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther {
			return "", fmt.Errorf("%s: %d", path, resp.StatusCode)
		}
		return resp.Header.Get("Location"), nil
	}
	loc, err := step(clerk, "/expenditures", url.Values{"kind": {"operating"}, "payee": {"杭州某某印刷厂"}, "purpose_kind": {"undesignated"},
		"fund": {"3101"}, "fund_amount": {"1.00"}})
	if err != nil {
		return 0, err
	}
	m := expenditurePath.FindStringSubmatch(loc)
	if m == nil {
		return 0, fmt.Errorf("no expenditure in %q", loc)
	}
	if _, err := step(approver, "/expenditures/"+m[1]+"/approve", nil); err != nil {
		return 0, err
	}
	if _, err := step(finance, "/expenditures/"+m[1]+"/pay", nil); err != nil {
		return 0, err
	}
	var id int64
	fmt.Sscan(m[1], &id)
	return id, nil
}

func post(c *http.Client, base, token, ref string) (int64, int, error) {
	body, _ := json.Marshal(map[string]any{
		"donor": map[string]any{"name": "崩溃测试", "kind": "person"}, "amount_fen": 8800, "channel": "alipay",
		"received_at": "2026-11-01T10:00:00+08:00", "external_ref": ref,
	})
	req, _ := http.NewRequest("POST", base+"/api/v1/donations", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := c.Do(req)
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	var d struct{ ID int64 }
	json.NewDecoder(resp.Body).Decode(&d)
	return d.ID, resp.StatusCode, nil
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func waitHealthy(t *testing.T, base string, out *bytes.Buffer) {
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(base + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("boai did not become healthy:\n%s", out.String())
}

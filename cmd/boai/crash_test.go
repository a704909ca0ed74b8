package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"boai/internal/store"
	"boai/internal/store/storetest"
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
	// Kill in full flight: once a few hundred donations are answered (or
	// after 10 s on a very slow machine).
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 300 {
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
	defer func() { srv.Process.Kill(); srv.Wait() }()
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

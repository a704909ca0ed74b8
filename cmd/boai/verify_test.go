package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"boai/internal/publog"
	"boai/internal/tlog"
)

// publicLog builds a log of day's donations whose donor is a salted
// commitment, and returns its directory, public key and a donor's salt.
func publicLog(t *testing.T) (dir, vkey, salt string, l *tlog.Log) {
	t.Helper()
	skey, vkey, err := tlog.GenerateKey("boai.example.org/log")
	if err != nil {
		t.Fatal(err)
	}
	dir = t.TempDir()
	l, err = tlog.Open(dir, skey)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	salt = tlog.NewSalt()
	var batch [][]byte
	for i := range 600 {
		donor := tlog.Commit(tlog.NewSalt(), "someone")
		if i == 300 {
			donor = tlog.Commit(salt, "张三")
		}
		e, err := tlog.Canonical(map[string]any{"type": "donation", "seq": i, "amount_fen": 5000, "donor": donor})
		if err != nil {
			t.Fatal(err)
		}
		batch = append(batch, e)
	}
	if _, err := l.Append(batch); err != nil {
		t.Fatal(err)
	}
	return dir, vkey, salt, l
}

func runVerify(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), append([]string{"verify"}, args...), &out, &errb)
	return out.String(), err
}

func TestVerifyBundle(t *testing.T) {
	dir, vkey, salt, l := publicLog(t)
	b, err := l.Bundle(300)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "300.tlog-proof")
	os.WriteFile(file, b, 0o644)
	keyFile := filepath.Join(dir, "..", "log.vkey")
	os.WriteFile(keyFile, []byte(vkey+"\n"), 0o644)

	out, err := runVerify(t, "bundle", file, "--key", vkey)
	if err != nil || !strings.Contains(out, "entry 300 is in the log boai.example.org/log") {
		t.Fatalf("verify bundle: %v\n%s", err, out)
	}
	out, err = runVerify(t, "bundle", "--key", keyFile, file, "--salt", strings.ToUpper(salt), "--name", " 张三")
	if err != nil || !strings.Contains(out, `the entry's "donor" is the commitment to "张三"`) {
		t.Fatalf("verify bundle with salt and name: %v\n%s", err, out)
	}
	if _, err := runVerify(t, "bundle", file, "--key", vkey, "--salt", salt, "--name", "李四"); err == nil {
		t.Error("the entry verified as someone else's")
	}
	if _, err := runVerify(t, "bundle", file, "--key", vkey, "--salt", salt); err == nil {
		t.Error("--salt without --name accepted")
	}

	// Served over HTTP, as the QR code links to it.
	srv := httptest.NewServer(http.FileServer(http.Dir(filepath.Dir(file))))
	defer srv.Close()
	if out, err := runVerify(t, "bundle", srv.URL+"/300.tlog-proof", "--key", vkey); err != nil {
		t.Fatalf("verify bundle URL: %v\n%s", err, out)
	}

	forged := bytes.Replace(b, []byte("extra "), []byte("extra X"), 1)
	os.WriteFile(file, forged, 0o644)
	if _, err := runVerify(t, "bundle", file, "--key", vkey); err == nil {
		t.Error("a changed bundle verified")
	}
	_, other, _ := tlog.GenerateKey("boai.example.org/log")
	os.WriteFile(file, b, 0o644)
	if _, err := runVerify(t, "bundle", file, "--key", other); err == nil {
		t.Error("a bundle verified with another key")
	}
}

func TestVerifyCheckpointAndConsistency(t *testing.T) {
	dir, vkey, _, l := publicLog(t)
	tmp := t.TempDir()
	old := filepath.Join(tmp, "old")
	os.WriteFile(old, l.Checkpoint(), 0o644)
	out, err := runVerify(t, "checkpoint", old, "--key", vkey)
	if err != nil || !strings.Contains(out, "size  600 entries") {
		t.Fatalf("verify checkpoint: %v\n%s", err, out)
	}
	if _, err := l.Append([][]byte{[]byte(`{"type":"day_close"}`)}); err != nil {
		t.Fatal(err)
	}
	cur := filepath.Join(tmp, "new")
	os.WriteFile(cur, l.Checkpoint(), 0o644)
	srv := httptest.NewServer(http.FileServer(http.Dir(dir)))
	defer srv.Close()
	for _, src := range [][]string{{"--dir", dir}, {"--url", srv.URL}} {
		out, err := runVerify(t, append([]string{"consistency", old, cur, "--key", vkey}, src...)...)
		if err != nil || !strings.Contains(out, "the log at 601 entries") {
			t.Fatalf("verify consistency %v: %v\n%s", src, err, out)
		}
		if _, err := runVerify(t, append([]string{"consistency", cur, old, "--key", vkey}, src...)...); err == nil {
			t.Errorf("consistency %v: a shrinking log passed", src)
		}
	}
	if _, err := runVerify(t, "consistency", old, cur, "--key", vkey); err == nil {
		t.Error("consistency without --dir or --url accepted")
	}
	forged := bytes.Replace(l.Checkpoint(), []byte("\n601\n"), []byte("\n602\n"), 1)
	os.WriteFile(cur, forged, 0o644)
	if _, err := runVerify(t, "checkpoint", cur, "--key", vkey); err == nil {
		t.Error("a changed checkpoint verified")
	}
}

func TestVerifyLog(t *testing.T) {
	dir, vkey, _, _ := publicLog(t)
	srv := httptest.NewServer(http.FileServer(http.Dir(dir)))
	defer srv.Close()
	for _, src := range [][]string{{"--dir", dir}, {"--url", srv.URL}} {
		out, err := runVerify(t, append([]string{"log", "--key", vkey}, src...)...)
		if err != nil || !strings.Contains(out, "holds 600 entries") || !strings.Contains(out, "donation") {
			t.Fatalf("verify log %v: %v\n%s", src, err, out)
		}
	}
	// Change one donation's amount in its entry bundle.
	p := filepath.Join(dir, "tile/entries/001")
	data, _ := os.ReadFile(p)
	i := bytes.Index(data, []byte(`"seq":300`))
	j := bytes.LastIndex(data[:i], []byte(`"amount_fen":5000`))
	copy(data[j:], `"amount_fen":9000`)
	os.WriteFile(p, data, 0o644)
	_, err := runVerify(t, "log", "--key", vkey, "--dir", dir)
	if err == nil || !strings.Contains(err.Error(), "entry 300:") {
		t.Fatalf("verify log of a changed entry: %v, want it to name entry 300", err)
	}
}

// verify log checks every day close against the entries of its day: a
// close the society signed but that miscounts its day is named.
func TestVerifyLogDayCloses(t *testing.T) {
	for _, tt := range []struct {
		name   string
		amount int64 // the close's donation total; the day's entries make 1500
		err    string
	}{{"true close", 1500, ""}, {"close that hides money", 1000, "entry 3: the close of 2026-02-10 says donation"}} {
		t.Run(tt.name, func(t *testing.T) {
			skey, vkey, err := tlog.GenerateKey("boai.example.org/log")
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			l, err := tlog.Open(dir, skey)
			if err != nil {
				t.Fatal(err)
			}
			defer l.Close()
			var batch [][]byte
			for i := range 3 {
				e, err := publog.Encode(publog.Donation, int64(i), 500, map[string]any{"cert": fmt.Sprint("C", i), "amount": 500})
				if err != nil {
					t.Fatal(err)
				}
				batch = append(batch, e.Data)
			}
			c, err := publog.Close("2026-02-10", 0, 3, map[publog.Kind]publog.Total{publog.Donation: {Count: 3, Amount: tt.amount}})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := l.Append(append(batch, c.Data)); err != nil {
				t.Fatal(err)
			}
			out, err := runVerify(t, "log", "--key", vkey, "--dir", dir)
			switch {
			case tt.err == "" && (err != nil || !strings.Contains(out, "1 day closes")):
				t.Fatalf("%v\n%s", err, out)
			case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
				t.Fatalf("got %v, want %q", err, tt.err)
			}
		})
	}
}

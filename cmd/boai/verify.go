package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strings"
	"time"

	"boai/internal/publish"
	"boai/internal/publog"
	"boai/internal/tlog"
)

const verifyUsage = `usage:
  boai verify bundle FILE|URL --key VKEY [--salt S --name N]
  boai verify checkpoint FILE|URL --key VKEY
  boai verify consistency OLD NEW --key VKEY (--dir DIR | --url URL)
  boai verify log --key VKEY (--dir DIR | --url URL)
  boai verify records [--data DIR | --db URL] [--log-dir DIR] [--log-key FILE]
VKEY is the log's public key, as on the site and in the README, or a file holding it.`

// verifyCmd checks the public log offline, with nothing but the log's
// public key: a proof bundle, a checkpoint, the consistency of two
// checkpoints, or a whole mirrored log.
func verifyCmd(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New(verifyUsage)
	}
	fs := flag.NewFlagSet("verify "+args[0], flag.ContinueOnError)
	key := fs.String("key", "", "the log's public key (verifier key), or a file holding it")
	var run func(ctx context.Context, vkey string, pos []string) error
	switch args[0] {
	case "bundle":
		salt := fs.String("salt", "", "the salt printed on your certificate")
		name := fs.String("name", "", "your name as on the certificate")
		run = func(ctx context.Context, vkey string, pos []string) error {
			if len(pos) != 1 || (*salt == "") != (*name == "") {
				return errors.New(verifyUsage)
			}
			return verifyBundle(ctx, stdout, vkey, pos[0], *salt, *name)
		}
	case "checkpoint":
		run = func(ctx context.Context, vkey string, pos []string) error {
			if len(pos) != 1 {
				return errors.New(verifyUsage)
			}
			return verifyCheckpoint(ctx, stdout, vkey, pos[0])
		}
	case "consistency", "log":
		dir := fs.String("dir", "", "a copy of the log's directory")
		url := fs.String("url", "", "the log's URL prefix, such as https://boai.example.org/log")
		run = func(ctx context.Context, vkey string, pos []string) error {
			if (*dir == "") == (*url == "") {
				return errors.New(verifyUsage + "\ngive one of --dir and --url")
			}
			fetch, where := tlog.DirFetcher(*dir), *dir
			if *url != "" {
				fetch, where = tlog.HTTPFetcher(&http.Client{Timeout: time.Minute}, *url), *url
			}
			if args[0] == "log" {
				if len(pos) != 0 {
					return errors.New(verifyUsage)
				}
				return verifyLog(ctx, stdout, vkey, fetch, where)
			}
			if len(pos) != 2 {
				return errors.New(verifyUsage)
			}
			return verifyConsistency(ctx, stdout, vkey, fetch, where, pos[0], pos[1])
		}
	default:
		return errors.New(verifyUsage)
	}
	pos, err := parseArgs(fs, args[1:])
	if err != nil {
		return err
	}
	if *key == "" {
		return errors.New(verifyUsage + "\n--key is required")
	}
	vkey, err := readKey(*key)
	if err != nil {
		return err
	}
	return run(ctx, vkey, pos)
}

// readKey takes a verifier key, or the name of a file holding one.
func readKey(s string) (string, error) {
	if _, err := tlog.NewVerifier(s); err == nil {
		return s, nil
	}
	b, err := os.ReadFile(s)
	if err != nil {
		return "", fmt.Errorf("--key: neither a verifier key nor a readable file: %w", err)
	}
	vkey := strings.TrimSpace(string(b))
	if _, err := tlog.NewVerifier(vkey); err != nil {
		return "", fmt.Errorf("--key %s: %w", s, err)
	}
	return vkey, nil
}

// readInput reads a file, or fetches a URL (a certificate's QR code links
// to its proof bundle).
func readInput(ctx context.Context, name string) ([]byte, error) {
	if !strings.HasPrefix(name, "https://") && !strings.HasPrefix(name, "http://") {
		return os.ReadFile(name)
	}
	i := strings.LastIndexByte(name, '/')
	return tlog.HTTPFetcher(&http.Client{Timeout: time.Minute}, name[:i])(ctx, name[i+1:])
}

func verifyBundle(ctx context.Context, stdout io.Writer, vkey, file, salt, name string) error {
	b, err := readInput(ctx, file)
	if err != nil {
		return err
	}
	p, err := tlog.OpenBundle(b, vkey)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	fmt.Fprintf(stdout, "%s: entry %d is in the log %s\n", file, p.Index, p.Checkpoint.Origin)
	fmt.Fprintf(stdout, "  checkpoint  %d entries, root hash %s, signature verified\n", p.Checkpoint.Size, b64(p.Checkpoint.Root))
	fmt.Fprintf(stdout, "  inclusion   %d proof hashes verified\n", len(p.Hashes))
	fmt.Fprintf(stdout, "  entry       %s\n", p.Entry)
	if salt == "" {
		return nil
	}
	name = strings.Join(strings.Fields(name), " ")
	c := tlog.Commit(salt, name)
	field, ok := tlog.FindCommitment(p.Entry, c)
	if !ok {
		return fmt.Errorf("the entry does not name %q with this salt (their commitment would be %s)", name, c)
	}
	fmt.Fprintf(stdout, "  yours       the entry's %q is the commitment to %q with your salt\n", field, name)
	return nil
}

func verifyCheckpoint(ctx context.Context, stdout io.Writer, vkey, file string) error {
	signed, err := readInput(ctx, file)
	if err != nil {
		return err
	}
	cp, err := tlog.VerifyCheckpoint(signed, vkey)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	fmt.Fprintf(stdout, "%s: signature by %s verified\n", file, cp.Origin)
	fmt.Fprintf(stdout, "  size  %d entries\n  root  %s\n", cp.Size, b64(cp.Root))
	return nil
}

func verifyConsistency(ctx context.Context, stdout io.Writer, vkey string, fetch tlog.Fetcher, where, oldFile, newFile string) error {
	old, err := readInput(ctx, oldFile)
	if err != nil {
		return err
	}
	cur, err := readInput(ctx, newFile)
	if err != nil {
		return err
	}
	c1, c2, err := tlog.VerifyConsistency(ctx, fetch, old, cur, vkey)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "the log at %d entries (root %s) extends the log at %d entries (root %s):\n",
		c2.Size, b64(c2.Root), c1.Size, b64(c1.Root))
	fmt.Fprintf(stdout, "  consistency proof from the tiles of %s verified; both signatures verified\n", where)
	return nil
}

func verifyLog(ctx context.Context, stdout io.Writer, vkey string, fetch tlog.Fetcher, where string) error {
	start := time.Now()
	types := map[string]int{}
	days := publog.NewDayChecker()
	rep, err := tlog.Audit(ctx, fetch, vkey, func(i uint64, e []byte) error {
		// Every entry is canonical JSON: no other encoding of the same
		// fact can be logged beside it.
		c, err := tlog.Canonical(json.RawMessage(e))
		if err != nil {
			return fmt.Errorf("not canonical JSON: %w", err)
		}
		if !bytes.Equal(c, e) {
			return errors.New("not in canonical JSON form")
		}
		var head struct {
			Type string `json:"type"`
		}
		_ = json.Unmarshal(e, &head)
		types[head.Type]++
		return days.Add(i, e) // every day close counts and sums its day
	})
	if err != nil {
		return fmt.Errorf("audit of %s: %w", where, err)
	}
	cp := rep.Checkpoint
	fmt.Fprintf(stdout, "%s: the log %s holds %d entries; every entry bundle, every tile (%d) and the root hash match the signed checkpoint (%.1fs)\n",
		where, cp.Origin, cp.Size, rep.Tiles, time.Since(start).Seconds())
	fmt.Fprintf(stdout, "  root  %s\n", b64(cp.Root))
	fmt.Fprintf(stdout, "  %d day closes, each matching the entries of its day\n", days.Days)
	names := make([]string, 0, len(types))
	for t := range types {
		names = append(names, t)
	}
	sort.Strings(names)
	for _, t := range names {
		label := t
		if label == "" {
			label = "(no type)"
		}
		fmt.Fprintf(stdout, "  %-20s %d\n", label, types[t])
	}
	return nil
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// verifyRecords audits the society's own log directory and compares every
// entry with the entry its record in the database makes today: a record
// changed behind boai's back is named by its log entry.
func verifyRecords(ctx context.Context, cfg Config, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("verify records", flag.ContinueOnError)
	cfg.flags(fs)
	fs.StringVar(&cfg.LogDir, "log-dir", cfg.LogDir, "the public log's directory (default <data>/log)")
	fs.StringVar(&cfg.LogKey, "log-key", cfg.LogKey, "the file of the log's signer key (default <data>/log.key)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	dir, keyFile := cfg.logFiles()
	b, err := os.ReadFile(keyFile)
	if err != nil {
		return fmt.Errorf("log key: %w", err)
	}
	vkey, err := tlog.PublicKey(strings.TrimSpace(string(b)))
	if err != nil {
		return err
	}
	db, err := open(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	rep, mismatches, err := publish.Check(ctx, db, dir, vkey)
	if err != nil {
		return err
	}
	for _, m := range mismatches {
		fmt.Fprintln(stdout, "MISMATCH", m)
	}
	if len(mismatches) > 0 {
		return fmt.Errorf("%d of %d entries differ from the database", len(mismatches), rep.Entries)
	}
	fmt.Fprintf(stdout, "OK: %d entries, each as its record in the database makes it; the tree and its checkpoint check out\n", rep.Entries)
	return nil
}

// Package publish moves public facts from the database's outbox into the
// public log: one writer, elected through the database, numbers what is
// queued and appends it, so every committed fact is logged exactly once,
// crash or not, and nothing uncommitted is.
package publish

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"boai/internal/publog"
	"boai/internal/store"
	"boai/internal/supervision"
	"boai/internal/tlog"
)

// Writer is the log's writer loop.
type Writer struct {
	DB    *store.DB
	Dir   string // the log directory, served at /log/
	Key   string // the signer key (a note signer key; its name is the log's origin)
	Log   *slog.Logger
	Batch int           // entries per append; 1024 if 0
	Poll  time.Duration // how often to look for new facts; 200 ms if 0
	Retry time.Duration // how long a follower waits before trying to lead; 5 s if 0
	// Alert is called when the database and the log disagree (the log is
	// ahead of the database); nil to only log it.
	Alert func(ctx context.Context, msg string)
}

// Run writes the log until ctx ends: it tries to become the writer,
// and while it is, appends what the outbox holds.
func (w *Writer) Run(ctx context.Context) {
	retry := w.Retry
	if retry == 0 {
		retry = 5 * time.Second
	}
	for ctx.Err() == nil {
		err := w.lead(ctx)
		if err != nil && ctx.Err() == nil {
			w.Log.Error("public log writer", "err", err)
			if errors.Is(err, store.ErrLogAhead) && w.Alert != nil {
				w.Alert(ctx, err.Error())
			}
		}
		select {
		case <-ctx.Done():
		case <-time.After(retry):
		}
	}
}

// lead becomes the writer if no one else is, and writes until ctx ends
// or something fails.
func (w *Writer) lead(ctx context.Context) error {
	leader, err := w.DB.LeadLog(ctx)
	if err != nil || leader == nil {
		return err // nil, nil: another process writes the log
	}
	defer leader.Close()
	l, err := tlog.Open(w.Dir, w.Key)
	if err != nil {
		return err
	}
	defer l.Close()
	w.Log.Info("public log: writing", "dir", w.Dir, "origin", l.Origin(), "size", l.Size())
	poll := w.Poll
	if poll == 0 {
		poll = 200 * time.Millisecond
	}
	lastPing := time.Now()
	for {
		n, err := Drain(ctx, w.DB, l, leader, w.Batch)
		if err != nil {
			return err
		}
		if n > 0 {
			continue
		}
		if time.Since(lastPing) > 5*time.Second {
			if err := leader.Alive(ctx); err != nil {
				return fmt.Errorf("public log: lost the writer's database session: %w", err)
			}
			lastPing = time.Now()
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(poll):
		}
	}
}

// Drain appends what the database has for the log until nothing is left
// and returns how many entries it appended. The caller must be the
// writer (leader) and hold the open log.
func Drain(ctx context.Context, db *store.DB, l *tlog.Log, leader *store.LogLeader, batch int) (int, error) {
	if batch <= 0 {
		batch = 1024
	}
	if err := fillCheckpoints(ctx, db, l); err != nil {
		return 0, err
	}
	total := 0
	for {
		es, err := db.NextLogBatch(ctx, l.Size(), batch, leader.Fence)
		if err != nil || len(es) == 0 {
			return total, err
		}
		data := make([][]byte, len(es))
		for i, e := range es {
			data[i] = e.Data
		}
		if err := l.AppendAt(es[0].Index, data); err != nil {
			return total, err
		}
		total += len(es)
		for _, e := range es {
			if e.Kind != publog.DayClose {
				continue
			}
			cp, err := l.CheckpointAt(e.Index + 1)
			if err != nil {
				return total, err
			}
			if err := db.SaveLogCheckpoint(ctx, e.Day, cp); err != nil {
				return total, err
			}
		}
	}
}

// fillCheckpoints records the checkpoints of day closes a crash kept
// from being recorded.
func fillCheckpoints(ctx context.Context, db *store.DB, l *tlog.Log) error {
	missing, err := db.LogDaysWithoutCheckpoint(ctx, l.Size())
	if err != nil {
		return err
	}
	for day, idx := range missing {
		cp, err := l.CheckpointAt(idx + 1)
		if err != nil {
			return err
		}
		if err := db.SaveLogCheckpoint(ctx, day, cp); err != nil {
			return err
		}
	}
	return nil
}

// Check audits the log in dir (every tile rebuilt, the checkpoint's
// signature and root checked) and compares each entry with the entry
// today's database record makes, so a record changed behind boai's back
// is named by its entry.
func Check(ctx context.Context, db *store.DB, dir, vkey string) (*tlog.Report, []store.LogMismatch, error) {
	const chunk = 1000
	var mismatches []store.LogMismatch
	var buf [][]byte
	var lo uint64
	flush := func() error {
		if len(buf) == 0 {
			return nil
		}
		m, err := db.CheckLog(ctx, lo, lo+uint64(len(buf)), func(i uint64) ([]byte, error) { return buf[i-lo], nil })
		if err != nil {
			return err
		}
		mismatches = append(mismatches, m...)
		lo += uint64(len(buf))
		buf = buf[:0]
		return nil
	}
	days := publog.NewDayChecker()
	rep, err := tlog.Audit(ctx, tlog.DirFetcher(dir), vkey, func(i uint64, e []byte) error {
		if err := days.Add(i, e); err != nil {
			return fmt.Errorf("public log: %w", err)
		}
		buf = append(buf, e)
		if len(buf) == chunk {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	return rep, mismatches, err
}

// CheckJob runs Check and raises an alert on any difference: one per
// differing entry (the first 20), one per day the audit itself fails.
func CheckJob(ctx context.Context, db *store.DB, dir, vkey string) error {
	_, m, err := Check(ctx, db, dir, vkey)
	if err != nil {
		return errors.Join(err, Alert(ctx, db, "audit:"+db.Now().Format(time.DateOnly), "公开日志核验失败 / the public log failed its audit: "+err.Error()))
	}
	for i, x := range m {
		if i == 20 {
			return Alert(ctx, db, fmt.Sprintf("more:%d", x.Index), fmt.Sprintf("……另有 %d 条不一致 / and %d more mismatches", len(m)-20, len(m)-20))
		}
		if err := Alert(ctx, db, fmt.Sprintf("entry:%d", x.Index), "数据库与公开日志不一致 / the database and the public log differ: "+x.String()); err != nil {
			return err
		}
	}
	return nil
}

// Alert raises a supervisors' alert that the database and the public log
// disagree, once per subject.
func Alert(ctx context.Context, db *store.DB, subject, msg string) error {
	if r := []rune(msg); len(r) > supervision.MaxMessage {
		msg = string(r[:supervision.MaxMessage-1]) + "…"
	}
	_, err := db.RaiseAlert(ctx, supervision.LogMismatch, subject, msg, supervision.Critical)
	return err
}

// packageReadme describes the log's files in an audit package.
const packageReadme = `公开日志 / the public log

key.txt        日志公钥（签名笔记验证密钥）/ the log's public key (a signed-note verifier key)
checkpoint     生成资料包时日志的签名检查点 / the log's signed checkpoint when the package was made
days/D.checkpoint   D 日结账时的签名检查点，即当日公示所印 / the signed checkpoint at day D's close, as printed on that day's disclosure
days/D.close.proof  D 日结账条目的包含证明（C2SP tlog-proof）/ the inclusion proof of day D's close entry
entries.jsonl  期间写入日志的每个条目，每行一个：序号、类型、记录编号、条目原文 /
               every entry logged in the period, one per line: index, kind, record id, the entry itself

核验 / to check:
  boai verify checkpoint days/D.checkpoint --key "$(cat key.txt)"
  boai verify bundle days/D.close.proof --key "$(cat key.txt)"
  boai verify log --key "$(cat key.txt)" --url <网站>/log   (the whole log, every day close)
条目与审计资料中的记录一一对应：类型 + 记录编号。/ Each entry matches a record of the
package by its kind and record id.
`

// Package adds the public log's part of a period's audit package: the
// log's key and current checkpoint, each closed day's checkpoint with the
// proof of its close, and every entry logged in the period (JSON lines:
// index, kind, record id, the entry), so an auditor can match records to
// entries and rebuild each day's tree with `boai verify`.
func Package(ctx context.Context, db *store.DB, dir, vkey string, from, to time.Time, add func(name string, data []byte) error) error {
	loc := store.CertLocation
	f, t := from.In(loc).Format(time.DateOnly), to.In(loc).Format(time.DateOnly)
	if err := add("log/README.txt", []byte(packageReadme)); err != nil {
		return err
	}
	if err := add("log/key.txt", []byte(vkey+"\n")); err != nil {
		return err
	}
	r := tlog.NewReader(tlog.DirFetcher(dir))
	cp, err := r.Checkpoint(ctx)
	if err != nil {
		return fmt.Errorf("public log checkpoint: %w", err)
	}
	if err := add("log/checkpoint", cp); err != nil {
		return err
	}
	days, err := db.LogDays(ctx, 100000)
	if err != nil {
		return err
	}
	for _, d := range days {
		if d.Day < f || d.Day > t || d.Checkpoint == "" {
			continue
		}
		if err := add("log/days/"+d.Day+".checkpoint", []byte(d.Checkpoint)); err != nil {
			return err
		}
		b, err := r.Bundle(ctx, d.Close)
		if err != nil {
			return fmt.Errorf("proof of the close of %s: %w", d.Day, err)
		}
		if err := add("log/days/"+d.Day+".close.proof", b); err != nil {
			return err
		}
	}
	var buf bytes.Buffer
	err = db.EachLogEntry(ctx, f, t, func(e store.LogEntry) error {
		line, err := json.Marshal(map[string]any{"index": e.Index, "kind": e.Kind, "ref": e.Ref, "entry": json.RawMessage(e.Data)})
		if err != nil {
			return err
		}
		buf.Write(line)
		buf.WriteByte('\n')
		return nil
	})
	if err != nil {
		return err
	}
	return add("log/entries.jsonl", buf.Bytes())
}

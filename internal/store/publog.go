package store

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"boai"
	"boai/internal/disclosure"
	"boai/internal/donation"
	"boai/internal/inkind"
	"boai/internal/ledger"
	"boai/internal/money"
	"boai/internal/publog"
)

// The public log's side of the database: the outbox every public fact
// writes in its own transaction, the entries it becomes (derived from the
// records, see package publog), their log indexes, and each day's close.

const insertLogFact = "INSERT INTO log_outbox (kind, ref_id) VALUES (?, ?)"

// logFact queues a public fact in the transaction that records it.
func (t *Tx) logFact(ctx context.Context, kind publog.Kind, id int64) error {
	if _, err := t.exec(ctx, insertLogFact, string(kind), id); err != nil {
		return fmt.Errorf("queue %s %d for the public log: %w", kind, id, err)
	}
	return nil
}

// Salter returns the certificate salter, creating the society's salt
// secret on first use.
func (db *DB) Salter(ctx context.Context) (*publog.Salter, error) {
	db.saltMu.Lock()
	defer db.saltMu.Unlock()
	if db.salter != nil {
		return db.salter, nil
	}
	var v string
	err := db.queryRow(ctx, "SELECT value FROM log_secrets WHERE name = 'salt'").Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		var b [32]byte
		if _, err := rand.Read(b[:]); err != nil {
			return nil, err
		}
		err = db.Write(ctx, func(tx *Tx) error {
			_, err := tx.exec(ctx, "INSERT INTO log_secrets (name, value) VALUES ('salt', ?) ON CONFLICT DO NOTHING", hex.EncodeToString(b[:]))
			return err
		})
		if err == nil { // another process may have won: read what is there
			err = db.queryRow(ctx, "SELECT value FROM log_secrets WHERE name = 'salt'").Scan(&v)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("salt secret: %w", err)
	}
	secret, err := hex.DecodeString(v)
	if err != nil {
		return nil, fmt.Errorf("salt secret: %w", err)
	}
	s, err := publog.NewSalter(secret)
	if err != nil {
		return nil, err
	}
	db.salter = s
	return s, nil
}

// saltCache is DB's lazily loaded salter.
type saltCache struct {
	saltMu sync.Mutex
	salter *publog.Salter
}

func inList(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }

func idArgs(ids []int64) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}

// derive makes the entries of the facts kind/ids from today's records.
// A fact whose record is gone has no entry in the answer: numbering
// refuses it, the check against the log reports it.
func (t *Tx) derive(ctx context.Context, s *publog.Salter, kind publog.Kind, ids []int64) (map[int64]publog.Entry, error) {
	out := make(map[int64]publog.Entry, len(ids))
	var err error
	switch kind {
	case publog.Donation:
		err = t.deriveDonations(ctx, s, ids, out)
	case publog.Goods:
		err = t.deriveGoods(ctx, s, ids, out)
	case publog.Receipt:
		err = t.deriveReceipts(ctx, s, ids, out)
	case publog.ReceiptVoid:
		err = t.deriveVoids(ctx, ids, out)
	case publog.Allocation:
		err = t.deriveAllocations(ctx, ids, out)
	case publog.Dispatch:
		err = t.deriveDispatches(ctx, ids, out)
	case publog.Expenditure:
		err = t.deriveExpenditures(ctx, ids, out)
	case publog.Correction:
		err = t.deriveCorrections(ctx, ids, out)
	default:
		err = fmt.Errorf("no entries for facts of kind %q", kind)
	}
	if err != nil {
		return nil, fmt.Errorf("public log: %s: %w", kind, err)
	}
	return out, nil
}

func (t *Tx) deriveDonations(ctx context.Context, s *publog.Salter, ids []int64, out map[int64]publog.Entry) error {
	rows, err := t.query(ctx, `SELECT d.id, d.cert_no, d.kind, COALESCE(o.cert_no, ''), d.donor_kind, d.donor_name, d.anonymous,
		d.amount_fen, d.channel, d.received_at, d.designation_kind, d.designation_target
		FROM donations d LEFT JOIN donations o ON o.id = d.reverses_id WHERE d.id IN (`+inList(len(ids))+`)`, idArgs(ids)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id, amount, at int64
		var cert, kind, reverses, donorKind, donorName, channel, dk, dt string
		var anon bool
		if err := rows.Scan(&id, &cert, &kind, &reverses, &donorKind, &donorName, &anon, &amount, &channel, &at, &dk, &dt); err != nil {
			return err
		}
		des := donation.Designation{Kind: donation.DesignationKind(dk), Target: dt}
		v := map[string]any{"cert": cert, "at": publog.Time(fromMicros(at)), "amount": amount, "channel": channel,
			"designation": dk, "fund": publog.Tag(string(ledger.FundOf(des)))}
		if kind == donation.KindReversal {
			v["reverses"] = reverses
		} else {
			v["donor"] = s.Commit(cert, donorName)
			v["donor_kind"] = donorKind
			v["anonymous"] = anon
		}
		e, err := publog.Encode(publog.Donation, id, amount, v)
		if err != nil {
			return err
		}
		out[id] = e
	}
	return rows.Err()
}

func (t *Tx) deriveGoods(ctx context.Context, s *publog.Salter, ids []int64, out map[int64]publog.Entry) error {
	type line struct {
		item                                 string
		accepted, declared, declFen, apprFen int64
		valuation                            string
	}
	lines := map[int64][]line{}
	rows, err := t.query(ctx, `SELECT l.donation_id, i.code, l.accepted, l.declared, l.declared_fen, l.appraised_fen, l.valuation
		FROM inkind_lines l JOIN goods_items i ON i.id = l.item_id WHERE l.donation_id IN (`+inList(len(ids))+`) ORDER BY l.donation_id, l.line_no`, idArgs(ids)...)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id int64
		var l line
		if err := rows.Scan(&id, &l.item, &l.accepted, &l.declared, &l.declFen, &l.apprFen, &l.valuation); err != nil {
			rows.Close()
			return err
		}
		lines[id] = append(lines[id], l)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	rows, err = t.query(ctx, `SELECT id, cert_no, donor_kind, donor_name, anonymous, designation_kind, designation_target, received_at
		FROM inkind_donations WHERE id IN (`+inList(len(ids))+`)`, idArgs(ids)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id, at int64
		var cert, donorKind, donorName, dk, dt string
		var anon bool
		if err := rows.Scan(&id, &cert, &donorKind, &donorName, &anon, &dk, &dt, &at); err != nil {
			return err
		}
		var total int64
		ls := make([]any, 0, len(lines[id]))
		for _, l := range lines[id] {
			var value int64
			unit := l.declFen // evidence: the declared value
			if l.valuation == string(inkind.Appraisal) {
				unit = l.apprFen
			}
			if l.valuation != string(inkind.Unappraisable) && unit > 0 && l.accepted > 0 {
				value = int64(ledger.GoodsValueOut(money.Fen(unit), l.declared, l.accepted))
			}
			total += value
			ls = append(ls, map[string]any{"item": l.item, "accepted": l.accepted, "value": value})
		}
		des := donation.Designation{Kind: donation.DesignationKind(dk), Target: dt}
		e, err := publog.Encode(publog.Goods, id, total, map[string]any{"cert": cert, "at": publog.Time(fromMicros(at)),
			"donor": s.Commit(cert, donorName), "donor_kind": donorKind, "anonymous": anon,
			"designation": dk, "fund": publog.Tag(string(ledger.FundOf(des))), "lines": ls, "value": total})
		if err != nil {
			return err
		}
		out[id] = e
	}
	return rows.Err()
}

func (t *Tx) deriveReceipts(ctx context.Context, s *publog.Salter, ids []int64, out map[int64]publog.Entry) error {
	rows, err := t.query(ctx, `SELECT r.id, r.code, r.number, r.width, COALESCE(d.cert_no, k.cert_no, ''), r.line_no, r.payer_name, r.amount_fen,
		r.quantity, r.issued_on, COALESCE(o.code, ''), COALESCE(o.number, 0), COALESCE(o.width, 0)
		FROM receipts r LEFT JOIN donations d ON d.id = r.donation_id LEFT JOIN inkind_donations k ON k.id = r.inkind_id
		LEFT JOIN receipts o ON o.id = r.reissue_of WHERE r.id IN (`+inList(len(ids))+`)`, idArgs(ids)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id, number, amount, qty, onumber int64
		var width, owidth int
		var code, cert, payer, on, ocode string
		var line sql.NullInt64
		if err := rows.Scan(&id, &code, &number, &width, &cert, &line, &payer, &amount, &qty, &on, &ocode, &onumber, &owidth); err != nil {
			return err
		}
		v := map[string]any{"code": code, "number": receiptNumber(number, width), "cert": cert, "amount": amount,
			"quantity": qty, "issued_on": on, "payer": s.Commit(cert, payer)}
		if line.Valid {
			v["line"] = line.Int64
		}
		if ocode != "" {
			v["reissues"] = ocode + "/" + receiptNumber(onumber, owidth)
		}
		e, err := publog.Encode(publog.Receipt, id, amount, v)
		if err != nil {
			return err
		}
		out[id] = e
	}
	return rows.Err()
}

func receiptNumber(n int64, width int) string {
	s := strconv.FormatInt(n, 10)
	if len(s) < width {
		s = strings.Repeat("0", width-len(s)) + s
	}
	return s
}

func (t *Tx) deriveVoids(ctx context.Context, ids []int64, out map[int64]publog.Entry) error {
	rows, err := t.query(ctx, `SELECT v.id, v.code, v.number, COALESCE(r.width, g.width, 0), v.receipt_id IS NOT NULL, v.voided_at
		FROM receipt_voids v LEFT JOIN receipts r ON r.id = v.receipt_id
		LEFT JOIN receipt_ranges g ON g.code = v.code AND v.number BETWEEN g.start_no AND g.end_no
		WHERE v.id IN (`+inList(len(ids))+`)`, idArgs(ids)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id, number, at int64
		var width int
		var code string
		var issued bool
		if err := rows.Scan(&id, &code, &number, &width, &issued, &at); err != nil {
			return err
		}
		e, err := publog.Encode(publog.ReceiptVoid, id, 0, map[string]any{"code": code, "number": receiptNumber(number, width),
			"issued": issued, "at": publog.Time(fromMicros(at))})
		if err != nil {
			return err
		}
		out[id] = e
	}
	return rows.Err()
}

func (t *Tx) deriveAllocations(ctx context.Context, ids []int64, out map[int64]publog.Entry) error {
	lines := map[int64][]any{}
	rows, err := t.query(ctx, `SELECT l.allocation_id, i.code, l.quantity FROM allocation_lines l
		JOIN stock_lots s ON s.id = l.lot_id JOIN goods_items i ON i.id = s.item_id
		WHERE l.allocation_id IN (`+inList(len(ids))+`) ORDER BY l.allocation_id, l.id`, idArgs(ids)...)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id, qty int64
		var item string
		if err := rows.Scan(&id, &item, &qty); err != nil {
			rows.Close()
			return err
		}
		lines[id] = append(lines[id], map[string]any{"item": item, "quantity": qty})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	rows, err = t.query(ctx, `SELECT a.id, a.request_id, c.name, c.class, COALESCE(a.decided_at, 0) FROM allocations a
		JOIN alloc_requests r ON r.id = a.request_id JOIN recipients c ON c.id = r.recipient_id
		WHERE a.id IN (`+inList(len(ids))+`)`, idArgs(ids)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id, req, at int64
		var name, class string
		if err := rows.Scan(&id, &req, &name, &class, &at); err != nil {
			return err
		}
		ls := lines[id]
		if ls == nil {
			ls = []any{}
		}
		e, err := publog.Encode(publog.Allocation, id, 0, map[string]any{"allocation": id, "request": req,
			"recipient": publog.Tag(name), "class": class, "approved_at": publog.Time(fromMicros(at)), "lines": ls})
		if err != nil {
			return err
		}
		out[id] = e
	}
	return rows.Err()
}

func (t *Tx) deriveDispatches(ctx context.Context, ids []int64, out map[int64]publog.Entry) error {
	lines := map[int64][]any{}
	rows, err := t.query(ctx, `SELECT r.dispatch_id, i.code, r.sent, r.received FROM dispatch_receipts r
		JOIN stock_lots s ON s.id = r.lot_id JOIN goods_items i ON i.id = s.item_id
		WHERE r.dispatch_id IN (`+inList(len(ids))+`) ORDER BY r.dispatch_id, r.id`, idArgs(ids)...)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id, sent, recv int64
		var item string
		if err := rows.Scan(&id, &item, &sent, &recv); err != nil {
			rows.Close()
			return err
		}
		lines[id] = append(lines[id], map[string]any{"item": item, "sent": sent, "received": recv})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	rows, err = t.query(ctx, `SELECT id, mode, recipient, COALESCE(signed_at, 0) FROM dispatches WHERE id IN (`+inList(len(ids))+`)`, idArgs(ids)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id, at int64
		var mode, recipient string
		if err := rows.Scan(&id, &mode, &recipient, &at); err != nil {
			return err
		}
		ls := lines[id]
		if ls == nil {
			ls = []any{}
		}
		e, err := publog.Encode(publog.Dispatch, id, 0, map[string]any{"dispatch": id, "mode": mode,
			"recipient": publog.Tag(recipient), "signed_at": publog.Time(fromMicros(at)), "lines": ls})
		if err != nil {
			return err
		}
		out[id] = e
	}
	return rows.Err()
}

func (t *Tx) deriveExpenditures(ctx context.Context, ids []int64, out map[int64]publog.Entry) error {
	draws := map[int64][]any{}
	rows, err := t.query(ctx, `SELECT expenditure_id, fund, amount FROM expenditure_draws
		WHERE expenditure_id IN (`+inList(len(ids))+`) ORDER BY expenditure_id, fund`, idArgs(ids)...)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id, amount int64
		var fund string
		if err := rows.Scan(&id, &fund, &amount); err != nil {
			rows.Close()
			return err
		}
		draws[id] = append(draws[id], map[string]any{"fund": publog.Tag(fund), "amount": amount})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	rows, err = t.query(ctx, `SELECT id, kind, payee, purpose_kind, amount, COALESCE(paid_at, 0) FROM expenditures WHERE id IN (`+inList(len(ids))+`)`, idArgs(ids)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id, amount, at int64
		var kind, payee, purpose string
		if err := rows.Scan(&id, &kind, &payee, &purpose, &amount, &at); err != nil {
			return err
		}
		ds := draws[id]
		if ds == nil {
			ds = []any{}
		}
		e, err := publog.Encode(publog.Expenditure, id, amount, map[string]any{"expenditure": id, "category": kind,
			"payee": publog.Tag(payee), "purpose": purpose, "amount": amount, "paid_at": publog.Time(fromMicros(at)), "funds": ds})
		if err != nil {
			return err
		}
		out[id] = e
	}
	return rows.Err()
}

// LogEntry is an entry numbered for the log.
type LogEntry struct {
	Index uint64
	Day   string
	publog.Entry
}

// ErrLogAhead means the log holds entries the database does not know:
// the database was restored from a backup older than the log, or the log
// directory belongs to another database. Nothing is appended until
// someone looks.
var ErrLogAhead = errors.New("public log: the log holds more entries than the database has numbered")

// LogFence checks, inside the transaction that numbers entries, that the
// caller still is the log's one writer.
type LogFence func(ctx context.Context, t *Tx) error

// NextLogBatch numbers the next entries for a log of size entries and
// returns them, to be appended at size: first what a crash left numbered
// but not appended, else the closes of past days, else up to max queued
// facts.
func (db *DB) NextLogBatch(ctx context.Context, size uint64, max int, fence LogFence) ([]LogEntry, error) {
	s, err := db.Salter(ctx)
	if err != nil {
		return nil, err
	}
	if idle, err := db.logIdle(ctx, size); err != nil || idle {
		return nil, err
	}
	var out []LogEntry
	err = db.Write(ctx, func(t *Tx) error {
		out = out[:0]
		if fence != nil {
			if err := fence(ctx, t); err != nil {
				return err
			}
		}
		var next int64
		if err := t.queryRow(ctx, "SELECT COALESCE(MAX(idx) + 1, 0) FROM log_entries").Scan(&next); err != nil {
			return err
		}
		switch {
		case uint64(next) < size:
			return fmt.Errorf("%w (log %d, database %d)", ErrLogAhead, size, next)
		case uint64(next) > size:
			var err error
			out, err = t.logEntries(ctx, "WHERE idx >= ? ORDER BY idx LIMIT ?", int64(size), max)
			return err
		}
		now := db.Now()
		today := now.In(CertLocation).Format(time.DateOnly)
		closes, err := t.closeDays(ctx, uint64(next), today, now)
		if err != nil || len(closes) > 0 {
			out = closes
			return err
		}
		out, err = t.numberFacts(ctx, s, uint64(next), max, today, now)
		return err
	})
	return out, err
}

// logIdle reports, from a read, that the writer has nothing to do: the
// log holds every numbered entry, nothing is queued, and no past day
// waits for its close. The writer polls several times a second; this
// keeps an idle poll off the write path.
func (db *DB) logIdle(ctx context.Context, size uint64) (bool, error) {
	var next int64
	var queued bool
	var lastDay, lastKind string
	err := db.queryRow(ctx, `SELECT COALESCE(MAX(idx) + 1, 0), EXISTS (SELECT 1 FROM log_outbox),
		COALESCE((SELECT day FROM log_entries ORDER BY idx DESC LIMIT 1), ''),
		COALESCE((SELECT kind FROM log_entries ORDER BY idx DESC LIMIT 1), '') FROM log_entries`).Scan(&next, &queued, &lastDay, &lastKind)
	if err != nil || uint64(next) != size || queued {
		return false, err
	}
	if next == 0 {
		return true, nil // an empty log: no day has begun
	}
	today := db.Now().In(CertLocation)
	if lastDay == today.Format(time.DateOnly) {
		return true, nil
	}
	// A close of yesterday leaves today open, with nothing to close yet.
	return publog.Kind(lastKind) == publog.DayClose && lastDay == today.AddDate(0, 0, -1).Format(time.DateOnly), nil
}

func (t *Tx) logEntries(ctx context.Context, where string, args ...any) ([]LogEntry, error) {
	rows, err := t.query(ctx, "SELECT idx, kind, ref_id, amount, day, entry FROM log_entries "+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []LogEntry
	for rows.Next() {
		var e LogEntry
		var kind, data string
		if err := rows.Scan(&e.Index, &kind, &e.Ref, &e.Amount, &e.Day, &data); err != nil {
			return nil, err
		}
		e.Kind, e.Data = publog.Kind(kind), []byte(data)
		out = append(out, e)
	}
	return out, rows.Err()
}

func (t *Tx) insertLogEntries(ctx context.Context, es []LogEntry, now time.Time) error {
	for i := 0; i < len(es); i += 100 {
		chunk := es[i:min(i+100, len(es))]
		var b strings.Builder
		b.WriteString("INSERT INTO log_entries (idx, kind, ref_id, amount, day, entry, logged_at) VALUES ")
		args := make([]any, 0, 7*len(chunk))
		for j, e := range chunk {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString(rowPlaceholders(7))
			args = append(args, int64(e.Index), string(e.Kind), e.Ref, e.Amount, e.Day, string(e.Data), micros(now))
		}
		if _, err := t.exec(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("number log entries: %w", err)
		}
	}
	return nil
}

// closeDays writes the day close of every past day the log has not
// closed: the day its last entries were logged, then any day since on
// which nothing happened.
func (t *Tx) closeDays(ctx context.Context, next uint64, today string, now time.Time) ([]LogEntry, error) {
	var lastDay string
	var lastClose int64 = -1
	err := t.queryRow(ctx, "SELECT day, close_idx FROM log_days ORDER BY close_idx DESC LIMIT 1").Scan(&lastDay, &lastClose)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	// The open day: that of the entries after the last close, or the day
	// after the last close when none came since.
	var open string
	err = t.queryRow(ctx, "SELECT day FROM log_entries WHERE idx = ?", lastClose+1).Scan(&open)
	switch {
	case errors.Is(err, sql.ErrNoRows) && lastDay == "":
		return nil, nil // an empty log: no day has begun
	case errors.Is(err, sql.ErrNoRows):
		d, perr := time.Parse(time.DateOnly, lastDay)
		if perr != nil {
			return nil, perr
		}
		open = d.AddDate(0, 0, 1).Format(time.DateOnly)
	case err != nil:
		return nil, err
	}
	var out []LogEntry
	first := uint64(lastClose + 1)
	for day := open; day < today && len(out) < 366; {
		totals := map[publog.Kind]publog.Total{}
		if len(out) == 0 { // only the first day closed here can hold facts
			rows, err := t.query(ctx, "SELECT kind, COUNT(*), COALESCE(SUM(amount), 0) FROM log_entries WHERE idx >= ? GROUP BY kind", int64(first))
			if err != nil {
				return nil, err
			}
			for rows.Next() {
				var k string
				var tot publog.Total
				if err := rows.Scan(&k, &tot.Count, &tot.Amount); err != nil {
					rows.Close()
					return nil, err
				}
				totals[publog.Kind(k)] = tot
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return nil, err
			}
		}
		idx := next + uint64(len(out))
		e, err := publog.Close(day, first, idx-first, totals)
		if err != nil {
			return nil, err
		}
		if _, err := t.exec(ctx, "INSERT INTO log_days (day, first_idx, count, close_idx) VALUES (?, ?, ?, ?)",
			day, int64(first), int64(idx-first), int64(idx)); err != nil {
			return nil, fmt.Errorf("close log day %s: %w", day, err)
		}
		out = append(out, LogEntry{Index: idx, Day: day, Entry: e})
		first = idx + 1
		d, _ := time.Parse(time.DateOnly, day)
		day = d.AddDate(0, 0, 1).Format(time.DateOnly)
	}
	return out, t.insertLogEntries(ctx, out, now)
}

// numberFacts takes up to max facts from the outbox, in the order they
// committed their ids, and numbers their entries from next.
func (t *Tx) numberFacts(ctx context.Context, s *publog.Salter, next uint64, max int, today string, now time.Time) ([]LogEntry, error) {
	rows, err := t.query(ctx, "SELECT id, kind, ref_id FROM log_outbox ORDER BY id LIMIT ?", max)
	if err != nil {
		return nil, err
	}
	type fact struct {
		id   int64
		kind publog.Kind
		ref  int64
	}
	var facts []fact
	byKind := map[publog.Kind][]int64{}
	for rows.Next() {
		var f fact
		var k string
		if err := rows.Scan(&f.id, &k, &f.ref); err != nil {
			rows.Close()
			return nil, err
		}
		f.kind = publog.Kind(k)
		facts = append(facts, f)
		byKind[f.kind] = append(byKind[f.kind], f.ref)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(facts) == 0 {
		return nil, err
	}
	derived := map[publog.Kind]map[int64]publog.Entry{}
	for k, ids := range byKind {
		m, err := t.derive(ctx, s, k, ids)
		if err != nil {
			return nil, err
		}
		derived[k] = m
	}
	out := make([]LogEntry, len(facts))
	ids := make([]int64, len(facts))
	for i, f := range facts {
		e, ok := derived[f.kind][f.ref]
		if !ok { // records are never deleted: this one's fact must not be logged blind
			return nil, fmt.Errorf("public log: %s %d: the record is missing", f.kind, f.ref)
		}
		out[i] = LogEntry{Index: next + uint64(i), Day: today, Entry: e}
		ids[i] = f.id
	}
	if err := t.insertLogEntries(ctx, out, now); err != nil {
		return nil, err
	}
	if _, err := t.exec(ctx, "DELETE FROM log_outbox WHERE id IN ("+inList(len(ids))+")", idArgs(ids)...); err != nil {
		return nil, err
	}
	return out, nil
}

// LogDaysWithoutCheckpoint lists the closes below size whose checkpoint
// is not recorded yet (a crash came between the append and the record).
func (db *DB) LogDaysWithoutCheckpoint(ctx context.Context, size uint64) (map[string]uint64, error) {
	rows, err := db.query(ctx, "SELECT day, close_idx FROM log_days WHERE checkpoint = '' AND close_idx < ?", int64(size))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]uint64{}
	for rows.Next() {
		var day string
		var idx int64
		if err := rows.Scan(&day, &idx); err != nil {
			return nil, err
		}
		out[day] = uint64(idx)
	}
	return out, rows.Err()
}

// SaveLogCheckpoint records day's checkpoint: the signed tree that ends
// with its close.
func (db *DB) SaveLogCheckpoint(ctx context.Context, day string, checkpoint []byte) error {
	return db.Write(ctx, func(t *Tx) error {
		_, err := t.exec(ctx, "UPDATE log_days SET checkpoint = ? WHERE day = ? AND checkpoint = ''", string(checkpoint), day)
		return err
	})
}

// LogDay is one closed day of the log.
type LogDay struct {
	Day        string
	First      uint64
	Count      uint64
	Close      uint64
	Checkpoint string // signed note; "" until recorded
}

// LogDay returns day's close, or ENOTFOUND while the day is open.
func (db *DB) LogDay(ctx context.Context, day string) (LogDay, error) {
	var d LogDay
	err := db.queryRow(ctx, "SELECT day, first_idx, count, close_idx, checkpoint FROM log_days WHERE day = ?", day).
		Scan(&d.Day, &d.First, &d.Count, &d.Close, &d.Checkpoint)
	if errors.Is(err, sql.ErrNoRows) {
		return d, boai.Errorf(boai.ENOTFOUND, "公开日志尚未结束 %s / the public log has not closed %s yet", day, day)
	}
	return d, err
}

// LogDays lists the latest closed days, newest first.
func (db *DB) LogDays(ctx context.Context, limit int) ([]LogDay, error) {
	rows, err := db.query(ctx, "SELECT day, first_idx, count, close_idx, checkpoint FROM log_days ORDER BY close_idx DESC LIMIT ?", limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []LogDay
	for rows.Next() {
		var d LogDay
		if err := rows.Scan(&d.Day, &d.First, &d.Count, &d.Close, &d.Checkpoint); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// FactEntry returns the numbered entry of a public fact, or ENOTFOUND
// while it waits in the outbox (or is no public fact).
func (db *DB) FactEntry(ctx context.Context, kind publog.Kind, ref int64) (LogEntry, error) {
	var es []LogEntry
	err := db.readTx(ctx, func(t *Tx) error {
		var err error
		es, err = t.logEntries(ctx, "WHERE kind = ? AND ref_id = ?", string(kind), ref)
		return err
	})
	if err != nil {
		return LogEntry{}, err
	}
	if len(es) == 0 {
		return LogEntry{}, boai.Errorf(boai.ENOTFOUND, "尚未记入公开日志 / not in the public log yet")
	}
	return es[0], nil
}

// FactEntries returns the numbered entries of several facts of one kind.
func (db *DB) FactEntries(ctx context.Context, kind publog.Kind, refs []int64) (map[int64]LogEntry, error) {
	out := map[int64]LogEntry{}
	if len(refs) == 0 {
		return out, nil
	}
	err := db.readTx(ctx, func(t *Tx) error {
		for i := 0; i < len(refs); i += 500 {
			chunk := refs[i:min(i+500, len(refs))]
			es, err := t.logEntries(ctx, "WHERE kind = ? AND ref_id IN ("+inList(len(chunk))+")", append([]any{string(kind)}, idArgs(chunk)...)...)
			if err != nil {
				return err
			}
			for _, e := range es {
				out[e.Ref] = e
			}
		}
		return nil
	})
	return out, err
}

// LogStatus is how far the log has come: entries numbered and facts waiting.
func (db *DB) LogStatus(ctx context.Context) (numbered, waiting int64, err error) {
	err = db.queryRow(ctx, "SELECT (SELECT COALESCE(MAX(idx) + 1, 0) FROM log_entries), (SELECT COUNT(*) FROM log_outbox)").Scan(&numbered, &waiting)
	return numbered, waiting, err
}

// LogMismatch is an entry whose record no longer makes the entry the log holds.
type LogMismatch struct {
	Index uint64
	Kind  publog.Kind
	Ref   int64
	Want  string // the entry in the log
	Got   string // the entry today's record makes ("" if the record is gone)
}

func (m LogMismatch) String() string {
	if m.Got == "" {
		return fmt.Sprintf("entry %d (%s %d): the record is gone; the log holds %s", m.Index, m.Kind, m.Ref, m.Want)
	}
	return fmt.Sprintf("entry %d (%s %d): the database now makes %s; the log holds %s", m.Index, m.Kind, m.Ref, m.Got, m.Want)
}

// CheckLog derives again, from today's records, the entries from index
// from up to (not including) to, and compares each with what logged
// returns for it (the log's own bytes, read from its tiles). Day closes
// are checked against the entries they count. It returns every entry
// that differs.
func (db *DB) CheckLog(ctx context.Context, from, to uint64, logged func(index uint64) ([]byte, error)) ([]LogMismatch, error) {
	s, err := db.Salter(ctx)
	if err != nil {
		return nil, err
	}
	var out []LogMismatch
	const chunk = 1000
	for lo := from; lo < to; lo += chunk {
		hi := min(lo+chunk, to)
		var es []LogEntry
		byKind := map[publog.Kind][]int64{}
		derived := map[publog.Kind]map[int64]publog.Entry{}
		err := db.readTx(ctx, func(t *Tx) error {
			var err error
			if es, err = t.logEntries(ctx, "WHERE idx >= ? AND idx < ? ORDER BY idx", int64(lo), int64(hi)); err != nil {
				return err
			}
			for _, e := range es {
				if e.Kind != publog.DayClose {
					byKind[e.Kind] = append(byKind[e.Kind], e.Ref)
				}
			}
			for k, ids := range byKind {
				m, err := t.derive(ctx, s, k, ids)
				if err != nil {
					return err
				}
				derived[k] = m
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		if uint64(len(es)) != hi-lo {
			return nil, fmt.Errorf("public log: the database numbers %d of the entries %d to %d", len(es), lo, hi-1)
		}
		for _, e := range es {
			want, err := logged(e.Index)
			if err != nil {
				return nil, fmt.Errorf("public log: entry %d: %w", e.Index, err)
			}
			got := e.Data // a day close is a count, checked by the audit of the log itself
			if e.Kind != publog.DayClose {
				got = derived[e.Kind][e.Ref].Data
			}
			if !bytes.Equal(got, want) {
				out = append(out, LogMismatch{Index: e.Index, Kind: e.Kind, Ref: e.Ref, Want: string(want), Got: string(got)})
			}
		}
	}
	return out, nil
}

// LogLeader is the PostgreSQL session that holds the log writer's lock.
type LogLeader struct {
	conn *sql.Conn
	pid  int64
}

// logLock is the advisory lock of the log's one writer, per schema.
const logLock = "hashtext(current_schema() || '/boai:log')"

// LeadLog tries to become the public log's one writer. On SQLite, whose
// one process holds the database, it always succeeds. On PostgreSQL it
// takes a session advisory lock on a connection of its own and returns
// nil without an error when another process holds it.
func (db *DB) LeadLog(ctx context.Context) (*LogLeader, error) {
	if db.Dialect != Postgres {
		return &LogLeader{}, nil
	}
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return nil, err
	}
	var ok bool
	var pid int64
	if err := conn.QueryRowContext(ctx, "SELECT pg_try_advisory_lock("+logLock+"), pg_backend_pid()").Scan(&ok, &pid); err != nil {
		conn.Close()
		return nil, err
	}
	if !ok {
		conn.Close()
		return nil, nil
	}
	return &LogLeader{conn: conn, pid: pid}, nil
}

// Fence checks in t that the leader's session still holds the lock: if
// its connection dropped, another process may be writing the log.
func (l *LogLeader) Fence(ctx context.Context, t *Tx) error {
	if l == nil || l.conn == nil {
		return nil
	}
	var held bool
	err := t.queryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid = ?
		AND classid = ((`+logLock+`)::bigint >> 32 & 4294967295)::oid AND objid = ((`+logLock+`)::bigint & 4294967295)::oid
		AND objsubid = 1)`, l.pid).Scan(&held)
	if err != nil {
		return err
	}
	if !held {
		return errors.New("public log: this process no longer holds the writer's lock")
	}
	return nil
}

// Alive pings the leader's session.
func (l *LogLeader) Alive(ctx context.Context) error {
	if l == nil || l.conn == nil {
		return nil
	}
	return l.conn.PingContext(ctx)
}

// Close gives the lock up.
func (l *LogLeader) Close() error {
	if l == nil || l.conn == nil {
		return nil
	}
	// The connection goes back to the pool, its session with it: unlock first.
	_, err := l.conn.ExecContext(context.Background(), "SELECT pg_advisory_unlock("+logLock+")")
	return errors.Join(err, l.conn.Close())
}

// EachLogEntry calls fn with every entry logged on the days from to to
// (inclusive, as yyyy-mm-dd), in log order, a thousand at a time.
func (db *DB) EachLogEntry(ctx context.Context, from, to string, fn func(LogEntry) error) error {
	var after int64 = -1
	for {
		var es []LogEntry
		err := db.readTx(ctx, func(t *Tx) error {
			var err error
			es, err = t.logEntries(ctx, "WHERE day >= ? AND day <= ? AND idx > ? ORDER BY idx LIMIT 1000", from, to, after)
			return err
		})
		if err != nil || len(es) == 0 {
			return err
		}
		for _, e := range es {
			if err := fn(e); err != nil {
				return err
			}
		}
		after = int64(es[len(es)-1].Index)
	}
}

// deriveCorrections: a published correction notice (更正说明) is logged by
// the day and line it corrects and the digest of its text, which anyone
// can recompute from the notice on the site; the text itself stays out.
func (t *Tx) deriveCorrections(ctx context.Context, ids []int64, out map[int64]publog.Entry) error {
	rows, err := t.query(ctx, `SELECT c.id, d.day, c.section, c.line, c.digest, COALESCE(c.published_at, 0)
		FROM disclosure_corrections c JOIN disclosures d ON d.id = c.disclosure_id WHERE c.id IN (`+inList(len(ids))+`)`, idArgs(ids)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id, line, at int64
		var day, section, digest string
		if err := rows.Scan(&id, &day, &section, &line, &digest, &at); err != nil {
			return err
		}
		e, err := publog.Encode(publog.Correction, id, 0, map[string]any{"correction": id, "date": day, "section": section,
			"line": line, "digest": digest, "published_at": publog.Time(fromMicros(at))})
		if err != nil {
			return err
		}
		out[id] = e
	}
	return rows.Err()
}

// DayCheckpoint is the public log's checkpoint at the close of day, for
// the day's disclosure (DayCheckpoints); ok is false until the log has
// closed the day and recorded its checkpoint.
func (db *DB) DayCheckpoint(ctx context.Context, day string) (disclosure.CheckpointIn, bool, error) {
	d, err := db.LogDay(ctx, day)
	if boai.ErrorCode(err) == boai.ENOTFOUND || err == nil && d.Checkpoint == "" {
		return disclosure.CheckpointIn{}, false, nil
	} else if err != nil {
		return disclosure.CheckpointIn{}, false, err
	}
	// The note's body: origin, size, base64 root hash (C2SP tlog-checkpoint).
	lines := strings.SplitN(d.Checkpoint, "\n", 4)
	if len(lines) < 4 {
		return disclosure.CheckpointIn{}, false, fmt.Errorf("checkpoint of %s: not a checkpoint", day)
	}
	size, err := strconv.ParseUint(lines[1], 10, 64)
	if err != nil {
		return disclosure.CheckpointIn{}, false, fmt.Errorf("checkpoint of %s: size: %w", day, err)
	}
	root, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(root) != 32 {
		return disclosure.CheckpointIn{}, false, fmt.Errorf("checkpoint of %s: root hash: %v", day, err)
	}
	return disclosure.CheckpointIn{Size: size, Root: root}, true, nil
}

package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"boai"
	"boai/internal/audit"
	"boai/internal/disclosure"
	"boai/internal/donation"
	"boai/internal/goods"
	"boai/internal/ledger"
	"boai/internal/money"
	"boai/internal/publog"
	"boai/internal/supervision"
)

// The daily disclosure (每日公示): a day's money, goods, allocations and
// payments read from the records, masked and checked by the domain
// (disclosure.NewDay), then made, checked by a second person and
// published. A published day is never changed (the database refuses it
// too); a mistake is fixed by a published correction notice.

// DayCheckpoints gives the public log's checkpoint at the close of a day
// (YYYY-MM-DD), which the disclosure prints. ok is false while the log
// has none for the day; the disclosure then says so.
type DayCheckpoints interface {
	DayCheckpoint(ctx context.Context, date string) (cp disclosure.CheckpointIn, ok bool, err error)
}

// Disclosure is a day's disclosure as stored.
type Disclosure struct {
	ID int64
	*disclosure.Disclosure
}

// DisclosureSummary is a day in the list of disclosures, without its content.
type DisclosureSummary struct {
	ID          int64
	Date        string
	Status      disclosure.Status
	MadeBy      string
	MadeAt      time.Time
	CheckedBy   string
	CheckedAt   time.Time
	PublishedBy string
	PublishedAt time.Time
	Corrections int // published correction notices
	Pending     int // corrections not yet published
}

// dayBounds is the day date (YYYY-MM-DD) in loc as [from, to) in micros.
func dayBounds(date string, loc *time.Location) (time.Time, time.Time, error) {
	if loc == nil {
		return time.Time{}, time.Time{}, boai.Errorf(boai.EINVALID, "缺少时区 / time zone is required")
	}
	t, err := time.ParseInLocation(disclosure.DateLayout, date, loc)
	if err != nil {
		return time.Time{}, time.Time{}, boai.Errorf(boai.EINVALID, "日期须为 YYYY-MM-DD：%q / date must be YYYY-MM-DD", date)
	}
	return t, time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, loc), nil
}

// DisclosureInput reads what the disclosure of date (a day in loc) is
// built from, in one consistent read: the money donations received that
// day that stand (a reversed donation and its reversal, which is dated as
// the donation, both leave the list), the in-kind lines accepted into
// stock that day, the goods that left for a recipient that day, the
// payments made that day (one line per fund drawn), the money received and
// spent to the end of the day from the book, and the log's checkpoint.
func (db *DB) DisclosureInput(ctx context.Context, date string, loc *time.Location) (disclosure.Input, error) {
	from, to, err := dayBounds(date, loc)
	if err != nil {
		return disclosure.Input{}, err
	}
	lo, hi := micros(from), micros(to)
	in := disclosure.Input{Date: date, Loc: loc}
	err = db.readTx(ctx, func(t *Tx) error {
		if in.Money, err = t.disclosureMoney(ctx, lo, hi); err != nil {
			return err
		}
		if in.Goods, err = t.disclosureGoods(ctx, lo, hi); err != nil {
			return err
		}
		if in.Allocations, err = t.disclosureAllocations(ctx, lo, hi); err != nil {
			return err
		}
		if in.Expenditures, err = t.disclosureExpenditures(ctx, lo, hi); err != nil {
			return err
		}
		in.Cumulative, err = t.moneyRate(ctx, hi)
		return err
	})
	if err != nil {
		return disclosure.Input{}, err
	}
	if cps := cmp.Or[DayCheckpoints](db.Checkpoints, db); cps != nil {
		cp, ok, err := cps.DayCheckpoint(ctx, date)
		if err != nil {
			return disclosure.Input{}, fmt.Errorf("checkpoint of %s: %w", date, err)
		}
		if ok {
			in.Checkpoint = &cp
		}
	}
	return in, nil
}

func (t *Tx) disclosureMoney(ctx context.Context, lo, hi int64) ([]disclosure.MoneyIn, error) {
	var n int
	if err := t.queryRow(ctx, "SELECT COUNT(*) FROM donations WHERE received_at >= ? AND received_at < ?", lo, hi).Scan(&n); err != nil {
		return nil, fmt.Errorf("count the day's donations: %w", err)
	}
	rows, err := t.query(ctx, `SELECT d.received_at, d.donor_kind, d.donor_name, d.anonymous, d.amount_fen, d.designation_kind, d.designation_target
		FROM donations d WHERE d.received_at >= ? AND d.received_at < ? AND d.kind = 'donation'
		AND NOT EXISTS (SELECT 1 FROM donations r WHERE r.reverses_id = d.id)
		ORDER BY d.received_at, d.id`, lo, hi)
	if err != nil {
		return nil, fmt.Errorf("the day's donations: %w", err)
	}
	defer rows.Close()
	out := make([]disclosure.MoneyIn, 0, n)
	// Kinds and designations repeat: one string each, not one per row.
	intern := map[string]string{}
	str := func(b []byte) string {
		if s, ok := intern[string(b)]; ok {
			return s
		}
		s := string(b)
		intern[s] = s
		return s
	}
	var kind, dk, dt []byte
	for rows.Next() {
		var m disclosure.MoneyIn
		var at, amount int64
		if err := rows.Scan(&at, &kind, &m.Donor.Name, &m.Donor.Anonymous, &amount, &dk, &dt); err != nil {
			return nil, err
		}
		m.ReceivedAt, m.Amount = fromMicros(at), money.Fen(amount)
		m.Donor.Kind = donation.DonorKind(str(kind))
		m.Designation = donation.Designation{Kind: donation.DesignationKind(str(dk)), Target: str(dt)}
		out = append(out, m)
	}
	return out, rows.Err()
}

const itemColsG = "g.id, g.category_id, g.code, g.name, g.name_en, g.spec, g.unit, g.pack_unit, g.pack_size, g.medical_grade, g.active"

func scanItemInto(it *goods.Item) []any {
	return []any{&it.ID, &it.CategoryID, &it.Code, &it.Name, &it.NameEn, &it.Spec, &it.Unit, &it.PackUnit, &it.PackSize, &it.MedicalGrade, &it.Active}
}

// disclosureGoods: each accepted line of the in-kind gifts whose
// goods-received note was made that day, the moment they entered stock.
func (t *Tx) disclosureGoods(ctx context.Context, lo, hi int64) ([]disclosure.GoodsIn, error) {
	rows, err := t.query(ctx, `SELECT s.created_at, k.donor_kind, k.donor_name, k.anonymous, k.designation_kind, k.designation_target, l.accepted, `+itemColsG+`
		FROM stock_docs s JOIN inkind_donations k ON k.receipt_doc_id = s.id
		JOIN inkind_lines l ON l.donation_id = k.id JOIN goods_items g ON g.id = l.item_id
		WHERE s.created_at >= ? AND s.created_at < ? AND l.accepted > 0
		ORDER BY s.created_at, k.id, l.line_no`, lo, hi)
	if err != nil {
		return nil, fmt.Errorf("the day's goods: %w", err)
	}
	defer rows.Close()
	var out []disclosure.GoodsIn
	for rows.Next() {
		var g disclosure.GoodsIn
		var at int64
		var kind, dk string
		dst := append([]any{&at, &kind, &g.Donor.Name, &g.Donor.Anonymous, &dk, &g.Designation.Target, &g.Qty}, scanItemInto(&g.Item)...)
		if err := rows.Scan(dst...); err != nil {
			return nil, err
		}
		g.ReceivedAt, g.Donor.Kind, g.Designation.Kind = fromMicros(at), donation.DonorKind(kind), donation.DesignationKind(dk)
		out = append(out, g)
	}
	return out, rows.Err()
}

// disclosureAllocations: the goods that left on a dispatch note that day,
// by note and item, with the recipient the note names.
func (t *Tx) disclosureAllocations(ctx context.Context, lo, hi int64) ([]disclosure.AllocationIn, error) {
	rows, err := t.query(ctx, `SELECT s.id, s.created_at, s.recipient, -SUM(m.delta), `+itemColsG+`
		FROM stock_docs s JOIN stock_moves m ON m.doc_id = s.id JOIN goods_items g ON g.id = m.item_id
		WHERE s.created_at >= ? AND s.created_at < ? AND s.kind = 'dispatch' AND m.delta < 0
		GROUP BY s.id, s.created_at, s.recipient, `+itemColsG+`
		ORDER BY s.created_at, s.id, g.id`, lo, hi)
	if err != nil {
		return nil, fmt.Errorf("the day's dispatches: %w", err)
	}
	defer rows.Close()
	var out []disclosure.AllocationIn
	for rows.Next() {
		var a disclosure.AllocationIn
		var doc, at int64
		if err := rows.Scan(append([]any{&doc, &at, &a.Recipient, &a.Qty}, scanItemInto(&a.Item)...)...); err != nil {
			return nil, err
		}
		a.At = fromMicros(at)
		out = append(out, a)
	}
	return out, rows.Err()
}

// disclosureExpenditures: the payments made that day, one line per fund
// drawn, so each line names the fund that paid.
func (t *Tx) disclosureExpenditures(ctx context.Context, lo, hi int64) ([]disclosure.ExpenditureIn, error) {
	rows, err := t.query(ctx, `SELECT e.paid_at, e.payee, e.kind, e.note, w.fund, w.amount
		FROM expenditures e JOIN expenditure_draws w ON w.expenditure_id = e.id
		WHERE e.paid_at >= ? AND e.paid_at < ? AND e.status = 'paid'
		ORDER BY e.paid_at, e.id, w.fund`, lo, hi)
	if err != nil {
		return nil, fmt.Errorf("the day's payments: %w", err)
	}
	defer rows.Close()
	var out []disclosure.ExpenditureIn
	for rows.Next() {
		var e disclosure.ExpenditureIn
		var at, amount int64
		var kind, note, fund string
		if err := rows.Scan(&at, &e.Payee, &kind, &note, &fund, &amount); err != nil {
			return nil, err
		}
		e.PaidAt, e.Amount, e.Designation = fromMicros(at), money.Fen(amount), ledger.Account(fund).Designation()
		e.Purpose = ledger.ExpenseAccount(ledger.Category(kind), ledger.GeneralFund).Label()
		if note != "" {
			e.Purpose += "：" + note
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// moneyRate is the money received and spent from the start of the book to
// before hi (micros), over the money funds (goods at value left out), as
// the funds page sums them.
func (t *Tx) moneyRate(ctx context.Context, hi int64) (ledger.Rate, error) {
	rows, err := t.query(ctx, `SELECT p.fund,
			COALESCE(SUM(CASE WHEN t.kind IN ('donation', 'goods') THEN -p.amount END), 0),
			COALESCE(SUM(CASE WHEN t.kind = 'reversal' AND p.account = p.fund THEN -p.amount END), 0),
			COALESCE(SUM(CASE WHEN p.account <> p.fund THEN p.amount END), 0)
		FROM ledger_postings p JOIN ledger_txns t ON t.id = p.txn_id WHERE p.fund <> '' AND t.at < ? GROUP BY p.fund`, hi)
	if err != nil {
		return ledger.Rate{}, fmt.Errorf("received and spent: %w", err)
	}
	defer rows.Close()
	var r ledger.Rate
	for rows.Next() {
		var fund string
		var rec, rev, spent int64
		if err := rows.Scan(&fund, &rec, &rev, &spent); err != nil {
			return r, err
		}
		if ledger.Account(fund).Goods() {
			continue
		}
		r.Received += money.Fen(rec + rev)
		r.Spent += money.Fen(spent)
	}
	return r, rows.Err()
}

// BuildDisclosure reads the day and builds its disclosure: masked,
// numbered, summed and checked for personal data by the domain.
func (db *DB) BuildDisclosure(ctx context.Context, date string, loc *time.Location) (*disclosure.Day, error) {
	in, err := db.DisclosureInput(ctx, date, loc)
	if err != nil {
		return nil, err
	}
	return disclosure.NewDay(in)
}

const disclosureCols = `SELECT id, day, content, status, digest, made_by, made_at, checked_by, checked_at, published_by, published_at FROM disclosures`

func scanDisclosure(r interface{ Scan(...any) error }) (*Disclosure, error) {
	var d Disclosure
	var rv disclosure.Review
	var date, content, status string
	var made int64
	var checked, published sql.NullInt64
	err := r.Scan(&d.ID, &date, &content, &status, &rv.Digest, &rv.MadeBy, &made, &rv.CheckedBy, &checked, &rv.PublishedBy, &published)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, boai.Errorf(boai.ENOTFOUND, "没有这一天的公示 / no disclosure for this day")
	} else if err != nil {
		return nil, fmt.Errorf("scan disclosure: %w", err)
	}
	day, err := disclosure.ParseDay([]byte(content))
	if err != nil {
		return nil, fmt.Errorf("disclosure of %s: %w", date, err)
	}
	rv.Status, rv.MadeAt, rv.CheckedAt, rv.PublishedAt = disclosure.Status(status), fromMicros(made), nullMicros(checked), nullMicros(published)
	d.Disclosure = &disclosure.Disclosure{Day: day, Review: rv}
	// What was checked is what is stored: a row changed behind boai's
	// back is an error, never shown.
	if err := d.Verify(); err != nil {
		return nil, fmt.Errorf("disclosure of %s: %w", date, err)
	}
	return &d, nil
}

func (t *Tx) disclosure(ctx context.Context, date string) (*Disclosure, error) {
	return scanDisclosure(t.queryRow(ctx, disclosureCols+" WHERE day = ?", date))
}

// Disclosure returns the disclosure of date, in whatever state, for staff.
func (db *DB) Disclosure(ctx context.Context, date string) (*Disclosure, error) {
	return scanDisclosure(db.queryRow(ctx, disclosureCols+" WHERE day = ?", date))
}

// PublishedDisclosure returns the disclosure of date if it is published;
// an unpublished one is "not found", as if it did not exist.
func (db *DB) PublishedDisclosure(ctx context.Context, date string) (*Disclosure, error) {
	return scanDisclosure(db.queryRow(ctx, disclosureCols+" WHERE day = ? AND status = 'published'", date))
}

// disclosureAudit is the trail's copy of a disclosure: its state and the
// digest of its content, not the content (a day may hold 100,000 lines).
func disclosureAudit(d *disclosure.Disclosure) map[string]any {
	return map[string]any{"day": d.Day.Date, "status": d.Status, "digest": disclosure.Digest(d.Day.Content()),
		"money": len(d.Day.Money), "goods": len(d.Day.Goods), "allocations": len(d.Day.Allocations), "expenditures": len(d.Day.Expenditures),
		"made_by": d.MadeBy, "checked_by": d.CheckedBy, "published_by": d.PublishedBy}
}

// PrepareDisclosure builds the disclosure of date from the records and
// keeps it as a draft made by a: the first time, or again (re-prepared)
// while it is not published, which sends a checked one back to draft.
// A published day is refused: it is corrected, never rebuilt.
func (db *DB) PrepareDisclosure(ctx context.Context, a audit.Actor, date string, loc *time.Location) (*Disclosure, error) {
	day, err := db.BuildDisclosure(ctx, date, loc)
	if err != nil {
		return nil, err
	}
	content := string(day.Content())
	var out *Disclosure
	err = db.WriteAlone(ctx, func(t *Tx) error {
		now := db.Now()
		old, err := t.disclosure(ctx, date)
		switch {
		case boai.ErrorCode(err) == boai.ENOTFOUND:
			d, err := disclosure.NewDraft(day, a.Username, now)
			if err != nil {
				return err
			}
			id, err := t.insert(ctx, `INSERT INTO disclosures (day, content, status, made_by, made_at) VALUES (?, ?, ?, ?, ?)`,
				date, content, string(d.Status), d.MadeBy, micros(d.MadeAt))
			if err != nil && isUniqueViolation(err) {
				return boai.Errorf(boai.ECONFLICT, "这一天的公示正由他人同时制作，请刷新 / someone else prepared this day at the same moment; reload")
			} else if err != nil {
				return fmt.Errorf("insert disclosure: %w", err)
			}
			out = &Disclosure{ID: id, Disclosure: d}
			return t.audit(ctx, a, "disclosure.prepare", "disclosure", id, nil, disclosureAudit(d))
		case err != nil:
			return err
		}
		before := disclosureAudit(old.Disclosure)
		if err := old.Revise(day, a.Username, now); err != nil {
			return err
		}
		res, err := t.exec(ctx, `UPDATE disclosures SET content = ?, status = ?, digest = '', made_by = ?, made_at = ?,
			checked_by = '', checked_at = NULL, published_by = '', published_at = NULL WHERE id = ? AND status <> 'published'`,
			content, string(old.Status), old.MadeBy, micros(old.MadeAt), old.ID)
		if err != nil {
			return fmt.Errorf("re-prepare disclosure: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return boai.Errorf(boai.ECONFLICT, "已公示的内容不能修改，请发布更正说明 / a published disclosure is never edited; publish a correction")
		}
		out = old
		return t.audit(ctx, a, "disclosure.reprepare", "disclosure", old.ID, before, disclosureAudit(old.Disclosure))
	})
	return out, err
}

// CheckDisclosure records that a, who did not make it, checked the
// draft of date: its digest is now what may be published.
func (db *DB) CheckDisclosure(ctx context.Context, a audit.Actor, date string) (*Disclosure, error) {
	var out *Disclosure
	err := db.WriteAlone(ctx, func(t *Tx) error {
		d, err := t.disclosure(ctx, date)
		if err != nil {
			return err
		}
		if err := d.Check(a.Username, db.Now()); err != nil {
			return err
		}
		res, err := t.exec(ctx, "UPDATE disclosures SET status = ?, digest = ?, checked_by = ?, checked_at = ? WHERE id = ? AND status = 'draft'",
			string(d.Status), d.Digest, d.CheckedBy, micros(d.CheckedAt), d.ID)
		if err != nil {
			return fmt.Errorf("check disclosure: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return boai.Errorf(boai.ECONFLICT, "公示状态已变化，请刷新 / the disclosure changed meanwhile; reload")
		}
		out = d
		return t.audit(ctx, a, "disclosure.check", "disclosure", d.ID, nil, disclosureAudit(d.Disclosure))
	})
	return out, err
}

// PublishDisclosure makes the checked disclosure of date public. From
// then on the database refuses any change to it.
func (db *DB) PublishDisclosure(ctx context.Context, a audit.Actor, date string) (*Disclosure, error) {
	var out *Disclosure
	err := db.WriteAlone(ctx, func(t *Tx) error {
		d, err := t.disclosure(ctx, date)
		if err != nil {
			return err
		}
		if err := d.Publish(a.Username, db.Now()); err != nil {
			return err
		}
		res, err := t.exec(ctx, "UPDATE disclosures SET status = ?, published_by = ?, published_at = ? WHERE id = ? AND status = 'checked' AND digest = ?",
			string(d.Status), d.PublishedBy, micros(d.PublishedAt), d.ID, d.Digest)
		if err != nil {
			return fmt.Errorf("publish disclosure: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return boai.Errorf(boai.ECONFLICT, "公示状态已变化，请刷新 / the disclosure changed meanwhile; reload")
		}
		// The public log's "disclosure published" fact belongs here, in
		// this transaction (issue #5, item 2: the outbox).
		out = d
		return t.audit(ctx, a, "disclosure.publish", "disclosure", d.ID, nil, disclosureAudit(d.Disclosure))
	})
	return out, err
}

// disclosureSummaries lists days newest first; published only when pub.
func (db *DB) disclosureSummaries(ctx context.Context, pub bool, limit int) ([]DisclosureSummary, error) {
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	cond := ""
	if pub {
		cond = " WHERE d.status = 'published'"
	}
	rows, err := db.query(ctx, `SELECT d.id, d.day, d.status, d.made_by, d.made_at, d.checked_by, d.checked_at, d.published_by, d.published_at,
			(SELECT COUNT(*) FROM disclosure_corrections c WHERE c.disclosure_id = d.id AND c.status = 'published'),
			(SELECT COUNT(*) FROM disclosure_corrections c WHERE c.disclosure_id = d.id AND c.status <> 'published')
		FROM disclosures d`+cond+` ORDER BY d.day DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("list disclosures: %w", err)
	}
	defer rows.Close()
	var out []DisclosureSummary
	for rows.Next() {
		var s DisclosureSummary
		var status string
		var made int64
		var checked, published sql.NullInt64
		if err := rows.Scan(&s.ID, &s.Date, &status, &s.MadeBy, &made, &s.CheckedBy, &checked, &s.PublishedBy, &published, &s.Corrections, &s.Pending); err != nil {
			return nil, err
		}
		s.Status, s.MadeAt, s.CheckedAt, s.PublishedAt = disclosure.Status(status), fromMicros(made), nullMicros(checked), nullMicros(published)
		if pub {
			s.Pending = 0 // what is not public is not counted in public
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// Disclosures lists the days with a disclosure in any state, newest first.
func (db *DB) Disclosures(ctx context.Context, limit int) ([]DisclosureSummary, error) {
	return db.disclosureSummaries(ctx, false, limit)
}

// PublishedDisclosures lists the published days, newest first.
func (db *DB) PublishedDisclosures(ctx context.Context, limit int) ([]DisclosureSummary, error) {
	return db.disclosureSummaries(ctx, true, limit)
}

// ---- Correction notices (更正说明) ----

const correctionCols = `SELECT c.id, d.day, c.section, c.line, c.was, c.corrected, c.reason, c.status, c.digest,
	c.made_by, c.made_at, c.checked_by, c.checked_at, c.published_by, c.published_at
	FROM disclosure_corrections c JOIN disclosures d ON d.id = c.disclosure_id`

func scanCorrection(r interface{ Scan(...any) error }) (*disclosure.Correction, error) {
	var c disclosure.Correction
	var section, status string
	var made int64
	var checked, published sql.NullInt64
	err := r.Scan(&c.ID, &c.Date, &section, &c.Line, &c.Was, &c.Corrected, &c.Reason, &status, &c.Digest,
		&c.MadeBy, &made, &c.CheckedBy, &checked, &c.PublishedBy, &published)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, boai.Errorf(boai.ENOTFOUND, "没有这条更正说明 / correction not found")
	} else if err != nil {
		return nil, fmt.Errorf("scan correction: %w", err)
	}
	c.Section, c.Status = disclosure.Section(section), disclosure.Status(status)
	c.MadeAt, c.CheckedAt, c.PublishedAt = fromMicros(made), nullMicros(checked), nullMicros(published)
	if err := c.Verify(); err != nil {
		return nil, fmt.Errorf("correction %d: %w", c.ID, err)
	}
	return &c, nil
}

// CorrectDisclosure drafts a correction notice for one line of the
// published disclosure of date.
func (db *DB) CorrectDisclosure(ctx context.Context, a audit.Actor, date string, fix disclosure.Fix) (*disclosure.Correction, error) {
	var out *disclosure.Correction
	err := db.WriteAlone(ctx, func(t *Tx) error {
		d, err := t.disclosure(ctx, date)
		if err != nil {
			return err
		}
		c, err := disclosure.Correct(d.Disclosure, fix, a.Username, db.Now())
		if err != nil {
			return err
		}
		c.ID, err = t.insert(ctx, `INSERT INTO disclosure_corrections (disclosure_id, section, line, was, corrected, reason, status, made_by, made_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, d.ID, string(c.Section), c.Line, c.Was, c.Corrected, c.Reason, string(c.Status), c.MadeBy, micros(c.MadeAt))
		if err != nil {
			return fmt.Errorf("insert correction: %w", err)
		}
		out = c
		return t.audit(ctx, a, "disclosure.correct", "disclosure_correction", c.ID, nil, c)
	})
	return out, err
}

// CheckCorrection records that a, who did not draft it, checked correction id.
func (db *DB) CheckCorrection(ctx context.Context, a audit.Actor, id int64) (*disclosure.Correction, error) {
	return db.stepCorrection(ctx, a, id, "disclosure.correction_check", func(c *disclosure.Correction) error { return c.Check(a.Username, db.Now()) },
		"UPDATE disclosure_corrections SET status = ?, digest = ?, checked_by = ?, checked_at = ? WHERE id = ? AND status = 'draft'",
		func(c *disclosure.Correction) []any {
			return []any{string(c.Status), c.Digest, c.CheckedBy, micros(c.CheckedAt), c.ID}
		})
}

// PublishCorrection makes checked correction id public; it is linked from
// the line it corrects, and never changes again.
func (db *DB) PublishCorrection(ctx context.Context, a audit.Actor, id int64) (*disclosure.Correction, error) {
	// The public log's "correction published" fact belongs in this
	// transaction too (see stepCorrection).
	return db.stepCorrection(ctx, a, id, "disclosure.correction_publish", func(c *disclosure.Correction) error { return c.Publish(a.Username, db.Now()) },
		"UPDATE disclosure_corrections SET status = ?, published_by = ?, published_at = ? WHERE id = ? AND status = 'checked' AND digest = ?",
		func(c *disclosure.Correction) []any {
			return []any{string(c.Status), c.PublishedBy, micros(c.PublishedAt), c.ID, c.Digest}
		})
}

func (db *DB) stepCorrection(ctx context.Context, a audit.Actor, id int64, action string, step func(*disclosure.Correction) error,
	update string, args func(*disclosure.Correction) []any) (*disclosure.Correction, error) {
	var out *disclosure.Correction
	err := db.Write(ctx, func(t *Tx) error {
		c, err := scanCorrection(t.queryRow(ctx, correctionCols+" WHERE c.id = ?", id))
		if err != nil {
			return err
		}
		before := *c
		if err := step(c); err != nil {
			return err
		}
		res, err := t.exec(ctx, update, args(c)...)
		if err != nil {
			return fmt.Errorf("%s: %w", action, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return boai.Errorf(boai.ECONFLICT, "更正说明状态已变化，请刷新 / the correction changed meanwhile; reload")
		}
		if c.Status == disclosure.Published {
			// A published notice is a public fact: logged with it.
			if err := t.logFact(ctx, publog.Correction, c.ID); err != nil {
				return err
			}
		}
		out = c
		return t.audit(ctx, a, action, "disclosure_correction", c.ID, before, c)
	})
	return out, err
}

// DisclosureCorrection returns correction id in any state, for staff.
func (db *DB) DisclosureCorrection(ctx context.Context, id int64) (*disclosure.Correction, error) {
	return scanCorrection(db.queryRow(ctx, correctionCols+" WHERE c.id = ?", id))
}

// PublishedCorrection returns correction id if it is published.
func (db *DB) PublishedCorrection(ctx context.Context, id int64) (*disclosure.Correction, error) {
	return scanCorrection(db.queryRow(ctx, correctionCols+" WHERE c.id = ? AND c.status = 'published'", id))
}

// DisclosureCorrections lists the corrections of date (every day when
// date is ""), oldest first; only published ones when pub.
func (db *DB) DisclosureCorrections(ctx context.Context, date string, pub bool, limit int) ([]disclosure.Correction, error) {
	if limit <= 0 || limit > 1000 {
		limit = 200
	}
	var where []string
	var args []any
	if date != "" {
		where, args = append(where, "d.day = ?"), append(args, date)
	}
	if pub {
		where = append(where, "c.status = 'published'")
	}
	q := correctionCols
	for i, w := range where {
		if i == 0 {
			q += " WHERE " + w
		} else {
			q += " AND " + w
		}
	}
	order := " ORDER BY c.id LIMIT ?"
	if date == "" {
		order = " ORDER BY c.id DESC LIMIT ?"
	}
	rows, err := db.query(ctx, q+order, append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("list corrections: %w", err)
	}
	defer rows.Close()
	var out []disclosure.Correction
	for rows.Next() {
		c, err := scanCorrection(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *c)
	}
	return out, rows.Err()
}

// DisclosureVersion is what the public page of date shows beyond its
// fixed content: the number and last id of its published corrections.
// A page rendered at one version can be served again until it changes.
func (db *DB) DisclosureVersion(ctx context.Context, date string) (string, error) {
	var n, last int64
	err := db.queryRow(ctx, `SELECT COUNT(*), COALESCE(MAX(c.id), 0) FROM disclosure_corrections c JOIN disclosures d ON d.id = c.disclosure_id
		WHERE d.day = ? AND c.status = 'published'`, date).Scan(&n, &last)
	if err != nil {
		return "", fmt.Errorf("disclosure version: %w", err)
	}
	return fmt.Sprintf("%d.%d", n, last), nil
}

// ---- Late disclosures ----

// AlertLateDisclosures raises a supervisors' alert (kind
// "disclosure_late") for each day whose disclosure is past due at now and
// not published: yesterday, and any earlier day of the last week with an
// unpublished draft. due is the time after the day's end by which it must
// be published (e.g. 12 hours: noon the next day). Each day is alerted
// once. It returns how many alerts it raised.
func (db *DB) AlertLateDisclosures(ctx context.Context, now time.Time, due time.Duration, loc *time.Location) (int, error) {
	today := now.In(loc)
	yesterday := time.Date(today.Year(), today.Month(), today.Day()-1, 0, 0, 0, 0, loc).Format(disclosure.DateLayout)
	weekAgo := time.Date(today.Year(), today.Month(), today.Day()-7, 0, 0, 0, 0, loc).Format(disclosure.DateLayout)
	days := []string{yesterday}
	rows, err := db.query(ctx, "SELECT day FROM disclosures WHERE status <> 'published' AND day >= ? AND day < ? ORDER BY day", weekAgo, yesterday)
	if err != nil {
		return 0, fmt.Errorf("unpublished days: %w", err)
	}
	for rows.Next() {
		var d string
		if err := rows.Scan(&d); err != nil {
			rows.Close()
			return 0, err
		}
		days = append(days, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	raised := 0
	for _, day := range days {
		if !disclosure.Late(now, day, due, loc) {
			continue
		}
		did := false
		err := db.Write(ctx, func(t *Tx) error {
			did = false
			var status string
			err := t.queryRow(ctx, "SELECT status FROM disclosures WHERE day = ?", day).Scan(&status)
			switch {
			case errors.Is(err, sql.ErrNoRows):
				status = "none"
			case err != nil:
				return err
			}
			if status == string(disclosure.Published) {
				return nil
			}
			dueAt, _ := disclosure.Due(day, due, loc)
			msg := fmt.Sprintf("%s 的每日公示未按时发布（应于 %s 前发布，当前状态：%s）", day, dueAt.Format("2006-01-02 15:04"), statusLabel(status))
			did, err = t.raiseAlert(ctx, supervision.DisclosureLate, "disclosure:"+day, msg, supervision.Warning)
			return err
		})
		if err != nil {
			return raised, fmt.Errorf("late disclosure of %s: %w", day, err)
		}
		if did {
			raised++
		}
	}
	return raised, nil
}

func statusLabel(s string) string {
	switch disclosure.Status(s) {
	case disclosure.Draft:
		return "待审核"
	case disclosure.Checked:
		return "已审核，待发布"
	}
	return "未制作"
}

// FirstPublication is when the first disclosure was published (zero when
// none is): the feed's tag URIs date from it, so they never change.
func (db *DB) FirstPublication(ctx context.Context) (time.Time, error) {
	var first sql.NullInt64
	if err := db.queryRow(ctx, "SELECT MIN(published_at) FROM disclosures WHERE status = 'published'").Scan(&first); err != nil {
		return time.Time{}, fmt.Errorf("first publication: %w", err)
	}
	return nullMicros(first), nil
}

// DisclosureStatus is the state of date's disclosure, without reading its
// content; "not found" when the day has none.
func (db *DB) DisclosureStatus(ctx context.Context, date string) (disclosure.Status, error) {
	var s string
	err := db.queryRow(ctx, "SELECT status FROM disclosures WHERE day = ?", date).Scan(&s)
	if errors.Is(err, sql.ErrNoRows) {
		return "", boai.Errorf(boai.ENOTFOUND, "没有这一天的公示 / no disclosure for this day")
	} else if err != nil {
		return "", fmt.Errorf("disclosure status: %w", err)
	}
	return disclosure.Status(s), nil
}

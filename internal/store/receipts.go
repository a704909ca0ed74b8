package store

import (
	"boai/internal/publog"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"boai"
	"boai/internal/audit"
	"boai/internal/donation"
	"boai/internal/inkind"
	"boai/internal/money"
	"boai/internal/receipt"
)

// Donation receipts (公益事业捐赠票据, issue #4): the receipt stock, issue,
// void, reissue and spoiled forms, the donors' choices and requests, and
// the audit of the numbering. The rules are in package receipt; this file
// keeps them, each write in one transaction with its audit entry.
//
// Every receipt write, and ReceiptLocked, runs under one lock on
// PostgreSQL (an advisory lock; SQLite's one writer already serialises
// them): receipts are issued at a clerk's pace, and one lock can never
// deadlock, so numbers are drawn in order, a gift is receipted once, and
// a reversal and an issue of the same donation never both pass.

// Donors' choices about a receipt; the latest recorded counts.
const (
	ChoiceDeclined  = "declined"  // the donor does not want a receipt
	ChoiceAnonymous = "anonymous" // no receipt in the donor's name
	ChoiceWanted    = "wanted"    // a change of mind: a receipt after all
)

// ReceiptRange is a range of the receipt stock with what became of its
// numbers.
type ReceiptRange struct {
	receipt.Range
	ObtainedOn string // YYYY-MM-DD, when the forms came from the finance bureau
	Note       string
	Live       int64 // numbers on valid receipts
	Voided     int64 // numbers voided (receipts voided, forms spoiled)
	CreatedBy  string
	CreatedAt  time.Time
}

// ReceiptView is a receipt as the pages show it.
type ReceiptView struct {
	receipt.Receipt
	RangeID    int64
	IssuedBy   string
	IssuedAt   time.Time
	ReissueOf  int64  // the voided receipt this one replaces
	ReissuedAs int64  // the receipt that replaced this voided one
	CertNo     string // the gift's certificate number
	Void       *receipt.Void
}

// Valid reports whether the receipt stands.
func (r *ReceiptView) Valid() bool { return r.Status == receipt.Issued }

// ReceiptIssue is what the person issuing adds to a receipt.
type ReceiptIssue struct {
	Holder    string // whose forms to take the number from; "" for the first range with blanks
	Reviewer  string // 复核人
	Payee     string // 收款人
	PayerUSCC string // an organisation's credit code when the donation does not carry it
}

// ReceiptChoice is a donor's recorded choice.
type ReceiptChoice struct {
	Choice     string
	Note       string
	RecordedBy string
	RecordedAt time.Time
}

// ReceiptRequest is a donor's request for a receipt.
type ReceiptRequest struct {
	ID          int64
	DonationID  int64
	CertNo      string
	Donor       donation.Donor
	AmountFen   money.Fen
	RequestedAt time.Time
	Channel     string // how the donor asked, how to reach them
	RecordedBy  string
	AnsweredAt  time.Time
	ReceiptID   int64
}

// GiftReceipts is a money donation's position on receipts.
type GiftReceipts struct {
	Standing receipt.Standing
	Live     *ReceiptView  // the valid receipt, if any
	All      []ReceiptView // every receipt of the gift, newest first
	Choice   *ReceiptChoice
	Request  *ReceiptRequest // the open request, if any
}

// Why is why no receipt may be issued, "" when one may.
func (g *GiftReceipts) Why() string {
	if err := g.Standing.Err(); err != nil {
		return boai.ErrorMessage(err)
	}
	return ""
}

// lockReceipts takes the receipt lock for the rest of the transaction.
func (t *Tx) lockReceipts(ctx context.Context) error {
	if t.db.Dialect != Postgres {
		return nil
	}
	if _, err := t.exec(ctx, "SELECT pg_advisory_xact_lock(hashtext(current_schema() || '/boai:receipts'))"); err != nil {
		return fmt.Errorf("receipt lock: %w", err)
	}
	return nil
}

// ReceiptLocked reports whether a money donation has a valid receipt, so
// its amount, donor and type are locked (receipt.CheckLocked) and it
// cannot be reversed until the receipt is voided. It takes the receipt
// lock, so no receipt can be issued for the donation until the caller's
// transaction ends.
func (t *Tx) ReceiptLocked(ctx context.Context, donationID int64) (bool, error) {
	if err := t.lockReceipts(ctx); err != nil {
		return false, err
	}
	return t.receipted(ctx, donationID)
}

func (t *Tx) receipted(ctx context.Context, donationID int64) (bool, error) {
	var n int
	err := t.queryRow(ctx, "SELECT COUNT(*) FROM receipts WHERE donation_id = ? AND status = 'issued'", donationID).Scan(&n)
	return n > 0, err
}

// DonationReceipted reports whether a money donation has a valid receipt.
func (db *DB) DonationReceipted(ctx context.Context, id int64) (bool, error) {
	var n int
	err := db.queryRow(ctx, "SELECT COUNT(*) FROM receipts WHERE donation_id = ? AND status = 'issued'", id).Scan(&n)
	return n > 0, err
}

// ---- Keys ----

// receiptKeys returns the society's check-code key and signing seed,
// making them on first use. Concurrent first uses agree: the first insert
// wins and everyone reads it.
func (t *Tx) receiptKeys(ctx context.Context) (check, seed []byte, err error) {
	const sel = "SELECT check_key, sign_seed FROM receipt_keys WHERE id = 1"
	err = t.queryRow(ctx, sel).Scan(&check, &seed)
	if !errors.Is(err, sql.ErrNoRows) {
		return check, seed, err
	}
	check, seed = make([]byte, 32), make([]byte, ed25519.SeedSize)
	rand.Read(check)
	rand.Read(seed)
	if _, err := t.exec(ctx, "INSERT INTO receipt_keys (id, check_key, sign_seed, created_at) VALUES (1, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
		check, seed, micros(t.db.Now())); err != nil {
		return nil, nil, fmt.Errorf("receipt keys: %w", err)
	}
	err = t.queryRow(ctx, sel).Scan(&check, &seed)
	return check, seed, err
}

func (db *DB) receiptKeys(ctx context.Context) (check, seed []byte, err error) {
	err = db.queryRow(ctx, "SELECT check_key, sign_seed FROM receipt_keys WHERE id = 1").Scan(&check, &seed)
	if errors.Is(err, sql.ErrNoRows) {
		err = db.Write(ctx, func(t *Tx) error {
			check, seed, err = t.receiptKeys(ctx)
			return err
		})
	}
	return check, seed, err
}

// ReceiptSigner is the society's Ed25519 key that signs the receipts'
// machine-readable form. It is for signing only, never to be shown.
func (db *DB) ReceiptSigner(ctx context.Context) (ed25519.PrivateKey, error) {
	_, seed, err := db.receiptKeys(ctx)
	if err != nil {
		return nil, err
	}
	return ed25519.NewKeyFromSeed(seed), nil
}

// CheckReceiptCode reports whether code is the check code (校验码) of r:
// whoever holds the genuine receipt can prove it, nobody else learns it.
func (db *DB) CheckReceiptCode(ctx context.Context, r *receipt.Receipt, code string) (bool, error) {
	key, _, err := db.receiptKeys(ctx)
	if err != nil {
		return false, err
	}
	c := *r
	c.CheckCode = strings.TrimSpace(code)
	return receipt.VerifyCheckCode(key, &c), nil
}

// ---- The stock ----

// AddReceiptRange registers forms the finance bureau handed over. A range
// starts unused and may not overlap any other under its code.
func (db *DB) AddReceiptRange(ctx context.Context, a audit.Actor, r *ReceiptRange) error {
	r.Used, r.Note, r.ObtainedOn = 0, strings.TrimSpace(r.Note), strings.TrimSpace(r.ObtainedOn)
	if err := r.Range.Validate(); err != nil {
		return err
	}
	if _, err := time.Parse("2006-01-02", r.ObtainedOn); err != nil {
		return boai.Errorf(boai.EINVALID, "领用日期格式应为 YYYY-MM-DD / the date obtained is YYYY-MM-DD")
	}
	if utf8.RuneCountInString(r.Note) > 200 {
		return boai.Errorf(boai.EINVALID, "备注最多 200 字 / the note is at most 200 characters")
	}
	r.CreatedBy, r.CreatedAt = a.Username, db.Now()
	return db.Write(ctx, func(t *Tx) error {
		if err := t.lockReceipts(ctx); err != nil {
			return err
		}
		all, err := t.receiptRanges(ctx, false)
		if err != nil {
			return err
		}
		ranges := make([]receipt.Range, 0, len(all)+1)
		for _, x := range all {
			ranges = append(ranges, x.Range)
		}
		if err := receipt.CheckRanges(append(ranges, r.Range)); err != nil {
			return err
		}
		id, err := t.insert(ctx, `INSERT INTO receipt_ranges (code, start_no, end_no, width, holder, used, obtained_on, note, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?, ?)`, r.Code, r.Start, r.End, r.Width, r.Holder, r.ObtainedOn, r.Note, r.CreatedBy, micros(r.CreatedAt))
		if err != nil {
			return fmt.Errorf("insert receipt range: %w", err)
		}
		r.ID = id
		return t.audit(ctx, a, "receipt.range_add", "receipt_range", id, nil, map[string]any{"code": r.Code, "start": r.Start, "end": r.End,
			"width": r.Width, "holder": r.Holder, "obtained_on": r.ObtainedOn, "note": r.Note})
	})
}

const rangeCols = "id, code, start_no, end_no, width, holder, used, obtained_on, note, created_by, created_at"

// receiptRanges reads the stock in the order numbers are used: by code,
// then start. With blanks, only ranges that have numbers left, locked.
func (t *Tx) receiptRanges(ctx context.Context, blanks bool) ([]ReceiptRange, error) {
	q := "SELECT " + rangeCols + " FROM receipt_ranges"
	if blanks {
		q += " WHERE used < end_no - start_no + 1"
	}
	q += " ORDER BY code, start_no, id"
	if blanks && t.db.Dialect == Postgres {
		q += " FOR UPDATE"
	}
	rows, err := t.query(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("receipt ranges: %w", err)
	}
	defer rows.Close()
	return scanRanges(rows)
}

func scanRanges(rows *sql.Rows) ([]ReceiptRange, error) {
	var out []ReceiptRange
	for rows.Next() {
		var r ReceiptRange
		var at int64
		if err := rows.Scan(&r.ID, &r.Code, &r.Start, &r.End, &r.Width, &r.Holder, &r.Used, &r.ObtainedOn, &r.Note, &r.CreatedBy, &at); err != nil {
			return nil, err
		}
		r.CreatedAt = fromMicros(at)
		out = append(out, r)
	}
	return out, rows.Err()
}

// ReceiptRanges lists the stock with, per range, the numbers on valid
// receipts, voided and still blank.
func (db *DB) ReceiptRanges(ctx context.Context) ([]ReceiptRange, error) {
	rows, err := db.query(ctx, "SELECT "+rangeCols+` FROM receipt_ranges ORDER BY code, start_no, id`)
	if err != nil {
		return nil, fmt.Errorf("receipt ranges: %w", err)
	}
	out, err := scanRanges(rows)
	rows.Close()
	if err != nil {
		return nil, err
	}
	for i := range out {
		r := &out[i]
		if err := db.queryRow(ctx, `SELECT
			(SELECT COUNT(*) FROM receipts WHERE code = ? AND number BETWEEN ? AND ? AND status = 'issued'),
			(SELECT COUNT(*) FROM receipt_voids WHERE code = ? AND number BETWEEN ? AND ?)`,
			r.Code, r.Start, r.End, r.Code, r.Start, r.End).Scan(&r.Live, &r.Voided); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ReceiptHolders lists who holds forms with numbers left, in the order
// their forms are used.
func (db *DB) ReceiptHolders(ctx context.Context) ([]string, error) {
	rows, err := db.query(ctx, "SELECT holder FROM receipt_ranges WHERE used < end_no - start_no + 1 ORDER BY code, start_no, id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	seen := map[string]bool{}
	for rows.Next() {
		var h string
		if err := rows.Scan(&h); err != nil {
			return nil, err
		}
		if !seen[h] {
			seen[h] = true
			out = append(out, h)
		}
	}
	return out, rows.Err()
}

// nextNumber hands out the next number of holder's forms (any holder's
// when ""): receipt.Pick chooses the range, and the caller's function
// takes the number from it with Range.Next; the range's new count is
// written in the same transaction, so a number is used exactly when what
// uses it commits.
func (t *Tx) nextNumber(ctx context.Context, holder string, take func(*receipt.Range) error) (rangeID int64, err error) {
	ranges, err := t.receiptRanges(ctx, true)
	if err != nil {
		return 0, err
	}
	holder = strings.TrimSpace(holder)
	if holder == "" && len(ranges) > 0 {
		holder = ranges[0].Holder
	}
	rs := make([]receipt.Range, len(ranges))
	for i := range ranges {
		rs[i] = ranges[i].Range
	}
	i := receipt.Pick(rs, holder)
	if i < 0 {
		if holder == "" {
			return 0, boai.Errorf(boai.ECONFLICT, "票据已用完，请先登记新领用的票据号码段 / no blank receipts left: register a new range first")
		}
		return 0, boai.Errorf(boai.ECONFLICT, "%s 领用的票据已用完 / %s has no blank receipts left", holder, holder)
	}
	rng := rs[i]
	before := rng.Used
	if err := take(&rng); err != nil {
		return 0, err
	}
	if rng.Used != before+1 {
		return 0, fmt.Errorf("receipt range %d: %d numbers taken, want 1", rng.ID, rng.Used-before)
	}
	res, err := t.exec(ctx, "UPDATE receipt_ranges SET used = ? WHERE id = ? AND used = ?", rng.Used, rng.ID, before)
	if err != nil {
		return 0, fmt.Errorf("use receipt number: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return 0, fmt.Errorf("receipt range %d changed while a number was taken (%d rows, %v)", rng.ID, n, err)
	}
	return rng.ID, nil
}

// ---- The built-in issuer ----

// stockIssuer is the built-in receipt.Issuer: it numbers receipts from the
// society's own stock and records them in the write transaction it runs
// in. A provincial finance e-receipt platform would number and sign them
// itself behind the same two methods.
type stockIssuer struct {
	t         *Tx
	holder    string
	key       []byte
	by        string
	reissueOf int64 // the receipt the next one replaces
}

var _ receipt.Issuer = (*stockIssuer)(nil)

func (t *Tx) issuer(ctx context.Context, holder, by string) (*stockIssuer, error) {
	key, _, err := t.receiptKeys(ctx)
	if err != nil {
		return nil, err
	}
	return &stockIssuer{t: t, holder: holder, key: key, by: by}, nil
}

// Issue numbers r from the stock and records it; it returns r as issued,
// with its id. An invalid receipt takes no number.
func (s *stockIssuer) Issue(ctx context.Context, r receipt.Receipt) (receipt.Receipt, error) {
	if err := r.Validate(); err != nil {
		return receipt.Receipt{}, err
	}
	var out receipt.Receipt
	rangeID, err := s.t.nextNumber(ctx, s.holder, func(rng *receipt.Range) error {
		var err error
		out, err = receipt.Issue(r, rng, s.key)
		return err
	})
	if err != nil {
		return receipt.Receipt{}, err
	}
	var donationID, inkindID, line any
	if out.InKind {
		inkindID, line = out.DonationID, out.Line
	} else {
		donationID = out.DonationID
	}
	out.ID, err = s.t.insert(ctx, `INSERT INTO receipts (code, number, width, range_id, check_code, donation_id, inkind_id, line_no, payer_kind,
		payer_name, payer_uscc, project, unit, quantity, amount_fen, reviewer, payee, issued_on, issued_by, issued_at, status, reissue_of)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		out.Code, out.Number, out.Width, rangeID, out.CheckCode, donationID, inkindID, line, out.PayerKind, out.Payer, out.PayerUSCC,
		out.Item, out.Unit, out.Quantity, out.Amount, out.Reviewer, out.Payee, out.Date, s.by, micros(s.t.db.Now()), out.Status, nullID(s.reissueOf))
	if err != nil {
		if isUniqueViolation(err) {
			return receipt.Receipt{}, boai.Errorf(boai.ECONFLICT, "该捐赠已有有效票据 / this gift already has a valid receipt")
		}
		return receipt.Receipt{}, fmt.Errorf("insert receipt: %w", err)
	}
	return out, s.t.logFact(ctx, publog.Receipt, out.ID)
}

// Void voids an issued receipt and records why.
func (s *stockIssuer) Void(ctx context.Context, r receipt.Receipt, reason, by string) (receipt.Void, error) {
	v, err := r.Void(reason, by, s.t.db.Now())
	if err != nil {
		return receipt.Void{}, err
	}
	res, err := s.t.exec(ctx, "UPDATE receipts SET status = 'voided' WHERE id = ? AND status = 'issued'", r.ID)
	if err != nil {
		return receipt.Void{}, fmt.Errorf("void receipt: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return receipt.Void{}, boai.Errorf(boai.ECONFLICT, "只有有效的票据才能作废 / only a valid receipt is voided")
	}
	_, err = s.t.insertVoid(ctx, v)
	return v, err
}

// insertVoid records a void and returns its id.
func (t *Tx) insertVoid(ctx context.Context, v receipt.Void) (int64, error) {
	if utf8.RuneCountInString(v.Reason) > 500 {
		return 0, boai.Errorf(boai.EINVALID, "作废原因最多 500 字 / the reason is at most 500 characters")
	}
	id, err := t.insert(ctx, "INSERT INTO receipt_voids (code, number, receipt_id, reason, voided_by, voided_at) VALUES (?, ?, ?, ?, ?, ?)",
		v.Code, v.Number, nullID(v.ReceiptID), v.Reason, v.By, micros(v.At))
	if err != nil {
		if isUniqueViolation(err) {
			return 0, boai.Errorf(boai.ECONFLICT, "票据 %s 已作废 / receipt %s is already voided", v.Serial, v.Serial)
		}
		return 0, fmt.Errorf("insert receipt void: %w", err)
	}
	return id, t.logFact(ctx, publog.ReceiptVoid, id)
}

// ---- Issue ----

// IssueMoneyReceipt issues the receipt for a money donation. A reversed or
// anonymous donation, or one whose donor declined, is refused with the
// reason; an open request for a receipt is answered by it.
func (db *DB) IssueMoneyReceipt(ctx context.Context, a audit.Actor, donationID int64, in ReceiptIssue) (*ReceiptView, error) {
	var view *ReceiptView
	err := db.Write(ctx, func(t *Tx) error {
		if err := t.lockReceipts(ctx); err != nil {
			return err
		}
		draft, err := t.moneyDraft(ctx, donationID, in)
		if err != nil {
			return err
		}
		iss, err := t.issuer(ctx, in.Holder, a.Username)
		if err != nil {
			return err
		}
		r, err := iss.Issue(ctx, draft)
		if err != nil {
			return err
		}
		if view, err = t.issued(ctx, a, r, "receipt.issue", nil); err != nil {
			return err
		}
		_, err = t.exec(ctx, "UPDATE receipt_requests SET answered_at = ?, receipt_id = ? WHERE donation_id = ? AND answered_at IS NULL",
			micros(db.Now()), r.ID, donationID)
		return err
	})
	return view, err
}

// moneyDraft drafts the receipt of a money donation that may have one and
// has no valid one yet.
func (t *Tx) moneyDraft(ctx context.Context, donationID int64, in ReceiptIssue) (receipt.Receipt, error) {
	d, err := scanDonation(t.queryRow(ctx, "SELECT "+donationCols+donationFrom+" WHERE d.id = ?", donationID))
	if err != nil {
		return receipt.Receipt{}, err
	}
	choice, err := t.latestChoice(ctx, "donation_id", donationID)
	if err != nil {
		return receipt.Receipt{}, err
	}
	if err := moneyStanding(d, choice).Err(); err != nil {
		return receipt.Receipt{}, err
	}
	if err := t.noLiveReceipt(ctx, "donation_id = ?", donationID); err != nil {
		return receipt.Receipt{}, err
	}
	r, err := receipt.ForMoney(d, false)
	if err != nil {
		return receipt.Receipt{}, err
	}
	return completeDraft(r, in, t.db.Now()), nil
}

// completeDraft adds the clerks, the date and a credit code given at
// issue to a drafted receipt.
func completeDraft(r receipt.Receipt, in ReceiptIssue, now time.Time) receipt.Receipt {
	r.Reviewer, r.Payee = in.Reviewer, in.Payee
	if c := receipt.NormalizeUSCC(in.PayerUSCC); c != "" && r.PayerKind == donation.Organization {
		r.PayerUSCC = c
	}
	r.Date = now.In(CertLocation).Format("2006-01-02")
	return r
}

// moneyStanding is a donation's standing given the donor's latest choice.
func moneyStanding(d *donation.Donation, choice string) receipt.Standing {
	st := receipt.MoneyStanding(d, choice == ChoiceDeclined)
	if st == receipt.Eligible && choice == ChoiceAnonymous {
		st = receipt.Anonymous
	}
	return st
}

func (t *Tx) noLiveReceipt(ctx context.Context, where string, args ...any) error {
	var code string
	var number int64
	err := t.queryRow(ctx, "SELECT code, number FROM receipts WHERE status = 'issued' AND "+where, args...).Scan(&code, &number)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return err
	}
	s := receipt.Serial{Code: code, Number: number}
	return boai.Errorf(boai.ECONFLICT, "已开具票据 %s；如需更正请作废后重开 / already receipted (%s): void and reissue to correct it", s, s)
}

// latestChoice is the donor's latest recorded choice for a gift, "" when
// none was recorded. col is donation_id or inkind_id.
func (t *Tx) latestChoice(ctx context.Context, col string, id int64) (string, error) {
	var c string
	err := t.queryRow(ctx, "SELECT choice FROM receipt_choices WHERE "+col+" = ? ORDER BY id DESC LIMIT 1", id).Scan(&c)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return c, err
}

// IssueGoodsReceipt issues the receipt for line (from 0) of a settled
// in-kind donation. Only a line with a valid valuation (the donor's
// evidence or a third-party appraisal) has one; goods that cannot be
// appraised are registered only and never receipted.
func (db *DB) IssueGoodsReceipt(ctx context.Context, a audit.Actor, inkindID int64, line int, in ReceiptIssue) (*ReceiptView, error) {
	var view *ReceiptView
	err := db.Write(ctx, func(t *Tx) error {
		if err := t.lockReceipts(ctx); err != nil {
			return err
		}
		draft, err := t.goodsDraft(ctx, inkindID, line, in)
		if err != nil {
			return err
		}
		iss, err := t.issuer(ctx, in.Holder, a.Username)
		if err != nil {
			return err
		}
		r, err := iss.Issue(ctx, draft)
		if err != nil {
			return err
		}
		view, err = t.issued(ctx, a, r, "receipt.issue", nil)
		return err
	})
	return view, err
}

func (t *Tx) goodsDraft(ctx context.Context, inkindID int64, line int, in ReceiptIssue) (receipt.Receipt, error) {
	d, err := t.inKindSettled(ctx, inkindID)
	if err != nil {
		return receipt.Receipt{}, err
	}
	if line < 0 || line >= len(d.Lines) {
		return receipt.Receipt{}, boai.Errorf(boai.EINVALID, "没有第 %d 行物资 / no line %d", line+1, line+1)
	}
	choice, err := t.latestChoice(ctx, "inkind_id", inkindID)
	if err != nil {
		return receipt.Receipt{}, err
	}
	if err := goodsStanding(d.Donor, &d.Lines[line], choice).Err(); err != nil {
		return receipt.Receipt{}, err
	}
	if err := t.noLiveReceipt(ctx, "inkind_id = ? AND line_no = ?", inkindID, line); err != nil {
		return receipt.Receipt{}, err
	}
	var name, unit string
	if err := t.queryRow(ctx, "SELECT name, unit FROM goods_items WHERE id = ?", d.Lines[line].ItemID).Scan(&name, &unit); err != nil {
		return receipt.Receipt{}, fmt.Errorf("goods item: %w", err)
	}
	r, err := receipt.ForGoods(d, line, name, unit, false)
	if err != nil {
		return receipt.Receipt{}, err
	}
	return completeDraft(r, in, t.db.Now()), nil
}

func goodsStanding(donor donation.Donor, l *inkind.Line, choice string) receipt.Standing {
	st := receipt.GoodsStanding(donor, l, choice == ChoiceDeclined)
	if st == receipt.Eligible && choice == ChoiceAnonymous {
		st = receipt.Anonymous
	}
	return st
}

// inKindSettled reads an in-kind donation with its lines' outcomes.
func (t *Tx) inKindSettled(ctx context.Context, id int64) (*inkind.Donation, error) {
	d, err := t.inKind(ctx, id)
	if err != nil {
		return nil, err
	}
	rows, err := t.query(ctx, "SELECT accepted, quarantined, rejected FROM inkind_lines WHERE donation_id = ? ORDER BY line_no", id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var outcomes []inkind.Outcome
	for rows.Next() {
		var o inkind.Outcome
		if err := rows.Scan(&o.Accepted, &o.Quarantined, &o.Rejected); err != nil {
			return nil, err
		}
		outcomes = append(outcomes, o)
	}
	if d.Status == inkind.Settled {
		d.Outcomes = outcomes
	}
	return d, rows.Err()
}

// issued records the audit entry of a receipt just issued and returns it
// as the pages show it.
func (t *Tx) issued(ctx context.Context, a audit.Actor, r receipt.Receipt, action string, extra map[string]any) (*ReceiptView, error) {
	after := map[string]any{"serial": r.Serial.String(), "donation_id": r.DonationID, "in_kind": r.InKind,
		"line": r.Line + 1, "payer": r.Payer, "payer_uscc": r.PayerUSCC, "item": r.Item, "quantity": r.Quantity, "unit": r.Unit,
		"amount_fen": r.Amount, "reviewer": r.Reviewer, "payee": r.Payee, "date": r.Date}
	for k, v := range extra {
		after[k] = v
	}
	if err := t.audit(ctx, a, action, "receipt", r.ID, nil, after); err != nil {
		return nil, err
	}
	return t.receipt(ctx, "r.id = ?", r.ID)
}

// ---- Void, reissue, spoiled forms ----

// VoidReceipt voids a valid receipt with a reason. Its number stays
// explained by the void for ever; the gift may then be changed or
// receipted anew.
func (db *DB) VoidReceipt(ctx context.Context, a audit.Actor, id int64, reason string) (*ReceiptView, error) {
	var view *ReceiptView
	err := db.Write(ctx, func(t *Tx) error {
		if err := t.lockReceipts(ctx); err != nil {
			return err
		}
		old, err := t.receipt(ctx, "r.id = ?", id)
		if err != nil {
			return err
		}
		iss := &stockIssuer{t: t}
		v, err := iss.Void(ctx, old.Receipt, reason, a.Username)
		if err != nil {
			return err
		}
		if err := t.audit(ctx, a, "receipt.void", "receipt", id, map[string]any{"serial": old.Serial.String(), "status": old.Status},
			map[string]any{"status": receipt.Voided, "reason": v.Reason}); err != nil {
			return err
		}
		view, err = t.receipt(ctx, "r.id = ?", id)
		return err
	})
	return view, err
}

// ReissueReceipt replaces a receipt: it voids it (if still valid) with the
// reason and issues the gift's receipt anew with a new number, linked to
// the old one. in may correct the clerks and an organisation's credit
// code; everything else comes from the gift as recorded.
func (db *DB) ReissueReceipt(ctx context.Context, a audit.Actor, id int64, reason string, in ReceiptIssue) (*ReceiptView, error) {
	var view *ReceiptView
	err := db.Write(ctx, func(t *Tx) error {
		if err := t.lockReceipts(ctx); err != nil {
			return err
		}
		old, err := t.receipt(ctx, "r.id = ?", id)
		if err != nil {
			return err
		}
		if old.ReissuedAs != 0 {
			return boai.Errorf(boai.ECONFLICT, "该票据已重开 / this receipt has already been reissued")
		}
		iss, err := t.issuer(ctx, in.Holder, a.Username)
		if err != nil {
			return err
		}
		if old.Status == receipt.Issued {
			if _, err := iss.Void(ctx, old.Receipt, reason, a.Username); err != nil {
				return err
			}
			old.Status = receipt.Voided
		}
		var draft receipt.Receipt
		if old.InKind {
			draft, err = t.goodsDraft(ctx, old.DonationID, old.Line, in)
		} else {
			draft, err = t.moneyDraft(ctx, old.DonationID, in)
		}
		if err != nil {
			return err
		}
		next, err := receipt.Reissue(&old.Receipt, draft)
		if err != nil {
			return err
		}
		iss.reissueOf = old.ID
		r, err := iss.Issue(ctx, next)
		if err != nil {
			return err
		}
		view, err = t.issued(ctx, a, r, "receipt.reissue", map[string]any{"reissues": old.Serial.String(), "reason": strings.TrimSpace(reason)})
		return err
	})
	return view, err
}

// SpoilForm voids the next blank form of holder's stock ("" for the first
// with blanks) without a receipt: a form damaged in the printer or lost.
// The number is used, and explained by the void.
func (db *DB) SpoilForm(ctx context.Context, a audit.Actor, holder, reason string) (receipt.Void, error) {
	var v receipt.Void
	err := db.Write(ctx, func(t *Tx) error {
		if err := t.lockReceipts(ctx); err != nil {
			return err
		}
		now := db.Now()
		if _, err := receipt.NewVoid(receipt.Serial{}, 0, reason, a.Username, now); err != nil {
			return err // no number is taken for a void without its reason
		}
		_, err := t.nextNumber(ctx, holder, func(rng *receipt.Range) error {
			s, err := rng.Next()
			if err != nil {
				return err
			}
			v, err = receipt.NewVoid(s, 0, reason, a.Username, now)
			return err
		})
		if err != nil {
			return err
		}
		id, err := t.insertVoid(ctx, v)
		if err != nil {
			return err
		}
		return t.audit(ctx, a, "receipt.spoil", "receipt_void", id, nil, map[string]any{"serial": v.Serial.String(), "reason": v.Reason})
	})
	return v, err
}

// ---- Reads ----

const receiptCols = `r.id, r.code, r.number, r.width, r.range_id, r.check_code, COALESCE(r.donation_id, 0), COALESCE(r.inkind_id, 0),
	COALESCE(r.line_no, 0), r.payer_kind, r.payer_name, r.payer_uscc, r.project, r.unit, r.quantity, r.amount_fen, r.reviewer, r.payee,
	r.issued_on, r.issued_by, r.issued_at, r.status, COALESCE(r.reissue_of, 0), COALESCE(o.code, ''), COALESCE(o.number, 0),
	COALESCE(n.id, 0), COALESCE(v.reason, ''), COALESCE(v.voided_by, ''), COALESCE(v.voided_at, 0), COALESCE(d.cert_no, k.cert_no, '')`

const receiptFrom = ` FROM receipts r LEFT JOIN receipts o ON o.id = r.reissue_of LEFT JOIN receipts n ON n.reissue_of = r.id
	LEFT JOIN receipt_voids v ON v.receipt_id = r.id LEFT JOIN donations d ON d.id = r.donation_id
	LEFT JOIN inkind_donations k ON k.id = r.inkind_id`

func scanReceipt(s interface{ Scan(...any) error }) (*ReceiptView, error) {
	var r ReceiptView
	var donationID, inkindID, issuedAt, voidedAt int64
	var reason, voidedBy string
	err := s.Scan(&r.ID, &r.Code, &r.Number, &r.Width, &r.RangeID, &r.CheckCode, &donationID, &inkindID, &r.Line, &r.PayerKind, &r.Payer,
		&r.PayerUSCC, &r.Item, &r.Unit, &r.Quantity, &r.Amount, &r.Reviewer, &r.Payee, &r.Date, &r.IssuedBy, &issuedAt, &r.Status,
		&r.ReissueOf, &r.Reissues.Code, &r.Reissues.Number, &r.ReissuedAs, &reason, &voidedBy, &voidedAt, &r.CertNo)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, boai.Errorf(boai.ENOTFOUND, "票据不存在 / receipt not found")
	} else if err != nil {
		return nil, fmt.Errorf("scan receipt: %w", err)
	}
	r.DonationID, r.InKind = donationID, inkindID != 0
	if r.InKind {
		r.DonationID = inkindID
	}
	r.IssuedAt = fromMicros(issuedAt)
	if reason != "" {
		r.Void = &receipt.Void{Serial: r.Serial, ReceiptID: r.ID, Reason: reason, By: voidedBy, At: fromMicros(voidedAt)}
	}
	return &r, nil
}

func (t *Tx) receipt(ctx context.Context, where string, args ...any) (*ReceiptView, error) {
	return scanReceipt(t.queryRow(ctx, "SELECT "+receiptCols+receiptFrom+" WHERE "+where, args...))
}

// Receipt returns one receipt.
func (db *DB) Receipt(ctx context.Context, id int64) (*ReceiptView, error) {
	return scanReceipt(db.queryRow(ctx, "SELECT "+receiptCols+receiptFrom+" WHERE r.id = ?", id))
}

// ReceiptBySerial returns the receipt with a 票据代码 and 号码.
func (db *DB) ReceiptBySerial(ctx context.Context, s receipt.Serial) (*ReceiptView, error) {
	return scanReceipt(db.queryRow(ctx, "SELECT "+receiptCols+receiptFrom+" WHERE r.code = ? AND r.number = ?", s.Code, s.Number))
}

func (db *DB) listReceipts(ctx context.Context, tail string, args ...any) ([]ReceiptView, error) {
	rows, err := db.query(ctx, "SELECT "+receiptCols+receiptFrom+tail, args...)
	if err != nil {
		return nil, fmt.Errorf("list receipts: %w", err)
	}
	defer rows.Close()
	var out []ReceiptView
	for rows.Next() {
		r, err := scanReceipt(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *r)
	}
	return out, rows.Err()
}

// ReceiptFilter selects receipts for the register.
type ReceiptFilter struct {
	From, To time.Time // issued, To exclusive
	Status   string    // receipt.Issued, receipt.Voided or "" for both
	Limit    int
	Offset   int
}

// ReceiptRegister is a page of the receipts register with the totals of
// everything the filter matches.
type ReceiptRegister struct {
	Receipts []ReceiptView
	Total    int       // receipts matched
	Valid    int       // of them valid
	Amount   money.Fen // on the valid ones
}

// ReceiptsRegister lists receipts by number within the period, with the
// count and the amount of the valid ones.
func (db *DB) ReceiptsRegister(ctx context.Context, f ReceiptFilter) (*ReceiptRegister, error) {
	var where []string
	var args []any
	if !f.From.IsZero() {
		where, args = append(where, "r.issued_at >= ?"), append(args, micros(f.From))
	}
	if !f.To.IsZero() {
		where, args = append(where, "r.issued_at < ?"), append(args, micros(f.To))
	}
	if f.Status != "" {
		where, args = append(where, "r.status = ?"), append(args, f.Status)
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	reg := &ReceiptRegister{}
	if err := db.queryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN r.status = 'issued' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN r.status = 'issued' THEN r.amount_fen ELSE 0 END), 0) FROM receipts r`+cond, args...).Scan(
		&reg.Total, &reg.Valid, &reg.Amount); err != nil {
		return nil, fmt.Errorf("count receipts: %w", err)
	}
	limit := f.Limit
	if limit <= 0 || limit > 10_000 {
		limit = 100
	}
	var err error
	reg.Receipts, err = db.listReceipts(ctx, cond+" ORDER BY r.code, r.number LIMIT ? OFFSET ?", append(args, limit, f.Offset)...)
	return reg, err
}

// ReceiptAudit checks the whole stock: every number handed out must be on
// one valid receipt or explained by its void (receipt.Gaps). It reads one
// consistent state.
func (db *DB) ReceiptAudit(ctx context.Context) (receipt.Audit, error) {
	var a receipt.Audit
	err := db.readTx(ctx, func(t *Tx) error {
		all, err := t.receiptRanges(ctx, false)
		if err != nil {
			return err
		}
		ranges := make([]receipt.Range, len(all))
		for i := range all {
			ranges[i] = all[i].Range
		}
		rows, err := t.query(ctx, "SELECT code, number FROM receipts WHERE status = 'issued'")
		if err != nil {
			return err
		}
		var issued []receipt.Serial
		for rows.Next() {
			var s receipt.Serial
			if err := rows.Scan(&s.Code, &s.Number); err != nil {
				rows.Close()
				return err
			}
			issued = append(issued, s)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		rows, err = t.query(ctx, "SELECT code, number, COALESCE(receipt_id, 0), reason, voided_by, voided_at FROM receipt_voids ORDER BY code, number")
		if err != nil {
			return err
		}
		defer rows.Close()
		var voids []receipt.Void
		for rows.Next() {
			var v receipt.Void
			var at int64
			if err := rows.Scan(&v.Code, &v.Number, &v.ReceiptID, &v.Reason, &v.By, &at); err != nil {
				return err
			}
			v.At = fromMicros(at)
			voids = append(voids, v)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		a = receipt.Gaps(issued, voids, ranges)
		return nil
	})
	return a, err
}

// DonationReceipt is a money donation's position on receipts: its
// standing, its receipts, the donor's choice and any open request.
func (db *DB) DonationReceipt(ctx context.Context, donationID int64) (*GiftReceipts, error) {
	g := &GiftReceipts{}
	err := db.readTx(ctx, func(t *Tx) error {
		d, err := scanDonation(t.queryRow(ctx, "SELECT "+donationCols+donationFrom+" WHERE d.id = ?", donationID))
		if err != nil {
			return err
		}
		if g.Choice, err = t.choice(ctx, "donation_id", donationID); err != nil {
			return err
		}
		choice := ""
		if g.Choice != nil {
			choice = g.Choice.Choice
		}
		g.Standing = moneyStanding(d, choice)
		rows, err := t.query(ctx, "SELECT "+receiptCols+receiptFrom+" WHERE r.donation_id = ? ORDER BY r.id DESC", donationID)
		if err != nil {
			return err
		}
		for rows.Next() {
			r, err := scanReceipt(rows)
			if err != nil {
				rows.Close()
				return err
			}
			g.All = append(g.All, *r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for i := range g.All {
			if g.All[i].Valid() {
				g.Live = &g.All[i]
			}
		}
		reqs, err := t.requests(ctx, " WHERE q.donation_id = ? AND q.answered_at IS NULL", donationID)
		if len(reqs) > 0 {
			g.Request = &reqs[0]
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return g, nil
}

func (t *Tx) choice(ctx context.Context, col string, id int64) (*ReceiptChoice, error) {
	var c ReceiptChoice
	var at int64
	err := t.queryRow(ctx, "SELECT choice, note, recorded_by, recorded_at FROM receipt_choices WHERE "+col+" = ? ORDER BY id DESC LIMIT 1", id).Scan(
		&c.Choice, &c.Note, &c.RecordedBy, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	c.RecordedAt = fromMicros(at)
	return &c, nil
}

// ---- Donors' choices and requests ----

// RecordReceiptChoice records a money donor's choice about a receipt:
// declined or anonymous (then no receipt is issued, and the register says
// why), or wanted after all. A donation with a valid receipt must have it
// voided first.
func (db *DB) RecordReceiptChoice(ctx context.Context, a audit.Actor, donationID int64, choice, note string) error {
	return db.recordChoice(ctx, a, "donation_id", "donation", donationID, choice, note)
}

// RecordGoodsReceiptChoice is RecordReceiptChoice for an in-kind donation.
func (db *DB) RecordGoodsReceiptChoice(ctx context.Context, a audit.Actor, inkindID int64, choice, note string) error {
	return db.recordChoice(ctx, a, "inkind_id", "inkind_donation", inkindID, choice, note)
}

func (db *DB) recordChoice(ctx context.Context, a audit.Actor, col, entity string, id int64, choice, note string) error {
	note = strings.TrimSpace(note)
	switch {
	case choice != ChoiceDeclined && choice != ChoiceAnonymous && choice != ChoiceWanted:
		return boai.Errorf(boai.EINVALID, "未知的票据意愿 / unknown receipt choice")
	case utf8.RuneCountInString(note) > 200:
		return boai.Errorf(boai.EINVALID, "备注最多 200 字 / the note is at most 200 characters")
	}
	return db.Write(ctx, func(t *Tx) error {
		if err := t.lockReceipts(ctx); err != nil {
			return err
		}
		table := "donations"
		if col == "inkind_id" {
			table = "inkind_donations"
		}
		var n int
		if err := t.queryRow(ctx, "SELECT COUNT(*) FROM "+table+" WHERE id = ?", id).Scan(&n); err != nil {
			return err
		} else if n == 0 {
			return boai.Errorf(boai.ENOTFOUND, "捐赠记录不存在 / donation not found")
		}
		if choice != ChoiceWanted {
			if err := t.noLiveReceipt(ctx, col+" = ?", id); err != nil {
				return err
			}
		}
		if _, err := t.exec(ctx, "INSERT INTO receipt_choices ("+col+", choice, note, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?)",
			id, choice, note, a.Username, micros(db.Now())); err != nil {
			return fmt.Errorf("insert receipt choice: %w", err)
		}
		return t.audit(ctx, a, "receipt.choice", entity, id, nil, map[string]any{"choice": choice, "note": note})
	})
}

// RequestReceipt records a donor's request for the receipt of a money
// donation; issuing the receipt answers it. channel says how the donor
// asked and how to reach them.
func (db *DB) RequestReceipt(ctx context.Context, a audit.Actor, donationID int64, channel string) (*ReceiptRequest, error) {
	channel = strings.TrimSpace(channel)
	if utf8.RuneCountInString(channel) > 200 {
		return nil, boai.Errorf(boai.EINVALID, "联系方式说明最多 200 字 / the contact note is at most 200 characters")
	}
	var req *ReceiptRequest
	err := db.Write(ctx, func(t *Tx) error {
		if err := t.lockReceipts(ctx); err != nil {
			return err
		}
		d, err := scanDonation(t.queryRow(ctx, "SELECT "+donationCols+donationFrom+" WHERE d.id = ?", donationID))
		if err != nil {
			return err
		}
		if d.Kind != donation.KindDonation {
			return boai.Errorf(boai.EINVALID, "冲正记录不开具票据 / a reversal record has no receipt")
		}
		if err := t.noLiveReceipt(ctx, "donation_id = ?", donationID); err != nil {
			return err
		}
		id, err := t.insert(ctx, "INSERT INTO receipt_requests (donation_id, requested_at, channel, recorded_by) VALUES (?, ?, ?, ?)",
			donationID, micros(db.Now()), channel, a.Username)
		if err != nil {
			if isUniqueViolation(err) {
				return boai.Errorf(boai.ECONFLICT, "该捐赠已有待办的开票申请 / a request for this receipt is already open")
			}
			return fmt.Errorf("insert receipt request: %w", err)
		}
		if err := t.audit(ctx, a, "receipt.request", "donation", donationID, nil, map[string]any{"request": id, "channel": channel}); err != nil {
			return err
		}
		reqs, err := t.requests(ctx, " WHERE q.id = ?", id)
		if err == nil && len(reqs) == 1 {
			req = &reqs[0]
		}
		return err
	})
	return req, err
}

func (t *Tx) requests(ctx context.Context, tail string, args ...any) ([]ReceiptRequest, error) {
	rows, err := t.query(ctx, `SELECT q.id, q.donation_id, d.cert_no, d.donor_kind, d.donor_name, d.anonymous, d.amount_fen, q.requested_at,
		q.channel, q.recorded_by, COALESCE(q.answered_at, 0), COALESCE(q.receipt_id, 0)
		FROM receipt_requests q JOIN donations d ON d.id = q.donation_id`+tail, args...)
	if err != nil {
		return nil, fmt.Errorf("receipt requests: %w", err)
	}
	defer rows.Close()
	var out []ReceiptRequest
	for rows.Next() {
		var q ReceiptRequest
		var req, ans int64
		if err := rows.Scan(&q.ID, &q.DonationID, &q.CertNo, &q.Donor.Kind, &q.Donor.Name, &q.Donor.Anonymous, &q.AmountFen, &req,
			&q.Channel, &q.RecordedBy, &ans, &q.ReceiptID); err != nil {
			return nil, err
		}
		q.RequestedAt, q.AnsweredAt = fromMicros(req), fromMicros(ans)
		out = append(out, q)
	}
	return out, rows.Err()
}

// OpenReceiptRequests lists the requests not yet answered, oldest first.
func (db *DB) OpenReceiptRequests(ctx context.Context) ([]ReceiptRequest, error) {
	return db.UnansweredReceiptRequests(ctx, 0)
}

// UnansweredReceiptRequests lists the requests unanswered for longer than
// olderThan, oldest first: what a reminder should chase.
func (db *DB) UnansweredReceiptRequests(ctx context.Context, olderThan time.Duration) ([]ReceiptRequest, error) {
	var out []ReceiptRequest
	err := db.readTx(ctx, func(t *Tx) error {
		var err error
		out, err = t.requests(ctx, " WHERE q.answered_at IS NULL AND q.requested_at <= ? ORDER BY q.requested_at, q.id",
			micros(db.Now().Add(-olderThan)))
		return err
	})
	return out, err
}

// GoodsReceiptLine is a line of settled in-kind goods without a valid
// receipt, with its standing: eligible ones wait for their receipt, the
// others say why they have none.
type GoodsReceiptLine struct {
	InKindID int64
	CertNo   string
	Donor    donation.Donor
	Line     int // from 0
	Item     string
	Spec     string
	Unit     string
	Declared int64
	Accepted int64
	Value    money.Fen
	Standing receipt.Standing
}

// Why is why the line has no receipt, "" when it may have one.
func (g *GoodsReceiptLine) Why() string {
	if err := g.Standing.Err(); err != nil {
		return boai.ErrorMessage(err)
	}
	return ""
}

// GoodsAwaitingReceipts lists lines of settled in-kind donations without
// a valid receipt, newest donation first, at most limit.
func (db *DB) GoodsAwaitingReceipts(ctx context.Context, limit int) ([]GoodsReceiptLine, error) {
	if limit <= 0 || limit > 1000 {
		limit = 200
	}
	var out []GoodsReceiptLine
	err := db.readTx(ctx, func(t *Tx) error {
		rows, err := t.query(ctx, `SELECT k.id, k.cert_no, k.donor_kind, k.donor_name, k.anonymous, l.line_no, i.name, l.spec, i.unit,
			l.declared, l.accepted, l.valuation, l.declared_fen, l.appraised_fen
			FROM inkind_lines l JOIN inkind_donations k ON k.id = l.donation_id JOIN goods_items i ON i.id = l.item_id
			WHERE k.status = ? AND NOT EXISTS (SELECT 1 FROM receipts r WHERE r.inkind_id = k.id AND r.line_no = l.line_no AND r.status = 'issued')
			ORDER BY k.id DESC, l.line_no LIMIT ?`, inkind.Settled, limit)
		if err != nil {
			return err
		}
		var lines []inkind.Line
		for rows.Next() {
			var g GoodsReceiptLine
			var l inkind.Line
			if err := rows.Scan(&g.InKindID, &g.CertNo, &g.Donor.Kind, &g.Donor.Name, &g.Donor.Anonymous, &g.Line, &g.Item, &g.Spec, &g.Unit,
				&g.Declared, &g.Accepted, &l.Valuation, &l.DeclaredFen, &l.AppraisedFen); err != nil {
				rows.Close()
				return err
			}
			g.Value, _ = l.Value()
			out, lines = append(out, g), append(lines, l)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for i := range out {
			choice, err := t.latestChoice(ctx, "inkind_id", out[i].InKindID)
			if err != nil {
				return err
			}
			out[i].Standing = goodsStanding(out[i].Donor, &lines[i], choice)
		}
		return nil
	})
	return out, err
}

// ReceiptChoiceView is a recorded choice with its gift, for the register.
type ReceiptChoiceView struct {
	ReceiptChoice
	DonationID int64 // the money donation, or the in-kind donation when InKind
	InKind     bool
	CertNo     string
	Donor      donation.Donor
}

// ReceiptChoices lists the choices recorded within the period (To
// exclusive), newest first: who declined a receipt or asked for none in
// their name.
func (db *DB) ReceiptChoices(ctx context.Context, from, to time.Time) ([]ReceiptChoiceView, error) {
	q := `SELECT c.choice, c.note, c.recorded_by, c.recorded_at, COALESCE(c.donation_id, 0), COALESCE(c.inkind_id, 0),
		COALESCE(d.cert_no, k.cert_no, ''), COALESCE(d.donor_kind, k.donor_kind, ''), COALESCE(d.donor_name, k.donor_name, '')
		FROM receipt_choices c LEFT JOIN donations d ON d.id = c.donation_id LEFT JOIN inkind_donations k ON k.id = c.inkind_id
		WHERE c.recorded_at >= ? AND (? = 0 OR c.recorded_at < ?) ORDER BY c.id DESC LIMIT 500`
	rows, err := db.query(ctx, q, micros(from), micros(to), micros(to))
	if err != nil {
		return nil, fmt.Errorf("receipt choices: %w", err)
	}
	defer rows.Close()
	var out []ReceiptChoiceView
	for rows.Next() {
		var c ReceiptChoiceView
		var at, did, kid int64
		if err := rows.Scan(&c.Choice, &c.Note, &c.RecordedBy, &at, &did, &kid, &c.CertNo, &c.Donor.Kind, &c.Donor.Name); err != nil {
			return nil, err
		}
		c.RecordedAt, c.DonationID, c.InKind = fromMicros(at), did, kid != 0
		if c.InKind {
			c.DonationID = kid
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

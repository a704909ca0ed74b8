package store

import (
	"boai/internal/publog"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"boai"
	"boai/internal/audit"
	"boai/internal/donation"
	"boai/internal/money"
)

// CertPrefix starts every certificate number; set from the configuration.
var CertPrefix = "HZ"

// CertLocation is the time zone certificate numbers take their date from.
var CertLocation = time.FixedZone("CST", 8*3600)

const donationCols = `d.id, d.cert_no, d.kind, COALESCE(d.reverses_id, 0), COALESCE(r.id, 0), COALESCE(d.corrects_id, 0), d.branch_id, b.name,
	d.donor_kind, d.donor_name, d.donor_phone, d.donor_id_number, d.anonymous, d.amount_fen, d.channel, d.received_at,
	d.designation_kind, d.designation_target, d.message, COALESCE(d.external_ref, ''), COALESCE(d.idem_key, ''),
	d.fingerprint, d.reason, d.source, COALESCE(d.import_id, 0), d.created_by, d.created_at`

const donationFrom = ` FROM donations d JOIN branches b ON b.id = d.branch_id LEFT JOIN donations r ON r.reverses_id = d.id`

func scanDonation(s interface{ Scan(...any) error }) (*donation.Donation, error) {
	var d donation.Donation
	var received, created int64
	err := s.Scan(&d.ID, &d.CertNo, &d.Kind, &d.ReversesID, &d.ReversedBy, &d.CorrectsID, &d.BranchID, &d.BranchName,
		&d.Donor.Kind, &d.Donor.Name, &d.Donor.Phone, &d.Donor.IDNumber, &d.Donor.Anonymous, &d.AmountFen, &d.Channel, &received,
		&d.Designation.Kind, &d.Designation.Target, &d.Message, &d.ExternalRef, &d.IdemKey,
		&d.Fingerprint, &d.Reason, &d.Source, &d.ImportID, &d.CreatedBy, &created)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, boai.Errorf(boai.ENOTFOUND, "捐赠记录不存在 / donation not found")
		}
		return nil, fmt.Errorf("scan donation: %w", err)
	}
	d.ReceivedAt, d.CreatedAt = fromMicros(received), fromMicros(created)
	return &d, nil
}

// donationAudit is the audit trail's copy of a donation. A struct, not a
// map: it is marshalled for every donation, and a map is slow to encode.
type donationAudit struct {
	CertNo      string               `json:"cert_no"`
	Kind        string               `json:"kind"`
	ReversesID  int64                `json:"reverses_id,omitempty"`
	CorrectsID  int64                `json:"corrects_id,omitempty"`
	BranchID    int64                `json:"branch_id"`
	Donor       donation.Donor       `json:"donor"`
	AmountFen   money.Fen            `json:"amount_fen"`
	Channel     donation.Channel     `json:"channel"`
	ReceivedAt  string               `json:"received_at"`
	Designation donation.Designation `json:"designation"`
	Fund        string               `json:"fund"`
	Message     string               `json:"message,omitempty"`
	ExternalRef string               `json:"external_ref,omitempty"`
	IdemKey     string               `json:"idempotency_key,omitempty"`
	Reason      string               `json:"reason,omitempty"`
	Source      string               `json:"source"`
	ImportID    int64                `json:"import_id,omitempty"`
}

func donationSnapshot(d *donation.Donation) donationAudit {
	return donationAudit{
		CertNo: d.CertNo, Kind: d.Kind, ReversesID: d.ReversesID, CorrectsID: d.CorrectsID, BranchID: d.BranchID, Donor: d.Donor,
		AmountFen: d.AmountFen, Channel: d.Channel, ReceivedAt: d.ReceivedAt.UTC().Format(time.RFC3339),
		Designation: d.Designation, Fund: d.Designation.FundLabel(), Message: d.Message,
		ExternalRef: d.ExternalRef, IdemKey: d.IdemKey, Reason: d.Reason, Source: d.Source, ImportID: d.ImportID,
	}
}

// CreateDonation records a validated donation with its audit entry. It is
// idempotent: when a donation with the same external reference or
// idempotency key exists, d is replaced by it and created is false, unless
// the content differs, which is a conflict. Concurrent retries are safe:
// the unique indexes decide, inside the transaction.
func (db *DB) CreateDonation(ctx context.Context, a audit.Actor, d *donation.Donation) (created bool, err error) {
	if err := d.Validate(db.Now()); err != nil {
		return false, err
	}
	d.Kind = donation.KindDonation
	d.CreatedBy = a.Username
	after, err := db.prepareDonation(d)
	if err != nil {
		return false, err
	}
	in := *d
	if d.CorrectsID != 0 {
		err = db.Write(ctx, func(tx *Tx) error {
			*d = in
			orig, err := scanDonation(tx.queryRow(ctx, "SELECT "+donationCols+donationFrom+" WHERE d.id = ?", d.CorrectsID))
			if err != nil {
				return err
			}
			if orig.Kind != donation.KindDonation || orig.ReversedBy == 0 {
				return boai.Errorf(boai.EINVALID, "只能为已冲正的捐赠登记更正 / only a reversed donation can be corrected")
			}
			created, err = tx.createDonation(ctx, a, d, after)
			return err
		})
		return created, err
	}
	dw := &donationWrite{d: d, a: a, after: after}
	err = db.submit(&writeReq{ctx: ctx, done: make(chan error, 1), don: dw, fn: func(tx *Tx) error {
		*d = in
		var err error
		dw.created, err = tx.createDonation(ctx, a, d, after)
		return err
	}})
	return dw.created, err
}

// donationWrite is a donation waiting in the writer's queue. In a batch
// the writer inserts all of them with one statement (insertDonations).
type donationWrite struct {
	d       *donation.Donation
	a       audit.Actor
	after   string // audit snapshot
	created bool
	err     error // this donation's own refusal (a clash), which does not stop the batch
}

// insertDonations records a batch of donations on PostgreSQL: one
// statement inserts them with their ledger transfers (batchLedger), one
// the audit entries: two round trips for the whole batch.
// Those the INSERT skipped (a retry, a clash, a certificate number drawn
// twice) go through createDonation one by one.
func (t *Tx) insertDonations(ctx context.Context, ws []*donationWrite) error {
	const cols = 26
	ledgerSQL, ledgerArgs, err := t.batchLedger(ws)
	if err != nil {
		return err
	}
	var b strings.Builder
	b.WriteString("WITH d AS (" + donationInsertHead + "VALUES ")
	args := make([]any, 0, cols*len(ws)+len(ledgerArgs))
	byCert := make(map[string]*donationWrite, len(ws))
	for i, w := range ws {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(rowPlaceholders(cols))
		args = append(args, donationArgs(w.d)...)
		byCert[w.d.CertNo] = w
	}
	b.WriteString(" ON CONFLICT DO NOTHING RETURNING id, cert_no, received_at)")
	b.WriteString(ledgerSQL)
	b.WriteString(", lo AS (INSERT INTO log_outbox (kind, ref_id) SELECT 'donation', id FROM d)") // the public log's outbox
	b.WriteString(" SELECT d.id, d.cert_no, x.id IS NOT NULL FROM d LEFT JOIN x ON x.donation_id = d.id")
	args = append(args, ledgerArgs...)
	rows, err := t.query(ctx, b.String(), args...)
	if err != nil {
		return fmt.Errorf("insert donations: %w", err)
	}
	var inserted []*donationWrite
	for rows.Next() {
		var id int64
		var cert string
		var posted bool
		if err := rows.Scan(&id, &cert, &posted); err != nil {
			rows.Close()
			return err
		}
		if !posted {
			// A closed month (see batchLedger): the batch runs again a
			// donation at a time, and this one is refused with why.
			rows.Close()
			return fmt.Errorf("donation %s did not post: its month is closed", cert)
		}
		if w := byCert[cert]; w != nil {
			w.d.ID, w.created = id, true
			inserted = append(inserted, w)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, w := range ws {
		if w.created {
			continue
		}
		w.created, w.err = t.createDonation(ctx, w.a, w.d, w.after)
		if w.err != nil && boai.ErrorCode(w.err) == boai.EINTERNAL {
			return w.err
		}
	}
	if len(inserted) == 0 {
		return nil
	}
	b.Reset()
	b.WriteString("INSERT INTO audit_log (at, user_id, username, role, via, ip, action, entity, entity_id, before, after) VALUES ")
	args = args[:0]
	at := micros(t.db.Now())
	for i, w := range inserted {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(rowPlaceholders(11))
		args = append(args, at, nullID(w.a.UserID), w.a.Username, w.a.Role, w.a.Via, w.a.IP,
			"donation."+w.d.Kind, "donation", w.d.ID, "", w.after)
	}
	if _, err := t.exec(ctx, b.String(), args...); err != nil {
		return fmt.Errorf("audit donations: %w", err)
	}
	return nil
}

func rowPlaceholders(n int) string {
	return "(" + strings.Repeat("?, ", n-1) + "?)"
}

// prepareDonation fills in what is computed once, outside the writer:
// the certificate number, the time stamp and the audit snapshot.
func (db *DB) prepareDonation(d *donation.Donation) (string, error) {
	if d.CertNo == "" {
		d.CertNo = donation.NewCertNo(CertPrefix, d.ReceivedAt, CertLocation)
	}
	d.CreatedAt = db.Now()
	return snapshot(donationSnapshot(d))
}

const donationInsertHead = `INSERT INTO donations (cert_no, kind, reverses_id, corrects_id, branch_id, donor_kind, donor_name, donor_phone,
	donor_phone_last4, donor_id_number, anonymous, amount_fen, channel, received_at, designation_kind, designation_target,
	fund_label, message, external_ref, idem_key, fingerprint, reason, source, import_id, created_by, created_at) `

const insertDonation = donationInsertHead + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"

// createDonation inserts d (prepared by prepareDonation, whose audit
// snapshot is after) unless a unique key is taken, then decides between
// a retry and a clash.
func (t *Tx) createDonation(ctx context.Context, a audit.Actor, d *donation.Donation, after string) (bool, error) {
	args := donationArgs(d)
	var id int64
	var err error
	for attempt := 0; ; attempt++ {
		id, err = t.insertDonation(ctx, args, a, after)
		if errors.Is(err, sql.ErrNoRows) && d.ReversesID != 0 {
			// A reversal's keys (reverses_id, and cert_no: the original's
			// + "-R") are taken only by another reversal of the same
			// donation, committed meanwhile by a concurrent writer.
			return false, boai.Errorf(boai.ECONFLICT, "该捐赠已冲正 / this donation is already reversed")
		}
		if !errors.Is(err, sql.ErrNoRows) || attempt == 3 {
			break
		}
		// Taken: a retry or clash on the external keys, or (rarely) a
		// certificate number drawn twice in the same tenth of a second.
		var n int
		if err := t.queryRow(ctx, countCertNo, d.CertNo).Scan(&n); err != nil {
			return false, err
		}
		if n == 0 {
			break
		}
		old := d.CertNo
		d.CertNo = donation.NewCertNo(CertPrefix, d.ReceivedAt, CertLocation)
		args[0] = d.CertNo
		after = strings.Replace(after, `"cert_no":"`+old+`"`, `"cert_no":"`+d.CertNo+`"`, 1)
	}
	if errors.Is(err, sql.ErrNoRows) {
		// An external key is taken: this is a retry, or a clash.
		ref := d.ExternalRef
		if d.CorrectsID != 0 {
			ref = "" // a correction shares its reference with the donation it replaces
		}
		existing, err := scanDonation(t.queryRow(ctx, selectDonationByKeys, ref, ref, d.IdemKey, d.IdemKey, d.CorrectsID, d.CorrectsID))
		if boai.ErrorCode(err) == boai.ENOTFOUND {
			return false, fmt.Errorf("donation insert conflicted on no known key (certificate number %s)", d.CertNo)
		} else if err != nil {
			return false, err
		}
		if existing.Fingerprint != d.Fingerprint {
			return false, &boai.Error{Code: boai.ECONFLICT,
				Message: "该流水号/幂等键已用于另一笔内容不同的捐赠 / this reference or idempotency key was already used for a different donation"}
		}
		*d = *existing
		return false, nil
	} else if err != nil {
		return false, fmt.Errorf("insert donation: %w", err)
	}
	d.ID = id
	// The donation and its postings commit together or not at all.
	if err := t.postDonation(ctx, d, a.Username); err != nil {
		return false, err
	}
	return true, t.logFact(ctx, publog.Donation, d.ID)
}

const (
	selectDonationByKeys = "SELECT " + donationCols + donationFrom +
		" WHERE (d.external_ref = ? AND ? <> '' AND d.corrects_id IS NULL) OR (d.idem_key = ? AND ? <> '') OR (d.corrects_id = ? AND ? <> 0)"
	countCertNo = "SELECT COUNT(*) FROM donations WHERE cert_no = ?"
)

// hotWrites are prepared once on SQLite's writer connection when the
// database opens: the statements every donation runs.
var hotWrites = []string{insertDonation, insertAudit, selectDonationByKeys, countCertNo, insertDonationTransfer, insertLogFact,
	"SELECT closed_through FROM ledger_periods WHERE id = 1"}

// donationArgs are d's values in insertDonation's column order.
func donationArgs(d *donation.Donation) []any {
	return []any{d.CertNo, d.Kind, nullID(d.ReversesID), nullID(d.CorrectsID), d.BranchID, d.Donor.Kind, d.Donor.Name, d.Donor.Phone,
		d.Donor.PhoneLast4(), d.Donor.IDNumber, d.Donor.Anonymous, d.AmountFen, d.Channel, micros(d.ReceivedAt),
		d.Designation.Kind, d.Designation.Target, d.Designation.FundLabel(), d.Message, nullString(d.ExternalRef),
		nullString(d.IdemKey), d.Fingerprint, d.Reason, d.Source, nullID(d.ImportID), d.CreatedBy, micros(d.CreatedAt)}
}

// insertDonation inserts one row with its audit entry and returns its id,
// or sql.ErrNoRows when a unique key is already taken.
func (t *Tx) insertDonation(ctx context.Context, args []any, a audit.Actor, after string) (int64, error) {
	kind := args[1].(string)
	if t.db.Dialect == Postgres {
		// One round trip: the audit entry rides on the insert.
		var id int64
		err := t.queryRow(ctx, `WITH d AS (`+insertDonation+` RETURNING id)
			INSERT INTO audit_log (at, user_id, username, role, via, ip, action, entity, entity_id, before, after)
			SELECT ?, ?, ?, ?, ?, ?, ?, 'donation', d.id, '', ? FROM d RETURNING entity_id`,
			append(args, micros(t.db.Now()), nullID(a.UserID), a.Username, a.Role, a.Via, a.IP, "donation."+kind, after)...).Scan(&id)
		return id, err
	}
	// One writer: no RETURNING needed, the last insert id is ours.
	res, err := t.exec(ctx, insertDonation, args...)
	if err != nil {
		return 0, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return 0, sql.ErrNoRows
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, err
	}
	return id, t.audit(ctx, a, "donation."+kind, "donation", id, nil, after)
}

// ReverseDonation corrects a donation: it is never edited or deleted, a
// reversing record with the negative amount and a reason cancels it. The
// corrected donation, if any, is then recorded anew.
func (db *DB) ReverseDonation(ctx context.Context, a audit.Actor, id int64, reason string) (*donation.Donation, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return nil, boai.Errorf(boai.EINVALID, "请写明冲正原因 / a reason is required")
	}
	if len([]rune(reason)) > 500 {
		return nil, boai.Errorf(boai.EINVALID, "原因过长 / reason too long")
	}
	var rev *donation.Donation
	err := db.Write(ctx, func(tx *Tx) error {
		orig, err := scanDonation(tx.queryRow(ctx, "SELECT "+donationCols+donationFrom+" WHERE d.id = ?", id))
		if err != nil {
			return err
		}
		switch {
		case orig.Kind != donation.KindDonation:
			return boai.Errorf(boai.EINVALID, "冲正记录不能再冲正 / a reversal cannot be reversed")
		case orig.ReversedBy != 0:
			return boai.Errorf(boai.ECONFLICT, "该捐赠已冲正 / this donation is already reversed")
		}
		// Once receipted, amount, donor and type are locked: the receipt
		// is voided first.
		if locked, err := tx.ReceiptLocked(ctx, id); err != nil {
			return err
		} else if locked {
			return boai.Errorf(boai.ECONFLICT, "该捐赠已开具捐赠票据，须先作废票据才能冲正 / this donation has a receipt: void the receipt before reversing it")
		}
		rev = &donation.Donation{
			CertNo: orig.CertNo + "-R", Kind: donation.KindReversal, ReversesID: orig.ID, BranchID: orig.BranchID,
			// Dated as the donation it cancels, so that day's totals (and
			// the trend) show what really arrived.
			Donor: orig.Donor, AmountFen: -orig.AmountFen, Channel: orig.Channel, ReceivedAt: orig.ReceivedAt,
			Designation: orig.Designation, Reason: reason, Source: donation.SourceForm, CreatedBy: a.Username,
			Fingerprint: orig.Fingerprint,
		}
		after, err := db.prepareDonation(rev)
		if err != nil {
			return err
		}
		_, err = tx.createDonation(ctx, a, rev, after)
		return err
	})
	return rev, err
}

// Donation returns one donation (or reversal).
func (db *DB) Donation(ctx context.Context, id int64) (*donation.Donation, error) {
	return scanDonation(db.queryRow(ctx, "SELECT "+donationCols+donationFrom+" WHERE d.id = ?", id))
}

// DonationByCert returns the donation with a certificate number.
func (db *DB) DonationByCert(ctx context.Context, certNo string) (*donation.Donation, error) {
	return scanDonation(db.queryRow(ctx, "SELECT "+donationCols+donationFrom+" WHERE d.cert_no = ?", certNo))
}

// Correction returns the donation recorded to replace reversed donation id.
func (db *DB) Correction(ctx context.Context, id int64) (*donation.Donation, error) {
	return scanDonation(db.queryRow(ctx, "SELECT "+donationCols+donationFrom+" WHERE d.corrects_id = ?", id))
}

// Reversal returns the record that reverses donation id.
func (db *DB) Reversal(ctx context.Context, id int64) (*donation.Donation, error) {
	return scanDonation(db.queryRow(ctx, "SELECT "+donationCols+donationFrom+" WHERE d.reverses_id = ?", id))
}

// DonorLookup finds a donor's own donations by exact name and the last four
// digits of their phone number, for the public self-service page.
func (db *DB) DonorLookup(ctx context.Context, name, last4 string) ([]donation.Donation, error) {
	return db.listDonations(ctx, " WHERE d.donor_name = ? AND d.donor_phone_last4 = ? AND d.donor_phone_last4 <> '' AND d.kind = 'donation' ORDER BY d.received_at DESC LIMIT 100",
		strings.TrimSpace(name), last4)
}

// DonationFilter selects donations for the staff list.
type DonationFilter struct {
	Branch      int64  // 0: all (the caller applies the user's scope)
	Query       string // donor name, certificate number or external reference
	Channel     donation.Channel
	Designation donation.DesignationKind
	Kind        string
	From, To    time.Time // received, To exclusive
	Offset      int
	Limit       int
}

func (f DonationFilter) where() (string, []any) {
	var where []string
	var args []any
	if f.Branch != 0 {
		where, args = append(where, "d.branch_id = ?"), append(args, f.Branch)
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		where = append(where, "(d.donor_name LIKE ? OR d.cert_no = ? OR d.external_ref = ?)")
		args = append(args, "%"+escapeLike(q)+"%", strings.ToUpper(q), q)
	}
	if f.Channel != "" {
		where, args = append(where, "d.channel = ?"), append(args, f.Channel)
	}
	if f.Designation != "" {
		where, args = append(where, "d.designation_kind = ?"), append(args, f.Designation)
	}
	if f.Kind != "" {
		where, args = append(where, "d.kind = ?"), append(args, f.Kind)
	}
	if !f.From.IsZero() {
		where, args = append(where, "d.received_at >= ?"), append(args, micros(f.From))
	}
	if !f.To.IsZero() {
		where, args = append(where, "d.received_at < ?"), append(args, micros(f.To))
	}
	if len(where) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(where, " AND "), args
}

func escapeLike(s string) string {
	return strings.NewReplacer("%", "", "_", "").Replace(s)
}

// Donations lists donations newest first, with the count and net sum of
// everything the filter matches.
func (db *DB) Donations(ctx context.Context, f DonationFilter) ([]donation.Donation, int, money.Fen, error) {
	cond, args := f.where()
	var total int
	var sum money.Fen
	if err := db.queryRow(ctx, "SELECT COUNT(*), COALESCE(SUM(d.amount_fen), 0) FROM donations d"+cond, args...).Scan(&total, &sum); err != nil {
		return nil, 0, 0, fmt.Errorf("count donations: %w", err)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, 100_000)
	list, err := db.listDonations(ctx, cond+" ORDER BY d.received_at DESC, d.id DESC LIMIT ? OFFSET ?", append(args, limit, f.Offset)...)
	return list, total, sum, err
}

func (db *DB) listDonations(ctx context.Context, tail string, args ...any) ([]donation.Donation, error) {
	rows, err := db.query(ctx, "SELECT "+donationCols+donationFrom+tail, args...)
	if err != nil {
		return nil, fmt.Errorf("list donations: %w", err)
	}
	defer rows.Close()
	var out []donation.Donation
	for rows.Next() {
		d, err := scanDonation(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *d)
	}
	return out, rows.Err()
}

package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"boai"
	"boai/internal/allocation"
	"boai/internal/audit"
	"boai/internal/auth"
	"boai/internal/goods"
	"boai/internal/notify"
	"boai/internal/stock"
)

// reservedByLot is, per stock lot, what live allocations (submitted or
// approved, not yet dispatched) hold: stock that is not available to
// anyone else even though it is still on the shelf.
const reservedByLot = `SELECT al.lot_id, SUM(al.quantity) AS q FROM allocation_lines al JOIN allocations a ON a.id = al.allocation_id
	WHERE a.status IN ('pending', 'approved') GROUP BY al.lot_id`

// heldForLine is what live allocations hold of one request line, leaving
// out one allocation line (the one being checked or changed).
const heldForLine = `SELECT COALESCE(SUM(al.quantity), 0) FROM allocation_lines al JOIN allocations a ON a.id = al.allocation_id
	WHERE a.status IN ('pending', 'approved') AND al.request_line_id = ? AND al.id <> ?`

// heldOfLot is what live allocations hold of one lot, leaving out one
// allocation line.
const heldOfLot = `SELECT COALESCE(SUM(al.quantity), 0) FROM allocation_lines al JOIN allocations a ON a.id = al.allocation_id
	WHERE a.status IN ('pending', 'approved') AND al.lot_id = ? AND al.id <> ?`

// RequestView is a request as staff read it.
type RequestView struct {
	allocation.AllocRequest
	Recipient   string
	Class       string
	CreatedBy   string
	Items       map[int64]goods.Item // the lines' items
	Files       []RequestFile
	Allocations []AllocationSummary
}

// RequestFile is a file attached to a request.
type RequestFile struct {
	ID          int64
	RequestID   int64
	Name        string
	ContentType string
	Size        int64
	Data        []byte // only when one file is read
	CreatedAt   time.Time
}

// AllocationSummary is one allocation in a list.
type AllocationSummary struct {
	ID          int64
	RequestID   int64
	Recipient   string
	Purpose     string
	Urgency     string
	Status      string
	Step        int
	SubmittedAt time.Time
	DecidedAt   time.Time
	Lines       int
	Units       int64
	Owed        int // paper documents still owed
}

// Elapsed is how long the allocation has waited (pending) or took
// (decided): the figure held against the 10-minute target.
func (a AllocationSummary) Elapsed(now time.Time) time.Duration {
	if !a.DecidedAt.IsZero() {
		return a.DecidedAt.Sub(a.SubmittedAt)
	}
	return now.Sub(a.SubmittedAt)
}

// AllocationView is an allocation with what approvers need to decide.
type AllocationView struct {
	AllocationSummary
	Address    string
	Contact    string
	Lines      []AllocLineView
	Actions    []ApprovalAction
	Paperwork  []Paperwork
	Dispatches []DispatchSummary
}

// AllocLineView is an allocation line with its item, lot and request.
type AllocLineView struct {
	AllocLine
	Item      goods.Item
	Warehouse string
	Batch     string
	Expiry    string
	Asked     int64 // the request line's quantity
	Open      int64 // still open on the request line
}

// ApprovalAction is one decision taken on an allocation.
type ApprovalAction struct {
	Step     int
	Decision string
	Comment  string
	By       string
	Role     string
	At       time.Time
}

// Paperwork is one paper document an approved allocation owes.
type Paperwork struct {
	ID           int64
	AllocationID int64
	Kind         string
	Ref          string
	RecordedAt   time.Time
	RecordedBy   string
}

// Owed reports whether the document is still to come.
func (p Paperwork) Owed() bool { return p.RecordedAt.IsZero() }

// Recipients lists the registered requesting units.
func (db *DB) Recipients(ctx context.Context) ([]allocation.Recipient, error) {
	rows, err := db.query(ctx, "SELECT id, name, class, contact, phone, address FROM recipients ORDER BY name")
	if err != nil {
		return nil, fmt.Errorf("recipients: %w", err)
	}
	defer rows.Close()
	var out []allocation.Recipient
	for rows.Next() {
		var r allocation.Recipient
		if err := rows.Scan(&r.ID, &r.Name, &r.Class, &r.Contact, &r.Phone, &r.Address); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// ListRequests lists requests, newest first; status "" lists all.
func (db *DB) ListRequests(ctx context.Context, status string, limit int) ([]RequestView, error) {
	rows, err := db.query(ctx, `SELECT r.id, r.recipient_id, c.name, c.class, r.purpose, r.urgency, r.address, r.contact, r.status, r.submitted_at, r.created_by
		FROM alloc_requests r JOIN recipients c ON c.id = r.recipient_id WHERE (? = '' OR r.status = ?) ORDER BY r.id DESC LIMIT ?`, status, status, limit)
	if err != nil {
		return nil, fmt.Errorf("list requests: %w", err)
	}
	var out []RequestView
	for rows.Next() {
		var v RequestView
		var at int64
		if err := rows.Scan(&v.ID, &v.RecipientID, &v.Recipient, &v.Class, &v.Purpose, &v.Urgency, &v.Address, &v.Contact, &v.Status, &at, &v.CreatedBy); err != nil {
			rows.Close()
			return nil, err
		}
		v.SubmittedAt = fromMicros(at)
		out = append(out, v)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return out, nil
	}
	// Every listed request's lines in one query: ids run from the
	// newest listed down to the oldest.
	byID := make(map[int64]*RequestView, len(out))
	for i := range out {
		out[i].Items = map[int64]goods.Item{}
		byID[out[i].ID] = &out[i]
	}
	lines, err := db.query(ctx, `SELECT l.request_id, l.id, l.item_id, l.quantity, l.fulfilled, `+itemColumns+`
		FROM alloc_request_lines l JOIN goods_items i ON i.id = l.item_id WHERE l.request_id BETWEEN ? AND ? ORDER BY l.request_id, l.line_no`,
		out[len(out)-1].ID, out[0].ID)
	if err != nil {
		return nil, err
	}
	defer lines.Close()
	for lines.Next() {
		var rid int64
		var l allocation.RequestLine
		var it goods.Item
		if err := lines.Scan(append([]any{&rid, &l.ID, &l.ItemID, &l.Quantity, &l.Fulfilled}, itemDest(&it)...)...); err != nil {
			return nil, err
		}
		if v := byID[rid]; v != nil {
			v.Lines = append(v.Lines, l)
			v.Items[it.ID] = it
		}
	}
	return out, lines.Err()
}

func (db *DB) requestLines(ctx context.Context, v *RequestView) error {
	rows, err := db.query(ctx, `SELECT l.id, l.item_id, l.quantity, l.fulfilled, `+itemColumns+`
		FROM alloc_request_lines l JOIN goods_items i ON i.id = l.item_id WHERE l.request_id = ? ORDER BY l.line_no`, v.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	v.Items = map[int64]goods.Item{}
	for rows.Next() {
		var l allocation.RequestLine
		var it goods.Item
		if err := rows.Scan(append([]any{&l.ID, &l.ItemID, &l.Quantity, &l.Fulfilled}, itemDest(&it)...)...); err != nil {
			return err
		}
		v.Lines = append(v.Lines, l)
		v.Items[it.ID] = it
	}
	return rows.Err()
}

// Request returns one request with its lines, files and allocations.
func (db *DB) Request(ctx context.Context, id int64) (*RequestView, error) {
	v := &RequestView{}
	var at int64
	err := db.queryRow(ctx, `SELECT r.id, r.recipient_id, c.name, c.class, r.purpose, r.urgency, r.address, r.contact, r.status, r.submitted_at, r.created_by
		FROM alloc_requests r JOIN recipients c ON c.id = r.recipient_id WHERE r.id = ?`, id).Scan(&v.ID, &v.RecipientID, &v.Recipient, &v.Class,
		&v.Purpose, &v.Urgency, &v.Address, &v.Contact, &v.Status, &at, &v.CreatedBy)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, boai.Errorf(boai.ENOTFOUND, "调拨申请不存在 / request not found")
	} else if err != nil {
		return nil, err
	}
	v.SubmittedAt = fromMicros(at)
	if err := db.requestLines(ctx, v); err != nil {
		return nil, err
	}
	rows, err := db.query(ctx, "SELECT id, name, content_type, size, created_at FROM alloc_request_files WHERE request_id = ? ORDER BY id", id)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		f := RequestFile{RequestID: id}
		if err := rows.Scan(&f.ID, &f.Name, &f.ContentType, &f.Size, &at); err != nil {
			rows.Close()
			return nil, err
		}
		f.CreatedAt = fromMicros(at)
		v.Files = append(v.Files, f)
	}
	rows.Close()
	v.Allocations, err = db.ListAllocations(ctx, "", id, 100)
	return v, err
}

// Attachment limits: enough for scanned letters, not a file store.
const (
	MaxRequestFile  = 5 << 20
	MaxRequestFiles = 5
)

// AddRequestFile attaches a file to a request.
func (db *DB) AddRequestFile(ctx context.Context, a audit.Actor, f *RequestFile) error {
	f.Name = strings.TrimSpace(f.Name)
	switch {
	case f.Name == "" || len(f.Data) == 0:
		return boai.Errorf(boai.EINVALID, "附件为空 / the attachment is empty")
	case len(f.Data) > MaxRequestFile:
		return boai.Errorf(boai.EINVALID, "附件不能超过 5 MB / an attachment may be 5 MB at most")
	}
	if len(f.Name) > 200 {
		f.Name = f.Name[:200]
	}
	f.Size, f.CreatedAt = int64(len(f.Data)), db.Now()
	return db.Write(ctx, func(tx *Tx) error {
		var n int
		if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM alloc_request_files WHERE request_id = ?", f.RequestID).Scan(&n); err != nil {
			return err
		}
		if n >= MaxRequestFiles {
			return boai.Errorf(boai.EINVALID, "每个申请最多 %d 个附件 / at most %d attachments per request", MaxRequestFiles, MaxRequestFiles)
		}
		id, err := tx.insert(ctx, "INSERT INTO alloc_request_files (request_id, name, content_type, size, data, created_at) VALUES (?, ?, ?, ?, ?, ?)",
			f.RequestID, f.Name, f.ContentType, f.Size, f.Data, micros(f.CreatedAt))
		if err != nil {
			return fmt.Errorf("insert attachment: %w", err)
		}
		f.ID = id
		return tx.audit(ctx, a, "request.attach", "alloc_request", f.RequestID, nil, map[string]any{"file": id, "name": f.Name, "size": f.Size})
	})
}

// RequestFileData returns one attachment with its bytes.
func (db *DB) RequestFileData(ctx context.Context, requestID, id int64) (*RequestFile, error) {
	f := &RequestFile{ID: id, RequestID: requestID}
	var at int64
	err := db.queryRow(ctx, "SELECT name, content_type, size, data, created_at FROM alloc_request_files WHERE id = ? AND request_id = ?", id, requestID).Scan(
		&f.Name, &f.ContentType, &f.Size, &f.Data, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, boai.Errorf(boai.ENOTFOUND, "附件不存在 / attachment not found")
	}
	f.CreatedAt = fromMicros(at)
	return f, err
}

// ListAllocations lists allocations, newest first: status "" for all,
// "live" for pending and approved, "owed" for those still owing paper
// documents; requestID 0 for every request.
func (db *DB) ListAllocations(ctx context.Context, status string, requestID int64, limit int) ([]AllocationSummary, error) {
	cond := "(? = '' OR a.status = ?)"
	args := []any{status, status}
	switch status {
	case "live":
		cond, args = "a.status IN ('pending', 'approved')", nil
	case "owed":
		cond, args = "EXISTS (SELECT 1 FROM allocation_paperwork p WHERE p.allocation_id = a.id AND p.recorded_at IS NULL)", nil
	}
	args = append(args, requestID, requestID, limit)
	rows, err := db.query(ctx, `SELECT a.id, a.request_id, c.name, r.purpose, r.urgency, a.status, a.step, a.submitted_at, a.decided_at,
			(SELECT COUNT(*) FROM allocation_lines al WHERE al.allocation_id = a.id),
			(SELECT COALESCE(SUM(al.quantity), 0) FROM allocation_lines al WHERE al.allocation_id = a.id),
			(SELECT COUNT(*) FROM allocation_paperwork p WHERE p.allocation_id = a.id AND p.recorded_at IS NULL)
		FROM allocations a JOIN alloc_requests r ON r.id = a.request_id JOIN recipients c ON c.id = r.recipient_id
		WHERE `+cond+` AND (? = 0 OR a.request_id = ?) ORDER BY a.id DESC LIMIT ?`, args...)
	if err != nil {
		return nil, fmt.Errorf("list allocations: %w", err)
	}
	defer rows.Close()
	var out []AllocationSummary
	for rows.Next() {
		var s AllocationSummary
		var at int64
		var decided sql.NullInt64
		if err := rows.Scan(&s.ID, &s.RequestID, &s.Recipient, &s.Purpose, &s.Urgency, &s.Status, &s.Step, &at, &decided, &s.Lines, &s.Units, &s.Owed); err != nil {
			return nil, err
		}
		s.SubmittedAt, s.DecidedAt = fromMicros(at), nullMicros(decided)
		out = append(out, s)
	}
	return out, rows.Err()
}

// AllocationDetail returns an allocation with its lines, decisions,
// paperwork and dispatches.
func (db *DB) AllocationDetail(ctx context.Context, id int64) (*AllocationView, error) {
	v := &AllocationView{}
	var at int64
	var decided sql.NullInt64
	err := db.queryRow(ctx, `SELECT a.id, a.request_id, c.name, r.purpose, r.urgency, r.address, r.contact, a.status, a.step, a.submitted_at, a.decided_at
		FROM allocations a JOIN alloc_requests r ON r.id = a.request_id JOIN recipients c ON c.id = r.recipient_id WHERE a.id = ?`, id).Scan(
		&v.ID, &v.RequestID, &v.Recipient, &v.Purpose, &v.Urgency, &v.Address, &v.Contact, &v.Status, &v.Step, &at, &decided)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, boai.Errorf(boai.ENOTFOUND, "调拨方案不存在 / allocation not found")
	} else if err != nil {
		return nil, err
	}
	v.SubmittedAt, v.DecidedAt = fromMicros(at), nullMicros(decided)
	rows, err := db.query(ctx, `SELECT al.id, al.request_line_id, al.lot_id, al.quantity, al.reason, rl.quantity, rl.quantity - rl.fulfilled,
			w.name, s.batch, s.expiry, `+itemColumns+`
		FROM allocation_lines al JOIN alloc_request_lines rl ON rl.id = al.request_line_id
		JOIN stock_lots s ON s.id = al.lot_id JOIN warehouses w ON w.id = s.warehouse_id JOIN goods_items i ON i.id = s.item_id
		WHERE al.allocation_id = ? ORDER BY al.id`, id)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var l AllocLineView
		if err := rows.Scan(append([]any{&l.ID, &l.RequestLineID, &l.LotID, &l.Quantity, &l.Reason, &l.Asked, &l.Open, &l.Warehouse, &l.Batch, &l.Expiry},
			itemDest(&l.Item)...)...); err != nil {
			rows.Close()
			return nil, err
		}
		v.Lines = append(v.Lines, l)
		v.AllocationSummary.Units += l.Quantity
	}
	rows.Close()
	v.AllocationSummary.Lines = len(v.Lines)
	rows, err = db.query(ctx, "SELECT step, decision, comment, by_user, role, at FROM approval_actions WHERE allocation_id = ? ORDER BY id", id)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var a ApprovalAction
		if err := rows.Scan(&a.Step, &a.Decision, &a.Comment, &a.By, &a.Role, &at); err != nil {
			rows.Close()
			return nil, err
		}
		a.At = fromMicros(at)
		v.Actions = append(v.Actions, a)
	}
	rows.Close()
	if v.Paperwork, err = db.paperwork(ctx, id); err != nil {
		return nil, err
	}
	for _, p := range v.Paperwork {
		if p.Owed() {
			v.Owed++
		}
	}
	v.Dispatches, err = db.ListDispatches(ctx, id, 50)
	return v, err
}

func (db *DB) paperwork(ctx context.Context, allocID int64) ([]Paperwork, error) {
	rows, err := db.query(ctx, "SELECT id, allocation_id, kind, ref, recorded_at, recorded_by FROM allocation_paperwork WHERE allocation_id = ? ORDER BY id", allocID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Paperwork
	for rows.Next() {
		var p Paperwork
		var at sql.NullInt64
		if err := rows.Scan(&p.ID, &p.AllocationID, &p.Kind, &p.Ref, &at, &p.RecordedBy); err != nil {
			return nil, err
		}
		p.RecordedAt = nullMicros(at)
		out = append(out, p)
	}
	return out, rows.Err()
}

// owePaperwork lists the paper documents an allocation approved online
// still owes.
func (t *Tx) owePaperwork(ctx context.Context, allocID int64) error {
	for _, k := range allocation.Paperwork {
		if _, err := t.exec(ctx, "INSERT INTO allocation_paperwork (allocation_id, kind) VALUES (?, ?)", allocID, k); err != nil {
			return fmt.Errorf("paperwork owed: %w", err)
		}
	}
	return nil
}

// RecordPaperwork records that a paper document owed has come in.
func (db *DB) RecordPaperwork(ctx context.Context, a audit.Actor, allocID int64, kind, ref string) error {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return boai.Errorf(boai.EINVALID, "请填写纸质文件的编号或说明 / give the paper document's number or a note")
	}
	return db.Write(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, `UPDATE allocation_paperwork SET ref = ?, recorded_at = ?, recorded_by = ?
			WHERE allocation_id = ? AND kind = ? AND recorded_at IS NULL`, ref, micros(db.Now()), a.Username, allocID, kind)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return boai.Errorf(boai.ECONFLICT, "该文件不在待补办之列或已登记 / that document is not owed or is already recorded")
		}
		return tx.audit(ctx, a, "allocation.paperwork", "allocation", allocID, nil, map[string]any{"kind": kind, "ref": ref})
	})
}

// PaperworkOwed lists approved allocations that still owe paper
// documents, oldest first.
func (db *DB) PaperworkOwed(ctx context.Context) ([]AllocationSummary, error) {
	out, err := db.ListAllocations(ctx, "owed", 0, 1000)
	if err != nil {
		return nil, err
	}
	slices.Reverse(out) // oldest first
	return out, nil
}

// RemindPaperwork tells the robots, once per interval and allocation,
// which approved allocations still owe paper documents, and returns how
// many it reminded of.
func (db *DB) RemindPaperwork(ctx context.Context, now time.Time, every time.Duration, link func(int64) string) (int, error) {
	n := 0
	err := db.Write(ctx, func(tx *Tx) error {
		rows, err := tx.query(ctx, `SELECT p.allocation_id, p.kind FROM allocation_paperwork p JOIN allocations a ON a.id = p.allocation_id
			WHERE p.recorded_at IS NULL AND a.decided_at < ? AND (p.reminded_at IS NULL OR p.reminded_at < ?) ORDER BY p.allocation_id, p.id`,
			micros(now.Add(-every)), micros(now.Add(-every)))
		if err != nil {
			return err
		}
		owed := map[int64][]string{}
		var ids []int64
		for rows.Next() {
			var id int64
			var kind string
			if err := rows.Scan(&id, &kind); err != nil {
				rows.Close()
				return err
			}
			if owed[id] == nil {
				ids = append(ids, id)
			}
			owed[id] = append(owed[id], kind)
		}
		rows.Close()
		for _, id := range ids {
			if err := tx.notifyTx(ctx, notify.Message{Title: "线下补办提醒 / paperwork still owed",
				Text: fmt.Sprintf("调拨方案 #%d 已在线审批，仍欠纸质文件：%s", id, strings.Join(paperworkNames(owed[id]), "、")), URL: link(id)}); err != nil {
				return err
			}
			if _, err := tx.exec(ctx, "UPDATE allocation_paperwork SET reminded_at = ? WHERE allocation_id = ? AND recorded_at IS NULL", micros(now), id); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

var paperworkZh = map[string]string{"request_letter": "盖章申请函", "approval_form": "纸质审批单", "receipt_form": "签收回执"}

func paperworkNames(kinds []string) []string {
	out := make([]string, len(kinds))
	for i, k := range kinds {
		out[i] = cmp.Or(paperworkZh[k], k)
	}
	return out
}

// DispatchSummary is a dispatch in a list.
type DispatchSummary struct {
	ID           int64
	DocNo        string
	Mode         string
	Recipient    string
	Warehouse    string
	Route        string
	Vehicle      string
	Driver       string
	AllocationID int64
	CreatedAt    time.Time
	SignedAt     time.Time
	SignedBy     string
	Units        int64
}

// ListDispatches lists dispatches, newest first; allocID 0 for all.
func (db *DB) ListDispatches(ctx context.Context, allocID int64, limit int) ([]DispatchSummary, error) {
	rows, err := db.query(ctx, `SELECT d.id, s.no, d.mode, d.recipient, w.name, d.route, d.vehicle, d.driver, COALESCE(d.allocation_id, 0), d.created_at,
			d.signed_at, d.signed_by, (SELECT COALESCE(SUM(-m.delta), 0) FROM stock_moves m WHERE m.doc_id = d.doc_id AND m.delta < 0)
		FROM dispatches d JOIN stock_docs s ON s.id = d.doc_id JOIN warehouses w ON w.id = s.warehouse_id
		WHERE (? = 0 OR d.allocation_id = ?) ORDER BY d.id DESC LIMIT ?`, allocID, allocID, limit)
	if err != nil {
		return nil, fmt.Errorf("list dispatches: %w", err)
	}
	defer rows.Close()
	var out []DispatchSummary
	for rows.Next() {
		var s DispatchSummary
		var at int64
		var signed sql.NullInt64
		if err := rows.Scan(&s.ID, &s.DocNo, &s.Mode, &s.Recipient, &s.Warehouse, &s.Route, &s.Vehicle, &s.Driver, &s.AllocationID, &at,
			&signed, &s.SignedBy, &s.Units); err != nil {
			return nil, err
		}
		s.CreatedAt, s.SignedAt = fromMicros(at), nullMicros(signed)
		out = append(out, s)
	}
	return out, rows.Err()
}

// TraceLine is one dispatched lot traced back to the donation line its
// goods came from, with what the recipient signed for.
type TraceLine struct {
	LotID    int64
	Item     goods.Item
	Batch    string
	Expiry   string
	Sent     int64
	Received int64 // once signed
	Reason   string
	// The source: an in-kind donation line, or none for stock that came
	// without one (opening stock, purchases).
	SourceDonationID int64
	SourceCertNo     string
	SourceDonor      string // the name as printed on the certificate
	SourceLineNo     int    // 1-based
}

// DispatchView is a dispatch with every line traced to its source.
type DispatchView struct {
	DispatchSummary
	Address string
	Note    string
	Lines   []TraceLine
}

// DispatchDetail returns a dispatch with its lines traced back to the
// donation lines they came from.
func (db *DB) DispatchDetail(ctx context.Context, id int64) (*DispatchView, error) {
	v := &DispatchView{}
	var at int64
	var signed sql.NullInt64
	var docID int64
	err := db.queryRow(ctx, `SELECT d.id, d.doc_id, s.no, d.mode, d.recipient, w.name, d.route, d.vehicle, d.driver, COALESCE(d.allocation_id, 0),
			d.created_at, d.signed_at, d.signed_by, d.note, COALESCE(r.address, '')
		FROM dispatches d JOIN stock_docs s ON s.id = d.doc_id JOIN warehouses w ON w.id = s.warehouse_id
		LEFT JOIN recipients r ON r.name = d.recipient WHERE d.id = ?`, id).Scan(&v.ID, &docID, &v.DocNo, &v.Mode, &v.Recipient, &v.Warehouse,
		&v.Route, &v.Vehicle, &v.Driver, &v.AllocationID, &at, &signed, &v.SignedBy, &v.Note, &v.Address)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, boai.Errorf(boai.ENOTFOUND, "出库单不存在 / dispatch not found")
	} else if err != nil {
		return nil, err
	}
	v.CreatedAt, v.SignedAt = fromMicros(at), nullMicros(signed)
	rows, err := db.query(ctx, `SELECT m.lot_id, -m.delta, l.batch, l.expiry, COALESCE(dr.received, -1), COALESCE(dr.reason, ''),
			COALESCE(il.donation_id, 0), COALESCE(kd.cert_no, ''), COALESCE(kd.donor_name, ''), COALESCE(kd.anonymous, FALSE), COALESCE(il.line_no, 0),
			`+itemColumns+`
		FROM stock_moves m JOIN stock_lots l ON l.id = m.lot_id JOIN goods_items i ON i.id = m.item_id
		LEFT JOIN dispatch_receipts dr ON dr.dispatch_id = ? AND dr.lot_id = m.lot_id
		LEFT JOIN inkind_lines il ON il.id = l.source_line LEFT JOIN inkind_donations kd ON kd.id = il.donation_id
		WHERE m.doc_id = ? AND m.delta < 0 ORDER BY m.id`, id, docID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var t TraceLine
		var anon bool
		if err := rows.Scan(append([]any{&t.LotID, &t.Sent, &t.Batch, &t.Expiry, &t.Received, &t.Reason, &t.SourceDonationID, &t.SourceCertNo,
			&t.SourceDonor, &anon, &t.SourceLineNo}, itemDest(&t.Item)...)...); err != nil {
			return nil, err
		}
		if anon {
			t.SourceDonor = "爱心人士"
		}
		if t.SourceDonationID != 0 {
			t.SourceLineNo++
		}
		v.Lines = append(v.Lines, t)
		v.Units += t.Sent
	}
	return v, rows.Err()
}

// DispatchOrder is how an approved allocation is to travel.
type DispatchOrder struct {
	Mode    string
	Route   string
	Vehicle string
	Driver  string
}

// DispatchLink is a dispatch note made for an allocation and the secret
// of its one-time sign-off link.
type DispatchLink struct {
	ID     int64
	DocNo  string
	Secret string
}

// DispatchAllocation sends an approved allocation on its way: one
// dispatch note per warehouse its lots are in, stock taken (never below
// zero), the request lines fulfilled by what leaves, the request closed
// once nothing is open, and the allocation marked dispatched, all in one
// transaction.
func (db *DB) DispatchAllocation(ctx context.Context, a audit.Actor, allocID int64, o DispatchOrder) ([]DispatchLink, error) {
	if err := checkMode(&Dispatch{Mode: o.Mode, Route: o.Route, Vehicle: o.Vehicle}); err != nil {
		return nil, err
	}
	var links []DispatchLink
	err := db.Write(ctx, func(tx *Tx) error {
		links = links[:0]
		var status, recipient string
		var requestID int64
		err := tx.queryRow(ctx, `SELECT a.status, a.request_id, c.name FROM allocations a JOIN alloc_requests r ON r.id = a.request_id
			JOIN recipients c ON c.id = r.recipient_id WHERE a.id = ?`, allocID).Scan(&status, &requestID, &recipient)
		if errors.Is(err, sql.ErrNoRows) {
			return boai.Errorf(boai.ENOTFOUND, "调拨方案不存在 / allocation not found")
		} else if err != nil {
			return err
		}
		if status != allocation.Approved {
			return boai.Errorf(boai.ECONFLICT, "只有已批准的调拨方案才能出库 / only an approved allocation can be dispatched")
		}
		rows, err := tx.query(ctx, `SELECT al.request_line_id, al.lot_id, al.quantity, s.warehouse_id FROM allocation_lines al
			JOIN stock_lots s ON s.id = al.lot_id WHERE al.allocation_id = ? AND al.quantity > 0 ORDER BY al.id`, allocID)
		if err != nil {
			return err
		}
		byWarehouse := map[int64]*stock.Doc{}
		var order []int64
		fulfil := map[int64]int64{}
		for rows.Next() {
			var line, lot, qty, wh int64
			if err := rows.Scan(&line, &lot, &qty, &wh); err != nil {
				rows.Close()
				return err
			}
			d := byWarehouse[wh]
			if d == nil {
				d = &stock.Doc{Kind: stock.Dispatch, WarehouseID: wh, Recipient: recipient, Note: fmt.Sprintf("调拨方案 #%d", allocID),
					CreatedBy: a.Username, CreatedAt: db.Now()}
				byWarehouse[wh] = d
				order = append(order, wh)
			}
			d.Lines = append(d.Lines, stock.Line{LotID: lot, Quantity: qty})
			fulfil[line] += qty
		}
		rows.Close()
		if len(order) == 0 {
			return boai.Errorf(boai.EINVALID, "方案中没有可出库的数量 / nothing to dispatch on this allocation")
		}
		// Leave the allocation first, so its own reservation no longer
		// counts against the stock it takes.
		if _, err := tx.exec(ctx, "UPDATE allocations SET status = ? WHERE id = ?", allocation.Dispatched, allocID); err != nil {
			return err
		}
		for _, wh := range order {
			d := &Dispatch{Doc: byWarehouse[wh], Mode: o.Mode, Recipient: recipient, Route: o.Route, Vehicle: o.Vehicle, Driver: o.Driver, AllocationID: allocID}
			if err := d.Doc.Validate(); err != nil {
				return err
			}
			secret, err := tx.createDispatch(ctx, a, d)
			if err != nil {
				return err
			}
			links = append(links, DispatchLink{ID: d.ID, DocNo: d.Doc.No, Secret: secret})
		}
		for line, qty := range fulfil {
			res, err := tx.exec(ctx, "UPDATE alloc_request_lines SET fulfilled = fulfilled + ? WHERE id = ? AND quantity >= fulfilled + ?", qty, line, qty)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return boai.Errorf(boai.ECONFLICT, "出库数量超过申请未满足的数量 / this would send more than is still asked for")
			}
		}
		var open int64
		if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM alloc_request_lines WHERE request_id = ? AND quantity > fulfilled", requestID).Scan(&open); err != nil {
			return err
		}
		if open == 0 {
			if _, err := tx.exec(ctx, "UPDATE alloc_requests SET status = 'fulfilled' WHERE id = ?", requestID); err != nil {
				return err
			}
		}
		return tx.audit(ctx, a, "allocation.dispatch", "allocation", allocID, nil, map[string]any{"dispatches": links, "order": o})
	})
	if err != nil {
		return nil, err
	}
	return links, nil
}

// RelinkDispatch replaces the sign-off link of a dispatch not yet signed
// for (a reprinted dispatch note carries a new QR code; the old one stops
// working) and returns the new secret.
func (db *DB) RelinkDispatch(ctx context.Context, a audit.Actor, id int64) (string, error) {
	secret := auth.NewSecret("sign_")
	err := db.Write(ctx, func(tx *Tx) error {
		var signed sql.NullInt64
		if err := tx.queryRow(ctx, "SELECT signed_at FROM dispatches WHERE id = ?", id).Scan(&signed); errors.Is(err, sql.ErrNoRows) {
			return boai.Errorf(boai.ENOTFOUND, "出库单不存在 / dispatch not found")
		} else if err != nil {
			return err
		}
		if signed.Valid {
			return boai.Errorf(boai.ECONFLICT, "该批物资已签收 / these goods have already been signed for")
		}
		if _, err := tx.exec(ctx, "UPDATE dispatches SET token_hash = ? WHERE id = ?", auth.HashSecret(secret), id); err != nil {
			return err
		}
		return tx.audit(ctx, a, "dispatch.relink", "dispatch", id, nil, nil)
	})
	return secret, err
}

// itemColumns and itemDest read a goods item joined as i.
const itemColumns = "i.id, i.code, i.name, i.name_en, i.spec, i.unit, i.pack_unit, i.pack_size, i.medical_grade"

func itemDest(it *goods.Item) []any {
	return []any{&it.ID, &it.Code, &it.Name, &it.NameEn, &it.Spec, &it.Unit, &it.PackUnit, &it.PackSize, &it.MedicalGrade}
}

// DispatchSecretMatches reports whether secret is the current sign-off
// link of dispatch id (so a note printed right after dispatch carries the
// link just shown, rather than replacing it).
func (db *DB) DispatchSecretMatches(ctx context.Context, id int64, secret string) bool {
	var n int
	err := db.queryRow(ctx, "SELECT COUNT(*) FROM dispatches WHERE id = ? AND token_hash = ? AND signed_at IS NULL", id, auth.HashSecret(secret)).Scan(&n)
	return err == nil && n == 1
}

// PendingSteps counts the allocations waiting at each approval step: the
// in-app notice of what awaits an approver.
func (db *DB) PendingSteps(ctx context.Context) (map[int]int, error) {
	rows, err := db.query(ctx, "SELECT step, COUNT(*) FROM allocations WHERE status = 'pending' GROUP BY step")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int]int{}
	for rows.Next() {
		var step, n int
		if err := rows.Scan(&step, &n); err != nil {
			return nil, err
		}
		out[step] = n
	}
	return out, rows.Err()
}

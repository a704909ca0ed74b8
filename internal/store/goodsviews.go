package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"boai"
	"boai/internal/donation"
	"boai/internal/goods"
	"boai/internal/inkind"
	"boai/internal/stock"
)

// InKindSummary is an in-kind donation in a list.
type InKindSummary struct {
	ID          int64
	CertNo      string
	Donor       donation.Donor
	Designation donation.Designation
	ReceivedAt  time.Time
	Status      string
	Lines       int
	Units       int64 // declared
	Signed      int   // sign-offs recorded
}

// ListInKind lists in-kind donations, newest first; status "" for all.
func (db *DB) ListInKind(ctx context.Context, status string, limit int) ([]InKindSummary, error) {
	rows, err := db.query(ctx, `SELECT d.id, d.cert_no, d.donor_kind, d.donor_name, d.anonymous, d.designation_kind, d.designation_target, d.received_at, d.status,
			(SELECT COUNT(*) FROM inkind_lines l WHERE l.donation_id = d.id),
			(SELECT COALESCE(SUM(l.declared), 0) FROM inkind_lines l WHERE l.donation_id = d.id),
			(SELECT COUNT(*) FROM inkind_signoffs s WHERE s.donation_id = d.id)
		FROM inkind_donations d WHERE (? = '' OR d.status = ?) ORDER BY d.id DESC LIMIT ?`, status, status, limit)
	if err != nil {
		return nil, fmt.Errorf("list in-kind donations: %w", err)
	}
	defer rows.Close()
	var out []InKindSummary
	for rows.Next() {
		var s InKindSummary
		var at int64
		if err := rows.Scan(&s.ID, &s.CertNo, &s.Donor.Kind, &s.Donor.Name, &s.Donor.Anonymous, &s.Designation.Kind, &s.Designation.Target,
			&at, &s.Status, &s.Lines, &s.Units, &s.Signed); err != nil {
			return nil, err
		}
		s.ReceivedAt = fromMicros(at)
		out = append(out, s)
	}
	return out, rows.Err()
}

// InKindByCert finds an in-kind donation by its certificate number.
func (db *DB) InKindByCert(ctx context.Context, cert string) (*inkind.Donation, error) {
	var id int64
	if err := db.queryRow(ctx, "SELECT id FROM inkind_donations WHERE cert_no = ?", cert).Scan(&id); errors.Is(err, sql.ErrNoRows) {
		return nil, boai.Errorf(boai.ENOTFOUND, "物资捐赠不存在 / in-kind donation not found")
	} else if err != nil {
		return nil, err
	}
	return db.InKind(ctx, id)
}

// ItemsByID returns the catalogue items with the given ids.
func (db *DB) ItemsByID(ctx context.Context, ids []int64) (map[int64]goods.Item, error) {
	out := map[int64]goods.Item{}
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := db.query(ctx, itemSelect+" WHERE id IN ("+strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ")+")", args...)
	if err != nil {
		return nil, fmt.Errorf("items: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			return nil, err
		}
		out[it.ID] = *it
	}
	return out, rows.Err()
}

// ItemByCode returns the catalogue item with exactly this code.
func (db *DB) ItemByCode(ctx context.Context, code string) (*goods.Item, error) {
	return scanItem(db.queryRow(ctx, `SELECT id, category_id, code, name, name_en, spec, unit, pack_unit, pack_size, medical_grade, active
		FROM goods_items WHERE code = ?`, code))
}

// ListPreArrivals lists pre-arrival notices by expected day; open limits
// it to those with goods still expected.
func (db *DB) ListPreArrivals(ctx context.Context, open bool, limit int) ([]inkind.PreArrival, error) {
	rows, err := db.query(ctx, `SELECT p.id FROM prearrivals p WHERE (? = FALSE OR EXISTS (SELECT 1 FROM prearrival_lines l
		WHERE l.prearrival_id = p.id AND l.expected > l.arrived)) ORDER BY p.expected_on, p.id LIMIT ?`, open, limit)
	if err != nil {
		return nil, fmt.Errorf("list pre-arrivals: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	out := make([]inkind.PreArrival, 0, len(ids))
	for _, id := range ids {
		p, err := db.PreArrival(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, *p)
	}
	return out, nil
}

// Warehouses lists every warehouse.
func (db *DB) Warehouses(ctx context.Context) ([]stock.Warehouse, error) {
	rows, err := db.query(ctx, "SELECT id, code, name, kind, branch_id FROM warehouses ORDER BY id")
	if err != nil {
		return nil, fmt.Errorf("warehouses: %w", err)
	}
	defer rows.Close()
	var out []stock.Warehouse
	for rows.Next() {
		var w stock.Warehouse
		if err := rows.Scan(&w.ID, &w.Code, &w.Name, &w.Kind, &w.BranchID); err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// Destination is where goods of an in-kind donation went: a dispatch of
// one of its lots, to a recipient institution, and whether it was signed
// for. Institutions are public; people are not named.
type Destination struct {
	DispatchID int64
	LineNo     int // 1-based line of the donation
	Item       goods.Item
	Recipient  string
	Mode       string
	Sent       int64
	Received   int64 // -1 until signed for
	SentAt     time.Time
	SignedAt   time.Time
}

// InKindDestinations lists where the goods of an in-kind donation went,
// following each dispatched unit back to the donation's lines.
func (db *DB) InKindDestinations(ctx context.Context, donationID int64) ([]Destination, error) {
	rows, err := db.query(ctx, `SELECT d.id, il.line_no, d.recipient, d.mode, -m.delta, COALESCE(dr.received, -1), d.created_at, d.signed_at, `+itemColumns+`
		FROM inkind_lines il JOIN stock_lots l ON l.source_line = il.id JOIN stock_moves m ON m.lot_id = l.id
		JOIN dispatches d ON d.doc_id = m.doc_id JOIN goods_items i ON i.id = il.item_id
		LEFT JOIN dispatch_receipts dr ON dr.dispatch_id = d.id AND dr.lot_id = l.id
		WHERE il.donation_id = ? AND m.delta < 0 ORDER BY d.created_at, d.id`, donationID)
	if err != nil {
		return nil, fmt.Errorf("in-kind destinations: %w", err)
	}
	defer rows.Close()
	var out []Destination
	for rows.Next() {
		var d Destination
		var at int64
		var signed sql.NullInt64
		if err := rows.Scan(append([]any{&d.DispatchID, &d.LineNo, &d.Recipient, &d.Mode, &d.Sent, &d.Received, &at, &signed}, itemDest(&d.Item)...)...); err != nil {
			return nil, err
		}
		d.LineNo++
		d.SentAt, d.SignedAt = fromMicros(at), nullMicros(signed)
		out = append(out, d)
	}
	return out, rows.Err()
}

// RecordByImportRefPrefix finds the in-kind donation (or, with requests,
// the allocation request) kept under an import reference starting with
// prefix: how a repeated API request finds what its key made before.
func (db *DB) RecordByImportRefPrefix(ctx context.Context, requests bool, prefix string) (id int64, ref string, err error) {
	table := "inkind_donations"
	if requests {
		table = "alloc_requests"
	}
	err = db.queryRow(ctx, "SELECT id, import_ref FROM "+table+" WHERE import_ref LIKE ? ORDER BY id LIMIT 1",
		escapeLike(prefix)+"%").Scan(&id, &ref)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", nil
	}
	return id, ref, err
}

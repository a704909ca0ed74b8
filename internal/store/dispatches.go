package store

import (
	"boai/internal/publog"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"boai"
	"boai/internal/audit"
	"boai/internal/auth"
	"boai/internal/goods"
	"boai/internal/stock"
)

// Dispatch is goods leaving on a dispatch note, and how they travel.
type Dispatch struct {
	ID           int64
	Doc          *stock.Doc
	Mode         string
	Recipient    string
	Route        string
	Vehicle      string
	Driver       string
	AllocationID int64 // the approved allocation it carries out; 0 for none
}

func checkMode(d *Dispatch) error {
	if !slices.Contains([]string{stock.PointToPoint, stock.Relay, stock.Storage}, d.Mode) {
		return boai.Errorf(boai.EINVALID, "运送方式须为点对点、接驳或入库 / mode: point_to_point, relay or storage")
	}
	if d.Mode == stock.Relay && (strings.TrimSpace(d.Route) == "" || strings.TrimSpace(d.Vehicle) == "") {
		return boai.Errorf(boai.EINVALID, "接驳运送须填写线路和车辆 / a relay needs its route and vehicle")
	}
	return nil
}

// CreateDispatch records the dispatch note (stock leaves, never below
// zero) and the dispatch, and returns the one-time secret of the link the
// recipient signs through. Only its hash is kept.
func (db *DB) CreateDispatch(ctx context.Context, a audit.Actor, d *Dispatch) (string, error) {
	if err := checkMode(d); err != nil {
		return "", err
	}
	d.Doc.Kind, d.Doc.Recipient = stock.Dispatch, d.Recipient
	if err := d.Doc.Validate(); err != nil {
		return "", err
	}
	d.Doc.CreatedBy, d.Doc.CreatedAt = a.Username, db.Now()
	lines := slices.Clone(d.Doc.Lines)
	var secret string
	err := db.Write(ctx, func(tx *Tx) error {
		d.Doc.Lines = slices.Clone(lines)
		var err error
		secret, err = tx.createDispatch(ctx, a, d)
		return err
	})
	if err != nil {
		return "", err
	}
	return secret, nil
}

func (tx *Tx) createDispatch(ctx context.Context, a audit.Actor, d *Dispatch) (string, error) {
	d.Doc.Kind, d.Doc.Recipient = stock.Dispatch, d.Recipient
	if err := tx.checkUnreserved(ctx, d.Doc); err != nil {
		return "", err
	}
	if err := tx.recordDoc(ctx, a, d.Doc); err != nil {
		return "", err
	}
	secret := auth.NewSecret("sign_")
	id, err := tx.insert(ctx, `INSERT INTO dispatches (doc_id, mode, recipient, route, vehicle, driver, token_hash, created_by, created_at, allocation_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, d.Doc.ID, d.Mode, d.Recipient, d.Route, d.Vehicle, d.Driver, auth.HashSecret(secret),
		a.Username, micros(d.Doc.CreatedAt), nullID(d.AllocationID))
	if err != nil {
		return "", fmt.Errorf("insert dispatch: %w", err)
	}
	d.ID = id
	return secret, tx.audit(ctx, a, "dispatch.create", "dispatch", id, nil, map[string]any{"doc": d.Doc.No, "mode": d.Mode, "recipient": d.Recipient,
		"allocation": d.AllocationID})
}

// checkUnreserved refuses a dispatch that would take stock live
// allocations hold for someone else.
func (tx *Tx) checkUnreserved(ctx context.Context, d *stock.Doc) error {
	for i, l := range d.Lines {
		var have, held int64
		if err := tx.queryRow(ctx, "SELECT quantity FROM stock_lots WHERE id = ?", l.LotID).Scan(&have); err != nil {
			continue // recordDoc names the missing lot
		}
		if err := tx.queryRow(ctx, heldOfLot, l.LotID, 0).Scan(&held); err != nil {
			return err
		}
		if held > 0 && l.Quantity > have-held {
			return boai.Errorf(boai.ECONFLICT, "第 %d 行：该批次有 %d 已由待出库的调拨方案预留，可出库 %d / line %d: %d of the lot are held for approved allocations; %d free",
				i+1, held, max(0, have-held), i+1, held, max(0, have-held))
		}
	}
	return nil
}

// SignDispatch is the recipient's sign-off through the one-time link: who
// signed, what arrived of each lot, why anything is short or damaged, and
// a photo. A link signs once.
func (db *DB) SignDispatch(ctx context.Context, secret, signer string, got []stock.Received, note string, photo []byte) error {
	signer = strings.TrimSpace(signer)
	if signer == "" {
		return boai.Errorf(boai.EINVALID, "请填写签收人姓名 / who is signing?")
	}
	if len(photo) > 8<<20 {
		return boai.Errorf(boai.EINVALID, "照片不能超过 8 MB / the photo may be 8 MB at most")
	}
	return db.Write(ctx, func(tx *Tx) error {
		var id, docID int64
		var signed sql.NullInt64
		err := tx.queryRow(ctx, "SELECT id, doc_id, signed_at FROM dispatches WHERE token_hash = ?", auth.HashSecret(secret)).Scan(&id, &docID, &signed)
		if errors.Is(err, sql.ErrNoRows) {
			return boai.Errorf(boai.ENOTFOUND, "签收链接无效 / this sign-off link is not valid")
		} else if err != nil {
			return err
		}
		if signed.Valid {
			return boai.Errorf(boai.ECONFLICT, "该批物资已签收 / these goods have already been signed for")
		}
		sent := map[int64]int64{}
		rows, err := tx.query(ctx, "SELECT lot_id, -delta FROM stock_moves WHERE doc_id = ? AND delta < 0", docID)
		if err != nil {
			return err
		}
		for rows.Next() {
			var lot, n int64
			if err := rows.Scan(&lot, &n); err != nil {
				rows.Close()
				return err
			}
			sent[lot] += n
		}
		rows.Close()
		if len(got) != len(sent) {
			return boai.Errorf(boai.EINVALID, "请逐项填写实收数量（共 %d 项）/ give the received quantity of each of the %d lines", len(sent), len(sent))
		}
		for _, g := range got {
			n, ok := sent[g.LotID]
			switch {
			case !ok:
				return boai.Errorf(boai.EINVALID, "该批次不在本出库单中 / that lot is not on this dispatch")
			case g.Received < 0 || g.Received > n:
				return boai.Errorf(boai.EINVALID, "实收数量须在 0 到 %d 之间 / received must be between 0 and %d", n, n)
			case g.Received < n && strings.TrimSpace(g.Reason) == "":
				return boai.Errorf(boai.EINVALID, "短少或破损须写明原因 / a shortfall or damage needs its reason")
			}
			if _, err := tx.exec(ctx, "INSERT INTO dispatch_receipts (dispatch_id, lot_id, sent, received, reason) VALUES (?, ?, ?, ?, ?)",
				id, g.LotID, n, g.Received, strings.TrimSpace(g.Reason)); err != nil {
				return err
			}
		}
		if _, err := tx.exec(ctx, "UPDATE dispatches SET signed_at = ?, signed_by = ?, note = ?, photo = ? WHERE id = ?",
			micros(db.Now()), signer, strings.TrimSpace(note), photo, id); err != nil {
			return err
		}
		if err := tx.logFact(ctx, publog.Dispatch, id); err != nil {
			return err
		}
		return tx.audit(ctx, audit.Actor{Username: signer, Role: "recipient", Via: "sign-link"}, "dispatch.sign", "dispatch", id, nil,
			map[string]any{"received": got, "note": note, "photo_bytes": len(photo)})
	})
}

// SignLine is a dispatched lot as the recipient sees it on the sign page.
type SignLine struct {
	LotID int64
	Item  string // name and specification
	Unit  string
	Sent  int64
}

// SignView is what the one-time link shows.
type SignView struct {
	DocNo     string
	Recipient string
	Mode      string
	SignedAt  time.Time
	SignedBy  string
	Lines     []SignLine
}

// DispatchForSigning returns the dispatch a sign-off link belongs to.
func (db *DB) DispatchForSigning(ctx context.Context, secret string) (*SignView, error) {
	v := &SignView{}
	var docID int64
	var signed sql.NullInt64
	err := db.queryRow(ctx, `SELECT d.doc_id, s.no, d.recipient, d.mode, d.signed_at, d.signed_by FROM dispatches d JOIN stock_docs s ON s.id = d.doc_id
		WHERE d.token_hash = ?`, auth.HashSecret(secret)).Scan(&docID, &v.DocNo, &v.Recipient, &v.Mode, &signed, &v.SignedBy)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, boai.Errorf(boai.ENOTFOUND, "签收链接无效 / this sign-off link is not valid")
	} else if err != nil {
		return nil, err
	}
	v.SignedAt = nullMicros(signed)
	rows, err := db.query(ctx, `SELECT m.lot_id, i.name, i.spec, i.unit, -m.delta FROM stock_moves m JOIN goods_items i ON i.id = m.item_id
		WHERE m.doc_id = ? AND m.delta < 0 ORDER BY m.id`, docID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var l SignLine
		var it goods.Item
		if err := rows.Scan(&l.LotID, &it.Name, &it.Spec, &l.Unit, &l.Sent); err != nil {
			return nil, err
		}
		l.Item = it.Label()
		v.Lines = append(v.Lines, l)
	}
	return v, rows.Err()
}

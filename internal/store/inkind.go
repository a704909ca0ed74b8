package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"boai"
	"boai/internal/audit"
	"boai/internal/donation"
	"boai/internal/inkind"
	"boai/internal/ledger"
	"boai/internal/money"
	"boai/internal/publog"
	"boai/internal/stock"
)

// CreateInKind records an in-kind donation as it arrives: the donor's
// declaration, line by line. Sign-offs follow; stock changes only at
// settlement.
func (db *DB) CreateInKind(ctx context.Context, a audit.Actor, d *inkind.Donation) error {
	if err := db.prepareInKind(a, d); err != nil {
		return err
	}
	return db.Write(ctx, func(tx *Tx) error { return tx.createInKind(ctx, a, d, "") })
}

// prepareInKind checks d and readies it as an intake awaiting sign-off.
func (db *DB) prepareInKind(a audit.Actor, d *inkind.Donation) error {
	if err := d.Validate(); err != nil {
		return err
	}
	if d.ReceivedAt.IsZero() {
		d.ReceivedAt = db.Now()
	}
	d.Status, d.CreatedBy = inkind.Receiving, a.Username
	d.CertNo = donation.NewCertNo(CertPrefix+"W", d.ReceivedAt, CertLocation)
	return nil
}

// createInKind inserts d; importRef is the reference of the imported
// rows it came from, "" when entered by hand.
func (tx *Tx) createInKind(ctx context.Context, a audit.Actor, d *inkind.Donation, importRef string) error {
	id, err := tx.insert(ctx, `INSERT INTO inkind_donations (cert_no, branch_id, donor_kind, donor_name, donor_phone, anonymous,
		designation_kind, designation_target, received_at, status, created_by, created_at, import_ref) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		d.CertNo, d.BranchID, d.Donor.Kind, d.Donor.Name, d.Donor.Phone, d.Donor.Anonymous, d.Designation.Kind,
		d.Designation.Target, micros(d.ReceivedAt), d.Status, d.CreatedBy, micros(tx.db.Now()), nullString(importRef))
	if err != nil {
		return fmt.Errorf("insert in-kind donation: %w", err)
	}
	d.ID = id
	for i := range d.Lines {
		l := &d.Lines[i]
		if err := tx.queryRow(ctx, "SELECT medical_grade FROM goods_items WHERE id = ?", l.ItemID).Scan(&l.MedicalGrade); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return boai.Errorf(boai.EINVALID, "第 %d 行：物资不存在 / line %d: no such item", i+1, i+1)
			}
			return err
		}
		if _, err := tx.exec(ctx, `INSERT INTO inkind_lines (donation_id, line_no, item_id, spec, declared, batch, produced_on,
			expires_on, valuation, declared_fen, evidence_kind, evidence_ref, appraiser, report_no, appraised_fen, appraised_on)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, i, l.ItemID, l.Spec, l.Declared, l.Batch, l.ProducedOn,
			l.ExpiresOn, l.Valuation, l.DeclaredFen, l.EvidenceKind, l.EvidenceRef, l.Appraiser, l.ReportNo, l.AppraisedFen, l.AppraisedOn); err != nil {
			return fmt.Errorf("insert in-kind line %d: %w", i+1, err)
		}
	}
	return tx.audit(ctx, a, "inkind.create", "inkind_donation", id, nil, d)
}

// SignInKind records one person's check of one line. Each role signs a
// line once.
func (db *DB) SignInKind(ctx context.Context, a audit.Actor, id int64, s inkind.SignOff) error {
	s.Person, s.Reason, s.At = strings.TrimSpace(s.Person), strings.TrimSpace(s.Reason), db.Now()
	if s.Person == "" || s.Role == "" || s.Counted < 0 {
		return boai.Errorf(boai.EINVALID, "签收须写明角色、签收人和清点数量 / a sign-off needs the role, the person and the count")
	}
	return db.Write(ctx, func(tx *Tx) error {
		var status string
		if err := tx.queryRow(ctx, "SELECT status FROM inkind_donations WHERE id = ?", id).Scan(&status); errors.Is(err, sql.ErrNoRows) {
			return boai.Errorf(boai.ENOTFOUND, "物资捐赠不存在 / in-kind donation not found")
		} else if err != nil {
			return err
		}
		if status != inkind.Receiving {
			return boai.Errorf(boai.ECONFLICT, "该批物资已完成签收 / this intake is already settled")
		}
		var lines int
		if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM inkind_lines WHERE donation_id = ? AND line_no = ?", id, s.Line).Scan(&lines); err != nil {
			return err
		} else if lines == 0 {
			return boai.Errorf(boai.EINVALID, "没有第 %d 行 / no line %d", s.Line+1, s.Line+1)
		}
		var signed int
		if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM inkind_signoffs WHERE donation_id = ? AND line_no = ? AND role = ?", id, s.Line, s.Role).Scan(&signed); err != nil {
			return err
		} else if signed > 0 {
			return boai.Errorf(boai.ECONFLICT, "第 %d 行已由该角色签收 / line %d is already signed for this role", s.Line+1, s.Line+1)
		}
		sid, err := tx.insert(ctx, `INSERT INTO inkind_signoffs (donation_id, line_no, role, person, counted, verdict, reason, signed_by, at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, s.Line, s.Role, s.Person, s.Counted, s.Verdict, s.Reason, a.Username, micros(s.At))
		if err != nil {
			return fmt.Errorf("insert sign-off: %w", err)
		}
		return tx.audit(ctx, a, "inkind.sign", "inkind_donation", id, nil, map[string]any{"signoff": sid, "line": s.Line + 1, "role": s.Role,
			"person": s.Person, "counted": s.Counted, "verdict": s.Verdict, "reason": s.Reason})
	})
}

// SettleInKind fixes each line's outcome from its sign-offs (inkind.Settle
// with the required roles) and puts the accepted goods into warehouse
// with one goods-received note, kept apart by batch, expiry, designation
// and donor. Quarantined and rejected goods stay out of stock.
func (db *DB) SettleInKind(ctx context.Context, a audit.Actor, id int64, roles []string, warehouse int64) (*inkind.Donation, error) {
	var d *inkind.Donation
	err := db.Write(ctx, func(tx *Tx) error {
		var err error
		if d, err = tx.inKind(ctx, id); err != nil {
			return err
		}
		if d.Status != inkind.Receiving {
			return boai.Errorf(boai.ECONFLICT, "该批物资已完成签收 / this intake is already settled")
		}
		if d.Outcomes, err = inkind.Settle(d.Lines, d.SignOffs, roles); err != nil {
			return err
		}
		doc := &stock.Doc{Kind: stock.Receipt, WarehouseID: warehouse, Note: "物资捐赠 " + d.CertNo, CreatedBy: a.Username, CreatedAt: db.Now()}
		for i, o := range d.Outcomes {
			l := d.Lines[i]
			if _, err := tx.exec(ctx, "UPDATE inkind_lines SET accepted = ?, quarantined = ?, rejected = ? WHERE donation_id = ? AND line_no = ?",
				o.Accepted, o.Quarantined, o.Rejected, id, i); err != nil {
				return err
			}
			if o.Accepted > 0 {
				var src int64
				if err := tx.queryRow(ctx, "SELECT id FROM inkind_lines WHERE donation_id = ? AND line_no = ?", id, i).Scan(&src); err != nil {
					return fmt.Errorf("in-kind line %d: %w", i+1, err)
				}
				doc.Lines = append(doc.Lines, stock.Line{Quantity: o.Accepted, Lot: stock.Lot{ItemID: l.ItemID, Batch: l.Batch, Expiry: l.ExpiresOn,
					DesignationKind: string(d.Designation.Kind), DesignationTarget: d.Designation.Target, Donor: d.Donor.CertificateName(), SourceLine: src}})
			}
		}
		if len(doc.Lines) > 0 {
			if err := doc.Validate(); err != nil {
				return err
			}
			if err := tx.recordDoc(ctx, a, doc); err != nil {
				return err
			}
			d.ReceiptDocID = doc.ID
		}
		d.Status = inkind.Settled
		if _, err := tx.exec(ctx, "UPDATE inkind_donations SET status = ?, receipt_doc_id = ? WHERE id = ?", d.Status, nullID(d.ReceiptDocID), id); err != nil {
			return err
		}
		if err := tx.logFact(ctx, publog.Goods, id); err != nil {
			return err
		}
		// What was accepted goes into the book at value (the goods fund);
		// goods that cannot be appraised are registered only.
		var value money.Fen
		for i, o := range d.Outcomes {
			if v, ok := d.Lines[i].Value(); ok && o.Accepted > 0 {
				value += ledger.GoodsValueOut(v, d.Lines[i].Declared, o.Accepted)
			}
		}
		if value > 0 {
			gt, err := ledger.ForGoods(id, db.Now(), value)
			if err != nil {
				return err
			}
			if _, err := tx.postTxn(ctx, &gt, 0, a.Username); err != nil {
				return err
			}
		}
		return tx.audit(ctx, a, "inkind.settle", "inkind_donation", id, nil, map[string]any{"outcomes": d.Outcomes, "receipt_doc": doc.No})
	})
	return d, err
}

// InKind returns an in-kind donation with its lines and sign-offs.
func (db *DB) InKind(ctx context.Context, id int64) (*inkind.Donation, error) {
	var d *inkind.Donation
	err := db.readTx(ctx, func(tx *Tx) error {
		var err error
		d, err = tx.inKind(ctx, id)
		return err
	})
	return d, err
}

func (t *Tx) inKind(ctx context.Context, id int64) (*inkind.Donation, error) {
	d := &inkind.Donation{ID: id}
	var received int64
	var doc sql.NullInt64
	err := t.queryRow(ctx, `SELECT cert_no, branch_id, donor_kind, donor_name, donor_phone, anonymous, designation_kind, designation_target,
		received_at, status, receipt_doc_id, created_by FROM inkind_donations WHERE id = ?`, id).Scan(&d.CertNo, &d.BranchID, &d.Donor.Kind,
		&d.Donor.Name, &d.Donor.Phone, &d.Donor.Anonymous, &d.Designation.Kind, &d.Designation.Target, &received, &d.Status, &doc, &d.CreatedBy)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, boai.Errorf(boai.ENOTFOUND, "物资捐赠不存在 / in-kind donation not found")
	} else if err != nil {
		return nil, err
	}
	d.ReceivedAt, d.ReceiptDocID = fromMicros(received), doc.Int64
	rows, err := t.query(ctx, `SELECT l.item_id, i.medical_grade, l.spec, l.declared, l.batch, l.produced_on, l.expires_on, l.valuation,
		l.declared_fen, l.evidence_kind, l.evidence_ref, l.appraiser, l.report_no, l.appraised_fen, l.appraised_on
		FROM inkind_lines l JOIN goods_items i ON i.id = l.item_id WHERE l.donation_id = ? ORDER BY l.line_no`, id)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var l inkind.Line
		if err := rows.Scan(&l.ItemID, &l.MedicalGrade, &l.Spec, &l.Declared, &l.Batch, &l.ProducedOn, &l.ExpiresOn, &l.Valuation,
			&l.DeclaredFen, &l.EvidenceKind, &l.EvidenceRef, &l.Appraiser, &l.ReportNo, &l.AppraisedFen, &l.AppraisedOn); err != nil {
			rows.Close()
			return nil, err
		}
		d.Lines = append(d.Lines, l)
	}
	rows.Close()
	rows, err = t.query(ctx, "SELECT line_no, role, person, counted, verdict, reason, at FROM inkind_signoffs WHERE donation_id = ? ORDER BY id", id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var s inkind.SignOff
		var at int64
		if err := rows.Scan(&s.Line, &s.Role, &s.Person, &s.Counted, &s.Verdict, &s.Reason, &at); err != nil {
			return nil, err
		}
		s.At = fromMicros(at)
		d.SignOffs = append(d.SignOffs, s)
	}
	return d, rows.Err()
}

// CreatePreArrival records goods pledged for a day.
func (db *DB) CreatePreArrival(ctx context.Context, a audit.Actor, p *inkind.PreArrival) error {
	if err := p.Validate(); err != nil {
		return err
	}
	return db.Write(ctx, func(tx *Tx) error {
		id, err := tx.insert(ctx, `INSERT INTO prearrivals (branch_id, donor_kind, donor_name, anonymous, designation_kind, designation_target,
			expected_on, note, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.BranchID, p.Donor.Kind, p.Donor.Name,
			p.Donor.Anonymous, p.Designation.Kind, p.Designation.Target, p.ExpectedOn, p.Note, a.Username, micros(db.Now()))
		if err != nil {
			return fmt.Errorf("insert pre-arrival: %w", err)
		}
		p.ID = id
		for i, l := range p.Lines {
			if _, err := tx.exec(ctx, "INSERT INTO prearrival_lines (prearrival_id, line_no, item_id, expected) VALUES (?, ?, ?, ?)",
				id, i, l.ItemID, l.Expected); err != nil {
				return fmt.Errorf("insert pre-arrival line %d: %w", i+1, err)
			}
		}
		return tx.audit(ctx, a, "prearrival.create", "prearrival", id, nil, p)
	})
}

// ArrivePreArrival records an arrival of counted quantities against a
// notice: the arrived goods become an in-kind donation to sign for, and
// what did not come stays expected.
func (db *DB) ArrivePreArrival(ctx context.Context, a audit.Actor, id int64, counted map[int]int64) (*inkind.Donation, error) {
	var d *inkind.Donation
	err := db.Write(ctx, func(tx *Tx) error {
		p, err := tx.preArrival(ctx, id)
		if err != nil {
			return err
		}
		lines, err := p.Arrive(counted)
		if err != nil {
			return err
		}
		for i, l := range p.Lines {
			if _, err := tx.exec(ctx, "UPDATE prearrival_lines SET arrived = ? WHERE prearrival_id = ? AND line_no = ?", l.Arrived, id, i); err != nil {
				return err
			}
		}
		now := db.Now()
		d = &inkind.Donation{BranchID: p.BranchID, Donor: p.Donor, Designation: p.Designation, Lines: lines, ReceivedAt: now,
			Status: inkind.Receiving, CreatedBy: a.Username, CertNo: donation.NewCertNo(CertPrefix+"W", now, CertLocation)}
		if err := tx.createInKind(ctx, a, d, ""); err != nil {
			return err
		}
		return tx.audit(ctx, a, "prearrival.arrive", "prearrival", id, nil, map[string]any{"inkind_donation": d.ID, "lines": p.Lines})
	})
	return d, err
}

// PreArrival returns a notice with its lines.
func (db *DB) PreArrival(ctx context.Context, id int64) (*inkind.PreArrival, error) {
	var p *inkind.PreArrival
	err := db.readTx(ctx, func(tx *Tx) error {
		var err error
		p, err = tx.preArrival(ctx, id)
		return err
	})
	return p, err
}

func (tx *Tx) preArrival(ctx context.Context, id int64) (*inkind.PreArrival, error) {
	p := &inkind.PreArrival{ID: id}
	err := tx.queryRow(ctx, `SELECT branch_id, donor_kind, donor_name, anonymous, designation_kind, designation_target, expected_on, note
		FROM prearrivals WHERE id = ?`, id).Scan(&p.BranchID, &p.Donor.Kind, &p.Donor.Name, &p.Donor.Anonymous, &p.Designation.Kind,
		&p.Designation.Target, &p.ExpectedOn, &p.Note)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, boai.Errorf(boai.ENOTFOUND, "预到单不存在 / pre-arrival notice not found")
	} else if err != nil {
		return nil, err
	}
	rows, err := tx.query(ctx, "SELECT item_id, expected, arrived FROM prearrival_lines WHERE prearrival_id = ? ORDER BY line_no", id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var l inkind.Expected
		if err := rows.Scan(&l.ItemID, &l.Expected, &l.Arrived); err != nil {
			return nil, err
		}
		p.Lines = append(p.Lines, l)
	}
	return p, rows.Err()
}

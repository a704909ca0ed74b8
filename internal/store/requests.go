package store

import (
	"context"
	"fmt"
	"strings"

	"boai"
	"boai/internal/allocation"
	"boai/internal/audit"
)

// CreateRecipient registers a requesting unit.
func (db *DB) CreateRecipient(ctx context.Context, a audit.Actor, r *allocation.Recipient) error {
	if err := r.Validate(allocation.DefaultClasses); err != nil {
		return err
	}
	return db.Write(ctx, func(tx *Tx) error {
		id, err := tx.insert(ctx, "INSERT INTO recipients (name, class, contact, phone, address) VALUES (?, ?, ?, ?, ?)",
			r.Name, r.Class, r.Contact, r.Phone, r.Address)
		if err != nil {
			if isUniqueViolation(err) {
				return boai.Errorf(boai.ECONFLICT, "“%s”已登记为申请单位 / %q is already registered", r.Name, r.Name)
			}
			return fmt.Errorf("insert recipient: %w", err)
		}
		r.ID = id
		return tx.audit(ctx, a, "recipient.create", "recipient", id, nil, r)
	})
}

// CreateAllocRequest records a request with its lines.
func (db *DB) CreateAllocRequest(ctx context.Context, a audit.Actor, r *allocation.AllocRequest) error {
	if err := db.prepareAllocRequest(r); err != nil {
		return err
	}
	return db.Write(ctx, func(tx *Tx) error { return tx.createAllocRequest(ctx, a, r, "") })
}

// prepareAllocRequest checks r and readies it as an open request.
func (db *DB) prepareAllocRequest(r *allocation.AllocRequest) error {
	if err := r.Validate(); err != nil {
		return err
	}
	r.Status, r.SubmittedAt = "open", db.Now()
	return nil
}

// createAllocRequest inserts r; importRef is the reference of the
// imported rows it came from, "" when entered by hand.
func (tx *Tx) createAllocRequest(ctx context.Context, a audit.Actor, r *allocation.AllocRequest, importRef string) error {
	id, err := tx.insert(ctx, `INSERT INTO alloc_requests (recipient_id, purpose, urgency, address, contact, status, submitted_at, created_by, import_ref)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, r.RecipientID, r.Purpose, r.Urgency, r.Address, r.Contact, r.Status, micros(r.SubmittedAt), a.Username,
		nullString(importRef))
	if err != nil {
		return fmt.Errorf("insert request: %w", err)
	}
	r.ID = id
	for i := range r.Lines {
		lid, err := tx.insert(ctx, "INSERT INTO alloc_request_lines (request_id, line_no, item_id, quantity) VALUES (?, ?, ?, ?)",
			id, i, r.Lines[i].ItemID, r.Lines[i].Quantity)
		if err != nil {
			return fmt.Errorf("insert request line %d: %w", i+1, err)
		}
		r.Lines[i].ID = lid
	}
	return tx.audit(ctx, a, "request.create", "alloc_request", id, nil, r)
}

// expectedLot keeps the ids of expected goods apart from stock lot ids in
// one proposal.
const expectedLot = int64(1) << 40

// ProposeAllocation proposes how the goods available now and expected by
// forDay go to the open request lines, ranking recipients by classes.
// Goods designated to a named institution go to that recipient; goods
// designated to anything no recipient matches stay put.
func (db *DB) ProposeAllocation(ctx context.Context, forDay string, classes []string) (allocation.Proposal, error) {
	var supply []allocation.Supply
	var reqs []allocation.Request
	err := db.readTx(ctx, func(tx *Tx) error {
		byName := map[string]int64{}
		rows, err := tx.query(ctx, "SELECT id, name FROM recipients")
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			var name string
			if err := rows.Scan(&id, &name); err != nil {
				rows.Close()
				return err
			}
			byName[name] = id
		}
		rows.Close()
		designatedTo := func(kind, target string, id int64) int64 {
			if kind == "" || kind == "undesignated" {
				return 0
			}
			if r, ok := byName[target]; ok && kind == "institution" {
				return r
			}
			if kind == "region" {
				// The region's own recipient: the first registered unit
				// whose name carries the region's (see stock.Lot.Serves).
				best := int64(0)
				for name, r := range byName {
					if target != "" && strings.Contains(name, target) && (best == 0 || r < best) {
						best = r
					}
				}
				if best != 0 {
					return best
				}
			}
			return expectedLot<<1 + id // a designation no request can match: kept for it
		}
		// Stock live allocations hold is not on offer again.
		rows, err = tx.query(ctx, `SELECT s.id, s.item_id, s.warehouse_id, s.quantity - COALESCE(r.q, 0), s.expiry, s.designation_kind, s.designation_target
			FROM stock_lots s LEFT JOIN (`+reservedByLot+`) r ON r.lot_id = s.id WHERE s.quantity > COALESCE(r.q, 0)`)
		if err != nil {
			return err
		}
		for rows.Next() {
			var s allocation.Supply
			var kind, target string
			if err := rows.Scan(&s.LotID, &s.ItemID, &s.WarehouseID, &s.Quantity, &s.Expiry, &kind, &target); err != nil {
				rows.Close()
				return err
			}
			s.DesignatedTo = designatedTo(kind, target, s.LotID)
			supply = append(supply, s)
		}
		rows.Close()
		rows, err = tx.query(ctx, `SELECT pl.id, pl.item_id, pl.expected - pl.arrived, p.designation_kind, p.designation_target
			FROM prearrival_lines pl JOIN prearrivals p ON p.id = pl.prearrival_id WHERE p.expected_on <= ? AND pl.expected > pl.arrived`, forDay)
		if err != nil {
			return err
		}
		for rows.Next() {
			var s allocation.Supply
			var kind, target string
			if err := rows.Scan(&s.LotID, &s.ItemID, &s.Quantity, &kind, &target); err != nil {
				rows.Close()
				return err
			}
			s.LotID += expectedLot
			s.Expected = true
			s.DesignatedTo = designatedTo(kind, target, s.LotID)
			supply = append(supply, s)
		}
		rows.Close()
		// What live allocations already hold of a line is not asked again.
		rows, err = tx.query(ctx, `SELECT l.id, r.id, r.recipient_id, c.class, l.item_id, l.quantity - l.fulfilled - COALESCE(h.q, 0), r.submitted_at
			FROM alloc_request_lines l JOIN alloc_requests r ON r.id = l.request_id JOIN recipients c ON c.id = r.recipient_id
			LEFT JOIN (SELECT al.request_line_id, SUM(al.quantity) AS q FROM allocation_lines al JOIN allocations a ON a.id = al.allocation_id
				WHERE a.status IN ('pending', 'approved') GROUP BY al.request_line_id) h ON h.request_line_id = l.id
			WHERE r.status = 'open' AND l.quantity > l.fulfilled + COALESCE(h.q, 0)`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var q allocation.Request
			var class string
			var at int64
			if err := rows.Scan(&q.LineID, &q.RequestID, &q.RecipientID, &class, &q.ItemID, &q.Quantity, &at); err != nil {
				return err
			}
			q.Class, q.SubmittedAt = allocation.Rank(classes, class), fromMicros(at)
			reqs = append(reqs, q)
		}
		return rows.Err()
	})
	if err != nil {
		return allocation.Proposal{}, err
	}
	return allocation.Propose(supply, reqs)
}

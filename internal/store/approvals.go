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
	"boai/internal/allocation"
	"boai/internal/audit"
	"boai/internal/notify"
	"boai/internal/stock"
)

// AllocLine is one proposed line of an allocation: units of a lot for a
// request line, and why.
type AllocLine struct {
	ID            int64
	RequestLineID int64
	LotID         int64
	Quantity      int64
	Reason        string
}

// Allocation is a proposal under approval.
type Allocation struct {
	ID          int64
	RequestID   int64
	State       allocation.State
	SubmittedAt time.Time
	DecidedAt   time.Time
	Lines       []AllocLine
}

// SubmitAllocation submits the task force's allocation for a request to
// the first approval step and tells the approvers.
func (db *DB) SubmitAllocation(ctx context.Context, a audit.Actor, requestID int64, lines []AllocLine, link string) (*Allocation, error) {
	if len(lines) == 0 {
		return nil, boai.Errorf(boai.EINVALID, "调拨方案至少一行 / an allocation needs at least one line")
	}
	al := &Allocation{RequestID: requestID, State: allocation.State{Status: allocation.Pending}, SubmittedAt: db.Now(), Lines: lines}
	err := db.Write(ctx, func(tx *Tx) error {
		var recipient string
		if err := tx.queryRow(ctx, "SELECT c.name FROM alloc_requests r JOIN recipients c ON c.id = r.recipient_id WHERE r.id = ?", requestID).Scan(&recipient); errors.Is(err, sql.ErrNoRows) {
			return boai.Errorf(boai.ENOTFOUND, "调拨申请不存在 / request not found")
		} else if err != nil {
			return err
		}
		id, err := tx.insert(ctx, "INSERT INTO allocations (request_id, status, step, submitted_at, created_by) VALUES (?, ?, 0, ?, ?)",
			requestID, al.State.Status, micros(al.SubmittedAt), a.Username)
		if err != nil {
			return fmt.Errorf("insert allocation: %w", err)
		}
		al.ID = id
		for i := range al.Lines {
			l := &al.Lines[i]
			if err := tx.checkAllocLine(ctx, requestID, l); err != nil {
				return err
			}
			if l.ID, err = tx.insert(ctx, "INSERT INTO allocation_lines (allocation_id, request_line_id, lot_id, quantity, reason) VALUES (?, ?, ?, ?, ?)",
				id, l.RequestLineID, l.LotID, l.Quantity, l.Reason); err != nil {
				return err
			}
		}
		if err := tx.notifyTx(ctx, notify.Message{Title: "调拨方案待审批 / allocation awaiting approval",
			Text: fmt.Sprintf("%s：%d 行，请在 10 分钟内审批", recipient, len(al.Lines)), URL: allocLink(link, id)}); err != nil {
			return err
		}
		return tx.audit(ctx, a, "allocation.submit", "allocation", id, nil, al)
	})
	return al, err
}

// allocLink is the link a notification carries: a prefix ending in "/"
// gets the allocation's id.
func allocLink(link string, id int64) string {
	if strings.HasSuffix(link, "/") {
		return fmt.Sprintf("%s%d", link, id)
	}
	return link
}

// checkAllocLine refuses a line for another request or above what is
// still open on its request line.
func (t *Tx) checkAllocLine(ctx context.Context, requestID int64, l *AllocLine) error {
	var req, open, held int64
	err := t.queryRow(ctx, "SELECT request_id, quantity - fulfilled FROM alloc_request_lines WHERE id = ?", l.RequestLineID).Scan(&req, &open)
	switch {
	case errors.Is(err, sql.ErrNoRows) || err == nil && req != requestID:
		return boai.Errorf(boai.EINVALID, "申请行 %d 不属于此申请 / request line %d is not part of this request", l.RequestLineID, l.RequestLineID)
	case err != nil:
		return err
	}
	// Other live allocations (and this one's other lines) already hold
	// part of what is open.
	if err := t.queryRow(ctx, heldForLine, l.RequestLineID, l.ID).Scan(&held); err != nil {
		return err
	}
	if open -= held; l.Quantity < 0 || l.Quantity > open {
		open = max(open, 0)
		return boai.Errorf(boai.EINVALID, "调拨数量须在 0 到申请未满足的 %d 之间 / quantity must be between 0 and the %d still asked for", open, open)
	}
	var item, lotItem, have int64
	var recipient string
	if err := t.queryRow(ctx, `SELECT l.item_id, c.name FROM alloc_request_lines l JOIN alloc_requests r ON r.id = l.request_id
		JOIN recipients c ON c.id = r.recipient_id WHERE l.id = ?`, l.RequestLineID).Scan(&item, &recipient); err != nil {
		return err
	}
	var lot stock.Lot
	err = t.queryRow(ctx, "SELECT item_id, quantity, designation_kind, designation_target FROM stock_lots WHERE id = ?", l.LotID).Scan(
		&lotItem, &have, &lot.DesignationKind, &lot.DesignationTarget)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return boai.Errorf(boai.EINVALID, "批次 %d 不在库存中（预到物资到货后再调拨）/ lot %d is not in stock (allocate expected goods once they arrive)", l.LotID, l.LotID)
	case err != nil:
		return err
	case lotItem != item:
		// N95 never stands in for KN95: a lot serves only its own item.
		return boai.Errorf(boai.EINVALID, "批次 %d 的物资与申请不符 / lot %d holds another item than the one asked for", l.LotID, l.LotID)
	case !lot.Serves(recipient):
		return boai.Errorf(boai.EINVALID, "批次 %d 是定向给“%s”的物资，不能调拨给“%s” / lot %d is designated to %q, not %q",
			l.LotID, lot.DesignationTarget, recipient, l.LotID, lot.DesignationTarget, recipient)
	}
	if err := t.queryRow(ctx, heldOfLot, l.LotID, l.ID).Scan(&held); err != nil {
		return err
	}
	if free := have - held; l.Quantity > free {
		return boai.Errorf(boai.ECONFLICT, "批次 %d 可调拨 %d，不足 %d / lot %d has %d free, not %d", l.LotID, max(free, 0), l.Quantity, l.LotID, max(free, 0), l.Quantity)
	}
	return nil
}

// DecideAllocation records an approver's decision at the current step.
// roles names, per step, the roles that may decide there; adjust changes
// line quantities (by allocation line id) as the approver decides.
func (db *DB) DecideAllocation(ctx context.Context, a audit.Actor, id int64, steps []string, roles map[string][]string,
	decision, comment string, adjust map[int64]int64) (*Allocation, error) {
	var al *Allocation
	err := db.Write(ctx, func(tx *Tx) error {
		al = &Allocation{ID: id}
		var submitted int64
		if err := tx.queryRow(ctx, "SELECT request_id, status, step, submitted_at FROM allocations WHERE id = ?", id).Scan(
			&al.RequestID, &al.State.Status, &al.State.Step, &submitted); errors.Is(err, sql.ErrNoRows) {
			return boai.Errorf(boai.ENOTFOUND, "调拨方案不存在 / allocation not found")
		} else if err != nil {
			return err
		}
		al.SubmittedAt = fromMicros(submitted)
		if al.State.Status == allocation.Pending && !allocation.CanDecide(roles, steps[al.State.Step], a.Role) {
			// The role may approve in general, but the allocation stands at
			// another role's step: a conflict with its state.
			return boai.Errorf(boai.ECONFLICT, "本步骤（%s）不由您的角色审批 / your role does not decide at this step", steps[al.State.Step])
		}
		next, err := allocation.Decide(al.State, steps, decision, comment)
		if err != nil {
			return err
		}
		for lineID, qty := range adjust {
			l := AllocLine{ID: lineID, Quantity: qty}
			if err := tx.queryRow(ctx, "SELECT request_line_id, lot_id FROM allocation_lines WHERE id = ? AND allocation_id = ?", lineID, id).Scan(&l.RequestLineID, &l.LotID); err != nil {
				return boai.Errorf(boai.EINVALID, "调拨行 %d 不属于此方案 / line %d is not part of this allocation", lineID, lineID)
			}
			if err := tx.checkAllocLine(ctx, al.RequestID, &l); err != nil {
				return err
			}
			if _, err := tx.exec(ctx, "UPDATE allocation_lines SET quantity = ? WHERE id = ?", qty, lineID); err != nil {
				return err
			}
		}
		now := db.Now()
		if _, err := tx.exec(ctx, "INSERT INTO approval_actions (allocation_id, step, decision, comment, by_user, role, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
			id, al.State.Step, decision, comment, a.Username, a.Role, micros(now)); err != nil {
			return err
		}
		before := al.State
		al.State = next
		decided := any(nil)
		if next.Status == allocation.Approved || next.Status == allocation.Rejected {
			decided, al.DecidedAt = micros(now), now
		}
		if _, err := tx.exec(ctx, "UPDATE allocations SET status = ?, step = ?, decided_at = ? WHERE id = ?", next.Status, next.Step, decided, id); err != nil {
			return err
		}
		if next.Status == allocation.Approved {
			if err := tx.owePaperwork(ctx, id); err != nil {
				return err
			}
			if err := tx.logFact(ctx, publog.Allocation, id); err != nil {
				return err
			}
		}
		if next.Status == allocation.Pending {
			if err := tx.notifyTx(ctx, notify.Message{Title: "调拨方案待下一步审批 / allocation awaiting the next step",
				Text: fmt.Sprintf("方案 #%d 已通过“%s”，请“%s”审批", id, steps[before.Step], steps[next.Step])}); err != nil {
				return err
			}
		}
		return tx.audit(ctx, a, "allocation."+decision, "allocation", id, before, map[string]any{"state": next, "comment": comment, "adjust": adjust})
	})
	return al, err
}

// ApprovalTiming measures approval times of allocations decided since,
// and lists those still pending longer than the 10-minute target.
func (db *DB) ApprovalTiming(ctx context.Context, since, now time.Time) (allocation.Timing, []Allocation, error) {
	var t allocation.Timing
	rows, err := db.query(ctx, "SELECT decided_at - submitted_at FROM allocations WHERE status IN (?, ?) AND decided_at >= ?",
		allocation.Approved, allocation.Dispatched, micros(since))
	if err != nil {
		return t, nil, err
	}
	var ds []time.Duration
	for rows.Next() {
		var us int64
		if err := rows.Scan(&us); err != nil {
			rows.Close()
			return t, nil, err
		}
		ds = append(ds, time.Duration(us)*time.Microsecond)
	}
	rows.Close()
	t = allocation.Times(ds)
	rows, err = db.query(ctx, "SELECT id, request_id, step, submitted_at FROM allocations WHERE status = ? AND submitted_at < ? ORDER BY submitted_at",
		allocation.Pending, micros(now.Add(-allocation.TargetApproval)))
	if err != nil {
		return t, nil, err
	}
	defer rows.Close()
	var late []Allocation
	for rows.Next() {
		al := Allocation{State: allocation.State{Status: allocation.Pending}}
		var at int64
		if err := rows.Scan(&al.ID, &al.RequestID, &al.State.Step, &at); err != nil {
			return t, nil, err
		}
		al.SubmittedAt = fromMicros(at)
		late = append(late, al)
	}
	return t, late, rows.Err()
}

package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"boai/internal/audit"
)

const insertAudit = `INSERT INTO audit_log (at, user_id, username, role, via, ip, action, entity, entity_id, before, after)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

// audit appends to the trail inside the write's own transaction, so a
// write without its audit entry cannot exist. before and after are
// snapshots, marshalled to JSON (nil for none).
func (t *Tx) audit(ctx context.Context, a audit.Actor, action, entity string, id int64, before, after any) error {
	b, err := snapshot(before)
	if err != nil {
		return err
	}
	af, err := snapshot(after)
	if err != nil {
		return err
	}
	_, err = t.exec(ctx, insertAudit,
		micros(t.db.Now()), nullID(a.UserID), a.Username, a.Role, a.Via, a.IP, action, entity, id, b, af)
	if err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	return nil
}

func snapshot(v any) (string, error) {
	if v == nil {
		return "", nil
	}
	if s, ok := v.(string); ok {
		return s, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("audit snapshot: %w", err)
	}
	return string(b), nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func auditWhere(f audit.Filter) (string, []any) {
	var where []string
	var args []any
	if f.Username != "" {
		where, args = append(where, "username = ?"), append(args, f.Username)
	}
	if f.Action != "" {
		where, args = append(where, "action = ?"), append(args, f.Action)
	}
	if f.Entity != "" {
		where, args = append(where, "entity = ?"), append(args, f.Entity)
	}
	if f.EntityID != 0 {
		where, args = append(where, "entity_id = ?"), append(args, f.EntityID)
	}
	if !f.From.IsZero() {
		where, args = append(where, "at >= ?"), append(args, micros(f.From))
	}
	if !f.To.IsZero() {
		where, args = append(where, "at < ?"), append(args, micros(f.To))
	}
	if len(where) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(where, " AND "), args
}

const auditCols = `SELECT id, at, COALESCE(user_id, 0), username, role, via, ip, action, entity, entity_id, before, after FROM audit_log`

func scanAudit(rows *sql.Rows) (audit.Entry, error) {
	var e audit.Entry
	var at int64
	err := rows.Scan(&e.ID, &at, &e.Actor.UserID, &e.Actor.Username, &e.Actor.Role, &e.Actor.Via, &e.Actor.IP,
		&e.Action, &e.Entity, &e.EntityID, &e.Before, &e.After)
	e.At = fromMicros(at)
	return e, err
}

// AuditEntries lists the trail newest first, with the total that matches.
func (db *DB) AuditEntries(ctx context.Context, f audit.Filter) ([]audit.Entry, int, error) {
	cond, args := auditWhere(f)
	var total int
	if err := db.queryRow(ctx, "SELECT COUNT(*) FROM audit_log"+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count audit: %w", err)
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	rows, err := db.query(ctx, auditCols+cond+` ORDER BY id DESC LIMIT ? OFFSET ?`, append(args, limit, f.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("list audit: %w", err)
	}
	defer rows.Close()
	var out []audit.Entry
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, e)
	}
	return out, total, rows.Err()
}

// EachAuditEntry calls fn with every entry f selects, oldest first,
// reading row by row (f's Limit and Offset are ignored): an export or an
// audit package of a busy year does not hold the trail in memory.
func (db *DB) EachAuditEntry(ctx context.Context, f audit.Filter, fn func(audit.Entry) error) error {
	cond, args := auditWhere(f)
	rows, err := db.query(ctx, auditCols+cond+" ORDER BY id", args...)
	if err != nil {
		return fmt.Errorf("read audit: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return err
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return rows.Err()
}

package store

import (
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
	"boai/internal/supervision"
)

// RaiseAlert warns supervisors of kind about subject, once: raising the
// same kind and subject again changes nothing and reports false. A new
// alert is queued for the robots told of alerts in the same transaction.
// This is the call other parts of boai raise their alerts through (the
// daily disclosure's supervision.DisclosureLate, the public log's
// supervision.LogMismatch); inside a store transaction use t.raiseAlert.
func (db *DB) RaiseAlert(ctx context.Context, kind supervision.Kind, subject, message string, sev supervision.Severity) (raised bool, err error) {
	if err := supervision.Check(kind, subject, message, sev); err != nil {
		return false, err
	}
	err = db.Write(ctx, func(t *Tx) error {
		raised, err = t.raiseAlert(ctx, kind, subject, message, sev)
		return err
	})
	return raised, err
}

// raiseAlert is RaiseAlert inside the transaction of what it is about.
func (t *Tx) raiseAlert(ctx context.Context, kind supervision.Kind, subject, message string, sev supervision.Severity) (bool, error) {
	if err := supervision.Check(kind, subject, message, sev); err != nil {
		return false, err
	}
	res, err := t.exec(ctx, `INSERT INTO alerts (kind, ref, message, severity, created_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (kind, ref) DO NOTHING`, string(kind), subject, message, string(sev), micros(t.db.Now()))
	if err != nil {
		return false, fmt.Errorf("raise alert %s %s: %w", kind, subject, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return false, err
	}
	return true, t.notifyTopic(ctx, TopicAlerts, notify.Message{Title: "预警 / alert: " + alertTitles[kind], Text: message})
}

// alertTitles name each kind in the robots' messages (the web pages use
// internal/i18n).
var alertTitles = map[supervision.Kind]string{
	supervision.ExpenditureOverThreshold: "大额支出",
	supervision.RestrictedMisuse:         "定向资金挪用企图",
	supervision.ApprovalLate:             "调拨审批超时",
	supervision.GoodsWaiting:             "物资滞留未出库",
	supervision.ReceiptUnanswered:        "票据申请未处理",
	supervision.DisclosureLate:           "公示逾期",
	supervision.LogMismatch:              "数据库与公开日志不一致",
}

const alertCols = `SELECT id, kind, ref, message, severity, created_at, acked_at, acked_by, ack_note FROM alerts`

func scanAlert(r interface{ Scan(...any) error }) (supervision.Alert, error) {
	var a supervision.Alert
	var kind, sev string
	var at int64
	var acked sql.NullInt64
	if err := r.Scan(&a.ID, &kind, &a.Subject, &a.Message, &sev, &at, &acked, &a.AckedBy, &a.AckNote); err != nil {
		return a, err
	}
	a.Kind, a.Severity, a.CreatedAt, a.AckedAt = supervision.Kind(kind), supervision.Severity(sev), fromMicros(at), nullMicros(acked)
	return a, nil
}

func alertWhere(f supervision.Filter) (string, []any, error) {
	var where []string
	var args []any
	if f.Kind != "" {
		if !f.Kind.Valid() {
			return "", nil, boai.Errorf(boai.EINVALID, "未知的预警类型 %q / unknown alert kind", f.Kind)
		}
		where, args = append(where, "kind = ?"), append(args, string(f.Kind))
	}
	switch f.State {
	case "":
	case "open":
		where = append(where, "acked_at IS NULL")
	case "acked":
		where = append(where, "acked_at IS NOT NULL")
	default:
		return "", nil, boai.Errorf(boai.EINVALID, "状态须为 open 或 acked / state: open or acked")
	}
	if !f.From.IsZero() {
		where, args = append(where, "created_at >= ?"), append(args, micros(f.From))
	}
	if !f.To.IsZero() {
		where, args = append(where, "created_at < ?"), append(args, micros(f.To))
	}
	if len(where) == 0 {
		return "", nil, nil
	}
	return " WHERE " + strings.Join(where, " AND "), args, nil
}

// Alerts lists the alerts f selects, newest first, with how many match.
func (db *DB) Alerts(ctx context.Context, f supervision.Filter) ([]supervision.Alert, int, error) {
	cond, args, err := alertWhere(f)
	if err != nil {
		return nil, 0, err
	}
	var total int
	if err := db.queryRow(ctx, "SELECT COUNT(*) FROM alerts"+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count alerts: %w", err)
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	rows, err := db.query(ctx, alertCols+cond+" ORDER BY id DESC LIMIT ? OFFSET ?", append(args, limit, f.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("list alerts: %w", err)
	}
	defer rows.Close()
	var out []supervision.Alert
	for rows.Next() {
		a, err := scanAlert(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, a)
	}
	return out, total, rows.Err()
}

// OpenAlerts counts the alerts no one has acknowledged, by kind.
func (db *DB) OpenAlerts(ctx context.Context) (map[supervision.Kind]int, error) {
	rows, err := db.query(ctx, "SELECT kind, COUNT(*) FROM alerts WHERE acked_at IS NULL GROUP BY kind")
	if err != nil {
		return nil, fmt.Errorf("open alerts: %w", err)
	}
	defer rows.Close()
	out := map[supervision.Kind]int{}
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			return nil, err
		}
		out[supervision.Kind(k)] = n
	}
	return out, rows.Err()
}

// Alert reads one alert.
func (db *DB) Alert(ctx context.Context, id int64) (supervision.Alert, error) {
	a, err := scanAlert(db.queryRow(ctx, alertCols+" WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return a, boai.Errorf(boai.ENOTFOUND, "预警不存在 / alert not found")
	}
	return a, err
}

// AckAlert records that an administrator has looked into an alert, with
// what they found. An alert is acknowledged once; it is never deleted.
func (db *DB) AckAlert(ctx context.Context, a audit.Actor, id int64, note string) error {
	note, err := supervision.CheckNote(note)
	if err != nil {
		return err
	}
	return db.Write(ctx, func(t *Tx) error {
		before, err := scanAlert(t.queryRow(ctx, alertCols+" WHERE id = ?", id))
		if errors.Is(err, sql.ErrNoRows) {
			return boai.Errorf(boai.ENOTFOUND, "预警不存在 / alert not found")
		} else if err != nil {
			return err
		}
		if !before.Open() {
			return boai.Errorf(boai.ECONFLICT, "该预警已于 %s 由 %s 确认 / this alert was already acknowledged",
				before.AckedAt.In(CertLocation).Format("2006-01-02 15:04"), before.AckedBy)
		}
		now := t.db.Now()
		if _, err := t.exec(ctx, "UPDATE alerts SET acked_at = ?, acked_by = ?, ack_note = ? WHERE id = ? AND acked_at IS NULL",
			micros(now), a.Username, note, id); err != nil {
			return fmt.Errorf("acknowledge alert: %w", err)
		}
		return t.audit(ctx, a, "alert.ack", "alert", id, map[string]any{"kind": before.Kind, "subject": before.Subject},
			map[string]any{"kind": before.Kind, "subject": before.Subject, "note": note})
	})
}

// ScanAlerts looks for what has gone over the rules' limits by now and
// raises an alert for each subject not yet alerted: allocations whose
// approval took (or has waited) longer than the 10-minute target, goods
// received and not dispatched within rules.GoodsWait, and donors'
// receipt requests unanswered after rules.ReceiptWait. It returns how
// many alerts it raised. The scheduled job runs it every few minutes.
func (db *DB) ScanAlerts(ctx context.Context, now time.Time, rules supervision.Rules) (int, error) {
	if err := rules.Validate(); err != nil {
		return 0, err
	}
	type found struct {
		kind    supervision.Kind
		subject string
		msg     string
	}
	var todo []found

	// Approvals over the target: still pending, decided late, or
	// returned to the task force late.
	target := allocation.TargetApproval.Microseconds()
	rows, err := db.query(ctx, `SELECT a.id, a.status, a.submitted_at, COALESCE(a.decided_at, 0),
			COALESCE((SELECT MAX(x.at) FROM approval_actions x WHERE x.allocation_id = a.id AND x.decision = ?), 0), c.name
		FROM allocations a JOIN alloc_requests r ON r.id = a.request_id JOIN recipients c ON c.id = r.recipient_id
		WHERE a.submitted_at < ? AND NOT EXISTS (SELECT 1 FROM alerts x WHERE x.kind = ? AND x.ref = 'allocation:' || a.id)
		AND (a.status = ? OR a.decided_at - a.submitted_at > ?
			OR (a.status = ? AND EXISTS (SELECT 1 FROM approval_actions x WHERE x.allocation_id = a.id AND x.decision = ? AND x.at - a.submitted_at > ?)))
		ORDER BY a.id`,
		allocation.Return, micros(now)-target, string(supervision.ApprovalLate), allocation.Pending, target, allocation.Returned, allocation.Return, target)
	if err != nil {
		return 0, fmt.Errorf("scan approvals: %w", err)
	}
	for rows.Next() {
		var id, sub, dec, ret int64
		var status, recipient string
		if err := rows.Scan(&id, &status, &sub, &dec, &ret, &recipient); err != nil {
			rows.Close()
			return 0, err
		}
		var end time.Time
		switch {
		case status == allocation.Pending:
		case dec != 0:
			end = fromMicros(dec)
		case ret != 0:
			end = fromMicros(ret)
		default:
			continue
		}
		d, late := supervision.ApprovalOver(fromMicros(sub), end, now)
		if !late {
			continue
		}
		msg := fmt.Sprintf("调拨方案 #%d（%s）审批用时 %.0f 分钟，超过 10 分钟的目标", id, recipient, d.Minutes())
		if status == allocation.Pending {
			msg = fmt.Sprintf("调拨方案 #%d（%s）已等待审批 %.0f 分钟，超过 10 分钟的目标", id, recipient, d.Minutes())
		}
		todo = append(todo, found{supervision.ApprovalLate, supervision.AllocationSubject(id), msg})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}

	// Goods received and still in stock (日进日清): one alert per lot and
	// receipt, so goods received into the lot again wait anew.
	waiting, err := db.WaitingLots(ctx, now, rules.GoodsWait)
	if err != nil {
		return 0, err
	}
	for _, w := range waiting {
		d, long := supervision.Waited(w.Since, now, rules.GoodsWait)
		if !long {
			continue
		}
		todo = append(todo, found{supervision.GoodsWaiting, supervision.LotSubject(w.Lot.ID, w.Since),
			fmt.Sprintf("%s（批次 %s）数量 %d，在%s自 %s 入库后 %s 小时未出库，超过 %s 小时", w.Item, cmpBatch(w.Lot.Batch), w.Lot.Quantity, w.Warehouse,
				w.Since.In(CertLocation).Format("2006-01-02 15:04"), supervision.Hours(d), supervision.Hours(rules.GoodsWait))})
	}

	// Receipt requests unanswered.
	rows, err = db.query(ctx, `SELECT q.id, q.requested_at, d.cert_no FROM receipt_requests q JOIN donations d ON d.id = q.donation_id
		WHERE q.answered_at IS NULL AND q.requested_at < ? ORDER BY q.id`, micros(now.Add(-rules.ReceiptWait)))
	if err != nil {
		return 0, fmt.Errorf("scan receipt requests: %w", err)
	}
	for rows.Next() {
		var id, at int64
		var cert string
		if err := rows.Scan(&id, &at, &cert); err != nil {
			rows.Close()
			return 0, err
		}
		d, long := supervision.Waited(fromMicros(at), now, rules.ReceiptWait)
		if !long {
			continue
		}
		todo = append(todo, found{supervision.ReceiptUnanswered, supervision.ReceiptRequestSubject(id),
			fmt.Sprintf("捐赠 %s 的票据申请自 %s 起 %.0f 天未开具", cert, fromMicros(at).In(CertLocation).Format("2006-01-02"), d.Hours()/24)})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}

	if len(todo) == 0 {
		return 0, nil
	}
	n := 0
	err = db.Write(ctx, func(t *Tx) error {
		n = 0 // a retried batch counts afresh
		for _, f := range todo {
			raised, err := t.raiseAlert(ctx, f.kind, f.subject, f.msg, supervision.Warning)
			if err != nil {
				return err
			}
			if raised {
				n++
			}
		}
		return nil
	})
	return n, err
}

func cmpBatch(b string) string {
	if b == "" {
		return "无"
	}
	return b
}

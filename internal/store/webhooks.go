package store

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"boai"
	"boai/internal/audit"
	"boai/internal/notify"
)

// Webhook is a group robot approvers are told through.
type Webhook struct {
	ID     int64
	Kind   string
	URL    string
	Label  string
	Active bool
}

// CreateWebhook registers a WeCom or DingTalk group robot.
func (db *DB) CreateWebhook(ctx context.Context, a audit.Actor, w *Webhook) error {
	w.URL, w.Label = strings.TrimSpace(w.URL), strings.TrimSpace(w.Label)
	u, err := url.Parse(w.URL)
	switch {
	case w.Kind != notify.WeCom && w.Kind != notify.DingTalk:
		return boai.Errorf(boai.EINVALID, "机器人类型须为企业微信或钉钉 / robot kind: wecom or dingtalk")
	case err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "":
		return boai.Errorf(boai.EINVALID, "请填写机器人的 Webhook 地址 / the robot's webhook URL is required")
	}
	w.Active = true
	return db.Write(ctx, func(tx *Tx) error {
		id, err := tx.insert(ctx, "INSERT INTO webhooks (kind, url, label, active) VALUES (?, ?, ?, ?)", w.Kind, w.URL, w.Label, true)
		if err != nil {
			return fmt.Errorf("insert webhook: %w", err)
		}
		w.ID = id
		// The URL carries the robot's key: the trail keeps its host only.
		return tx.audit(ctx, a, "webhook.create", "webhook", id, nil, map[string]string{"kind": w.Kind, "host": u.Host, "label": w.Label})
	})
}

// notifyTx queues m for every active robot, in the transaction of the
// record it tells of: no record without its message, no message without
// its record.
func (t *Tx) notifyTx(ctx context.Context, m notify.Message) error {
	rows, err := t.query(ctx, "SELECT id, kind FROM webhooks WHERE active")
	if err != nil {
		return err
	}
	type hook struct {
		id   int64
		kind string
	}
	var hooks []hook
	for rows.Next() {
		var h hook
		if err := rows.Scan(&h.id, &h.kind); err != nil {
			rows.Close()
			return err
		}
		hooks = append(hooks, h)
	}
	rows.Close()
	now := micros(t.db.Now())
	for _, h := range hooks {
		body, err := notify.Body(h.kind, m)
		if err != nil {
			return err
		}
		if _, err := t.exec(ctx, "INSERT INTO webhook_deliveries (webhook_id, body, status, next_at, created_at) VALUES (?, ?, 'pending', ?, ?)",
			h.id, string(body), now, now); err != nil {
			return fmt.Errorf("queue webhook: %w", err)
		}
	}
	return nil
}

// Notify queues a message for every active robot.
func (db *DB) Notify(ctx context.Context, m notify.Message) error {
	return db.Write(ctx, func(tx *Tx) error { return tx.notifyTx(ctx, m) })
}

// DueDeliveries returns pending deliveries whose time has come.
func (db *DB) DueDeliveries(ctx context.Context, now time.Time, limit int) ([]notify.Delivery, error) {
	rows, err := db.query(ctx, `SELECT d.id, w.kind, w.url, d.body, d.attempts FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
		WHERE d.status = 'pending' AND d.next_at <= ? ORDER BY d.next_at LIMIT ?`, micros(now), limit)
	if err != nil {
		return nil, fmt.Errorf("due deliveries: %w", err)
	}
	defer rows.Close()
	var out []notify.Delivery
	for rows.Next() {
		var d notify.Delivery
		var body string
		if err := rows.Scan(&d.ID, &d.Kind, &d.URL, &body, &d.Attempts); err != nil {
			return nil, err
		}
		d.Body = []byte(body)
		out = append(out, d)
	}
	return out, rows.Err()
}

// MarkDelivery records one attempt: sent, to be retried at next, or failed.
func (db *DB) MarkDelivery(ctx context.Context, id int64, sent bool, errMsg string, next time.Time, failed bool) error {
	status := "pending"
	switch {
	case sent:
		status = "sent"
	case failed:
		status = "failed"
	}
	now := micros(db.Now())
	return db.Write(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `UPDATE webhook_deliveries SET status = ?, attempts = attempts + 1, next_at = ?, last_error = ?,
			sent_at = CASE WHEN ? THEN ? ELSE sent_at END WHERE id = ?`, status, micros(next), errMsg, sent, now, id)
		return err
	})
}

// FailedDelivery is a message a robot never took, for the admin.
type FailedDelivery struct {
	ID        int64
	Webhook   string
	Attempts  int
	LastError string
	CreatedAt time.Time
}

// FailedDeliveries lists deliveries given up on, and pending ones that
// have failed at least once, newest first.
func (db *DB) FailedDeliveries(ctx context.Context) ([]FailedDelivery, error) {
	rows, err := db.query(ctx, `SELECT d.id, w.label || ' (' || w.kind || ')', d.attempts, d.last_error, d.created_at
		FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
		WHERE d.status = 'failed' OR (d.status = 'pending' AND d.attempts > 0) ORDER BY d.id DESC LIMIT 200`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []FailedDelivery
	for rows.Next() {
		var f FailedDelivery
		var at int64
		if err := rows.Scan(&f.ID, &f.Webhook, &f.Attempts, &f.LastError, &at); err != nil {
			return nil, err
		}
		f.CreatedAt = fromMicros(at)
		out = append(out, f)
	}
	return out, rows.Err()
}

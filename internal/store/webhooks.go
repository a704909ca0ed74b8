package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"boai"
	"boai/internal/audit"
	"boai/internal/notify"
)

// Webhook is a group robot approvers, or supervisors, are told through.
type Webhook struct {
	ID     int64
	Kind   string
	URL    string
	Label  string
	Active bool
	Topic  string // what it is told: TopicApprovals (the default) or TopicAlerts
}

// What a robot is told: approvals and paperwork go to the approvers'
// groups, supervisors' alerts (预警) to the supervisors' group only.
const (
	TopicApprovals = "approvals"
	TopicAlerts    = "alerts"
)

// CreateWebhook registers a WeCom or DingTalk group robot.
func (db *DB) CreateWebhook(ctx context.Context, a audit.Actor, w *Webhook) error {
	w.URL, w.Label = strings.TrimSpace(w.URL), strings.TrimSpace(w.Label)
	u, err := url.Parse(w.URL)
	switch {
	case w.Kind != notify.WeCom && w.Kind != notify.DingTalk:
		return boai.Errorf(boai.EINVALID, "机器人类型须为企业微信或钉钉 / robot kind: wecom or dingtalk")
	case err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "":
		return boai.Errorf(boai.EINVALID, "请填写机器人的 Webhook 地址 / the robot's webhook URL is required")
	case u.Scheme == "http" && !loopback(u.Hostname()):
		// The URL carries the robot's key: never in clear text on the wire.
		return boai.Errorf(boai.EINVALID, "Webhook 地址须以 https:// 开头 / the webhook URL must start with https://")
	case utf8.RuneCountInString(w.Label) > 100:
		return boai.Errorf(boai.EINVALID, "名称最多 100 字 / the label may be 100 characters at most")
	}
	if w.Topic == "" {
		w.Topic = TopicApprovals
	}
	if w.Topic != TopicApprovals && w.Topic != TopicAlerts {
		return boai.Errorf(boai.EINVALID, "机器人用途须为审批通知或监督预警 / a robot is told approvals or alerts")
	}
	w.Active = true
	return db.Write(ctx, func(tx *Tx) error {
		id, err := tx.insert(ctx, "INSERT INTO webhooks (kind, url, label, active, topic) VALUES (?, ?, ?, ?, ?)", w.Kind, w.URL, w.Label, true, w.Topic)
		if err != nil {
			return fmt.Errorf("insert webhook: %w", err)
		}
		w.ID = id
		// The URL carries the robot's key: the trail keeps its host only.
		return tx.audit(ctx, a, "webhook.create", "webhook", id, nil, map[string]string{"kind": w.Kind, "host": u.Host, "label": w.Label, "topic": w.Topic})
	})
}

// loopback reports whether host is this machine: the one place a robot
// may be reached over plain http (a local relay, a test receiver).
func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Webhooks lists the group robots, active or not, in the order added.
func (db *DB) Webhooks(ctx context.Context) ([]Webhook, error) {
	rows, err := db.query(ctx, "SELECT id, kind, url, label, active, topic FROM webhooks ORDER BY id")
	if err != nil {
		return nil, fmt.Errorf("webhooks: %w", err)
	}
	defer rows.Close()
	var out []Webhook
	for rows.Next() {
		var w Webhook
		if err := rows.Scan(&w.ID, &w.Kind, &w.URL, &w.Label, &w.Active, &w.Topic); err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// SetWebhookActive switches a robot on or off. An inactive robot is sent
// nothing: no new messages are queued for it, and what is queued waits
// until it is switched on again.
func (db *DB) SetWebhookActive(ctx context.Context, a audit.Actor, id int64, active bool) error {
	return db.Write(ctx, func(tx *Tx) error {
		var was bool
		err := tx.queryRow(ctx, "SELECT active FROM webhooks WHERE id = ?", id).Scan(&was)
		if errors.Is(err, sql.ErrNoRows) {
			return boai.Errorf(boai.ENOTFOUND, "群机器人不存在 / robot not found")
		} else if err != nil {
			return err
		}
		if was == active {
			return nil
		}
		if _, err := tx.exec(ctx, "UPDATE webhooks SET active = ? WHERE id = ?", active, id); err != nil {
			return fmt.Errorf("set webhook active: %w", err)
		}
		action := "webhook.deactivate"
		if active {
			action = "webhook.activate"
		}
		return tx.audit(ctx, a, action, "webhook", id, map[string]bool{"active": was}, map[string]bool{"active": active})
	})
}

// notifyTx queues m for every active approvals robot, in the
// transaction of the record it tells of: no record without its message,
// no message without its record.
func (t *Tx) notifyTx(ctx context.Context, m notify.Message) error {
	return t.notifyTopic(ctx, TopicApprovals, m)
}

// notifyTopic queues m for every active robot told of topic.
func (t *Tx) notifyTopic(ctx context.Context, topic string, m notify.Message) error {
	rows, err := t.query(ctx, "SELECT id, kind FROM webhooks WHERE active AND topic = ?", topic)
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

// Notify queues a message for every active approvals robot.
func (db *DB) Notify(ctx context.Context, m notify.Message) error {
	return db.Write(ctx, func(tx *Tx) error { return tx.notifyTx(ctx, m) })
}

// DueDeliveries returns pending deliveries to active robots whose time
// has come.
func (db *DB) DueDeliveries(ctx context.Context, now time.Time, limit int) ([]notify.Delivery, error) {
	rows, err := db.query(ctx, `SELECT d.id, w.kind, w.url, d.body, d.attempts FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
		WHERE d.status = 'pending' AND d.next_at <= ? AND w.active ORDER BY d.next_at LIMIT ?`, micros(now), limit)
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
	Webhook   string // "label (kind)"
	Label     string // the robot's
	Kind      string
	Attempts  int
	LastError string
	CreatedAt time.Time
}

// FailedDeliveries lists deliveries given up on, and pending ones that
// have failed at least once, newest first.
func (db *DB) FailedDeliveries(ctx context.Context) ([]FailedDelivery, error) {
	rows, err := db.query(ctx, `SELECT d.id, w.label, w.kind, w.url, d.attempts, d.last_error, d.created_at
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
		var hook string
		if err := rows.Scan(&f.ID, &f.Label, &f.Kind, &hook, &f.Attempts, &f.LastError, &at); err != nil {
			return nil, err
		}
		f.Webhook, f.LastError = f.Label+" ("+f.Kind+")", redactKey(f.LastError, hook)
		f.CreatedAt = fromMicros(at)
		out = append(out, f)
	}
	return out, rows.Err()
}

// RetryDelivery puts a delivery the admin has looked into back in the
// queue, due now, with a fresh round of attempts. A delivery already sent
// is not sent again.
func (db *DB) RetryDelivery(ctx context.Context, a audit.Actor, id int64) error {
	return db.Write(ctx, func(tx *Tx) error {
		var status, lastErr, hook string
		var attempts int
		err := tx.queryRow(ctx, `SELECT d.status, d.attempts, d.last_error, w.url FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
			WHERE d.id = ?`, id).Scan(&status, &attempts, &lastErr, &hook)
		if errors.Is(err, sql.ErrNoRows) {
			return boai.Errorf(boai.ENOTFOUND, "推送记录不存在 / delivery not found")
		} else if err != nil {
			return err
		}
		if status == "sent" {
			return boai.Errorf(boai.ECONFLICT, "该消息已送达，无需重试 / this message was delivered; nothing to retry")
		}
		if _, err := tx.exec(ctx, "UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_at = ? WHERE id = ?",
			micros(db.Now()), id); err != nil {
			return fmt.Errorf("retry delivery: %w", err)
		}
		return tx.audit(ctx, a, "webhook_delivery.retry", "webhook_delivery", id,
			map[string]any{"status": status, "attempts": attempts, "last_error": redactKey(lastErr, hook)}, map[string]any{"status": "pending", "attempts": 0})
	})
}

// redactKey takes the robot's URL out of an error message (Go's HTTP
// errors quote the URL, key and all), leaving its scheme, host and path.
func redactKey(msg, hook string) string {
	u, err := url.Parse(hook)
	if err != nil || u.RawQuery == "" {
		return msg
	}
	return strings.ReplaceAll(msg, hook, u.Scheme+"://"+u.Host+u.EscapedPath()+"?…")
}

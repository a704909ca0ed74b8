// Package notify sends approvers the news through the group robots of
// WeCom (企业微信) and DingTalk (钉钉): messages in each robot's format,
// delivered from a database outbox with retries and backoff, so a robot
// that is down delays a message but loses none, and every failure stays
// visible to the admin.
package notify

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

// Robot kinds.
const (
	WeCom    = "wecom"
	DingTalk = "dingtalk"
)

// Message is what approvers are told.
type Message struct {
	Title string // e.g. 新的调拨申请待审批
	Text  string // markdown body
	URL   string // where to act, e.g. the request's approval page
	Link  string // the link's text; "去审批 / approve" when empty
}

// Body renders m in the robot kind's JSON format.
func Body(kind string, m Message) ([]byte, error) {
	text := "### " + m.Title + "\n" + m.Text
	if m.URL != "" {
		text += "\n[" + cmp.Or(m.Link, "去审批 / approve") + "](" + m.URL + ")"
	}
	switch kind {
	case WeCom:
		// https://developer.work.weixin.qq.com/document/path/91770
		return json.Marshal(map[string]any{"msgtype": "markdown", "markdown": map[string]string{"content": text}})
	case DingTalk:
		// https://open.dingtalk.com/document/robots/custom-robot-access
		return json.Marshal(map[string]any{"msgtype": "markdown", "markdown": map[string]string{"title": m.Title, "text": text}})
	}
	return nil, fmt.Errorf("unknown robot kind %q", kind)
}

// MaxAttempts is how often a delivery is tried before it is marked failed.
const MaxAttempts = 8

// Backoff is the wait before attempt n+1 after n failures: 10 s doubling,
// at most an hour.
func Backoff(n int) time.Duration {
	d := 10 * time.Second
	for i := 1; i < n && d < time.Hour; i++ {
		d *= 2
	}
	return min(d, time.Hour)
}

// Delivery is one message on its way to one robot.
type Delivery struct {
	ID       int64
	Kind     string
	URL      string
	Body     []byte
	Attempts int
}

// Outbox is the store's side of delivery.
type Outbox interface {
	DueDeliveries(ctx context.Context, now time.Time, limit int) ([]Delivery, error)
	MarkDelivery(ctx context.Context, id int64, sent bool, errMsg string, next time.Time, failed bool) error
}

// Deliver sends what is due and records each outcome: sent, retry later,
// or failed after MaxAttempts.
func Deliver(ctx context.Context, out Outbox, client *http.Client, now time.Time) (sent, failed int, err error) {
	ds, err := out.DueDeliveries(ctx, now, 50)
	if err != nil {
		return 0, 0, err
	}
	for _, d := range ds {
		errMsg := post(ctx, client, d)
		attempts := d.Attempts + 1
		gaveUp := errMsg != "" && attempts >= MaxAttempts
		if err := out.MarkDelivery(ctx, d.ID, errMsg == "", errMsg, now.Add(Backoff(attempts)), gaveUp); err != nil {
			return sent, failed, err
		}
		switch {
		case errMsg == "":
			sent++
		case gaveUp:
			failed++
		}
	}
	return sent, failed, nil
}

// post sends one delivery; both robots answer HTTP 200 with errcode 0.
func post(ctx context.Context, client *http.Client, d Delivery) string {
	req, err := http.NewRequestWithContext(ctx, "POST", d.URL, bytes.NewReader(d.Body))
	if err != nil {
		return err.Error()
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusOK {
		return fmt.Sprintf("HTTP %d: %s", resp.StatusCode, bytes.TrimSpace(b))
	}
	var ans struct {
		ErrCode int    `json:"errcode"`
		ErrMsg  string `json:"errmsg"`
	}
	if json.Unmarshal(b, &ans) == nil && ans.ErrCode != 0 {
		return fmt.Sprintf("errcode %d: %s", ans.ErrCode, ans.ErrMsg)
	}
	return ""
}

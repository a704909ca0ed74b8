package store_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"boai"
	"boai/internal/audit"
	"boai/internal/notify"
	"boai/internal/store"
	"boai/internal/store/storetest"
)

// A WeCom robot that fails once gets the message on the retry; a robot
// that never answers is given up on after notify.MaxAttempts, and the
// admin sees why.
func TestWebhookDelivery(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var mu sync.Mutex
		var got []map[string]any
		calls := 0
		ok := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			defer mu.Unlock()
			calls++
			if calls == 1 {
				http.Error(w, "busy", http.StatusServiceUnavailable)
				return
			}
			b, _ := io.ReadAll(r.Body)
			var v map[string]any
			json.Unmarshal(b, &v)
			got = append(got, v)
			w.Write([]byte(`{"errcode":0,"errmsg":"ok"}`))
		}))
		defer ok.Close()
		down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte(`{"errcode":93000,"errmsg":"invalid webhook url"}`))
		}))
		defer down.Close()
		for _, w := range []*store.Webhook{{Kind: notify.WeCom, URL: ok.URL, Label: "专班群"}, {Kind: notify.DingTalk, URL: down.URL, Label: "领导群"}} {
			if err := db.CreateWebhook(ctx, actor, w); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.CreateWebhook(ctx, actor, &store.Webhook{Kind: "slack", URL: ok.URL}); err == nil {
			t.Error("an unknown robot kind was accepted")
		}
		if err := db.Notify(ctx, notify.Message{Title: "新的调拨申请待审批", Text: "杭州市西溪医院：N95 医用防护口罩 2000 只"}); err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		clock := func() time.Time { return now }
		db.Now = clock
		client := &http.Client{Timeout: 5 * time.Second}
		for i := range notify.MaxAttempts + 1 {
			if _, _, err := notify.Deliver(ctx, db, client, now); err != nil {
				t.Fatalf("round %d: %v", i, err)
			}
			now = now.Add(2 * time.Hour) // past any backoff
		}
		mu.Lock()
		defer mu.Unlock()
		if len(got) != 1 || got[0]["msgtype"] != "markdown" {
			t.Fatalf("the WeCom robot received %v, want one markdown message", got)
		}
		failed, err := db.FailedDeliveries(ctx)
		if err != nil || len(failed) != 1 || failed[0].Attempts != notify.MaxAttempts || failed[0].LastError == "" {
			t.Errorf("failed deliveries %+v %v", failed, err)
		}
	})
}

// Robots are reached over https only (plain http just on this machine);
// the admin lists them, switches one off (it is sent nothing until
// switched on again) and puts a failed delivery back in the queue, each
// step in the audit trail, the robot's key never.
func TestWebhookAdmin(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		const key = "693a91f6-7d5e-4b2a-9c1f-secretkey"
		for _, tt := range []struct {
			url  string
			want string // error code, "" for accepted
		}{
			{"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=" + key, ""},
			{"http://127.0.0.1:9/hook", ""},
			{"http://localhost:9/hook", ""},
			{"http://[::1]:9/hook", ""},
			{"http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x", boai.EINVALID},
			{"http://127.0.0.1.example.com/hook", boai.EINVALID},
			{"ftp://127.0.0.1/hook", boai.EINVALID},
			{"qyapi.weixin.qq.com/cgi-bin/webhook/send", boai.EINVALID},
			{"", boai.EINVALID},
		} {
			err := db.CreateWebhook(ctx, actor, &store.Webhook{Kind: notify.WeCom, URL: tt.url, Label: "测试"})
			if got := boai.ErrorCode(err); (tt.want == "") != (err == nil) || (err != nil && got != tt.want) {
				t.Errorf("CreateWebhook(%q): %v, want code %q", tt.url, err, tt.want)
			}
		}
		hooks, err := db.Webhooks(ctx)
		if err != nil || len(hooks) != 4 {
			t.Fatalf("Webhooks: %d, %v; want the 4 accepted", len(hooks), err)
		}
		if h := hooks[0]; h.Kind != notify.WeCom || !strings.Contains(h.URL, key) || h.Label != "测试" || !h.Active {
			t.Errorf("first robot %+v", h)
		}
		for _, h := range hooks[1:] {
			if err := db.SetWebhookActive(ctx, actor, h.ID, false); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.SetWebhookActive(ctx, actor, 999999, false); boai.ErrorCode(err) != boai.ENOTFOUND {
			t.Errorf("switching off a robot that does not exist: %v", err)
		}

		// One message, queued for the one active robot; switched off, it
		// is not due; switched on, it is.
		if err := db.Notify(ctx, notify.Message{Title: "新的调拨申请待审批", Text: "测试"}); err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		db.Now = func() time.Time { return now }
		due, err := db.DueDeliveries(ctx, now, 10)
		if err != nil || len(due) != 1 || due[0].URL != hooks[0].URL {
			t.Fatalf("due %+v %v; want one, to the active robot", due, err)
		}
		if err := db.SetWebhookActive(ctx, actor, hooks[0].ID, false); err != nil {
			t.Fatal(err)
		}
		if due, _ := db.DueDeliveries(ctx, now, 10); len(due) != 0 {
			t.Errorf("a switched-off robot has %d deliveries due", len(due))
		}
		if err := db.SetWebhookActive(ctx, actor, hooks[0].ID, true); err != nil {
			t.Fatal(err)
		}
		id := due[0].ID

		// It fails for good; retry puts it back, due now, with a fresh
		// round of attempts.
		// Go's HTTP errors quote the URL, key and all.
		if err := db.MarkDelivery(ctx, id, false, `Post "`+hooks[0].URL+`": dial tcp: i/o timeout`, now.Add(time.Hour), true); err != nil {
			t.Fatal(err)
		}
		failed, err := db.FailedDeliveries(ctx)
		if err != nil || len(failed) != 1 || failed[0].ID != id || failed[0].Webhook != "测试 (wecom)" || failed[0].Kind != notify.WeCom ||
			failed[0].LastError != `Post "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?…": dial tcp: i/o timeout` {
			t.Fatalf("failed %+v %v; want the error without the key", failed, err)
		}
		if due, _ := db.DueDeliveries(ctx, now, 10); len(due) != 0 {
			t.Errorf("a failed delivery is due: %+v", due)
		}
		if err := db.RetryDelivery(ctx, actor, id); err != nil {
			t.Fatal(err)
		}
		if failed, _ := db.FailedDeliveries(ctx); len(failed) != 0 {
			t.Errorf("after retry still failed: %+v", failed)
		}
		due, err = db.DueDeliveries(ctx, now, 10)
		if err != nil || len(due) != 1 || due[0].ID != id || due[0].Attempts != 0 {
			t.Errorf("after retry due %+v %v; want it due now with no attempts", due, err)
		}
		if err := db.MarkDelivery(ctx, id, true, "", now, false); err != nil {
			t.Fatal(err)
		}
		if err := db.RetryDelivery(ctx, actor, id); boai.ErrorCode(err) != boai.ECONFLICT {
			t.Errorf("retrying a sent message: %v, want conflict", err)
		}
		if err := db.RetryDelivery(ctx, actor, 999999); boai.ErrorCode(err) != boai.ENOTFOUND {
			t.Errorf("retrying a delivery that does not exist: %v", err)
		}

		entries, _, err := db.AuditEntries(ctx, audit.Filter{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		actions := map[string]int{}
		for _, e := range entries {
			actions[e.Action]++
			if strings.Contains(e.Before+e.After, key) {
				t.Errorf("the audit trail holds the robot's key: %s %s %s", e.Action, e.Before, e.After)
			}
		}
		for action, n := range map[string]int{"webhook.create": 4, "webhook.deactivate": 4, "webhook.activate": 1, "webhook_delivery.retry": 1} {
			if actions[action] != n {
				t.Errorf("audit %s: %d entries, want %d", action, actions[action], n)
			}
		}
	})
}

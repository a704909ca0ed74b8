package store_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

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

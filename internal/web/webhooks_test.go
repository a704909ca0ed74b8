package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"boai/internal/audit"
	"boai/internal/auth"
	"boai/internal/notify"
	"boai/internal/store"
	"boai/internal/store/storetest"
	"boai/internal/web"
)

// webhookIDs are a robot and a failed delivery to it, for the route
// table's {id}s.
type webhookIDs struct {
	webhook, delivery int64
}

// newWebhookIDs registers a robot and gives up on one message to it.
func newWebhookIDs(t *testing.T, db *store.DB) webhookIDs {
	t.Helper()
	ctx := context.Background()
	h := &store.Webhook{Kind: notify.DingTalk, URL: "http://127.0.0.1:9/robot/send?access_token=matrix-secret", Label: "矩阵测试群"}
	if err := db.CreateWebhook(ctx, audit.System, h); err != nil {
		t.Fatal(err)
	}
	return webhookIDs{webhook: h.ID, delivery: failDelivery(t, db, "dial tcp 127.0.0.1:9: connection refused")}
}

// failDelivery queues a message for every active robot and marks the
// first one failed with errMsg, as notify.Deliver does after its last
// attempt; it returns the delivery's id.
func failDelivery(t *testing.T, db *store.DB, errMsg string) int64 {
	t.Helper()
	ctx := context.Background()
	if err := db.Notify(ctx, notify.Message{Title: "新的调拨申请待审批", Text: "测试"}); err != nil {
		t.Fatal(err)
	}
	due, err := db.DueDeliveries(ctx, time.Now().Add(time.Minute), 100)
	if err != nil || len(due) == 0 {
		t.Fatalf("no delivery queued: %v", err)
	}
	id := due[len(due)-1].ID
	if err := db.MarkDelivery(ctx, id, false, errMsg, time.Now().Add(time.Hour), true); err != nil {
		t.Fatal(err)
	}
	return id
}

// webhookWrites are valid bodies for the robot admin's write routes.
func webhookWrites() map[string]string {
	return map[string]string{
		"POST /admin/webhooks":              url.Values{"kind": {"wecom"}, "label": {"越权群"}, "url": {"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x"}}.Encode(),
		"POST /admin/webhooks/{id}":         "",
		"POST /admin/deliveries/{id}/retry": "",
	}
}

// The admin adds a group robot and sees it with its key masked; a message
// the robot never took shows with its error, and retry puts it back in the
// queue. The supervisor sees the page and changes nothing.
func TestWebhookAdminPage(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSociety(t, db, 0, web.Config{})
		ctx := context.Background()
		admin, sup := s.as(auth.Admin), s.as(auth.Supervisor)
		const key = "693a91f6-7d5e-4b2a-9c1f-0123456789ab"
		hookURL := "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=" + key

		for _, bad := range []url.Values{
			{"kind": {"wecom"}, "label": {"明文"}, "url": {"http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=" + key}},
			{"kind": {"slack"}, "label": {"别的"}, "url": {hookURL}},
			{"kind": {"wecom"}, "label": {"空"}, "url": {""}},
		} {
			r := admin.postForm("/admin/webhooks", bad)
			if r.Status != http.StatusBadRequest || flashError(r.Body) == "" {
				t.Errorf("adding %v: %v, want 400 with the reason", bad, r)
			}
		}
		r := admin.postForm("/admin/webhooks", url.Values{"kind": {"wecom"}, "label": {"物资专班群"}, "url": {hookURL}})
		if r.Status != http.StatusSeeOther || r.location() != "/admin/webhooks?flash=saved" {
			t.Fatalf("adding a robot: %v", r)
		}
		hooks, err := db.Webhooks(ctx)
		if err != nil || len(hooks) != 1 || hooks[0].URL != hookURL || !hooks[0].Active {
			t.Fatalf("robots after adding: %+v %v", hooks, err)
		}
		page := admin.get("/admin/webhooks")
		if page.Status != http.StatusOK || !strings.Contains(page.Body, "物资专班群") || !strings.Contains(page.Body, "qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a…") {
			t.Fatalf("the admin page does not list the robot with its URL masked: %v", page)
		}
		if strings.Contains(page.Body, key) || strings.Contains(page.Body, key[4:12]) {
			t.Errorf("the page shows the robot's key")
		}

		// A message the robot never took: its error, and a retry.
		// Go's HTTP errors quote the URL, key and all; the page does not.
		id := failDelivery(t, db, `Post "`+hookURL+`": dial tcp 203.0.113.7:443: i/o timeout`)
		page = admin.get("/admin/webhooks")
		retry := "/admin/deliveries/" + strconv.FormatInt(id, 10) + "/retry"
		if !strings.Contains(page.Body, "dial tcp 203.0.113.7:443: i/o timeout") || !strings.Contains(page.Body, `action="`+retry+`"`) {
			t.Fatalf("the failed delivery is not on the page with its error and a retry button")
		}
		if strings.Contains(page.Body, key) {
			t.Errorf("the failed delivery's error shows the robot's key")
		}

		// The supervisor reads all this and changes none of it.
		sp := sup.get("/admin/webhooks")
		if sp.Status != http.StatusOK || !strings.Contains(sp.Body, "物资专班群") || !strings.Contains(sp.Body, "i/o timeout") {
			t.Errorf("supervisor view: %v", sp)
		}
		if strings.Contains(sp.Body, `action="/admin/webhooks"`) || strings.Contains(sp.Body, `action="`+retry+`"`) {
			t.Errorf("the supervisor is offered forms to add or retry")
		}
		before := s.counts()
		hookPath := "/admin/webhooks/" + strconv.FormatInt(hooks[0].ID, 10)
		for path, v := range map[string]url.Values{
			"/admin/webhooks": {"kind": {"wecom"}, "label": {"纪检群"}, "url": {"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=sup"}},
			hookPath:          {},
			retry:             {},
		} {
			if r := sup.postForm(path, v); r.Status != http.StatusForbidden {
				t.Errorf("supervisor POST %s: %v, want 403", path, r)
			}
		}
		if after := s.counts(); after != before {
			t.Errorf("the supervisor's refused posts changed the database: %+v → %+v", before, after)
		}

		if r := admin.postForm(retry, nil); r.Status != http.StatusSeeOther || r.location() != "/admin/webhooks?flash=retry_queued" {
			t.Fatalf("retry: %v", r)
		}
		if failed, err := db.FailedDeliveries(ctx); err != nil || len(failed) != 0 {
			t.Errorf("after retry the delivery is still failed: %+v %v", failed, err)
		}
		due, err := db.DueDeliveries(ctx, time.Now().Add(time.Second), 10)
		if err != nil || len(due) != 1 || due[0].ID != id || due[0].Attempts != 0 {
			t.Errorf("after retry due %+v %v; want the delivery due now, attempts reset", due, err)
		}
		if page := admin.get("/admin/webhooks"); strings.Contains(page.Body, "i/o timeout") {
			t.Errorf("the retried delivery is still listed as failed")
		}

		// Switched off, the robot is sent nothing; on again, it is.
		if r := admin.postForm(hookPath, url.Values{}); r.Status != http.StatusSeeOther {
			t.Fatalf("switching off: %v", r)
		}
		if due, _ := db.DueDeliveries(ctx, time.Now().Add(time.Second), 10); len(due) != 0 {
			t.Errorf("a switched-off robot has deliveries due: %+v", due)
		}
		if page := admin.get("/admin/webhooks"); !strings.Contains(page.Body, `name="active" value="1"`) {
			t.Errorf("a switched-off robot is not offered to be switched on")
		}
		if r := admin.postForm(hookPath, url.Values{"active": {"1"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("switching on: %v", r)
		}
		if hooks, _ := db.Webhooks(ctx); len(hooks) != 1 || !hooks[0].Active {
			t.Errorf("robot after switching on: %+v", hooks)
		}
		if r := admin.postForm("/admin/webhooks/999999", url.Values{"active": {"1"}}); r.Status != http.StatusNotFound {
			t.Errorf("switching a robot that does not exist: %v", r)
		}

		// Only the administrator's menu links the page.
		if !strings.Contains(admin.get("/dashboard").Body, `href="/admin/webhooks"`) {
			t.Errorf("no menu link to the robots for the admin")
		}
		if strings.Contains(s.as(auth.Clerk).get("/dashboard").Body, `href="/admin/webhooks"`) {
			t.Errorf("the clerk's menu links the robots")
		}
	})
}

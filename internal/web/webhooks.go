package web

import (
	"net/http"
	"net/url"
	"strings"

	"boai"
	"boai/internal/notify"
	"boai/internal/store"
)

// The group robots (WeCom, DingTalk) approvers are told through, and the
// messages they never took.

type webhooksData struct {
	Hooks  []webhookRow
	Failed []store.FailedDelivery
	Kinds  []string
	Values url.Values // the add form as last posted
}

// webhookRow is a robot as the page shows it: its URL masked, since the
// URL carries the robot's key.
type webhookRow struct {
	store.Webhook
	Masked string
}

// maskURL keeps what tells robots apart (scheme, host, path) and hides
// the key: each query value is cut to its first four characters.
func maskURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "…"
	}
	out := u.Scheme + "://" + u.Host + u.EscapedPath()
	if u.RawQuery == "" {
		return out
	}
	var parts []string
	for _, kv := range strings.Split(u.RawQuery, "&") {
		k, v, _ := strings.Cut(kv, "=")
		if r := []rune(v); len(r) > 4 {
			v = string(r[:4]) + "…"
		} else if v != "" {
			v = "…"
		}
		parts = append(parts, k+"="+v)
	}
	return out + "?" + strings.Join(parts, "&")
}

func (s *Server) webhookList(w http.ResponseWriter, r *http.Request) {
	s.renderWebhooks(w, r, http.StatusOK, nil, nil)
}

func (s *Server) renderWebhooks(w http.ResponseWriter, r *http.Request, st int, v url.Values, err error) {
	hooks, herr := s.db.Webhooks(r.Context())
	if herr != nil {
		s.fail(w, r, herr)
		return
	}
	failed, ferr := s.db.FailedDeliveries(r.Context())
	if ferr != nil {
		s.fail(w, r, ferr)
		return
	}
	rows := make([]webhookRow, len(hooks))
	for i, h := range hooks {
		rows[i] = webhookRow{Webhook: h, Masked: maskURL(h.URL)}
		rows[i].URL = "" // the page never holds the key
	}
	p := s.page(r, "webhooks.title")
	if err != nil {
		p.Error = boai.ErrorMessage(err)
	}
	p.Data = webhooksData{Hooks: rows, Failed: failed, Kinds: []string{notify.WeCom, notify.DingTalk}, Values: v}
	s.renderStatus(w, r, st, "webhooks", p)
}

func (s *Server) webhookCreate(w http.ResponseWriter, r *http.Request) {
	h := &store.Webhook{Kind: r.PostFormValue("kind"), URL: r.PostFormValue("url"), Label: r.PostFormValue("label"), Topic: r.PostFormValue("topic")}
	if err := s.db.CreateWebhook(r.Context(), actor(r), h); err != nil {
		s.formErr(w, r, err, func(st int, err error) { s.renderWebhooks(w, r, st, r.PostForm, err) })
		return
	}
	http.Redirect(w, r, "/admin/webhooks?flash=saved", http.StatusSeeOther)
}

func (s *Server) webhookUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.db.SetWebhookActive(r.Context(), actor(r), id, r.PostFormValue("active") != ""); err != nil {
		s.formErr(w, r, err, func(st int, err error) { s.renderWebhooks(w, r, st, nil, err) })
		return
	}
	http.Redirect(w, r, "/admin/webhooks?flash=saved", http.StatusSeeOther)
}

func (s *Server) deliveryRetry(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.db.RetryDelivery(r.Context(), actor(r), id); err != nil {
		s.formErr(w, r, err, func(st int, err error) { s.renderWebhooks(w, r, st, nil, err) })
		return
	}
	http.Redirect(w, r, "/admin/webhooks?flash=retry_queued", http.StatusSeeOther)
}

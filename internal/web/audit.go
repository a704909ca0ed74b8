package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"boai"
	"boai/internal/audit"
)

type auditData struct {
	Entries []audit.Entry
	Total   int
	Page    int
	Pages   int
	Query   url.Values
	PageURL func(int) string
}

func (s *Server) auditList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := audit.Filter{Username: q.Get("user"), Entity: q.Get("entity"), Limit: pageSize}
	if v := q.Get("entity_id"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			s.fail(w, r, boai.Errorf(boai.EINVALID, "记录编号须为数字 / record id must be a number"))
			return
		}
		f.EntityID = id
	}
	for _, p := range []struct {
		key string
		dst *time.Time
		add int
	}{{"from", &f.From, 0}, {"to", &f.To, 1}} {
		if v := q.Get(p.key); v != "" {
			t, err := time.ParseInLocation("2006-01-02", v, s.cfg.Location)
			if err != nil {
				s.fail(w, r, boai.Errorf(boai.EINVALID, "日期格式应为 YYYY-MM-DD / dates: use YYYY-MM-DD"))
				return
			}
			*p.dst = t.AddDate(0, 0, p.add)
		}
	}
	page := 1
	if n, err := strconv.Atoi(q.Get("page")); err == nil && n > 1 {
		page = n
		f.Offset = (n - 1) * pageSize
	}
	entries, total, err := s.db.AuditEntries(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := auditData{Entries: entries, Total: total, Page: page, Pages: (total + pageSize - 1) / pageSize, Query: q}
	d.PageURL = pageURL("/audit", q)
	p := s.page(r, "audit.title")
	p.Data = d
	s.render(w, r, "audit", p)
}

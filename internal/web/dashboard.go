package web

import (
	"encoding/json"
	"net/http"

	"boai/internal/store"
)

type dashboardData struct {
	Stats     *store.Dashboard
	TrendJSON string // for the chart, read by static/app.js
}

func (s *Server) dashboard(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	st, err := s.db.DashboardStats(r.Context(), u.ScopeBranch(), s.db.Now(), s.cfg.Location, 60)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	type point struct {
		Day   string `json:"day"`
		Yuan  int64  `json:"yuan"`
		Count int    `json:"count"`
	}
	pts := make([]point, len(st.Trend))
	for i, d := range st.Trend {
		pts[i] = point{d.Day.Format("01-02"), int64(d.Fen) / 100, d.Count}
	}
	b, _ := json.Marshal(pts)
	p := s.page(r, "dashboard.title")
	p.Data = dashboardData{Stats: st, TrendJSON: string(b)}
	s.render(w, r, "dashboard", p)
}

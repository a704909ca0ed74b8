package web

import (
	"encoding/json"
	"net/http"
	"time"

	"boai/internal/allocation"
	"boai/internal/auth"
	"boai/internal/stock"
	"boai/internal/store"
)

type dashboardData struct {
	Funds     *store.FundView // all funds together: the utilisation rate
	Stats     *store.Dashboard
	TrendJSON string // for the chart, read by static/app.js
	Goods     *goodsBoard
}

// goodsBoard is the relief-goods part of the dashboard: 日进日清 over 30
// days, approval times against the 10-minute target, and goods waiting.
type goodsBoard struct {
	Today     stock.DayFlow
	FlowsJSON string
	Approval  allocation.Timing
	Late      []store.Allocation
	Waiting   []store.Waiting
	WaitHours int
}

func (s *Server) goodsBoard(r *http.Request) (*goodsBoard, error) {
	now := s.db.Now()
	loc := s.cfg.Location
	y, m, d := now.In(loc).Date()
	tomorrow := time.Date(y, m, d, 0, 0, 0, 0, loc).AddDate(0, 0, 1)
	flows, err := s.db.DailyFlows(r.Context(), tomorrow.AddDate(0, 0, -30), tomorrow, loc)
	if err != nil {
		return nil, err
	}
	waitHours := s.cfg.WaitHours
	if waitHours <= 0 {
		waitHours = 24
	}
	g := &goodsBoard{WaitHours: waitHours}
	type point struct {
		Day      string `json:"day"`
		Share    int64  `json:"share"` // per mille
		Value    int64  `json:"value"` // per mille, by value
		Received int64  `json:"received"`
		Valued   bool   `json:"valued"` // some of the day's goods had a value
	}
	byDay := map[string]stock.DayFlow{}
	for _, f := range flows {
		byDay[f.Day] = f
	}
	var pts []point
	for i := 30; i >= 1; i-- {
		day := tomorrow.AddDate(0, 0, -i).Format("2006-01-02")
		f := byDay[day]
		pts = append(pts, point{day[5:], f.Share(), f.ShareValue(), f.Received, f.ReceivedFen > 0})
		if i == 1 {
			g.Today = f
			g.Today.Day = day
		}
	}
	b, _ := json.Marshal(pts)
	g.FlowsJSON = string(b)
	if g.Approval, g.Late, err = s.db.ApprovalTiming(r.Context(), now.AddDate(0, 0, -30), now); err != nil {
		return nil, err
	}
	if g.Waiting, err = s.db.WaitingLots(r.Context(), now, time.Duration(waitHours)*time.Hour); err != nil {
		return nil, err
	}
	return g, nil
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
	data := dashboardData{Stats: st, TrendJSON: string(b)}
	if u.Can(auth.ViewFunds) {
		funds, err := s.db.Funds(r.Context(), time.Time{}, time.Time{})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		data.Funds = &store.FundView{}
		for _, f := range funds {
			if f.Fund.Goods() {
				continue // the money rate: goods at value are not money
			}
			data.Funds.Received += f.Received
			data.Funds.Spent += f.Spent
			data.Funds.Balance += f.Balance
		}
	}
	if u.Can(auth.ViewGoods) {
		if data.Goods, err = s.goodsBoard(r); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	p := s.page(r, "dashboard.title")
	p.Data = data
	s.render(w, r, "dashboard", p)
}

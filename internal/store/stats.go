package store

import (
	"context"
	"fmt"
	"time"

	"boai/internal/money"
)

// Total is a count and a net amount, overall and for today. A reversal
// counts minus one, so counts are of donations that stand.
type Total struct {
	Key        string
	Count      int
	Fen        money.Fen
	TodayCount int
	TodayFen   money.Fen
}

// DayTotal is one day's received money.
type DayTotal struct {
	Day   time.Time
	Count int
	Fen   money.Fen
}

// Dashboard is what the staff dashboard shows.
type Dashboard struct {
	Today, All    Total
	ByChannel     []Total
	ByBranch      []Total
	ByDesignation []Total
	Trend         []DayTotal // one entry per day, oldest first, gaps filled
}

// DashboardStats sums donations (net of reversals) for the dashboard,
// limited to one branch when branch is not 0. Days are cut in loc.
func (db *DB) DashboardStats(ctx context.Context, branch int64, now time.Time, loc *time.Location, days int) (*Dashboard, error) {
	cond, args := "", []any{}
	if branch != 0 {
		cond, args = " WHERE d.branch_id = ?", []any{branch}
	}
	and := func(extra string) string {
		if cond == "" {
			return " WHERE " + extra
		}
		return cond + " AND " + extra
	}
	y, m, dd := now.In(loc).Date()
	today := time.Date(y, m, dd, 0, 0, 0, 0, loc)
	var s Dashboard
	// One pass per breakdown: overall and today, by conditional sums.
	const sums = `, COALESCE(SUM(CASE WHEN d.kind = 'donation' THEN 1 ELSE -1 END), 0), COALESCE(SUM(d.amount_fen), 0),
		COALESCE(SUM(CASE WHEN d.received_at >= ? THEN (CASE WHEN d.kind = 'donation' THEN 1 ELSE -1 END) ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN d.received_at >= ? THEN d.amount_fen ELSE 0 END), 0)`
	targs := append([]any{micros(today), micros(today)}, args...)
	all, err := db.totals(ctx, "SELECT ''"+sums+" FROM donations d"+cond, targs...)
	if err != nil {
		return nil, err
	}
	if len(all) == 1 {
		s.All = all[0]
		s.Today = Total{Count: all[0].TodayCount, Fen: all[0].TodayFen}
	}
	if s.ByChannel, err = db.totals(ctx, "SELECT d.channel"+sums+" FROM donations d"+cond+" GROUP BY d.channel ORDER BY 3 DESC", targs...); err != nil {
		return nil, err
	}
	if s.ByBranch, err = db.totals(ctx, "SELECT b.name"+sums+" FROM donations d JOIN branches b ON b.id = d.branch_id"+cond+" GROUP BY b.name ORDER BY 3 DESC", targs...); err != nil {
		return nil, err
	}
	if s.ByDesignation, err = db.totals(ctx, "SELECT d.designation_kind"+sums+" FROM donations d"+cond+" GROUP BY d.designation_kind ORDER BY 3 DESC", targs...); err != nil {
		return nil, err
	}
	// Day buckets in integer arithmetic, portable to both databases: the
	// zone's offset (Asia/Shanghai keeps one all year) moves UTC to local.
	start := today.AddDate(0, 0, -(days - 1))
	_, off := now.In(loc).Zone()
	const day = int64(86400_000_000)
	rows, err := db.query(ctx, "SELECT (d.received_at + ?) / ?, SUM(CASE WHEN d.kind = 'donation' THEN 1 ELSE -1 END), SUM(d.amount_fen) FROM donations d"+and("d.received_at >= ?")+" GROUP BY 1",
		append([]any{int64(off) * 1_000_000, day}, append(args, micros(start))...)...)
	if err != nil {
		return nil, fmt.Errorf("trend: %w", err)
	}
	defer rows.Close()
	byDay := map[int64]DayTotal{}
	for rows.Next() {
		var k int64
		var t DayTotal
		if err := rows.Scan(&k, &t.Count, &t.Fen); err != nil {
			return nil, err
		}
		byDay[k] = t
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range days {
		d := start.AddDate(0, 0, i)
		k := (d.UnixMicro() + int64(off)*1_000_000) / day
		t := byDay[k]
		t.Day = d
		s.Trend = append(s.Trend, t)
	}
	return &s, nil
}

func (db *DB) totals(ctx context.Context, query string, args ...any) ([]Total, error) {
	rows, err := db.query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("totals: %w", err)
	}
	defer rows.Close()
	var out []Total
	for rows.Next() {
		var t Total
		if err := rows.Scan(&t.Key, &t.Count, &t.Fen, &t.TodayCount, &t.TodayFen); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

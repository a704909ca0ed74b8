package ledger

import (
	"time"

	"boai"
)

// Period is an accounting month, "2026-11". Periods compare as strings.
type Period string

// PeriodOf is the month t falls in, in the society's time zone: a donation
// at 00:30 on 1 December in Hangzhou is December's even though it is still
// November in UTC.
func PeriodOf(t time.Time, loc *time.Location) Period {
	return Period(t.In(loc).Format("2006-01"))
}

// ParsePeriod reads "YYYY-MM".
func ParsePeriod(s string) (Period, error) {
	t, err := time.Parse("2006-01", s)
	if err != nil || t.Year() < 2000 {
		return "", invalid("会计期间格式应为 YYYY-MM / a period is written YYYY-MM")
	}
	return Period(s), nil
}

// Next is the month after p.
func (p Period) Next() Period {
	t, _ := time.Parse("2006-01", string(p))
	return Period(t.AddDate(0, 1, 0).Format("2006-01"))
}

// CheckOpen refuses a transaction dated at when its month is closed, that
// is on or before closedThrough ("" when nothing is closed yet). A
// correction to a closed month is a reversal dated now.
func CheckOpen(closedThrough Period, at time.Time, loc *time.Location) error {
	if p := PeriodOf(at, loc); closedThrough != "" && p <= closedThrough {
		return boai.Errorf(boai.ECONFLICT, "%s 已结账，不能补记；请在本期做冲销或调整 / %s is closed: post a reversal or an adjustment in the open period", p, p)
	}
	return nil
}

// CheckClose allows closing month p: months close in order, one after the
// other, and only once they have ended.
func CheckClose(closedThrough, p Period, now time.Time, loc *time.Location) error {
	if _, err := ParsePeriod(string(p)); err != nil {
		return err
	}
	if closedThrough != "" && p != closedThrough.Next() {
		return boai.Errorf(boai.ECONFLICT, "须按月依次结账，下一个应结 %s / months close in order; the next to close is %s",
			closedThrough.Next(), closedThrough.Next())
	}
	if p >= PeriodOf(now, loc) {
		return boai.Errorf(boai.ECONFLICT, "%s 尚未结束，不能结账 / %s has not ended yet", p, p)
	}
	return nil
}

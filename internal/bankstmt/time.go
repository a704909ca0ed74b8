package bankstmt

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"boai"
)

// china is the zone used when the caller passes no location: statements
// from Chinese banks are in Beijing time, which has no DST, so a fixed zone
// avoids depending on the tz database.
var china = time.FixedZone("CST", 8*60*60)

// Excel counts days from 1899-12-30 (the 1900 leap-year bug folded in), or
// from 1904-01-01 in workbooks saved with the 1904 date system.
var (
	excel1900 = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	excel1904 = time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC)
)

var (
	errEmpty  = errors.New("为空 / empty")
	errFormat = errors.New("无法识别 / unrecognised format")
	errNoDay  = errors.New("日期不存在 / no such day")
	errNoTime = errors.New("时间不存在 / no such time")
)

// chineseDate rewrites 2026年11月30日 14时03分05秒 as 2026-11-30 14:03:05.
var chineseDate = strings.NewReplacer("年", "-", "月", "-", "日", " ", "时", ":", "分", ":", "秒", "")

const (
	minYear = 1990
	maxYear = 2100
)

// ParseTime parses the date and optional time cells of a statement row as
// banks write them: "2026-11-30", "2026/1/5", "20261130", "2026年11月30日",
// "2026.11.30", any of these followed by a time ("2026-11-30 14:03:05",
// "2026-11-30T14:03"), and Excel serial dates such as "46356.5". The clock
// cell takes "14:03:05", "14:03", "140305" or an Excel day fraction; when it
// is not empty it overrides a time in the date cell. loc is the zone of the
// wall-clock time (nil means Beijing time).
func ParseTime(date, clock string, loc *time.Location) (time.Time, error) {
	return parseTime(date, clock, loc, excel1900)
}

func parseTime(date, clock string, loc *time.Location, epoch time.Time) (time.Time, error) {
	if loc == nil {
		loc = china
	}
	d, err := parseDateTime(date, epoch)
	if err != nil {
		return time.Time{}, boai.Errorf(boai.EINVALID, "日期格式不正确 / invalid date %q: %s", date, err)
	}
	if c := fold(clock); c != "" {
		sec, err := parseClock(c)
		if err != nil {
			// Some banks repeat the date in the time column.
			full, ferr := parseDateTime(c, epoch)
			if ferr != nil {
				return time.Time{}, boai.Errorf(boai.EINVALID, "时间格式不正确 / invalid time %q: %s", clock, err)
			}
			sec = full.sec
		}
		d.sec = sec
	}
	return time.Date(d.year, time.Month(d.month), d.day, 0, 0, d.sec, 0, loc), nil
}

// dateTime is a validated calendar date and a second of that day.
type dateTime struct {
	year, month, day int
	sec              int
}

func parseDateTime(s string, epoch time.Time) (dateTime, error) {
	s = fold(s)
	if s == "" {
		return dateTime{}, errEmpty
	}
	if isDecimal(s) {
		intPart, _, _ := strings.Cut(s, ".")
		switch len(intPart) {
		case 8, 14: // 20261130, 20261130140305
			if len(intPart) != len(s) {
				break
			}
			d, err := ymd(s[:4], s[4:6], s[6:8])
			if err != nil || len(s) == 8 {
				return d, err
			}
			d.sec, err = parseClock(s[8:])
			return d, err
		default:
			return excelSerial(s, epoch)
		}
	}
	// Chinese dates: 2026年11月30日 14时03分05秒.
	if strings.ContainsAny(s, "年月日时分秒") {
		s = chineseDate.Replace(s)
		s = strings.TrimRight(strings.TrimSpace(s), ":")
	}
	datePart, clockPart := s, ""
	if i := strings.IndexAny(s, " T"); i >= 0 {
		datePart, clockPart = s[:i], strings.TrimSpace(s[i+1:])
	}
	var d dateTime
	var err error
	if len(datePart) == 8 && isDigits(datePart) {
		d, err = ymd(datePart[:4], datePart[4:6], datePart[6:8])
	} else {
		sep := strings.IndexAny(datePart, "-/.")
		if sep < 0 {
			return dateTime{}, errFormat
		}
		parts := strings.Split(datePart, datePart[sep:sep+1])
		if len(parts) != 3 || len(parts[0]) != 4 || len(parts[1]) > 2 || len(parts[2]) > 2 {
			return dateTime{}, errFormat
		}
		d, err = ymd(parts[0], parts[1], parts[2])
	}
	if err != nil {
		return d, err
	}
	if clockPart != "" {
		if d.sec, err = parseClock(clockPart); err != nil {
			return d, err
		}
	}
	return d, nil
}

func ymd(y, m, d string) (dateTime, error) {
	if !isDigits(y) || !isDigits(m) || !isDigits(d) {
		return dateTime{}, errFormat
	}
	return validDate(atoi(y), atoi(m), atoi(d))
}

func validDate(y, m, d int) (dateTime, error) {
	if y < minYear || y > maxYear {
		return dateTime{}, fmt.Errorf("年份超出 %d-%d / year outside %d-%d", minYear, maxYear, minYear, maxYear)
	}
	if m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		return dateTime{}, errNoDay
	}
	return dateTime{year: y, month: m, day: d}, nil
}

func daysIn(y, m int) int {
	return time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// excelSerial reads an Excel serial date ("46356", "46356.585") without
// floats: the fraction of the day is rounded to the nearest second.
func excelSerial(s string, epoch time.Time) (dateTime, error) {
	intPart, frac, _ := strings.Cut(s, ".")
	if len(intPart) > 6 {
		return dateTime{}, errFormat
	}
	days := atoi(intPart)
	sec := fracSeconds(frac)
	t := epoch.AddDate(0, 0, days).Add(time.Duration(sec) * time.Second)
	d, err := validDate(t.Year(), int(t.Month()), t.Day())
	d.sec = t.Hour()*3600 + t.Minute()*60 + t.Second()
	return d, err
}

// fracSeconds turns the decimal digits after the point of a day fraction
// into whole seconds, rounded; the result may be 86400 for .99999999.
func fracSeconds(frac string) int {
	if len(frac) > 9 {
		frac = frac[:9] // nanosecond-of-a-day precision is plenty
	}
	n, scale := int64(0), int64(1)
	for i := 0; i < len(frac); i++ {
		n = n*10 + int64(frac[i]-'0')
		scale *= 10
	}
	return int((n*86400 + scale/2) / scale)
}

// parseClock returns the second of the day written as "14:03:05", "14:03",
// "14:03:05.123", "140305" (also as a number that lost its leading zero,
// "90305") or an Excel day fraction such as "0.5".
func parseClock(s string) (int, error) {
	switch {
	case strings.HasPrefix(s, "0.") && isDecimal(s):
		sec := fracSeconds(s[2:])
		if sec >= 86400 {
			sec = 86399
		}
		return sec, nil
	case isDigits(s):
		if len(s) > 6 {
			return 0, errFormat
		}
		s = strings.Repeat("0", 6-len(s)) + s
		return hms(s[0:2], s[2:4], s[4:6])
	}
	s, _, _ = strings.Cut(s, ".") // drop fractions of a second
	parts := strings.Split(s, ":")
	switch len(parts) {
	case 2:
		return hms(parts[0], parts[1], "0")
	case 3:
		return hms(parts[0], parts[1], parts[2])
	}
	return 0, errFormat
}

func hms(h, m, s string) (int, error) {
	for _, p := range []string{h, m, s} {
		if p == "" || len(p) > 2 || !isDigits(p) {
			return 0, errFormat
		}
	}
	hh, mm, ss := atoi(h), atoi(m), atoi(s)
	if hh > 23 || mm > 59 || ss > 59 {
		return 0, errNoTime
	}
	return hh*3600 + mm*60 + ss, nil
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isDecimal reports whether s is digits with at most one point inside or
// at the end.
func isDecimal(s string) bool {
	i, f, ok := strings.Cut(s, ".")
	return isDigits(i) && (!ok || f == "" || isDigits(f))
}

// atoi converts a short run of digits; callers check isDigits and length.
func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

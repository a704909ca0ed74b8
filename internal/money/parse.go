package money

import (
	"strings"
	"unicode"

	"boai"
)

// MaxFen bounds what Parse accepts: 10^15 fen, ten trillion yuan. Anything
// larger is a typo or garbage, and the bound keeps every sum of a few
// thousand amounts far from int64 overflow.
const MaxFen Fen = 1_000_000_000_000_000

// Currency marks people and banks put around the number. Longer marks come
// first so "人民币" is not read as something shorter.
var (
	currencyPrefixes = []string{"人民币", "rmb", "cny", "¥"}
	currencySuffixes = []string{"元整", "元", "rmb", "cny"}
)

// Parse reads an amount of yuan as people and Chinese banks write it, such as
// "1,000.00", "¥500", "人民币500元", "CNY 500.00" or full-width "１，０００．００",
// into fen, without going through a float. A leading "-" or accounting
// parentheses "(5.00)" give a negative amount; whether that is allowed is the
// caller's business. More than two decimals are rejected unless the extra
// digits are zeros, because silently rounding money hides errors.
func Parse(s string) (Fen, error) {
	f, why := parse(s)
	if why != "" {
		return 0, boai.Errorf(boai.EINVALID, "金额格式不正确 / invalid amount %q: %s", s, why)
	}
	return f, nil
}

func parse(s string) (Fen, string) {
	s = strings.ToLower(strings.TrimSpace(narrow(s)))
	if s == "" {
		return 0, "为空 / empty"
	}
	// Accounting parentheses "(5.00)" mean negative, like a leading "-".
	paren := len(s) >= 2 && s[0] == '(' && s[len(s)-1] == ')'
	if paren {
		s = strings.TrimSpace(s[1 : len(s)-1])
	}
	// The sign may come before or after the currency mark: "-¥5", "¥-5".
	neg, signed := paren, paren
	sign := func() bool {
		if s == "" || (s[0] != '+' && s[0] != '-') {
			return true
		}
		if signed {
			return false
		}
		signed, neg = true, s[0] == '-'
		s = strings.TrimSpace(s[1:])
		return true
	}
	ok := sign()
	for _, p := range currencyPrefixes {
		if rest, found := strings.CutPrefix(s, p); found {
			s = strings.TrimSpace(rest)
			break
		}
	}
	if !ok || !sign() {
		return 0, "符号重复 / more than one sign"
	}
	for _, p := range currencySuffixes {
		if rest, ok := strings.CutSuffix(s, p); ok {
			s = strings.TrimSpace(rest)
			break
		}
	}

	intPart, frac, hasDot := strings.Cut(s, ".")
	if intPart == "" && frac == "" {
		return 0, "没有数字 / no digits"
	}
	var yuan int64
	prev := byte(0) // previous byte of intPart, to check comma placement
	for i := 0; i < len(intPart); i++ {
		c := intPart[i]
		switch {
		case c >= '0' && c <= '9':
			yuan = yuan*10 + int64(c-'0')
			// Checked per digit so the accumulator itself can never overflow.
			if yuan > int64(MaxFen/100) {
				return 0, "金额过大 / amount too large"
			}
		case c == ',':
			// Grouping is not checked ("1,00" is still unambiguously 100),
			// but a comma must sit between digits.
			if prev < '0' || prev > '9' || i+1 == len(intPart) {
				return 0, "逗号位置不正确 / misplaced comma"
			}
		default:
			return 0, "含有非法字符 / unexpected character"
		}
		prev = c
	}
	var cents int64
	if hasDot {
		for i := 0; i < len(frac); i++ {
			c := frac[i]
			if c < '0' || c > '9' {
				if c == '.' {
					return 0, "小数点重复 / more than one decimal point"
				}
				return 0, "含有非法字符 / unexpected character"
			}
			d := int64(c - '0')
			switch i {
			case 0:
				cents = d * 10
			case 1:
				cents += d
			default:
				if d != 0 {
					return 0, "最多两位小数 / more than 2 decimal places"
				}
			}
		}
	}
	f := Fen(yuan*100 + cents)
	if f > MaxFen {
		return 0, "金额过大 / amount too large"
	}
	if neg {
		f = -f
	}
	return f, ""
}

// narrow maps full-width forms (１，０００．００, （５）, ￥) and odd minus and
// space characters to their ASCII counterparts, so the parser only has to know
// one spelling of each.
func narrow(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E: // full-width ASCII block
			r -= 0xFEE0
		case r == 0xFFE5: // ￥ full-width yen sign
			r = '¥'
		case r == 0x2212 || r == 0x2013 || r == 0xFE63: // minus sign, en dash, small minus
			r = '-'
		case unicode.IsSpace(r): // ideographic and no-break spaces
			r = ' '
		}
		b.WriteRune(r)
	}
	return b.String()
}

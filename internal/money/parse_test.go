package money

import (
	"strings"
	"testing"

	"boai"
)

func TestParse(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want Fen
	}{
		{"1000", 100000},
		{"1,000.00", 100000},
		{"1000.5", 100050},
		{"1000.05", 100005},
		{"0.01", 1},
		{".5", 50},
		{"5.", 500},
		{"007", 700},
		{"¥500", 50000},
		{"￥500", 50000},
		{"¥ 1,234.56", 123456},
		{"500元", 50000},
		{"500 元", 50000},
		{"500元整", 50000},
		{"RMB500", 50000},
		{"rmb 500", 50000},
		{"CNY 500.00", 50000},
		{"500.00 CNY", 50000},
		{"人民币500元", 50000},
		{" \t500\t ", 50000},
		{"\u3000500\u00a0", 50000},
		{"１，０００．００", 100000},
		{"５００元", 50000},
		{"￥１２３．４５", 12345},
		{"+500", 50000},
		{"＋500", 50000},
		{"-5.00", -500},
		{"−5.00", -500},
		{"-¥5.00", -500},
		{"¥-5.00", -500},
		{"(5.00)", -500},
		{"（5.00）", -500},
		{"(¥1,000.00)", -100000},
		{"1.500", 150},
		{"1.50000", 150},
		{"1,00", 10000},
		{"12,3456,789", 123456789_00},
		{"0", 0},
		{"-0", 0},
		{"10,000,000,000,000.00", MaxFen},
		{"-10000000000000", -MaxFen},
	} {
		got, err := Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%q) error: %v", tt.in, err)
			continue
		}
		if got != tt.want {
			t.Errorf("Parse(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func TestParseInvalid(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want string // part of the message
	}{
		{"", "empty"},
		{"   ", "empty"},
		{"¥", "no digits"},
		{".", "no digits"},
		{"1.234", "more than 2 decimal places"},
		{"1.001", "more than 2 decimal places"},
		{"1.2.3", "more than one decimal point"},
		{"1..2", "more than one decimal point"},
		{"abc", "unexpected character"},
		{"12a", "unexpected character"},
		{"1e5", "unexpected character"},
		{"1 000", "unexpected character"},
		{",100", "misplaced comma"},
		{"1,,000", "misplaced comma"},
		{"1,.5", "misplaced comma"},
		{"100,", "misplaced comma"},
		{"1.000,50", "unexpected character"},
		{"--5", "more than one sign"},
		{"+-5", "more than one sign"},
		{"(-5)", "more than one sign"},
		{"-¥-5", "more than one sign"},
		{"-(5)", "unexpected character"},
		{"5-", "unexpected character"},
		{"10000000000000.01", "too large"},
		{"99999999999999999999999999", "too large"},
		{"NaN", "unexpected character"},
		{"Inf", "unexpected character"},
		{"¥5$", "unexpected character"},
	} {
		got, err := Parse(tt.in)
		if err == nil {
			t.Errorf("Parse(%q) = %d, want error containing %q", tt.in, got, tt.want)
			continue
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Parse(%q) error = %q, want it to contain %q", tt.in, err, tt.want)
		}
		if code := boai.ErrorCode(err); code != boai.EINVALID {
			t.Errorf("Parse(%q) error code = %q, want %q", tt.in, code, boai.EINVALID)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"1000", "1,000.00", "1000.5", "¥500", "￥500", "500元", "RMB500", "CNY 500.00",
		"人民币500元", " \t500 ", "１，０００．００", "５００元", "+500", "-5.00", "(5.00)",
		"1.234", "1.2.3", "abc", "", ".", ",", "1,,0", "(-5)", "10,000,000,000,000.00",
		"99999999999999999999", "-0", "0.00", "\xff\xfe", "（５）", "1.500",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := Parse(s)
		if err != nil {
			return
		}
		if got > MaxFen || got < -MaxFen {
			t.Fatalf("Parse(%q) = %d, outside ±%d", s, got, MaxFen)
		}
		again, err := Parse(got.String())
		if err != nil {
			t.Fatalf("Parse(%q) = %d, but Parse(%q) failed: %v", s, got, got.String(), err)
		}
		if again != got {
			t.Fatalf("Parse(%q) = %d, Parse(%q) = %d, want equal", s, got, got.String(), again)
		}
	})
}

package money

import "testing"

func TestCapital(t *testing.T) {
	for _, tt := range []struct {
		fen  Fen
		want string
	}{
		{0, "零元整"},
		{5, "伍分"},
		{50, "伍角"},
		{100, "壹元整"},
		{100000, "壹仟元整"},
		{100530, "壹仟零伍元叁角"},
		{100503, "壹仟零伍元零叁分"},
		{1000000, "壹万元整"},
		{1010000, "壹万零壹佰元整"},
		{10000000000, "壹亿元整"},
		{10000100000, "壹亿零壹仟元整"},
		{17700000000, "壹亿柒仟柒佰万元整"},
		{123456789, "壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分"},
		{-100, "负壹元整"},
	} {
		if got := Capital(tt.fen); got != tt.want {
			t.Errorf("Capital(%d) = %q, want %q", tt.fen, got, tt.want)
		}
	}
}

func TestString(t *testing.T) {
	for _, tt := range []struct {
		fen  Fen
		want string
	}{
		{0, "0.00"}, {5, "0.05"}, {123456, "1,234.56"}, {100000000, "1,000,000.00"}, {-150, "-1.50"},
	} {
		if got := tt.fen.String(); got != tt.want {
			t.Errorf("Fen(%d).String() = %q, want %q", tt.fen, got, tt.want)
		}
	}
}

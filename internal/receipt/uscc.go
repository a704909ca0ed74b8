package receipt

import (
	"strings"

	"boai"
)

// usccChars are the 31 characters a unified social credit code
// (统一社会信用代码) may use, in the order of their values: the digits and
// the capital letters without I, O, S, V and Z (GB 32100-2015).
const usccChars = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// registrars are the registration authorities a code's first character
// names: 1 机构编制, 2 外交, 3 司法行政, 4 文化, 5 民政, 6 旅游, 7 宗教,
// 8 工会, 9 市场监管, A 中央军委改革和编制办公室, N 农业, Y 其他.
const registrars = "123456789ANY"

// NormalizeUSCC upper-cases and trims what was typed.
func NormalizeUSCC(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

// CheckUSCC checks an organisation's 18-character unified social credit
// code: its characters, its registration authority, the six-digit
// administrative division, and the check character (GB 32100-2015: the
// weights are 3^i mod 31, the check value 31 − Σ mod 31). It takes a
// normalised code (NormalizeUSCC).
func CheckUSCC(s string) error {
	if len(s) != 18 {
		return boai.Errorf(boai.EINVALID, "统一社会信用代码应为 18 位 / a unified social credit code has 18 characters")
	}
	sum := 0
	w := 1
	for i := range 17 {
		v := strings.IndexByte(usccChars, s[i])
		if v < 0 {
			return boai.Errorf(boai.EINVALID, "统一社会信用代码第 %d 位 %q 不是允许的字符 / character %d (%q) is not allowed in a unified social credit code", i+1, s[i], i+1, s[i])
		}
		sum += v * w
		w = w * 3 % 31
	}
	switch {
	case strings.IndexByte(registrars, s[0]) < 0:
		return boai.Errorf(boai.EINVALID, "统一社会信用代码的登记管理部门代码 %q 无效 / unknown registration authority %q", s[0], s[0])
	case strings.Trim(s[2:8], "0123456789") != "":
		return boai.Errorf(boai.EINVALID, "统一社会信用代码第 3–8 位应为行政区划代码 / characters 3–8 are the administrative division code")
	}
	if want := usccChars[(31-sum%31)%31]; s[17] != want {
		return boai.Errorf(boai.EINVALID, "统一社会信用代码校验位不符，请核对 / the check character of the unified social credit code does not match; check for a typo")
	}
	return nil
}

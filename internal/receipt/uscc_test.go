package receipt

import (
	"strings"
	"testing"
)

func TestCheckUSCC(t *testing.T) {
	for _, tt := range []struct {
		code string
		msg  string // "" = valid
	}{
		{"91350100M000100Y43", ""}, // the example in GB 32100-2015
		{"9144030071526726XG", ""}, // 深圳市腾讯计算机系统有限公司
		{"91110108551385082Q", ""}, // 北京小米科技有限责任公司
		{"91330100716105852F", ""},
		{"91110000100006194G", ""},
		{"12100000400000624D", ""},        // a public institution (事业单位, 1-2)
		{" 9144030071526726xg ", ""},      // normalised first
		{"91110108551385082R", "校验位"},     // last character mistyped
		{"91110108551385028Q", "校验位"},     // two digits swapped
		{"91110108551385O82Q", "不是允许的字符"}, // letter O for zero
		{"9111010855138508IQ", "不是允许的字符"}, // I is never used
		{"91110108551385082", "18 位"},
		{"911101085513850820Q", "18 位"},
		{"B1110108551385082Q", "登记管理部门"},
		{"9111A108551385082Q", "行政区划"},
		{"", "18 位"},
	} {
		err := CheckUSCC(NormalizeUSCC(tt.code))
		if tt.msg == "" && err != nil || tt.msg != "" && (err == nil || !strings.Contains(err.Error(), tt.msg)) {
			t.Errorf("CheckUSCC(%q) = %v, want %q", tt.code, err, tt.msg)
		}
	}
}

// Every single-character change of a valid code is caught: the check
// character is a mod-31 sum with weights coprime to 31.
func TestCheckUSCCCatchesEveryTypo(t *testing.T) {
	valid := "91350100M000100Y43"
	for i := range len(valid) {
		for _, c := range []byte(usccChars) {
			if c == valid[i] {
				continue
			}
			typo := valid[:i] + string(c) + valid[i+1:]
			if CheckUSCC(typo) == nil {
				t.Errorf("typo %q accepted", typo)
			}
		}
	}
}

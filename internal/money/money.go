// Package money handles amounts of Chinese yuan as integer fen (分): parsing
// what people and banks write, formatting, and the capital numerals (大写)
// that certificates and receipts must carry.
package money

import (
	"strconv"
	"strings"
)

// Fen is an amount in fen (1 yuan = 100 fen). Money is never a float.
type Fen int64

// String formats f as yuan with thousands separators, e.g. "1,234.50".
func (f Fen) String() string {
	neg := f < 0
	if neg {
		f = -f
	}
	yuan := strconv.FormatInt(int64(f/100), 10)
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range yuan {
		if i > 0 && (len(yuan)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	b.WriteByte('.')
	cents := int64(f % 100)
	b.WriteByte(byte('0' + cents/10))
	b.WriteByte(byte('0' + cents%10))
	return b.String()
}

// Yuan formats f with the currency sign, e.g. "¥1,234.50".
func (f Fen) Yuan() string {
	if f < 0 {
		return "-¥" + (-f).String()
	}
	return "¥" + f.String()
}

var (
	capDigits = []rune("零壹贰叁肆伍陆柒捌玖")
	capUnits  = []string{"", "拾", "佰", "仟"}
	capGroups = []string{"", "万", "亿", "万亿"}
)

// Capital writes f in Chinese capital numerals as financial documents do:
// 1000 yuan is 壹仟元整, 1,005.30 yuan is 壹仟零伍元叁角, 0.05 yuan is 伍分.
func Capital(f Fen) string {
	if f == 0 {
		return "零元整"
	}
	var b strings.Builder
	if f < 0 {
		b.WriteString("负")
		f = -f
	}
	yuan := int64(f / 100)
	jiao := int64(f%100) / 10
	fen := int64(f % 10)
	if yuan > 0 {
		b.WriteString(capitalInteger(yuan))
		b.WriteString("元")
	}
	switch {
	case jiao == 0 && fen == 0:
		b.WriteString("整")
	case jiao == 0:
		if yuan > 0 {
			b.WriteString("零")
		}
		b.WriteRune(capDigits[fen])
		b.WriteString("分")
	default:
		b.WriteRune(capDigits[jiao])
		b.WriteString("角")
		if fen > 0 {
			b.WriteRune(capDigits[fen])
			b.WriteString("分")
		}
	}
	return b.String()
}

// capitalInteger writes n > 0 in groups of four digits (万, 亿), with one
// 零 for each run of zeros inside the number.
func capitalInteger(n int64) string {
	var groups []int64
	for n > 0 {
		groups = append(groups, n%10000)
		n /= 10000
	}
	var b strings.Builder
	zero := false // a zero is pending between non-zero digits
	for gi := len(groups) - 1; gi >= 0; gi-- {
		g := groups[gi]
		if g == 0 {
			zero = b.Len() > 0
			continue
		}
		for di := 3; di >= 0; di-- {
			d := (g / pow10(di)) % 10
			if d == 0 {
				if b.Len() > 0 {
					zero = true
				}
				continue
			}
			if zero {
				b.WriteRune('零')
				zero = false
			}
			b.WriteRune(capDigits[d])
			b.WriteString(capUnits[di])
		}
		b.WriteString(capGroups[gi])
	}
	return b.String()
}

func pow10(n int) int64 {
	p := int64(1)
	for ; n > 0; n-- {
		p *= 10
	}
	return p
}

package certificate

import (
	_ "embed"
	"fmt"
	"sync"

	"github.com/signintech/gopdf"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// droidTTF is Droid Sans Fallback from Debian's fonts-droid-fallback package
// (Apache 2.0, see font/LICENSE). It covers Chinese but has no Latin letters
// or digits; those are set in Go Regular (BSD, from golang.org/x/image).
//
//go:embed font/DroidSansFallbackFull.ttf
var droidTTF []byte

// typeface is one of the two fonts text is set in; each rune goes to the
// first that has it (see measurer.typeface).
type typeface int

const (
	latin typeface = iota // Go Regular
	cjk                   // Droid Sans Fallback
)

// family names the typefaces in the PDF.
var family = [...]string{latin: "GoRegular", cjk: "DroidSansFallback"}

// fonts holds the fonts parsed for each renderer. They are read-only after
// loading and shared by concurrent renders: gopdf copies a parsed font into
// each document and keeps the glyph subset there.
type fonts struct {
	pdf  *gopdf.FontContainer
	sfnt [2]*sfnt.Font
}

// loadFonts parses the fonts, 4 MB of them, once per process on first use.
var loadFonts = sync.OnceValues(func() (*fonts, error) {
	f := &fonts{pdf: &gopdf.FontContainer{}}
	for tf, ttf := range [...][]byte{latin: goregular.TTF, cjk: droidTTF} {
		if err := f.pdf.AddTTFFontData(family[tf], ttf); err != nil {
			return nil, fmt.Errorf("certificate: parse %s for PDF: %w", family[tf], err)
		}
		sf, err := sfnt.Parse(ttf)
		if err != nil {
			return nil, fmt.Errorf("certificate: parse %s: %w", family[tf], err)
		}
		f.sfnt[tf] = sf
	}
	return f, nil
})

// measurer picks a typeface for each rune and measures text with the fonts'
// advance widths, in points. Layout uses it for both formats, so the PDF and
// the PNG break lines identically. It is not safe for concurrent use; make
// one per render.
type measurer struct {
	f    *fonts
	buf  sfnt.Buffer
	upem [2]fixed.Int26_6
}

func newMeasurer(f *fonts) *measurer {
	m := &measurer{f: f}
	for tf, sf := range f.sfnt {
		m.upem[tf] = fixed.I(int(sf.UnitsPerEm()))
	}
	return m
}

// typeface returns the font to set r in: Go Regular for Latin script and
// symbols it has, else Droid Sans Fallback, else whichever has the glyph.
func (m *measurer) typeface(r rune) typeface {
	if r < 0x2000 && m.has(latin, r) {
		return latin
	}
	if m.has(cjk, r) || !m.has(latin, r) {
		return cjk
	}
	return latin
}

func (m *measurer) has(tf typeface, r rune) bool {
	gi, err := m.f.sfnt[tf].GlyphIndex(&m.buf, r)
	return err == nil && gi != 0
}

// runs calls fn for each maximal run of s set in one typeface.
func (m *measurer) runs(s string, fn func(tf typeface, run string)) {
	start, cur := 0, typeface(-1)
	for i, r := range s {
		tf := m.typeface(r)
		if tf != cur && i > start {
			fn(cur, s[start:i])
			start = i
		}
		cur = tf
	}
	if start < len(s) {
		fn(cur, s[start:])
	}
}

// width is the advance width of s set at size points.
func (m *measurer) width(s string, size float64) float64 {
	w := 0.0
	m.runs(s, func(tf typeface, run string) {
		w += m.runWidth(tf, run, size)
	})
	return w
}

func (m *measurer) runWidth(tf typeface, s string, size float64) float64 {
	sf := m.f.sfnt[tf]
	var units fixed.Int26_6
	for _, r := range s {
		gi, err := sf.GlyphIndex(&m.buf, r)
		if err != nil {
			continue
		}
		// At ppem = units per em the advance comes back in font units.
		adv, err := sf.GlyphAdvance(&m.buf, gi, m.upem[tf], font.HintingNone)
		if err != nil {
			continue
		}
		units += adv
	}
	return float64(units) / float64(m.upem[tf]) * size
}

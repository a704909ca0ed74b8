package certificate

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"boai/internal/money"
)

func sample() Certificate {
	return Certificate{
		No:          "HZ20261130-7KQ4M9XP",
		DonorName:   "张三",
		AmountFen:   100000,
		Date:        time.Date(2026, 11, 30, 2, 0, 0, 0, time.UTC),
		Designation: "定向：武汉市第一医院",
		Society:     "杭州市红十字会",
		VerifyURL:   "http://localhost:8080/verify/HZ20261130-7KQ4M9XP",
		ProofURL:    "http://localhost:8080/verify/HZ20261130-7KQ4M9XP/proof",
		Salt:        "k3m9q-a7x2p-wd4ne-h5tzr-c8vb6-y",
	}
}

func inKind() Certificate {
	c := sample()
	c.No = "HZ20261130-W3N8C2TF"
	c.DonorName = "浙江某某医疗器械科技股份有限公司杭州滨江分公司"
	c.AmountFen = 523050
	c.Designation = "非定向"
	c.VerifyURL = "http://localhost:8080/verify/HZ20261130-W3N8C2TF"
	c.Items = []Item{
		{Name: "N95 医用防护口罩", Spec: "3M 1860", Quantity: "4 箱 (80 只)"},
		{Name: "一次性医用外科口罩", Spec: "YY 0469-2011", Quantity: "20 箱 (10,000 只)"},
		{Name: "医用防护服", Spec: "GB 19082-2009 L 号", Quantity: "300 套"},
	}
	return c
}

// longest has every field longer than it should ever be.
func longest() Certificate {
	c := inKind()
	c.DonorName = strings.Repeat("上海浦东新区某某国际贸易有限公司", 3) // 48 characters
	c.Society = "新疆维吾尔自治区巴音郭楞蒙古自治州红十字会"
	c.Designation = "定向：" + strings.Repeat("武汉市第一医院发热门诊及隔离病区", 4)
	c.AmountFen = money.Fen(123456789012)
	for i := range 20 {
		c.Items = append(c.Items, Item{Name: strings.Repeat("医用", 20), Spec: strings.Repeat("X", 60), Quantity: strings.Repeat("箱", i)})
	}
	return c
}

// pdfText renders c and extracts its text with pdftotext.
func pdfText(t *testing.T, c Certificate) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("pdftotext required in CI (apt-get install poppler-utils)")
		}
		t.Skip("pdftotext not on PATH; install poppler-utils to check the PDF's text")
	}
	path := filepath.Join(t.TempDir(), "c.pdf")
	var buf bytes.Buffer
	if err := PDF(&buf, c); err != nil {
		t.Fatalf("PDF: %v", err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-enc", "UTF-8", path, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	return string(out)
}

func TestPDFText(t *testing.T) {
	for _, tt := range []struct {
		name string
		c    Certificate
		want []string
	}{
		{"money", sample(), []string{
			"张三", "壹仟元整", "¥1,000.00", "HZ20261130-7KQ4M9XP", "定向：武汉市第一医院",
			"Certificate of Donation", "杭州市红十字会", "2026年11月30日", "Scan to verify",
		}},
		{"in kind", inKind(), []string{
			"浙江某某医疗器械", "伍仟贰佰叁拾元伍角", "HZ20261130-W3N8C2TF", "非定向",
			"N95 医用防护口罩", "3M 1860", "4 箱 (80 只)", "300 套",
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			text := pdfText(t, tt.c)
			for _, w := range tt.want {
				if !strings.Contains(text, w) {
					t.Errorf("PDF text lacks %q; got:\n%s", w, text)
				}
			}
		})
	}
}

func TestPDFEmbedsSubset(t *testing.T) {
	var buf bytes.Buffer
	if err := PDF(&buf, inKind()); err != nil {
		t.Fatalf("PDF: %v", err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
		t.Fatalf("output does not start with %%PDF-: %q", buf.Bytes()[:min(20, buf.Len())])
	}
	// The whole font is 4 MB; a subset of a few hundred glyphs is far less.
	if n := buf.Len(); n > 500_000 {
		t.Errorf("PDF is %d bytes; the font should be embedded as a subset", n)
	}
}

func TestPNG(t *testing.T) {
	for _, c := range []Certificate{sample(), inKind()} {
		var buf bytes.Buffer
		if err := PNG(&buf, c); err != nil {
			t.Fatalf("PNG: %v", err)
		}
		img, err := png.Decode(&buf)
		if err != nil {
			t.Fatalf("decode PNG: %v", err)
		}
		if got, want := img.Bounds().Size(), image.Pt(1600, 1131); got != want {
			t.Errorf("PNG size = %v, want %v", got, want)
		}
		var reds, darks int
		b := img.Bounds()
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				c := color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)
				switch {
				case c.R > 0xA0 && c.G < 0x40 && c.B < 0x60:
					reds++
				case c.R < 0x50 && c.G < 0x50 && c.B < 0x50:
					darks++
				}
			}
		}
		// The borders alone are about 10,000 red pixels; text and QR code
		// are tens of thousands of dark ones.
		if reds < 10_000 || darks < 10_000 {
			t.Errorf("PNG looks blank: %d red and %d dark pixels", reds, darks)
		}
	}
}

func TestRenderErrors(t *testing.T) {
	c := sample()
	c.VerifyURL = ""
	if err := PDF(&bytes.Buffer{}, c); err == nil {
		t.Error("PDF with no verify URL: got nil error")
	}
	if err := PNG(&bytes.Buffer{}, c); err == nil {
		t.Error("PNG with no verify URL: got nil error")
	}
}

func TestConcurrentRenders(t *testing.T) {
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			c := sample()
			if i%2 == 1 {
				c = inKind()
			}
			if err := PDF(&bytes.Buffer{}, c); err != nil {
				t.Errorf("PDF: %v", err)
			}
			if err := PNG(&bytes.Buffer{}, c); err != nil {
				t.Errorf("PNG: %v", err)
			}
		})
	}
	wg.Wait()
}

func TestFormatDate(t *testing.T) {
	// 2026-11-29 20:00 UTC is already the 30th in Shanghai.
	if got, want := formatDate(time.Date(2026, 11, 29, 20, 0, 0, 0, time.UTC)), "2026年11月30日"; got != want {
		t.Errorf("formatDate = %q, want %q", got, want)
	}
}

func testMeasurer(t testing.TB) *measurer {
	t.Helper()
	f, err := loadFonts()
	if err != nil {
		t.Fatal(err)
	}
	return newMeasurer(f)
}

func TestFit(t *testing.T) {
	m := testMeasurer(t)
	for _, tt := range []struct {
		name                     string
		text                     string
		maxW, maxSize, minSize   float64
		maxLines                 int
		wantLines                int
		wantShrunk, wantEllipsis bool
	}{
		{"short name", "张三：", textW, 20, 12, 2, 1, false, false},
		{"30-character company", strings.Repeat("浙江省杭州市西湖区爱心医疗器械", 2) + "：", textW, 20, 12, 2, 1, false, false},
		{"30 characters, two lines", strings.Repeat("浙江省杭州市西湖区爱心医疗器械", 2), 300, 20, 12, 2, 2, false, false},
		{"30 characters, one line", strings.Repeat("浙江省杭州市西湖区爱心医疗器械", 2), 500, 20, 12, 1, 1, true, false},
		{"too long for two lines", strings.Repeat("红十字", 100), 300, 20, 12, 2, 2, true, true},
		{"long URL", "http://localhost:8080/verify/" + strings.Repeat("X", 200), 330, 7, 5, 2, 2, true, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			lines, size := fitLines(m, tt.text, tt.maxW, tt.maxSize, tt.minSize, tt.maxLines)
			if len(lines) != tt.wantLines {
				t.Errorf("got %d lines %q, want %d", len(lines), lines, tt.wantLines)
			}
			if size < tt.minSize || size > tt.maxSize {
				t.Errorf("size %v outside [%v, %v]", size, tt.minSize, tt.maxSize)
			}
			if shrunk := size < tt.maxSize; shrunk != tt.wantShrunk {
				t.Errorf("size = %v, shrunk = %v, want %v", size, shrunk, tt.wantShrunk)
			}
			for _, l := range lines {
				if w := m.width(l, size); w > tt.maxW {
					t.Errorf("line %q is %.1fpt wide, more than %v", l, w, tt.maxW)
				}
			}
			if got := strings.HasSuffix(lines[len(lines)-1], "…"); got != tt.wantEllipsis {
				t.Errorf("ellipsis = %v, want %v (lines %q)", got, tt.wantEllipsis, lines)
			}
			if !tt.wantEllipsis && strings.Join(lines, "") != tt.text {
				t.Errorf("lines %q lose text of %q", lines, tt.text)
			}
		})
	}
}

func TestWrapPunctuation(t *testing.T) {
	m := testMeasurer(t)
	// Ten characters fit a line; the comma must not start the second one.
	lines := wrap(m, tokens("一二三四五六七八九十，一二三"), 10, 100)
	for _, l := range lines[1:] {
		if noLineStart(l) {
			t.Errorf("line %q starts with closing punctuation; lines %q", l, lines)
		}
	}
	// Latin words break at spaces, not inside.
	lines = wrap(m, tokens("Certificate of Donation"), 10, 60)
	for _, l := range lines {
		for _, w := range strings.Fields(l) {
			if !strings.Contains("Certificate of Donation", w) || (w != "Certificate" && w != "of" && w != "Donation") {
				t.Errorf("word broken: line %q in %q", l, lines)
			}
		}
	}
}

// recorder is a canvas that remembers where text went.
type recorder struct {
	m     *measurer
	texts []placed
}

type placed struct {
	s          string
	x, y, w, h float64
}

func (r *recorder) fillRect(x, y, w, h float64, c color.RGBA)          {}
func (r *recorder) strokeCircle(cx, cy, rad, lw float64, c color.RGBA) {}
func (r *recorder) qr(q qrCode, x, y, size float64) float64            { return size }
func (r *recorder) text(x, y, size float64, c color.RGBA, s string) {
	r.texts = append(r.texts, placed{s, x, y, r.m.width(s, size), size})
}
func (r *recorder) picture(x, y, w, h float64, draw func(*rasterCanvas)) {
	r.texts = append(r.texts, placed{"picture", x, y + h, w, h})
}

// TestLayoutInsideBorder lays out awkward certificates and checks every
// piece of text lies inside the inner border.
func TestLayoutInsideBorder(t *testing.T) {
	long := longest()
	for _, tt := range []struct {
		name string
		c    Certificate
	}{
		{"money", sample()},
		{"in kind", inKind()},
		{"everything long", long},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m := testMeasurer(t)
			q, err := newQR(tt.c.VerifyURL)
			if err != nil {
				t.Fatal(err)
			}
			proof, err := proofQR(tt.c)
			if err != nil {
				t.Fatal(err)
			}
			r := &recorder{m: m}
			layout(r, m, tt.c, q, proof)
			for _, p := range r.texts {
				if p.x < innerInset || p.x+p.w > pageW-innerInset || p.y-p.h < innerInset || p.y > pageH-innerInset {
					t.Errorf("text %q at (%.1f, %.1f), %.1fpt wide, leaves the border", p.s, p.x, p.y, p.w)
				}
				// The body ends at bodyBottom; the footer's first text, the
				// society's name, sits well below the top of the QR code.
				if p.y > bodyBottom && p.y < qrTop+30 {
					t.Errorf("text %q at (%.1f, %.1f) runs from the body into the footer", p.s, p.x, p.y)
				}
			}
		})
	}
}

// TestSamples renders every sample in both formats; with
// CERTIFICATE_SAMPLES set it keeps them there for a person to look at:
//
//	CERTIFICATE_SAMPLES=/tmp go test -run Samples ./internal/certificate/
func TestSamples(t *testing.T) {
	dir := os.Getenv("CERTIFICATE_SAMPLES")
	if dir == "" {
		dir = t.TempDir()
	}
	for name, c := range map[string]Certificate{"cert-sample": sample(), "cert-inkind": inKind(), "cert-long": longest()} {
		for ext, render := range map[string]func(*bytes.Buffer, Certificate) error{
			".pdf": func(b *bytes.Buffer, c Certificate) error { return PDF(b, c) },
			".png": func(b *bytes.Buffer, c Certificate) error { return PNG(b, c) },
		} {
			var buf bytes.Buffer
			if err := render(&buf, c); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, name+ext)
			if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("wrote %s (%d bytes)", path, buf.Len())
		}
	}
}

func BenchmarkPDF(b *testing.B) {
	c := inKind()
	if _, err := loadFonts(); err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := PDF(&buf, c); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "bytes/pdf")
}

func BenchmarkPNG(b *testing.B) {
	c := inKind()
	if _, err := loadFonts(); err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := PNG(&buf, c); err != nil {
			b.Fatal(err)
		}
	}
}

package certificate

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"

	"golang.org/x/image/draw"
	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/f64"
	"golang.org/x/image/math/fixed"
)

// pngWidth is the width of a PNG certificate in pixels; the height follows
// from the A4 landscape page.
const pngWidth = 1600

// rasterCanvas draws on an RGBA image: the box of the page at (ox, oy),
// scale pixels to the point. It starts transparent.
type rasterCanvas struct {
	img    *image.RGBA
	ox, oy float64
	scale  float64
	f      *fonts
	m      *measurer
	faces  map[faceKey]font.Face
}

type faceKey struct {
	tf   typeface
	size float64
}

func newRasterCanvas(f *fonts, m *measurer, x, y, w, h, scale float64) *rasterCanvas {
	return &rasterCanvas{
		img:   image.NewRGBA(image.Rect(0, 0, int(math.Round(w*scale)), int(math.Round(h*scale)))),
		ox:    x,
		oy:    y,
		scale: scale,
		f:     f,
		m:     m,
		faces: make(map[faceKey]font.Face),
	}
}

// px converts a point on the page to pixels on the image.
func (r *rasterCanvas) px(x, y float64) (float64, float64) {
	return (x - r.ox) * r.scale, (y - r.oy) * r.scale
}

func (r *rasterCanvas) encode(w io.Writer) error {
	// BestSpeed takes a third of the time of the default for a file about
	// a fifth larger.
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(w, r.img); err != nil {
		return fmt.Errorf("certificate: write PNG: %w", err)
	}
	return nil
}

func (r *rasterCanvas) face(tf typeface, size float64) font.Face {
	k := faceKey{tf, size}
	if f, ok := r.faces[k]; ok {
		return f
	}
	f, err := opentype.NewFace(r.f.sfnt[tf], &opentype.FaceOptions{
		Size:    size * r.scale,
		DPI:     72, // so Size is in pixels
		Hinting: font.HintingNone,
	})
	if err != nil {
		// Only a non-positive size fails; the layout never asks for one.
		panic(fmt.Sprintf("certificate: font face at %vpt: %v", size, err))
	}
	r.faces[k] = f
	return f
}

// fillRect fills the rectangle, shading edge pixels by how much of them it
// covers.
func (r *rasterCanvas) fillRect(x, y, w, h float64, c color.RGBA) {
	x0, y0 := r.px(x, y)
	x1, y1 := r.px(x+w, y+h)
	b := r.img.Bounds()
	px0, px1 := max(int(math.Floor(x0)), b.Min.X), min(int(math.Ceil(x1)), b.Max.X)
	py0, py1 := max(int(math.Floor(y0)), b.Min.Y), min(int(math.Ceil(y1)), b.Max.Y)
	for py := py0; py < py1; py++ {
		cy := min(float64(py+1), y1) - max(float64(py), y0)
		for px := px0; px < px1; px++ {
			cx := min(float64(px+1), x1) - max(float64(px), x0)
			r.blend(px, py, c, cx*cy)
		}
	}
}

// strokeCircle draws a ring, shading pixels by their distance from it.
func (r *rasterCanvas) strokeCircle(cx, cy, rad, lw float64, c color.RGBA) {
	cx, cy = r.px(cx, cy)
	rad, half := rad*r.scale, lw*r.scale/2
	b := image.Rect(int(cx-rad-half-1), int(cy-rad-half-1), int(cx+rad+half+2), int(cy+rad+half+2)).
		Intersect(r.img.Bounds())
	for py := b.Min.Y; py < b.Max.Y; py++ {
		for px := b.Min.X; px < b.Max.X; px++ {
			d := math.Hypot(float64(px)+0.5-cx, float64(py)+0.5-cy)
			if cov := half + 0.5 - math.Abs(d-rad); cov > 0 {
				r.blend(px, py, c, min(cov, 1))
			}
		}
	}
}

// blend paints c over the pixel with the given coverage in [0, 1].
func (r *rasterCanvas) blend(x, y int, c color.RGBA, cov float64) {
	a := cov * float64(c.A) / 0xFF
	if a <= 0 {
		return
	}
	i := r.img.PixOffset(x, y)
	p := r.img.Pix[i : i+4 : i+4]
	if a >= 1 {
		p[0], p[1], p[2], p[3] = c.R, c.G, c.B, 0xFF
		return
	}
	p[0] = uint8(float64(p[0])*(1-a) + float64(c.R)*a + 0.5)
	p[1] = uint8(float64(p[1])*(1-a) + float64(c.G)*a + 0.5)
	p[2] = uint8(float64(p[2])*(1-a) + float64(c.B)*a + 0.5)
	p[3] = uint8(float64(p[3])*(1-a) + 0xFF*a + 0.5)
}

// text sets s run by run, each run in its typeface.
func (r *rasterCanvas) text(x, y, size float64, c color.RGBA, s string) {
	x, y = r.px(x, y)
	d := font.Drawer{Dst: r.img, Src: image.NewUniform(c)}
	r.m.runs(s, func(tf typeface, run string) {
		d.Face = r.face(tf, size)
		d.Dot = fixed.Point26_6{X: toFixed(x), Y: toFixed(y)}
		d.DrawString(run)
		x += r.m.runWidth(tf, run, size) * r.scale
	})
}

func (r *rasterCanvas) picture(x, y, w, h float64, draw func(*rasterCanvas)) { draw(r) }

// rotatedText draws s turned clockwise by deg degrees about its baseline
// origin (x, y): upright on a scratch canvas, then mapped onto this one.
func (r *rasterCanvas) rotatedText(x, y, size, deg float64, c color.RGBA, s string) {
	px := size * r.scale
	pad := px/2 + 2
	w := r.m.width(s, size)*r.scale + 2*pad
	h := px*1.4 + 2*pad
	// The scratch canvas has the same scale, and (x, y) at (ox, oy) on it.
	tmp := newRasterCanvas(r.f, r.m, x-pad/r.scale, y-(pad+px)/r.scale, w/r.scale, h/r.scale, r.scale)
	tmp.text(x, y, size, c, s)
	ox, oy := tmp.px(x, y)

	a := deg * math.Pi / 180
	sin, cos := math.Sin(a), math.Cos(a)
	X, Y := r.px(x, y)
	m := f64.Aff3{
		cos, -sin, X - (cos*ox - sin*oy),
		sin, cos, Y - (sin*ox + cos*oy),
	}
	draw.BiLinear.Transform(r.img, m, tmp.img, tmp.img.Bounds(), draw.Over, nil)
}

// qr draws the code, quiet zone included, with every module a square of the
// same whole number of pixels, as near to size as that allows, its top left
// on the pixel nearest (x, y), and returns the side drawn, in points. Scaled
// to size exactly, modules would be of uneven widths.
func (r *rasterCanvas) qr(q qrCode, x, y, size float64) float64 {
	n := len(q)
	mod := max(int(math.Round(size*r.scale/float64(n))), 1)
	x, y = r.px(x, y)
	x0, y0 := int(math.Round(x)), int(math.Round(y))
	white, black := image.NewUniform(color.White), image.NewUniform(color.Black)
	draw.Draw(r.img, image.Rect(x0, y0, x0+n*mod, y0+n*mod), white, image.Point{}, draw.Src)
	for i, row := range q {
		for j := 0; j < len(row); {
			if !row[j] {
				j++
				continue
			}
			k := j
			for k < len(row) && row[k] {
				k++
			}
			dark := image.Rect(x0+j*mod, y0+i*mod, x0+k*mod, y0+(i+1)*mod)
			draw.Draw(r.img, dark, black, image.Point{}, draw.Src)
			j = k
		}
	}
	return float64(n*mod) / r.scale
}

func toFixed(v float64) fixed.Int26_6 { return fixed.Int26_6(math.Round(v * 64)) }

package disclosure

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

func TestScan(t *testing.T) {
	g := NewGuard([]string{"张小明", "欧阳小明", "John Smith", "王"})
	for _, tt := range []struct {
		text string
		want string // findings as kind:text, comma-separated
	}{
		{"电话13800138000。", "phone:13800138000"},
		{"138 0013 8000", "phone:138 0013 8000"},
		{"tel: 138-0013-8000", "phone:138-0013-8000"},
		{"+86 138 0013 8000", "phone:86 138 0013 8000"},
		{"008613800138000", "phone:008613800138000"},
		{"手机１３８００１３８０００", "phone:１３８００１３８０００"},
		{"2020-02-01 13800138000", "phone:13800138000"},
		{"12800138000", ""},       // 12 is no mobile prefix
		{"138001380001", ""},      // 12 digits
		{"13800138000.00", ""},    // an amount
		{"abc13800138000def", ""}, // inside a hex hash
		{"0571-88888888", ""},     // a landline is an organisation's
		{"身份证 110101199003074258", "id18:110101199003074258"},
		{"33010619850615002X 号", "id18:33010619850615002X"},
		{"33010619850615002x", "id18:33010619850615002x"},
		{"110101199003074259", ""}, // wrong check digit
		{"110101199013074258", ""}, // month 13
		{"旧证 110101900307425", "id15:110101900307425"},
		{"110101901307425", ""}, // month 13
		{"卡号 6222 0212 0000 1233", "bank_card:6222 0212 0000 1233"},
		{"6217001234567890122", "bank_card:6217001234567890122"},
		{"6222021200001234", ""}, // fails Luhn
		{"2020-02-01", ""},
		{"2020-02-02T08:30:00+08:00", ""},
		{"4 箱 + 5 只 (85 只)", ""},
		{"GB 19083-2010", ""},
		{"捐赠人张小明", "name:张小明"},
		{"张*明 欧**明 J********h", ""},
		{"欧阳小明、John Smith", "name:欧阳小明,name:John Smith"},
		{"王府井", ""}, // one-character names are ignored
		{"张小明 13800138000", "phone:13800138000,name:张小明"},
	} {
		var got []string
		for _, f := range g.Scan(tt.text) {
			got = append(got, fmt.Sprintf("%s:%s", f.Kind, tt.text[f.Start:f.End]))
		}
		if s := strings.Join(got, ","); s != tt.want {
			t.Errorf("Scan(%q) = %q, want %q", tt.text, s, tt.want)
		}
	}
	if f := Scan("张小明 13800138000"); len(f) != 1 || f[0].Kind != Phone {
		t.Errorf("Scan without names: %v", f)
	}
}

// renderAll renders every public output of a published day and its
// correction, labelled.
func renderAll(t *testing.T, d *Disclosure, c *Correction) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	var b bytes.Buffer
	if err := d.CSV(&b); err != nil {
		t.Fatal(err)
	}
	out["csv"] = bytes.Clone(b.Bytes())
	b.Reset()
	if err := d.JSON(&b); err != nil {
		t.Fatal(err)
	}
	out["json"] = bytes.Clone(b.Bytes())
	b.Reset()
	if err := feed.Atom(&b, []*Disclosure{d}, []*Correction{c}); err != nil {
		t.Fatal(err)
	}
	out["atom"] = bytes.Clone(b.Bytes())
	sheets, err := d.Sheets()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sheets {
		for _, r := range s.Rows {
			out["sheets"] = append(out["sheets"], strings.Join(r, "\t")+"\n"...)
		}
	}
	return out
}

// TestOutputsArePrivate builds a day from donors with phones, ID numbers
// and full names, renders everything, and scans it.
func TestOutputsArePrivate(t *testing.T) {
	in := sampleInput()
	d, err := NewDraft(mustDay(t, in), "alice", at(23, 0))
	if err != nil {
		t.Fatal(err)
	}
	_ = d.Check("bob", at(23, 10))
	if err := d.Publish("bob", at(23, 20)); err != nil {
		t.Fatal(err)
	}
	c, err := Correct(d, Fix{Section: SectionMoney, Line: 1, Corrected: "张*明 ¥1,000.00", Reason: "金额录入有误"}, "carol", at(23, 30))
	if err != nil {
		t.Fatal(err)
	}
	c.ID = 1
	_ = c.Check("dave", at(23, 40))
	if err := c.Publish("dave", at(23, 50)); err != nil {
		t.Fatal(err)
	}

	g := NewGuard(privateNames)
	outputs := renderAll(t, d, c)
	for kind, data := range outputs {
		if f := g.Scan(string(data)); len(f) > 0 {
			t.Errorf("%s output holds personal data: %v", kind, f)
		}
		for _, secret := range []string{"13800138000", "139 1234 5678", "110101199003074258", "33010619850615002X", "186-0000-1111"} {
			if bytes.Contains(data, []byte(secret)) {
				t.Errorf("%s output holds %s", kind, secret)
			}
		}
	}
	if f, err := g.ScanJSON(outputs["json"]); err != nil || len(f) > 0 {
		t.Errorf("ScanJSON: %v, %v", f, err)
	}

	// Planted in each output, each kind is found.
	for _, plant := range []struct {
		kind Kind
		text string
	}{
		{Phone, "138 0013 8000"},
		{ID18, "110101199003074258"},
		{ID15, "110101900307425"},
		{BankCard, "6222021200001233"},
		{Name, "欧阳小明"},
	} {
		for kind, data := range outputs {
			mid := len(data) / 2
			for mid < len(data) && data[mid] != '\n' {
				mid++ // plant at a line start, where a cell would begin
			}
			planted := string(data[:mid]) + "\n" + plant.text + "," + string(data[mid:])
			found := false
			for _, f := range g.Scan(planted) {
				found = found || f.Kind == plant.kind && planted[f.Start:f.End] == plant.text
			}
			if !found {
				t.Errorf("%s planted in %s output: not found", plant.kind, kind)
			}
		}
	}

	// A JSON number is an amount: ¥177,000,000 in fen looks like a mobile
	// number to Scan, and ScanJSON knows better; a string still counts.
	j := []byte(`{"received_fen":17700000000,"donor":"13800138000"}`)
	if f := Scan(string(j)); len(f) != 2 {
		t.Errorf("Scan(JSON) = %v, want 2 findings", f)
	}
	if f, _ := g.ScanJSON(j); len(f) != 1 || f[0].Kind != Phone || string(j[f[0].Start:f[0].End]) != `"13800138000"` {
		t.Errorf("ScanJSON = %v, want the donor string only", f)
	}
}

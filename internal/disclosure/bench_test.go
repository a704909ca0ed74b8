package disclosure

import (
	"fmt"
	"testing"
	"time"

	"boai/internal/donation"
	"boai/internal/ledger"
	"boai/internal/money"
)

// bigInput is a day of n money donations: most from people with phones
// and ID numbers, some from organisations, some anonymous, under a few
// designations; with 1,000 goods, 500 allocations and 200 payments.
func bigInput(n int) Input {
	surnames := []rune("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗欧")
	given := []rune("小明华伟芳娜静丽强磊军洋勇艳杰娟涛超秀英")
	designations := []donation.Designation{general, covid, zheyi, {Kind: donation.Region, Target: "淳安县"}}
	in := Input{Date: "2020-02-01", Loc: shanghai, Cumulative: ledger.Rate{Received: 177_000_000_00, Spent: 165_000_000_00},
		Checkpoint: &CheckpointIn{Size: 1_000_000, Root: make([]byte, 32)}}
	start := time.Date(2020, 2, 1, 0, 0, 0, 0, shanghai)
	for i := range n {
		d := donation.Donor{Kind: donation.Person,
			Name:  string([]rune{surnames[i%len(surnames)], given[i/7%len(given)], given[i/131%len(given)]}),
			Phone: fmt.Sprintf("138%08d", i), IDNumber: "110101199003074258"}
		switch {
		case i%10 == 0:
			d = donation.Donor{Kind: donation.Organization, Name: fmt.Sprintf("杭州第%d号科技有限公司", i%3000)}
		case i%10 == 1:
			d.Anonymous = true
		}
		in.Money = append(in.Money, MoneyIn{start.Add(time.Duration(i) * 864 * time.Millisecond), d,
			money.Fen(100 + i%100000), designations[i%len(designations)]})
	}
	for i := range 1000 {
		in.Goods = append(in.Goods, GoodsIn{start.Add(time.Duration(i) * time.Minute), in.Money[i].Donor, kn95, int64(20 + i), zheyi})
	}
	for i := range 500 {
		in.Allocations = append(in.Allocations, AllocationIn{start.Add(time.Duration(i) * time.Minute), fmt.Sprintf("杭州市第%d人民医院", i%20), kn95, int64(20 * (i + 1))})
	}
	for i := range 200 {
		in.Expenditures = append(in.Expenditures, ExpenditureIn{start.Add(time.Duration(i) * time.Minute), "杭州某某医疗器械有限公司", "采购医用防护服", money.Fen(100000 + i), covid})
	}
	return in
}

// BenchmarkBuildDay builds a day of 100,000 donations, with the privacy
// checks; the target is well under 2 s.
func BenchmarkBuildDay(b *testing.B) {
	in := bigInput(100_000)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := NewDay(in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPublishAndRender is the rest of the morning's work on the same
// day: check and publish (each hashes the content), then CSV and JSON.
func BenchmarkPublishAndRender(b *testing.B) {
	day, err := NewDay(bigInput(100_000))
	if err != nil {
		b.Fatal(err)
	}
	t0 := time.Date(2020, 2, 2, 8, 0, 0, 0, shanghai)
	b.ReportAllocs()
	for b.Loop() {
		d, _ := NewDraft(day, "alice", t0)
		if err := d.Check("bob", t0); err != nil {
			b.Fatal(err)
		}
		if err := d.Publish("bob", t0); err != nil {
			b.Fatal(err)
		}
		var n countWriter
		if err := d.CSV(&n); err != nil {
			b.Fatal(err)
		}
		if err := d.JSON(&n); err != nil {
			b.Fatal(err)
		}
	}
}

type countWriter int

func (c *countWriter) Write(p []byte) (int, error) { *c += countWriter(len(p)); return len(p), nil }

// TestBigDayIsPrivate runs the privacy scan over a rendered day of 10,000
// donations with every private name of the input.
func TestBigDayIsPrivate(t *testing.T) {
	in := bigInput(10_000)
	day := mustDay(t, in)
	var names []string
	for _, m := range in.Money {
		if m.Donor.Kind == donation.Person {
			names = append(names, m.Donor.Name)
		}
	}
	t0 := time.Date(2020, 2, 2, 8, 0, 0, 0, shanghai)
	d, _ := NewDraft(day, "alice", t0)
	_ = d.Check("bob", t0)
	if err := d.Publish("bob", t0); err != nil {
		t.Fatal(err)
	}
	g := NewGuard(names)
	var b countingBuffer
	if err := d.CSV(&b); err != nil {
		t.Fatal(err)
	}
	if f := g.Scan(string(b)); len(f) > 0 {
		t.Errorf("CSV of a big day: %d findings, first %v: %q", len(f), f[0], string(b)[f[0].Start:f[0].End])
	}
	b = b[:0]
	if err := d.JSON(&b); err != nil {
		t.Fatal(err)
	}
	if f, err := g.ScanJSON(b); err != nil || len(f) > 0 {
		t.Errorf("JSON of a big day: %v %v", f, err)
	}
}

type countingBuffer []byte

func (c *countingBuffer) Write(p []byte) (int, error) { *c = append(*c, p...); return len(p), nil }

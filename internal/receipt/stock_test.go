package receipt

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"boai"
)

var now = time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)

func TestRangeValidate(t *testing.T) {
	good := func() Range {
		return Range{Code: "33010126", Start: 1, End: 1000, Width: 10, Holder: "财务科 陈会计"}
	}
	for _, tt := range []struct {
		name string
		edit func(*Range)
		msg  string
	}{
		{"good", func(*Range) {}, ""},
		{"part used", func(r *Range) { r.Used = 1000 }, ""},
		{"letters in code", func(r *Range) { r.Code = "3301A126" }, "票据代码"},
		{"no code", func(r *Range) { r.Code = "" }, "票据代码"},
		{"end before start", func(r *Range) { r.End = 0 }, "号码段"},
		{"start at zero", func(r *Range) { r.Start = 0 }, "号码段"},
		{"wider than width", func(r *Range) { r.Width = 3 }, "号码段"},
		{"no width", func(r *Range) { r.Width = 0 }, "位数"},
		{"no holder", func(r *Range) { r.Holder = " " }, "领用人"},
		{"overused", func(r *Range) { r.Used = 1001 }, "已用"},
	} {
		r := good()
		tt.edit(&r)
		err := r.Validate()
		if tt.msg == "" && err != nil || tt.msg != "" && (boai.ErrorCode(err) != boai.EINVALID || !strings.Contains(err.Error(), tt.msg)) {
			t.Errorf("%s: %v, want %q", tt.name, err, tt.msg)
		}
	}
}

func TestNext(t *testing.T) {
	r := Range{Code: "33010126", Start: 998, End: 1000, Width: 10, Holder: "陈"}
	var got []int64
	for range 3 {
		s, err := r.Next()
		if err != nil || s.Code != "33010126" {
			t.Fatal(s, err)
		}
		got = append(got, s.Number)
	}
	if !slices.Equal(got, []int64{998, 999, 1000}) || r.Remaining() != 0 {
		t.Errorf("numbers %v, remaining %d", got, r.Remaining())
	}
	if _, err := r.Next(); boai.ErrorCode(err) != boai.ECONFLICT || !strings.Contains(err.Error(), "0000000998–0000001000 已用完") {
		t.Errorf("exhausted range: %v", err)
	}
	if r.Format(7) != "0000000007" {
		t.Errorf("Format = %s", r.Format(7))
	}
}

func TestPickAndOverlap(t *testing.T) {
	ranges := []Range{
		{Code: "33010126", Start: 501, End: 1000, Holder: "陈"},
		{Code: "33010126", Start: 1, End: 500, Holder: "陈", Used: 500},
		{Code: "33010125", Start: 1001, End: 2000, Holder: "陈"},
		{Code: "33010125", Start: 1, End: 1000, Holder: "王"},
	}
	if got := Pick(ranges, "陈"); got != 2 {
		t.Errorf("Pick = %d, want the lowest code with blanks (2)", got)
	}
	ranges[2].Used = 1000
	if got := Pick(ranges, "陈"); got != 0 {
		t.Errorf("Pick = %d, want 0", got)
	}
	if got := Pick(ranges, "李"); got != -1 {
		t.Errorf("Pick for nobody's = %d", got)
	}
	if err := CheckRanges(ranges); err != nil {
		t.Error(err)
	}
	ranges = append(ranges, Range{Code: "33010126", Start: 1000, End: 1100, Holder: "王"})
	if err := CheckRanges(ranges); boai.ErrorCode(err) != boai.ECONFLICT {
		t.Errorf("overlap: %v", err)
	}
}

func TestGaps(t *testing.T) {
	rng := []Range{{Code: "33010126", Start: 1, End: 10, Used: 5, Width: 10, Holder: "陈"}}
	s := func(n int64) Serial { return Serial{"33010126", n} }
	v := func(n int64, reason string) Void { return Void{Serial: s(n), Reason: reason, By: "陈", At: now} }
	for _, tt := range []struct {
		name        string
		issued      []Serial
		voided      []Void
		unexplained []Serial
		problem     string
	}{
		{"all issued", []Serial{s(1), s(2), s(3), s(4), s(5)}, nil, nil, ""},
		{"void explains", []Serial{s(1), s(2), s(4), s(5)}, []Void{v(3, "打印错误")}, nil, ""},
		{"unexplained", []Serial{s(1), s(5)}, []Void{v(3, "打印错误")}, []Serial{s(2), s(4)}, ""},
		{"void without reason", []Serial{s(1), s(2), s(4), s(5)}, []Void{v(3, " ")}, nil, "未写原因"},
		{"twice", []Serial{s(1), s(2), s(3), s(4), s(5), s(5)}, nil, nil, "两张"},
		{"voided twice", []Serial{s(1), s(2), s(4), s(5)}, []Void{v(3, "a"), v(3, "b")}, nil, "两次"},
		{"valid and voided", []Serial{s(1), s(2), s(3), s(4), s(5)}, []Void{v(3, "a")}, nil, "既有效又已作废"},
		{"beyond what was handed out", []Serial{s(1), s(2), s(3), s(4), s(5), s(6)}, nil, nil, "33010126-6 不在已领用的号码内"},
		{"other code", []Serial{s(1), s(2), s(3), s(4), s(5), {"99", 1}}, nil, nil, "99-1"},
	} {
		a := Gaps(tt.issued, tt.voided, rng)
		if !slices.Equal(a.Unexplained, tt.unexplained) {
			t.Errorf("%s: unexplained %v, want %v", tt.name, a.Unexplained, tt.unexplained)
		}
		if tt.problem == "" && len(a.Problems) > 0 || tt.problem != "" && !strings.Contains(strings.Join(a.Problems, "\n"), tt.problem) {
			t.Errorf("%s: problems %q, want %q", tt.name, a.Problems, tt.problem)
		}
		if a.Clean() != (tt.unexplained == nil && tt.problem == "") {
			t.Errorf("%s: Clean = %v", tt.name, a.Clean())
		}
	}
	a := Gaps([]Serial{s(1), s(2), s(4), s(5)}, []Void{v(3, "打印错误")}, rng)
	if a.Used != 5 || a.Live != 4 || a.Voided != 1 || a.Remaining != 5 || len(a.Explained) != 1 || a.Explained[0].Reason != "打印错误" {
		t.Errorf("counts %+v", a)
	}
}

// TestNumberingProperties issues, voids, reissues and spoils receipts at
// random across several ranges and holders: every number handed out ends
// on one valid receipt or one void with its reason, and the audit finds no
// unexplained gap. Losing any single record is then caught.
func TestNumberingProperties(t *testing.T) {
	key := []byte("test key")
	for seed := range uint64(30) {
		rng := rand.New(rand.NewPCG(seed, 7))
		ranges := []Range{
			{Code: "33010126", Start: 1, End: 300, Width: 10, Holder: "陈"},
			{Code: "33010126", Start: 301, End: 400, Width: 10, Holder: "王"},
			{Code: "33010127", Start: 1, End: 200, Width: 10, Holder: "陈"},
		}
		var live []Receipt
		var voids []Void
		for range 800 {
			holder := []string{"陈", "王"}[rng.IntN(2)]
			i := Pick(ranges, holder)
			switch op := rng.IntN(10); {
			case i < 0:
				continue
			case op < 6: // issue
				r, err := Issue(draft(int64(rng.IntN(1000)+1)), &ranges[i], key)
				if err != nil {
					t.Fatal(err)
				}
				live = append(live, r)
			case op < 8 && len(live) > 0: // void and reissue with a new number
				j := rng.IntN(len(live))
				old := live[j]
				v, err := old.Void("金额录入错误", "陈", now)
				if err != nil {
					t.Fatal(err)
				}
				voids = append(voids, v)
				live = slices.Delete(live, j, j+1)
				next, err := Reissue(&old, old)
				if err != nil {
					t.Fatal(err)
				}
				r, err := Issue(next, &ranges[i], key)
				if err != nil {
					t.Fatal(err)
				}
				if r.Reissues != old.Serial || r.Serial == old.Serial {
					t.Fatalf("reissue %+v of %+v", r.Serial, old.Serial)
				}
				live = append(live, r)
			case op < 9: // a form spoiled in the printer
				s, err := ranges[i].Next()
				if err != nil {
					t.Fatal(err)
				}
				v, err := NewVoid(s, 0, "打印卡纸", "陈", now)
				if err != nil {
					t.Fatal(err)
				}
				voids = append(voids, v)
			default: // a receipt that fails validation takes no number
				before := ranges[i].Used
				bad := draft(1)
				bad.Payer = ""
				if _, err := Issue(bad, &ranges[i], key); err == nil || ranges[i].Used != before {
					t.Fatal("an invalid receipt took a number")
				}
			}
		}
		issued := make([]Serial, len(live))
		for j, r := range live {
			issued[j] = r.Serial
			if !VerifyCheckCode(key, &r) {
				t.Fatalf("check code of %v does not verify", r.Serial)
			}
		}
		a := Gaps(issued, voids, ranges)
		if !a.Clean() || a.Live+a.Voided != a.Used || a.Used == 0 || len(voids) == 0 {
			t.Fatalf("seed %d: audit %+v", seed, a)
		}
		// Lose one receipt, or one void: the audit names exactly that number.
		k := rng.IntN(len(issued))
		if a := Gaps(slices.Delete(slices.Clone(issued), k, k+1), voids, ranges); !slices.Equal(a.Unexplained, []Serial{issued[k]}) {
			t.Errorf("seed %d: lost receipt %v, unexplained %v", seed, issued[k], a.Unexplained)
		}
		k = rng.IntN(len(voids))
		if a := Gaps(issued, slices.Delete(slices.Clone(voids), k, k+1), ranges); !slices.Equal(a.Unexplained, []Serial{voids[k].Serial}) {
			t.Errorf("seed %d: lost void %v, unexplained %v", seed, voids[k].Serial, a.Unexplained)
		}
	}
}

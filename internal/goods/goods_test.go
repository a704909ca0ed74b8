package goods

import "testing"

func TestQuantity(t *testing.T) {
	mask := Item{Unit: "只", PackUnit: "箱", PackSize: 20}
	quilt := Item{Unit: "条"}
	for _, tt := range []struct {
		it   Item
		qty  int64
		want string
	}{
		{mask, 80, "4 箱 (80 只)"},
		{mask, 85, "4 箱 + 5 只 (85 只)"},
		{mask, 5, "5 只"},
		{mask, 0, "0 只"},
		{mask, -40, "-2 箱 (-40 只)"},
		{quilt, 300, "300 条"},
	} {
		if got := tt.it.Quantity(tt.qty); got != tt.want {
			t.Errorf("Quantity(%d) = %q, want %q", tt.qty, got, tt.want)
		}
	}
}

// N95 and KN95 (and every other pair of seeded items) must never read the
// same in a list.
func TestSeedItemsAreDistinct(t *testing.T) {
	labels, codes := map[string]string{}, map[string]bool{}
	for _, it := range SeedItems {
		it := it
		if err := it.Validate(); err != nil {
			t.Errorf("seed item %s: %v", it.Code, err)
		}
		if other, ok := labels[it.Label()]; ok {
			t.Errorf("%s and %s share the label %q", it.Code, other, it.Label())
		}
		labels[it.Label()] = it.Code
		if codes[it.Code] {
			t.Errorf("code %s twice", it.Code)
		}
		codes[it.Code] = true
	}
	n95, kn95 := SeedItems[0], SeedItems[1]
	if n95.Label() == kn95.Label() || !n95.MedicalGrade || kn95.MedicalGrade {
		t.Errorf("N95 %q and KN95 %q must differ, and only N95 is medical-grade", n95.Label(), kn95.Label())
	}
}

func TestValidate(t *testing.T) {
	for _, tt := range []struct {
		name string
		it   Item
		ok   bool
	}{
		{"good", Item{CategoryID: 1, Code: "mask-x", Name: "口罩", Unit: "只", PackUnit: "箱", PackSize: 20}, true},
		{"no unit", Item{CategoryID: 1, Code: "X1", Name: "口罩"}, false},
		{"pack without size", Item{CategoryID: 1, Code: "X1", Name: "口罩", Unit: "只", PackUnit: "箱"}, false},
		{"size without pack", Item{CategoryID: 1, Code: "X1", Name: "口罩", Unit: "只", PackSize: 10}, false},
		{"bad code", Item{CategoryID: 1, Code: "口罩", Name: "口罩", Unit: "只"}, false},
		{"no category", Item{Code: "X1", Name: "口罩", Unit: "只"}, false},
	} {
		err := tt.it.Validate()
		if (err == nil) != tt.ok {
			t.Errorf("%s: err = %v, want ok=%v", tt.name, err, tt.ok)
		}
	}
}

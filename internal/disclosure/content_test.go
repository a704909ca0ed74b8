package disclosure

import (
	"bytes"
	"testing"

	"boai"
)

// TestContentRoundTrip: a stored day reads back as the same day, byte for
// byte, so it verifies against the digest taken when it was checked.
func TestContentRoundTrip(t *testing.T) {
	for name, in := range map[string]Input{"sample": sampleInput(), "big": bigInput(2000), "no checkpoint": func() Input {
		in := sampleInput()
		in.Checkpoint = nil
		return in
	}()} {
		day := mustDay(t, in)
		c := day.Content()
		back, err := ParseDay(c)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got := back.Content(); !bytes.Equal(got, c) {
			t.Errorf("%s: content changed on the way back:\n%s\n---\n%s", name, got, c)
		}
		d, err := NewDraft(day, "alice", at(23, 0))
		if err != nil {
			t.Fatal(err)
		}
		if err := d.Check("bob", at(23, 30)); err != nil {
			t.Fatal(err)
		}
		if d.Digest != Digest(c) {
			t.Errorf("%s: checked digest %s, Digest(content) %s", name, d.Digest, Digest(c))
		}
		stored := &Disclosure{Day: back, Review: d.Review}
		if err := stored.Verify(); err != nil {
			t.Errorf("%s: the stored day does not verify: %v", name, err)
		}
		back.Money[0].Amount++
		if err := stored.Verify(); err == nil {
			t.Errorf("%s: a changed amount still verifies", name)
		}
	}
}

func TestParseDayRefuses(t *testing.T) {
	for _, c := range []string{"", "{", `{"date":""}`, `[]`} {
		if _, err := ParseDay([]byte(c)); boai.ErrorCode(err) != boai.EINTERNAL {
			t.Errorf("ParseDay(%q): %v, want an internal error", c, err)
		}
	}
}

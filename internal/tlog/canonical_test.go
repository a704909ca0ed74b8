package tlog

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestTestEntryIsCanonical(t *testing.T) {
	for _, i := range []int{0, 1, 999, 123456} {
		e := testEntry(i)
		c, err := Canonical(jsonRaw(e))
		if err != nil || string(c) != string(e) {
			t.Fatalf("testEntry(%d) = %s is not canonical: %s %v", i, e, c, err)
		}
	}
}

func TestCanonical(t *testing.T) {
	type donation struct {
		Type   string `json:"type"`
		Amount int64  `json:"amount_fen"`
		Note   string `json:"b"`
		Nested map[string]any
	}
	got, err := Canonical(donation{Type: "donation", Amount: 12345, Note: "<a&b>", Nested: map[string]any{"z": 1, "a": []any{2, "x"}}})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"Nested":{"a":[2,"x"],"z":1},"amount_fen":12345,"b":"<a&b>","type":"donation"}`
	if string(got) != want {
		t.Fatalf("Canonical = %s\nwant        %s", got, want)
	}
	again, _ := Canonical(map[string]any{"type": "donation", "b": "<a&b>", "amount_fen": 12345, "Nested": map[string]any{"a": []int{2}, "z": 1}})
	if string(again) == string(got) {
		t.Fatal("different values, same encoding")
	}
	raw, err := Canonical(jsonRaw(`{ "b" : 1,
		"a" : "张三" }`))
	if err != nil || string(raw) != `{"a":"张三","b":1}` {
		t.Fatalf("Canonical(raw) = %s, %v", raw, err)
	}
	for _, bad := range []any{1.5, jsonRaw(`{"x":1e3}`), jsonRaw(`{"x":-0}`), jsonRaw(`[1.0]`)} {
		if b, err := Canonical(bad); err == nil {
			t.Errorf("Canonical(%v) = %s, want an error for a non-integer", bad, b)
		}
	}
	big, err := Canonical(jsonRaw(`18446744073709551615`))
	if err != nil || string(big) != "18446744073709551615" {
		t.Errorf("Canonical(max uint64) = %s, %v", big, err)
	}
}

func TestCommit(t *testing.T) {
	salt := NewSalt()
	if len(salt) != 26 || NewSalt() == salt {
		t.Fatalf("NewSalt = %q", salt)
	}
	c := Commit(salt, "张三")
	if len(c) != 64 {
		t.Fatalf("Commit = %q, want 64 hex digits", c)
	}
	grouped := strings.ToUpper(salt[:5] + "-" + salt[5:10] + " " + salt[10:])
	for _, same := range [][2]string{{grouped, "张三"}, {salt, " 张三 "}, {salt, "张三\n"}} {
		if Commit(same[0], same[1]) != c {
			t.Errorf("Commit(%q, %q) differs: normalisation", same[0], same[1])
		}
	}
	if Commit(salt, "John  Smith") != Commit(salt, "John Smith") {
		t.Error("inner spaces not collapsed")
	}
	// NFC: é as one code point or as e + combining acute.
	if Commit(salt, "Andr\u00e9") != Commit(salt, "Andre\u0301") {
		t.Error("names not NFC-normalised")
	}
	for _, other := range [][2]string{{salt, "张四"}, {NewSalt(), "张三"}, {salt[:25], "张三"}} {
		if Commit(other[0], other[1]) == c {
			t.Errorf("Commit(%q, %q) collides", other[0], other[1])
		}
	}
	// Length prefixes: moving bytes between salt and name changes the commitment.
	if Commit("ab", "c") == Commit("a", "bc") {
		t.Error("salt and name not separated")
	}
	entry, _ := Canonical(map[string]any{"type": "donation", "items": []any{map[string]any{"donor": c}}})
	if f, ok := FindCommitment(entry, c); !ok || f != "items[0].donor" {
		t.Errorf("FindCommitment = %q, %v", f, ok)
	}
	if _, ok := FindCommitment(entry, Commit(salt, "李四")); ok {
		t.Error("found another person's commitment")
	}
}

type jsonRaw = json.RawMessage

package notify

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestBody(t *testing.T) {
	m := Message{Title: "新的调拨申请待审批", Text: "浙大一院申请 N95 医用防护口罩 2000 只", URL: "https://boai.example/requests/7"}
	for _, kind := range []string{WeCom, DingTalk} {
		b, err := Body(kind, m)
		if err != nil {
			t.Fatal(err)
		}
		var v struct {
			MsgType  string `json:"msgtype"`
			Markdown struct {
				Content, Title, Text string
			} `json:"markdown"`
		}
		if err := json.Unmarshal(b, &v); err != nil || v.MsgType != "markdown" {
			t.Fatalf("%s: %s %v", kind, b, err)
		}
		text := v.Markdown.Content + v.Markdown.Text
		if kind == DingTalk && v.Markdown.Title != m.Title {
			t.Errorf("dingtalk title %q", v.Markdown.Title)
		}
		for _, want := range []string{m.Title, "N95 医用防护口罩 2000 只", m.URL} {
			if !strings.Contains(text, want) {
				t.Errorf("%s body %q lacks %q", kind, text, want)
			}
		}
	}
	if _, err := Body("slack", m); err == nil {
		t.Error("unknown kind accepted")
	}
}

func TestBackoff(t *testing.T) {
	for _, tt := range []struct {
		n    int
		want time.Duration
	}{{1, 10 * time.Second}, {2, 20 * time.Second}, {4, 80 * time.Second}, {20, time.Hour}} {
		if got := Backoff(tt.n); got != tt.want {
			t.Errorf("Backoff(%d) = %s, want %s", tt.n, got, tt.want)
		}
	}
}

package web

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestPageCache: entries are bounded in bytes, a day's version is read
// again after versionTTL or once forgotten, and a page is served gzipped
// only to a client that asks.
func TestPageCache(t *testing.T) {
	var c pageCache
	big := newCachedPage(make([]byte, pageCacheMaxEntry+1), "application/pdf")
	c.put("big", big)
	if c.get("big") != nil {
		t.Errorf("an entry over %d bytes was kept", pageCacheMaxEntry)
	}
	for i := range 20 {
		c.put(strings.Repeat("k", i+1), newCachedPage(make([]byte, 20<<20), "application/pdf"))
	}
	if c.size > pageCacheMaxBytes {
		t.Errorf("the cache holds %d bytes, over %d", c.size, pageCacheMaxBytes)
	}

	reads := 0
	read := func() (string, error) { reads++; return "v" + string(rune('0'+reads)), nil }
	t0 := time.Unix(1_000_000, 0)
	v1, _ := c.version("2026-11-30", t0, read)
	v2, _ := c.version("2026-11-30", t0.Add(versionTTL-time.Millisecond), read)
	v3, _ := c.version("2026-11-30", t0.Add(versionTTL), read)
	if v1 != "v1" || v2 != "v1" || v3 != "v2" || reads != 2 {
		t.Errorf("versions %s %s %s after %d reads; want v1 v1 v2 after 2", v1, v2, v3, reads)
	}
	c.forget("2026-11-30")
	if v, _ := c.version("2026-11-30", t0.Add(versionTTL), read); v != "v3" {
		t.Errorf("after forget: %s, want a fresh read", v)
	}

	p := newCachedPage([]byte(strings.Repeat("<p>每日公示</p>", 100)), "text/html; charset=utf-8")
	plain, gz := httptest.NewRecorder(), httptest.NewRecorder()
	p.serve(plain, httptest.NewRequest("GET", "/disclosure/2026-11-30", nil))
	req := httptest.NewRequest("GET", "/disclosure/2026-11-30", nil)
	req.Header.Set("Accept-Encoding", "gzip, deflate")
	p.serve(gz, req)
	if plain.Header().Get("Content-Encoding") != "" || plain.Body.Len() != len(p.body) {
		t.Errorf("plain: %v, %d bytes", plain.Header(), plain.Body.Len())
	}
	if gz.Header().Get("Content-Encoding") != "gzip" || gz.Body.Len() >= len(p.body) {
		t.Errorf("gzip: %v, %d bytes of %d", gz.Header(), gz.Body.Len(), len(p.body))
	}
}

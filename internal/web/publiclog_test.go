package web_test

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"boai/internal/publish"
	"boai/internal/publog"
	"boai/internal/store"
	"boai/internal/store/storetest"
	"boai/internal/tlog"
	"boai/internal/web"
)

// The public log as the public meets it: the files under /log/, the key
// and checkpoint on /transparency, the log entries on a certificate's
// tracing page, and a proof bundle a donor can check with their salt.
func TestPublicLogPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		skey, vkey, err := tlog.GenerateKey("boai.example.org/log")
		if err != nil {
			t.Fatal(err)
		}
		dir := filepath.Join(t.TempDir(), "log")
		s := newSociety(t, db, 40, web.Config{LogDir: dir, LogKey: vkey, VerifyRate: 1e9})
		c := s.anon()

		// Before the writer runs: the page says the step is being logged.
		if r := c.get("/verify/" + s.xihuGift.CertNo); r.Status != 200 || !strings.Contains(r.Body, "正在写入日志") {
			t.Fatalf("tracing page before logging: %s", r)
		}
		if r := c.get("/verify/" + s.xihuGift.CertNo + "/proof"); r.Status != 404 {
			t.Fatalf("proof before logging: %s", r)
		}
		l, err := tlog.Open(dir, skey)
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		leader, err := db.LeadLog(ctx)
		if err != nil || leader == nil {
			t.Fatalf("lead: %v", err)
		}
		defer leader.Close()
		if _, err := publish.Drain(ctx, db, l, leader, 0); err != nil {
			t.Fatal(err)
		}
		e, err := db.FactEntry(ctx, publog.Donation, s.xihuGift.ID)
		if err != nil {
			t.Fatal(err)
		}

		r := c.get("/verify/" + s.xihuGift.CertNo)
		if r.Status != 200 || !strings.Contains(r.Body, "捐赠去向") || !strings.Contains(r.Body, "/proofs/"+itoa(e.Index)) {
			t.Fatalf("tracing page does not link entry %d: %s", e.Index, r)
		}
		// Goods too: received into stock, then each institution's
		// signature, each step with its entry.
		goods, err := db.ListInKind(ctx, "settled", 1000)
		if err != nil || len(goods) == 0 {
			t.Fatalf("the demo has no settled goods: %v", err)
		}
		signed := false
		for _, g := range goods {
			r := c.get("/verify/" + g.CertNo)
			if r.Status != 200 || !strings.Contains(r.Body, "物资入库") || !strings.Contains(r.Body, "日志 #") {
				t.Fatalf("goods tracing page of %s: %s", g.CertNo, r)
			}
			signed = signed || strings.Contains(r.Body, "受赠单位签收")
		}
		if !signed {
			t.Error("no goods tracing page shows an institution's signature")
		}
		// The donor's proof: it verifies, and with the salt printed on
		// their certificate it names them; with another name it does not.
		r = c.get("/verify/" + s.xihuGift.CertNo + "/proof")
		if r.Status != 200 {
			t.Fatalf("proof: %s", r)
		}
		p, err := tlog.OpenBundle([]byte(r.Body), vkey)
		if err != nil || p.Index != e.Index {
			t.Fatalf("bundle: index %v, %v", p, err)
		}
		salter, err := db.Salter(ctx)
		if err != nil {
			t.Fatal(err)
		}
		salt := salter.Salt(s.xihuGift.CertNo)
		if f, ok := tlog.FindCommitment(p.Entry, tlog.Commit(publog.FormatSalt(salt), "林西湖")); !ok || f != "donor" {
			t.Errorf("the donor's commitment is not in the entry %s", p.Entry)
		}
		if _, ok := tlog.FindCommitment(p.Entry, tlog.Commit(salt, "林东湖")); ok {
			t.Error("another name matches the commitment")
		}
		if strings.Contains(string(p.Entry), "林西湖") || strings.Contains(r.Body, salt) {
			t.Errorf("the entry or bundle gives the donor away: %s", p.Entry)
		}

		// The files: the checkpoint and a tile, never the writer's own.
		if r := c.get("/log/checkpoint"); r.Status != 200 || !strings.HasPrefix(r.Body, "boai.example.org/log\n") {
			t.Errorf("checkpoint: %s", r)
		}
		if r := c.get("/log/tile/0/000.p/" + itoa(min(l.Size(), 256))); r.Status != 200 && l.Size() < 256 {
			t.Errorf("tile: %s", r)
		}
		for _, bad := range []string{"/log/.lock", "/log/.tmp/x", "/log/../boai.db", "/log/tile/%2e%2e/x", "/proofs/x", "/proofs/99999999"} {
			if r := c.get(bad); r.Status == 200 {
				t.Errorf("%s answered 200", bad)
			}
		}
		if r := c.get("/log/key"); r.Status != 200 || strings.TrimSpace(r.Body) != vkey {
			t.Errorf("key: %s", r)
		}
		r = c.get("/transparency")
		keyData := vkey[strings.LastIndex(vkey, "+")+1:] // html/template writes each + as &#43;
		if r.Status != 200 || !strings.Contains(r.Body, keyData) || !strings.Contains(r.Body, itoa(l.Size())) {
			t.Errorf("transparency page: %s", r)
		}
		// A receipt's proof.
		rv, err := db.Receipt(ctx, 1)
		if err != nil {
			t.Fatalf("the demo's first receipt: %v", err)
		}
		r = c.get("/r/" + rv.Code + "/" + rv.NumberText() + "/proof")
		if r.Status != 200 {
			t.Fatalf("receipt proof: %s", r)
		}
		if _, index, err := tlog.VerifyBundle([]byte(r.Body), vkey); err != nil {
			t.Errorf("receipt proof: %v", err)
		} else if re, _ := db.FactEntry(ctx, publog.Receipt, rv.ID); re.Index != index {
			t.Errorf("receipt proof of entry %d, want %d", index, re.Index)
		}
	})
}

func itoa[T ~int | ~uint64](n T) string { return strconv.FormatUint(uint64(n), 10) }

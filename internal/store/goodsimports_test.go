package store_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"boai"
	"boai/internal/allocation"
	"boai/internal/audit"
	"boai/internal/donation"
	"boai/internal/goodsimport"
	"boai/internal/inkind"
	"boai/internal/store"
	"boai/internal/store/storetest"
)

func catalogueOf(t *testing.T, db *store.DB) goodsimport.Catalogue {
	t.Helper()
	items, err := db.CatalogueItems(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return goodsimport.NewCatalogue(items)
}

func registerCSV(rows ...[]string) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write([]string{"捐赠方", "物资编码", "物资名称", "规格", "数量", "批号", "有效期", "申报价值(元)", "凭据类型", "凭据号", "定向", "接收日期"})
	_ = w.WriteAll(rows)
	return b.Bytes()
}

func inKindCount(t *testing.T, db *store.DB) int {
	t.Helper()
	l, err := db.ListInKind(context.Background(), "", 1000)
	if err != nil {
		t.Fatal(err)
	}
	return len(l)
}

// The sample register goes in as intakes awaiting sign-off, exactly as
// manual entry records them; importing it again adds nothing.
func TestImportGoodsInKind(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newStockFixture(t, db)
		b, err := os.ReadFile(filepath.Join("..", "goodsimport", "testdata", "inkind-sample.csv"))
		if err != nil {
			t.Fatal(err)
		}
		parse := func() *goodsimport.Sheet {
			sh, err := goodsimport.ParseInKind(b, catalogueOf(t, db), store.CertLocation)
			if err != nil {
				t.Fatal(err)
			}
			sh.SetBranch(f.main.BranchID)
			return sh
		}
		sh := parse()
		if c := sh.Counts(); c[goodsimport.OK] != 5 || c[goodsimport.Error] != 1 || c[goodsimport.Skipped] != 2 {
			t.Fatalf("preview counts %v", c)
		}
		res, err := db.ImportGoods(ctx, actor, sh, "inkind-sample.csv")
		if err != nil {
			t.Fatal(err)
		}
		if res.Created != 3 || res.Existing != 0 || len(res.IDs) != 3 {
			t.Fatalf("import: %+v", res)
		}
		d, err := db.InKind(ctx, res.IDs[0])
		if err != nil {
			t.Fatal(err)
		}
		if d.Status != inkind.Receiving || d.BranchID != f.main.BranchID || d.CreatedBy != actor.Username || !strings.HasPrefix(d.CertNo, store.CertPrefix+"W20260506-") ||
			d.Donor.Name != "杭州某某医疗器械有限公司" || d.Donor.Kind != donation.Organization ||
			d.Designation != (donation.Designation{Kind: donation.Institution, Target: "浙江大学医学院附属第一医院"}) {
			t.Errorf("intake %+v", d)
		}
		if len(d.Lines) != 2 || d.Lines[0].ItemID != f.n95.ID || !d.Lines[0].MedicalGrade || d.Lines[0].Declared != 2000 ||
			d.Lines[0].DeclaredFen != 2000000 || d.Lines[0].EvidenceKind != "invoice" || d.Lines[0].ExpiresOn != "2029-02-28" ||
			d.Lines[1].ItemID != f.kn95.ID || d.Lines[1].MedicalGrade || d.Lines[1].Valuation != inkind.Pending {
			t.Errorf("lines %+v", d.Lines)
		}
		if got := d.ReceivedAt.In(store.CertLocation).Format("2006-01-02 15:04"); got != "2026-05-06 00:00" {
			t.Errorf("received %s", got)
		}
		oil, err := db.InKind(ctx, res.IDs[1])
		if err != nil {
			t.Fatal(err)
		}
		if len(oil.Lines) != 2 || oil.Lines[1].Declared != 200 || oil.Lines[1].EvidenceKind != "agreement" {
			t.Errorf("某某集团's lines %+v", oil.Lines)
		}
		have, err := db.ExistingImportRefs(ctx, sh.Refs())
		if err != nil || len(have) != 3 {
			t.Errorf("recorded refs %v, %v", have, err)
		}
		entries, _, err := db.AuditEntries(ctx, audit.Filter{Entity: "goods_import", Limit: 10})
		if err != nil || len(entries) != 1 {
			t.Fatalf("audit of the import: %v, %v", entries, err)
		}
		if entries, _, _ := db.AuditEntries(ctx, audit.Filter{Entity: "inkind_donation", Limit: 10}); len(entries) != 3 {
			t.Errorf("%d in-kind audit entries, want one per intake", len(entries))
		}

		// Again: the preview says so, and committing adds nothing.
		before := inKindCount(t, db)
		again := parse()
		have, err = db.ExistingImportRefs(ctx, again.Refs())
		if err != nil {
			t.Fatal(err)
		}
		again.MarkImported(have)
		if c := again.Counts(); c[goodsimport.Imported] != 5 || c[goodsimport.OK] != 0 || len(again.Ready()) != 0 {
			t.Errorf("second preview counts %v", c)
		}
		res, err = db.ImportGoods(ctx, actor, parse(), "inkind-sample.csv")
		if err != nil || res.Created != 0 || res.Existing != 3 {
			t.Errorf("second import: %+v, %v", res, err)
		}
		if after := inKindCount(t, db); after != before {
			t.Errorf("in-kind donations %d → %d after a re-import", before, after)
		}
		if entries, _, _ := db.AuditEntries(ctx, audit.Filter{Entity: "goods_import", Limit: 10}); len(entries) != 1 {
			t.Errorf("a re-import that adds nothing wrote %d import audit entries", len(entries)-1)
		}
	})
}

// N95 and KN95 rows become lines of their own items; a row naming an item
// the catalogue lacks is reported, and the other donations stay ready.
func TestImportGoodsKeepsN95AndKN95Apart(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newStockFixture(t, db)
		sh, err := goodsimport.ParseInKind(registerCSV(
			[]string{"甲公司", "", "N95 医用防护口罩", "GB 19083-2010", "100", "", "", "", "", "", "", "2026-05-06"},
			[]string{"甲公司", "", "KN95 防护口罩", "GB 2626-2019（非医用）", "200", "", "", "", "", "", "", "2026-05-06"},
			[]string{"乙公司", "MASK-KN95", "", "", "300", "", "", "", "", "", "", "2026-05-06"},
			[]string{"丙公司", "", "N95口罩", "", "50", "", "", "", "", "", "", "2026-05-06"},
			[]string{"丁公司", "MASK-KN95", "N95 医用防护口罩", "", "50", "", "", "", "", "", "", "2026-05-06"},
		), catalogueOf(t, db), store.CertLocation)
		if err != nil {
			t.Fatal(err)
		}
		want := []goodsimport.Verdict{goodsimport.OK, goodsimport.OK, goodsimport.OK, goodsimport.Error, goodsimport.Error}
		for i, w := range want {
			if r := sh.Rows[i]; r.Verdict != w {
				t.Errorf("row %d: %s %q, want %s", r.Line, r.Verdict, r.Reason, w)
			}
		}
		if r := sh.Rows[3].Reason; !strings.Contains(r, "物资目录中没有“N95口罩”") {
			t.Errorf("unknown item reason %q", r)
		}
		if r := sh.Rows[4].Reason; !strings.Contains(r, "不符") {
			t.Errorf("code/name clash reason %q", r)
		}
		sh.SetBranch(f.main.BranchID)
		res, err := db.ImportGoods(ctx, actor, sh, "95.csv")
		if err != nil || res.Created != 2 {
			t.Fatalf("import: %+v, %v", res, err)
		}
		got := map[string][]int64{}
		for _, id := range res.IDs {
			d, err := db.InKind(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range d.Lines {
				got[d.Donor.Name] = append(got[d.Donor.Name], l.ItemID)
			}
		}
		if g := got["甲公司"]; len(g) != 2 || g[0] != f.n95.ID || g[1] != f.kn95.ID {
			t.Errorf("甲公司's lines are items %v, want N95 %d then KN95 %d", g, f.n95.ID, f.kn95.ID)
		}
		if g := got["乙公司"]; len(g) != 1 || g[0] != f.kn95.ID {
			t.Errorf("乙公司's lines are items %v, want KN95 %d", g, f.kn95.ID)
		}
		if len(got) != 2 {
			t.Errorf("donations recorded for %v", got)
		}
	})
}

// Request lists become open requests with their lines; again adds nothing.
func TestImportGoodsRequests(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newStockFixture(t, db)
		for _, r := range []*allocation.Recipient{
			{Name: "浙江大学医学院附属第一医院", Class: "treatment_hospital"},
			{Name: "文新街道社区卡口", Class: "community_checkpoint", Contact: "赵主任", Phone: "13900000003", Address: "杭州市西湖区文新街道"},
			{Name: "杭州市西溪医院", Class: "hospital"},
		} {
			if err := db.CreateRecipient(ctx, actor, r); err != nil {
				t.Fatal(err)
			}
		}
		rs, err := db.Recipients(ctx)
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join("..", "goodsimport", "testdata", "requests-sample.xlsx"))
		if err != nil {
			t.Fatal(err)
		}
		parse := func() *goodsimport.Sheet {
			sh, err := goodsimport.ParseRequests(b, catalogueOf(t, db), goodsimport.NewRecipients(rs))
			if err != nil {
				t.Fatal(err)
			}
			return sh
		}
		sh := parse()
		if c := sh.Counts(); c[goodsimport.OK] != 4 || c[goodsimport.Error] != 2 {
			t.Fatalf("counts %v, rows %+v", c, sh.Rows)
		}
		res, err := db.ImportGoods(ctx, actor, sh, "requests-sample.xlsx")
		if err != nil || res.Created != 3 {
			t.Fatalf("import: %+v, %v", res, err)
		}
		q, err := db.Request(ctx, res.IDs[0])
		if err != nil {
			t.Fatal(err)
		}
		if q.Recipient != "浙江大学医学院附属第一医院" || q.Status != "open" || q.Urgency != "critical" || q.Purpose != "发热门诊" ||
			q.Contact != "王医生 13800000001" || len(q.Lines) != 2 || q.Lines[0].ItemID != f.n95.ID || q.Lines[0].Quantity != 1000 {
			t.Errorf("request %+v", q)
		}
		kn, err := db.Request(ctx, res.IDs[1])
		if err != nil {
			t.Fatal(err)
		}
		if len(kn.Lines) != 1 || kn.Lines[0].ItemID != f.kn95.ID || kn.Lines[0].Quantity != 100 {
			t.Errorf("KN95 request %+v", kn)
		}
		res, err = db.ImportGoods(ctx, actor, parse(), "requests-sample.xlsx")
		if err != nil || res.Created != 0 || res.Existing != 3 {
			t.Errorf("second import: %+v, %v", res, err)
		}
		all, err := db.ListRequests(ctx, "", 100)
		if err != nil || len(all) != 3 {
			t.Errorf("%d requests after a re-import, want 3 (%v)", len(all), err)
		}
	})
}

// Without a receiving branch nothing is written, and the error says which
// rows.
func TestImportGoodsNeedsBranch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		newStockFixture(t, db)
		sh, err := goodsimport.ParseInKind(registerCSV([]string{"甲公司", "QUILT", "", "", "5"}), catalogueOf(t, db), nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.ImportGoods(context.Background(), actor, sh, "x.csv"); boai.ErrorCode(err) != boai.EINVALID ||
			!strings.Contains(boai.ErrorMessage(err), "第 2 行起的一组：请选择接收机构") {
			t.Errorf("import without a branch: %v", err)
		}
		if n := inKindCount(t, db); n != 0 {
			t.Errorf("%d in-kind donations written", n)
		}
	})
}

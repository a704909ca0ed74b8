package web_test

import (
	"context"
	"encoding/csv"
	"html"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"boai/internal/auth"
	"boai/internal/bankstmt"
	"boai/internal/i18n"
	"boai/internal/importer"
	"boai/internal/money"
	"boai/internal/store"
	"boai/internal/store/storetest"
	"boai/internal/web"
)

// stmtRow is one line of a test bank statement.
type stmtRow struct {
	date, clock, name, credit, debit, summary, purpose, serial string
}

// gbkStatement is a bank statement as Chinese banks export it: GBK, two
// title lines above the header, a totals line at the end.
func gbkStatement(t *testing.T, rows []stmtRow, total string) []byte {
	t.Helper()
	var b strings.Builder
	b.WriteString("中国工商银行 对公账户明细\r\n")
	b.WriteString("账号：1202020409900012345,户名：杭州市红十字会,币种：人民币\r\n")
	w := csv.NewWriter(&b)
	w.UseCRLF = true
	w.Write([]string{"交易日期", "交易时间", "对方户名", "收入金额", "支出金额", "摘要", "附言", "流水号"})
	for _, r := range rows {
		w.Write([]string{r.date, r.clock, r.name, r.credit, r.debit, r.summary, r.purpose, r.serial})
	}
	if total != "" {
		w.Write(strings.Split(total, ","))
	}
	w.Flush()
	out, err := simplifiedchinese.GBK.NewEncoder().String(b.String())
	if err != nil {
		t.Fatalf("GBK: %v", err)
	}
	return []byte(out)
}

var kpiRE = regexp.MustCompile(`<div class="label">([^<]*)</div>\s*<div class="value">\s*([^<]*?)\s*</div>`)

// previewCounts reads the verdict counts off the preview page.
func previewCounts(t *testing.T, body string) map[bankstmt.Verdict]int {
	t.Helper()
	byLabel := map[string]string{}
	for _, m := range kpiRE.FindAllStringSubmatch(body, -1) {
		byLabel[html.UnescapeString(m[1])] = m[2]
	}
	out := map[bankstmt.Verdict]int{}
	for _, v := range []bankstmt.Verdict{bankstmt.Accept, importer.Imported, bankstmt.Invalid, bankstmt.Debit, bankstmt.Total, bankstmt.Duplicate} {
		s, ok := byLabel[i18n.T("zh", "verdict."+string(v))]
		if !ok {
			t.Fatalf("preview shows no count for %s; page:\n%s", v, body)
		}
		n, err := strconv.Atoi(s)
		if err != nil {
			t.Fatalf("preview count for %s: %q", v, s)
		}
		out[v] = n
	}
	return out
}

// importer drives the import pages as one user.
type importFlow struct {
	t      *testing.T
	s      *society
	c      *client
	branch int64
}

// upload posts a statement and returns the import's id.
func (f *importFlow) upload(name string, content []byte) int64 {
	f.t.Helper()
	ctype, body := multipartBody(f.t, map[string]string{"branch": strconv.FormatInt(f.branch, 10), "designation_kind": "undesignated"}, name, content)
	r := f.c.do("POST", "/imports", ctype, body)
	id, ok := strings.CutPrefix(r.location(), "/imports/")
	if r.Status != http.StatusSeeOther || !ok {
		f.t.Fatalf("upload %s: %v, want 303 to /imports/{id}", name, r)
	}
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		f.t.Fatalf("upload %s: Location %q", name, r.location())
	}
	return n
}

func (f *importFlow) preview(id int64) (map[bankstmt.Verdict]int, string) {
	f.t.Helper()
	r := f.c.get("/imports/" + strconv.FormatInt(id, 10))
	if r.Status != http.StatusOK {
		f.t.Fatalf("preview %d: %v", id, r)
	}
	return previewCounts(f.t, r.Body), r.Body
}

func (f *importFlow) commit(id int64, expect int) *reply {
	f.t.Helper()
	return f.c.postForm("/imports/"+strconv.FormatInt(id, 10)+"/commit", map[string][]string{"expect": {strconv.Itoa(expect)}})
}

// wait polls until the import's background commit is done.
func (f *importFlow) wait(id int64) *store.Import {
	f.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		imp, err := f.s.db.Import(context.Background(), id)
		if err != nil {
			f.t.Fatal(err)
		}
		if imp.Status == store.ImportDone {
			return imp
		}
		if imp.Error != "" {
			f.t.Fatalf("import %d failed: %s", id, imp.Error)
		}
		if time.Now().After(deadline) {
			f.t.Fatalf("import %d still %s after 20s", id, imp.Status)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stored is the number and net sum of donations in the database.
func stored(t *testing.T, db *store.DB) (int, money.Fen) {
	t.Helper()
	_, n, sum, err := db.Donations(context.Background(), store.DonationFilter{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	return n, sum
}

// TestImportThroughTheWeb uploads a GBK statement with every kind of row,
// checks the preview, commits, and then shows that the same file adds
// nothing and an overlapping one adds only its new rows.
func TestImportThroughTheWeb(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSociety(t, db, 0, web.Config{})
		f := &importFlow{t: t, s: s, c: s.as(auth.Clerk), branch: s.city.ID}
		n0, sum0 := stored(t, db)

		day := func(ago int) string { return time.Now().In(cst).AddDate(0, 0, -ago).Format("2006-01-02") }
		good := []stmtRow{
			{day(5), "09:15:02", "张三", "1000.00", "", "跨行转账", "抗洪救灾捐款", "S20261101001"},
			{day(5), "10:15:00", "李四", "500.00", "", "网银转账", "", "S20261102001"},
			{day(4), "11:00:00", "杭州华信科技有限公司", "20,000.00", "", "转账", "定向捐赠", "S20261103001"},
			{day(3), "16:20:45", "王五", "88.88", "", "转账", "一点心意", "S20261106001"},
		}
		const goodFen = 100000 + 50000 + 2000000 + 8888
		rows := append([]stmtRow{}, good...)
		rows = append(rows,
			stmtRow{day(3), "12:00:00", "赵六", "12a.00", "", "转账", "", "S20261107001"},           // bad amount
			stmtRow{"2026-13-45", "12:00:00", "孙七", "50.00", "", "转账", "", "S20261108001"},      // bad date
			stmtRow{day(2), "11:00:01", "", "", "12.00", "手续费", "", "S20261109001"},             // debit
			stmtRow{day(2), "08:00:00", "某物资公司", "", "5,000.00", "转账", "拨付物资款", "S20261110001"}, // debit
			good[0], // the same serial again: a duplicate
		)
		content := gbkStatement(t, rows, ",,合计,21588.88,5012.00,,,")

		id := f.upload("工行明细.csv", content)
		counts, page := f.preview(id)
		want := map[bankstmt.Verdict]int{bankstmt.Accept: 4, importer.Imported: 0, bankstmt.Invalid: 2, bankstmt.Debit: 2, bankstmt.Duplicate: 1, bankstmt.Total: 1}
		if !equalCounts(counts, want) {
			t.Errorf("first preview: %v, want %v", counts, want)
		}
		if !strings.Contains(page, money.Fen(goodFen).Yuan()) {
			t.Errorf("preview does not show the total to import, %s", money.Fen(goodFen).Yuan())
		}
		if n, _ := stored(t, db); n != n0 {
			t.Fatalf("the preview recorded donations: %d → %d", n0, n)
		}

		// A count that is not the preview's is refused: the user confirms
		// what they saw.
		if r := f.commit(id, 5); r.Status != http.StatusConflict {
			t.Errorf("commit with a stale count: %v, want 409", r)
		}
		if r := f.commit(id, 4); r.Status != http.StatusSeeOther {
			t.Fatalf("commit: %v, want 303", r)
		}
		imp := f.wait(id)
		if imp.Accepted != 4 || imp.TotalFen != goodFen {
			t.Errorf("import done: %d accepted, %d fen; want 4, %d", imp.Accepted, imp.TotalFen, goodFen)
		}
		if n, sum := stored(t, db); n != n0+4 || sum != sum0+goodFen {
			t.Errorf("after commit: %d donations, %d fen; want %d, %d", n, sum, n0+4, sum0+goodFen)
		}
		if r := f.c.get("/imports/" + strconv.FormatInt(id, 10)); r.Status != http.StatusOK ||
			!strings.Contains(r.Body, i18n.T("zh", "import.done", 4, imp.Skipped, money.Fen(goodFen).Yuan())) {
			t.Errorf("the done page does not report the result: %v", r)
		}
		if r := f.commit(id, 4); r.Status != http.StatusConflict {
			t.Errorf("committing a done import again: %v, want 409", r)
		}

		// The same file again: every good row is already imported.
		again := f.upload("工行明细.csv", content)
		counts, _ = f.preview(again)
		want = map[bankstmt.Verdict]int{bankstmt.Accept: 0, importer.Imported: 4, bankstmt.Invalid: 2, bankstmt.Debit: 2, bankstmt.Duplicate: 1, bankstmt.Total: 1}
		if !equalCounts(counts, want) {
			t.Errorf("preview of the same file: %v, want %v", counts, want)
		}
		if r := f.commit(again, 4); r.Status != http.StatusConflict {
			t.Errorf("committing the same file with the old count: %v, want 409", r)
		}
		if r := f.commit(again, 0); r.Status == http.StatusSeeOther {
			f.wait(again)
		}
		if n, sum := stored(t, db); n != n0+4 || sum != sum0+goodFen {
			t.Errorf("after the same file: %d donations, %d fen; want %d, %d", n, sum, n0+4, sum0+goodFen)
		}

		// An overlapping statement: two old rows, two new ones.
		overlap := []stmtRow{good[2], good[3],
			{day(1), "09:00:00", "周八", "300.00", "", "转账", "", "S20261111001"},
			{day(1), "09:30:00", "吴九", "66.00", "", "转账", "月捐", "S20261111002"},
		}
		const newFen = 30000 + 6600
		third := f.upload("工行明细-2.csv", gbkStatement(t, overlap, ""))
		counts, _ = f.preview(third)
		want = map[bankstmt.Verdict]int{bankstmt.Accept: 2, importer.Imported: 2}
		if !equalCounts(counts, want) {
			t.Errorf("preview of the overlapping file: %v, want %v", counts, want)
		}
		if r := f.commit(third, 2); r.Status != http.StatusSeeOther {
			t.Fatalf("commit overlapping file: %v", r)
		}
		if imp := f.wait(third); imp.Accepted != 2 || imp.TotalFen != newFen {
			t.Errorf("overlapping import: %d accepted, %d fen; want 2, %d", imp.Accepted, imp.TotalFen, newFen)
		}
		if n, sum := stored(t, db); n != n0+6 || sum != sum0+goodFen+newFen {
			t.Errorf("after the overlapping file: %d donations, %d fen; want %d, %d", n, sum, n0+6, sum0+goodFen+newFen)
		}
	})
}

// equalCounts compares verdict counts, a missing verdict counting zero.
func equalCounts(got, want map[bankstmt.Verdict]int) bool {
	for _, m := range []map[bankstmt.Verdict]int{got, want} {
		for v := range m {
			if got[v] != want[v] {
				return false
			}
		}
	}
	return true
}

// TestImportUploadRefusesBadFiles: files that cannot be imported are sent
// back with the reason and are not stored.
func TestImportUploadRefusesBadFiles(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSociety(t, db, 0, web.Config{})
		c := s.as(auth.Clerk)
		branch := strconv.FormatInt(s.city.ID, 10)
		ok := gbkStatement(t, []stmtRow{{time.Now().In(cst).AddDate(0, 0, -1).Format("2006-01-02"), "09:00:00", "张三", "10.00", "", "", "", "X1"}}, "")
		for _, tt := range []struct {
			name    string
			fields  map[string]string
			file    string
			content []byte
		}{
			{"no file", map[string]string{"branch": branch}, "", nil},
			{"empty file", map[string]string{"branch": branch}, "a.csv", nil},
			{"no header", map[string]string{"branch": branch}, "a.csv", []byte("hello,world\n1,2\n")},
			{"old .xls", map[string]string{"branch": branch}, "a.xls", []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest")},
			{"no branch", map[string]string{}, "a.csv", ok},
			{"unknown branch", map[string]string{"branch": "999999"}, "a.csv", ok},
		} {
			before := s.counts()
			ctype, body := multipartBody(t, tt.fields, tt.file, tt.content)
			r := c.do("POST", "/imports", ctype, body)
			if r.Status != http.StatusBadRequest {
				t.Errorf("upload %s: %v, want 400", tt.name, r)
			}
			if after := s.counts(); after != before {
				t.Errorf("upload %s: stored something: %+v → %+v", tt.name, before, after)
			}
		}
	})
}

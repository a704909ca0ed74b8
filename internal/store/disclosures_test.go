package store_test

import (
	"boai/internal/supervision"
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"boai"
	"boai/internal/audit"
	"boai/internal/disclosure"
	"boai/internal/donation"
	"boai/internal/ledger"
	"boai/internal/money"
	"boai/internal/stock"
	"boai/internal/store"
	"boai/internal/store/storetest"
)

var (
	maker     = audit.Actor{Username: "clerk", Role: "clerk", Via: "test"}
	checker   = audit.Actor{Username: "finance", Role: "finance", Via: "test"}
	publisher = audit.Actor{Username: "admin", Role: "admin", Via: "test"}
)

// logAt stands in for the public log: a checkpoint for the days it knows.
type logAt map[string]disclosure.CheckpointIn

func (l logAt) DayCheckpoint(_ context.Context, date string) (disclosure.CheckpointIn, bool, error) {
	cp, ok := l[date]
	return cp, ok, nil
}

// disclosureDay records a day of everything a disclosure shows, on
// 2026-02-03 in Shanghai, plus a gift the day before, and returns the
// standing gifts of the day.
type disclosureDay struct {
	date                     string
	person, org, anon, other *donation.Donation
	reversed                 *donation.Donation
	paid                     *ledger.Expenditure
}

func newDisclosureDay(t *testing.T, db *store.DB) *disclosureDay {
	t.Helper()
	ctx := context.Background()
	f := newStockFixture(t, db)
	loc := store.CertLocation
	day := time.Date(2026, 2, 3, 0, 0, 0, 0, loc)
	now := day.Add(8 * time.Hour)
	db.Now = func() time.Time { return now }
	gift := func(name string, kind donation.DonorKind, anon bool, fen int64, at time.Time) *donation.Donation {
		d := &donation.Donation{Donor: donation.Donor{Kind: kind, Name: name, Phone: "13800138000", Anonymous: anon},
			AmountFen: money.Fen(fen), Channel: donation.Bank, ReceivedAt: at, BranchID: f.main.BranchID,
			ExternalRef: fmt.Sprintf("D-%s-%d", name, fen), Source: donation.SourceAPI, Designation: wuhan}
		if _, err := db.CreateDonation(ctx, actor, d); err != nil {
			t.Fatal(err)
		}
		return d
	}
	x := &disclosureDay{date: "2026-02-03"}
	x.other = gift("李四", donation.Person, false, 5_000_00, day.Add(-time.Hour)) // the day before
	x.person = gift("张小明", donation.Person, false, 100_00, day.Add(time.Hour))
	x.org = gift("杭州某某科技有限公司", donation.Organization, false, 20_000_00, day.Add(2*time.Hour))
	x.anon = gift("王大伟", donation.Person, true, 300_00, day.Add(3*time.Hour))
	x.reversed = gift("赵六", donation.Person, false, 700_00, day.Add(4*time.Hour))
	if _, err := db.ReverseDonation(ctx, actor, x.reversed.ID, "重复录入"); err != nil {
		t.Fatal(err)
	}
	now = day.Add(10 * time.Hour)
	intake(t, db, f, 1000, 250000)
	lots, err := db.Lots(ctx, f.n95.ID, f.main.ID)
	if err != nil || len(lots) != 1 {
		t.Fatalf("lots: %v %v", lots, err)
	}
	now = day.Add(11 * time.Hour)
	out := &stock.Doc{Kind: stock.Dispatch, WarehouseID: f.main.ID, Recipient: "杭州市西溪医院", Lines: []stock.Line{{LotID: lots[0].ID, Quantity: 400}}}
	if err := db.RecordDoc(ctx, actor, out); err != nil {
		t.Fatal(err)
	}
	now = day.Add(12 * time.Hour)
	x.paid, err = spend(t, db, wuhanFund, wuhan, 10_000_00)
	if err != nil {
		t.Fatal(err)
	}
	now = day.AddDate(0, 0, 1).Add(9 * time.Hour) // the next morning
	return x
}

// TestDisclosureDay builds a day from the records: what stands of the
// money received, the goods accepted, the goods dispatched, the payments
// and the running totals, every donor masked.
func TestDisclosureDay(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		x := newDisclosureDay(t, db)
		day, err := db.BuildDisclosure(ctx, x.date, store.CertLocation)
		if err != nil {
			t.Fatal(err)
		}
		var donors []string
		var sum money.Fen
		for _, l := range day.Money {
			donors = append(donors, l.Donor)
			sum += l.Amount
			if l.Date != x.date {
				t.Errorf("money line %d dated %s", l.No, l.Date)
			}
		}
		if got, want := strings.Join(donors, ","), "张*明,杭州某某科技有限公司,爱心人士"; got != want {
			t.Errorf("donors %s, want %s (reversed and other days' gifts left out)", got, want)
		}
		if sum != 20_400_00 || day.Totals.DayReceived != sum {
			t.Errorf("day received %s (lines %s), want 20,400.00", day.Totals.DayReceived.Yuan(), sum.Yuan())
		}
		if len(day.Goods) != 1 || day.Goods[0].Qty != 1000 || !strings.Contains(day.Goods[0].Item, "N95") || day.Goods[0].Donor != "杭州某某医疗器械有限公司" {
			t.Errorf("goods %+v", day.Goods)
		}
		if len(day.Allocations) != 1 || day.Allocations[0].Qty != 400 || day.Allocations[0].Recipient != "杭州市西溪医院" {
			t.Errorf("allocations %+v", day.Allocations)
		}
		if len(day.Expenditures) != 1 || day.Expenditures[0].Amount != 10_000_00 || day.Expenditures[0].Payee != "杭州某某医疗器械有限公司" ||
			!strings.HasPrefix(day.Expenditures[0].Purpose, "采购") || day.Expenditures[0].Designation != wuhan.FundLabel() {
			t.Errorf("expenditures %+v", day.Expenditures)
		}
		if day.Totals.DaySpent != 10_000_00 {
			t.Errorf("day spent %s", day.Totals.DaySpent.Yuan())
		}
		// To the day's end: the day before's ¥5,000 too; the reversal nets out.
		if c := day.Totals.Cumulative; c.Received != 25_400_00 || c.Spent != 10_000_00 {
			t.Errorf("cumulative received %s spent %s, want 25,400.00 and 10,000.00", c.Received.Yuan(), c.Spent.Yuan())
		}
		if day.Checkpoint != nil {
			t.Errorf("checkpoint %+v without a log", day.Checkpoint)
		}
		content := string(day.Content())
		for _, secret := range []string{"张小明", "王大伟", "13800138000"} {
			if strings.Contains(content, secret) {
				t.Errorf("the day shows %q", secret)
			}
		}

		// With the log wired, the day prints its checkpoint.
		root := make([]byte, 32)
		root[0] = 0xab
		db.Checkpoints = logAt{x.date: {Size: 42, Root: root}}
		day, err = db.BuildDisclosure(ctx, x.date, store.CertLocation)
		if err != nil || day.Checkpoint == nil || day.Checkpoint.Size != 42 || !strings.HasPrefix(day.Checkpoint.Root, "ab00") {
			t.Errorf("with a log: %+v, %v", day.Checkpoint, err)
		}
		// An empty day is a day with nothing, not an error.
		empty, err := db.BuildDisclosure(ctx, "2026-01-01", store.CertLocation)
		if err != nil || len(empty.Money)+len(empty.Goods)+len(empty.Allocations)+len(empty.Expenditures) != 0 {
			t.Errorf("empty day: %+v, %v", empty, err)
		}
		for _, bad := range []string{"", "2026-2-3", "2026-02-30", "yesterday"} {
			if _, err := db.BuildDisclosure(ctx, bad, store.CertLocation); boai.ErrorCode(err) != boai.EINVALID {
				t.Errorf("build %q: %v, want invalid", bad, err)
			}
		}
	})
}

// TestDisclosureMakerChecker: made, checked by someone else, published;
// then fixed for ever, by boai and by the database; corrected by a notice
// that goes through the same steps.
func TestDisclosureMakerChecker(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		x := newDisclosureDay(t, db)
		loc := store.CertLocation
		if _, err := db.PublishedDisclosure(ctx, x.date); boai.ErrorCode(err) != boai.ENOTFOUND {
			t.Fatalf("published before anything: %v", err)
		}
		d, err := db.PrepareDisclosure(ctx, maker, x.date, loc)
		if err != nil || d.Status != disclosure.Draft || d.MadeBy != "clerk" {
			t.Fatalf("prepare: %+v %v", d, err)
		}
		if _, err := db.CheckDisclosure(ctx, maker, x.date); boai.ErrorCode(err) != boai.EFORBIDDEN {
			t.Errorf("the maker checks: %v, want forbidden", err)
		}
		if _, err := db.PublishDisclosure(ctx, publisher, x.date); boai.ErrorCode(err) != boai.ECONFLICT {
			t.Errorf("publish a draft: %v, want conflict", err)
		}
		if _, err := db.CheckDisclosure(ctx, checker, x.date); err != nil {
			t.Fatal(err)
		}
		// Re-prepared after the check: back to draft, checked again.
		d, err = db.PrepareDisclosure(ctx, checker, x.date, loc)
		if err != nil || d.Status != disclosure.Draft || d.MadeBy != "finance" || d.CheckedBy != "" {
			t.Fatalf("re-prepare: %+v %v", d, err)
		}
		if _, err := db.CheckDisclosure(ctx, checker, x.date); boai.ErrorCode(err) != boai.EFORBIDDEN {
			t.Errorf("the new maker checks: %v, want forbidden", err)
		}
		if _, err := db.CheckDisclosure(ctx, maker, x.date); err != nil {
			t.Fatal(err)
		}
		if _, err := db.PublishedDisclosure(ctx, x.date); boai.ErrorCode(err) != boai.ENOTFOUND {
			t.Errorf("checked is not public: %v", err)
		}
		if d, err = db.PublishDisclosure(ctx, publisher, x.date); err != nil || d.Status != disclosure.Published {
			t.Fatalf("publish: %+v %v", d, err)
		}
		pub, err := db.PublishedDisclosure(ctx, x.date)
		if err != nil || pub.PublishedBy != "admin" || len(pub.Day.Money) != 3 || pub.Digest != disclosure.Digest(pub.Day.Content()) {
			t.Fatalf("published: %+v %v", pub, err)
		}
		if _, err := db.PrepareDisclosure(ctx, maker, x.date, loc); boai.ErrorCode(err) != boai.ECONFLICT {
			t.Errorf("re-prepare a published day: %v, want conflict", err)
		}
		// The database refuses to change or remove it.
		for _, q := range []string{
			"UPDATE disclosures SET content = replace(content, '张*明', '张小明')",
			"UPDATE disclosures SET status = 'draft'",
			"DELETE FROM disclosures",
		} {
			if err := db.ExecForTest(ctx, q); err == nil {
				t.Errorf("%s: the database allowed it", q)
			}
		}
		list, err := db.PublishedDisclosures(ctx, 10)
		if err != nil || len(list) != 1 || list[0].Date != x.date {
			t.Errorf("published list: %+v %v", list, err)
		}

		// A correction notice.
		fix := disclosure.Fix{Section: disclosure.SectionGoods, Line: 1, Corrected: "N95 医用防护口罩 1,200 只", Reason: "清点有误，实收 1,200 只"}
		if _, err := db.CorrectDisclosure(ctx, maker, x.date, disclosure.Fix{Section: disclosure.SectionGoods, Line: 9, Corrected: "x", Reason: "y"}); boai.ErrorCode(err) != boai.EINVALID {
			t.Errorf("correct a line that is not there: %v", err)
		}
		if _, err := db.CorrectDisclosure(ctx, maker, x.date, disclosure.Fix{Section: disclosure.SectionMoney, Line: 1, Corrected: "张小明 13800138000", Reason: "名字"}); boai.ErrorCode(err) != boai.EINVALID {
			t.Errorf("a correction with a phone number: %v, want invalid", err)
		}
		c, err := db.CorrectDisclosure(ctx, maker, x.date, fix)
		if err != nil || c.ID == 0 || c.Status != disclosure.Draft || !strings.Contains(c.Was, "N95") {
			t.Fatalf("correct: %+v %v", c, err)
		}
		v0, _ := db.DisclosureVersion(ctx, x.date)
		if _, err := db.PublishedCorrection(ctx, c.ID); boai.ErrorCode(err) != boai.ENOTFOUND {
			t.Errorf("a draft correction is public: %v", err)
		}
		if _, err := db.CheckCorrection(ctx, maker, c.ID); boai.ErrorCode(err) != boai.EFORBIDDEN {
			t.Errorf("the maker checks the correction: %v", err)
		}
		if _, err := db.PublishCorrection(ctx, publisher, c.ID); boai.ErrorCode(err) != boai.ECONFLICT {
			t.Errorf("publish an unchecked correction: %v", err)
		}
		if _, err := db.CheckCorrection(ctx, checker, c.ID); err != nil {
			t.Fatal(err)
		}
		if c, err = db.PublishCorrection(ctx, publisher, c.ID); err != nil || c.Status != disclosure.Published {
			t.Fatalf("publish correction: %+v %v", c, err)
		}
		if v1, _ := db.DisclosureVersion(ctx, x.date); v1 == v0 {
			t.Errorf("version %s did not change with a published correction", v1)
		}
		cs, err := db.DisclosureCorrections(ctx, x.date, true, 10)
		if err != nil || len(cs) != 1 || cs[0].Link() != "/disclosure/"+x.date+"#goods-1" {
			t.Errorf("corrections: %+v %v", cs, err)
		}
		for _, q := range []string{"UPDATE disclosure_corrections SET corrected = 'x'", "DELETE FROM disclosure_corrections"} {
			if err := db.ExecForTest(ctx, q); err == nil {
				t.Errorf("%s: the database allowed it", q)
			}
		}
		entries, _, err := db.AuditEntries(ctx, audit.Filter{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range entries {
			if strings.HasPrefix(e.Action, "disclosure.") {
				actions = append([]string{e.Action + ":" + e.Actor.Username}, actions...)
			}
		}
		want := "disclosure.prepare:clerk disclosure.check:finance disclosure.reprepare:finance disclosure.check:clerk disclosure.publish:admin " +
			"disclosure.correct:clerk disclosure.correction_check:finance disclosure.correction_publish:admin"
		if got := strings.Join(actions, " "); got != want {
			t.Errorf("audit trail:\n got %s\nwant %s", got, want)
		}
	})
}

// TestDisclosureTamperingShows: content changed in the database after it
// was checked is never served; the store reports it.
func TestDisclosureTamperingShows(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		x := newDisclosureDay(t, db)
		if _, err := db.PrepareDisclosure(ctx, maker, x.date, store.CertLocation); err != nil {
			t.Fatal(err)
		}
		if _, err := db.CheckDisclosure(ctx, checker, x.date); err != nil {
			t.Fatal(err)
		}
		if err := db.ExecForTest(ctx, "UPDATE disclosures SET content = replace(content, '\"amount_fen\":10000,', '\"amount_fen\":1000,')"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Disclosure(ctx, x.date); boai.ErrorCode(err) != boai.EINTERNAL {
			t.Errorf("read tampered content: %v, want an internal error", err)
		}
		if _, err := db.PublishDisclosure(ctx, publisher, x.date); err == nil {
			t.Errorf("tampered content was published")
		}
	})
}

// TestLateDisclosureAlert: a day not published by its due time alerts the
// supervisors once; a published one does not.
func TestLateDisclosureAlert(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		x := newDisclosureDay(t, db)
		loc := store.CertLocation
		due := 12 * time.Hour
		before := time.Date(2026, 2, 4, 11, 0, 0, 0, loc)
		if n, err := db.AlertLateDisclosures(ctx, before, due, loc); err != nil || n != 0 {
			t.Errorf("before noon: %d alerts, %v", n, err)
		}
		if _, err := db.PrepareDisclosure(ctx, maker, x.date, loc); err != nil {
			t.Fatal(err)
		}
		after := time.Date(2026, 2, 4, 12, 1, 0, 0, loc)
		db.Now = func() time.Time { return after }
		if n, err := db.AlertLateDisclosures(ctx, after, due, loc); err != nil || n != 1 {
			t.Errorf("after noon: %d alerts, %v; want 1", n, err)
		}
		if n, err := db.AlertLateDisclosures(ctx, after.Add(time.Hour), due, loc); err != nil || n != 0 {
			t.Errorf("again: %d alerts, %v; want none (once a day)", n, err)
		}
		alerts, _, err := db.Alerts(ctx, supervision.Filter{Limit: 10})
		if err != nil || len(alerts) == 0 || alerts[0].Kind != "disclosure_late" || alerts[0].Subject != "disclosure:"+x.date || !strings.Contains(alerts[0].Message, "待审核") {
			t.Errorf("alerts: %+v %v", alerts, err)
		}
		// The next day: the 4th was never prepared (late), the 3rd, still a draft, was alerted already.
		next := time.Date(2026, 2, 5, 13, 0, 0, 0, loc)
		db.Now = func() time.Time { return next }
		if n, err := db.AlertLateDisclosures(ctx, next, due, loc); err != nil || n != 1 {
			t.Errorf("next day: %d alerts, %v; want 1 (the 4th)", n, err)
		}
	})
}

// BenchmarkBuildDisclosure builds, from the database, a day of 100,000
// money donations (target: under 2 s). Loading them takes a while; the
// figure is the build alone.
func BenchmarkBuildDisclosure(b *testing.B) {
	for _, be := range storetest.Backends(b) {
		b.Run(be.Name, func(b *testing.B) {
			db := be.Open(b)
			_, br := seedB(b, db)
			loc := store.CertLocation
			day := time.Date(2026, 2, 3, 0, 0, 0, 0, loc)
			db.Now = func() time.Time { return day.AddDate(0, 0, 1).Add(9 * time.Hour) }
			const n = 100_000
			designations := []donation.Designation{{}, wuhan, {Kind: donation.Region, Target: "淳安县"}}
			var wg sync.WaitGroup
			work := make(chan int)
			for range 64 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := range work {
						d := newDonation(br.ID, fmt.Sprintf("BD-%d", i), int64(100+i%100_000))
						d.ReceivedAt = day.Add(time.Duration(i) * 864 * time.Millisecond)
						d.Donor.Name = string([]rune("王李张刘陈杨赵黄周吴")[i%10]) + string([]rune("小明华伟芳娜静丽强磊")[i/10%10]) + string([]rune("军洋勇艳杰娟涛超秀英")[i/100%10])
						d.Donor.Phone = fmt.Sprintf("138%08d", i)
						d.Designation = designations[i%len(designations)]
						switch i % 10 {
						case 0:
							d.Donor = donation.Donor{Kind: donation.Organization, Name: fmt.Sprintf("杭州第%d号科技有限公司", i%3000)}
						case 1:
							d.Donor.Anonymous = true
						}
						if _, err := db.CreateDonation(context.Background(), actor, d); err != nil {
							b.Error(err)
						}
					}
				}()
			}
			for i := range n {
				work <- i
			}
			close(work)
			wg.Wait()
			if err := db.Analyze(context.Background()); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for b.Loop() {
				d, err := db.BuildDisclosure(context.Background(), "2026-02-03", loc)
				if err != nil {
					b.Fatal(err)
				}
				if len(d.Money) != n {
					b.Fatalf("%d money lines, want %d", len(d.Money), n)
				}
			}
		})
	}
}

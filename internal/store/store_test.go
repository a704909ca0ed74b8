package store_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"boai"
	"boai/internal/audit"
	"boai/internal/auth"
	"boai/internal/donation"
	"boai/internal/money"
	"boai/internal/org"
	"boai/internal/store"
	"boai/internal/store/storetest"
)

var actor = audit.Actor{Username: "tester", Role: "admin", Via: "test"}

func seed(t *testing.T, db *store.DB) (city, branch *org.Branch) { return seedB(t, db) }

func atomicAdd(n *int64) int64 { return atomic.AddInt64(n, 1) }

func seedB(t testing.TB, db *store.DB) (city, branch *org.Branch) {
	t.Helper()
	ctx := context.Background()
	city = &org.Branch{Code: "HZ", Name: "杭州市红十字会"}
	if err := db.CreateBranch(ctx, actor, city); err != nil {
		t.Fatal(err)
	}
	branch = &org.Branch{Code: "HZ-XH", Name: "西湖区红十字会", ParentID: city.ID}
	if err := db.CreateBranch(ctx, actor, branch); err != nil {
		t.Fatal(err)
	}
	return city, branch
}

func newDonation(branch int64, ref string, fen int64) *donation.Donation {
	return &donation.Donation{
		Donor:     donation.Donor{Kind: donation.Person, Name: "张小明", Phone: "13800138000"},
		AmountFen: money.Fen(fen), Channel: donation.Bank, ReceivedAt: time.Now().Add(-time.Hour).Truncate(time.Second),
		BranchID: branch, ExternalRef: ref, Source: donation.SourceAPI,
	}
}

func TestDonationIdempotency(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, b := seed(t, db)
		d := newDonation(b.ID, "BANK-001", 10000)
		created, err := db.CreateDonation(ctx, actor, d)
		if err != nil || !created || d.ID == 0 || d.CertNo == "" {
			t.Fatalf("first create: created=%v id=%d err=%v", created, d.ID, err)
		}
		again := newDonation(b.ID, "BANK-001", 10000)
		again.ReceivedAt = d.ReceivedAt
		created, err = db.CreateDonation(ctx, actor, again)
		if err != nil || created || again.ID != d.ID || again.CertNo != d.CertNo {
			t.Fatalf("retry: created=%v id=%d (want %d) err=%v", created, again.ID, d.ID, err)
		}
		clash := newDonation(b.ID, "BANK-001", 20000)
		clash.ReceivedAt = d.ReceivedAt
		if _, err := db.CreateDonation(ctx, actor, clash); boai.ErrorCode(err) != boai.ECONFLICT {
			t.Fatalf("same key, other content: err=%v, want conflict", err)
		}
	})
}

func TestConcurrentRetriesCreateOne(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, b := seed(t, db)
		at := time.Now().Add(-time.Minute).Truncate(time.Second)
		var wg sync.WaitGroup
		ids := make([]int64, 50)
		createdN := 0
		var mu sync.Mutex
		for i := range 50 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				d := newDonation(b.ID, "", 5000)
				d.IdemKey, d.ReceivedAt = "key-xyz", at
				created, err := db.CreateDonation(ctx, actor, d)
				if err != nil {
					t.Errorf("create %d: %v", i, err)
					return
				}
				mu.Lock()
				ids[i] = d.ID
				if created {
					createdN++
				}
				mu.Unlock()
			}()
		}
		wg.Wait()
		if createdN != 1 {
			t.Errorf("created %d donations, want 1", createdN)
		}
		for _, id := range ids {
			if id != ids[0] {
				t.Fatalf("retries returned different ids: %v", ids)
			}
		}
		_, n, _, err := db.Donations(ctx, store.DonationFilter{})
		if err != nil || n != 1 {
			t.Errorf("donations stored = %d (%v), want 1", n, err)
		}
	})
}

func TestReverseDonation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, b := seed(t, db)
		d := newDonation(b.ID, "BANK-9", 12345)
		if _, err := db.CreateDonation(ctx, actor, d); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ReverseDonation(ctx, actor, d.ID, ""); boai.ErrorCode(err) != boai.EINVALID {
			t.Errorf("reverse without reason: %v", err)
		}
		rev, err := db.ReverseDonation(ctx, actor, d.ID, "金额录入错误")
		if err != nil {
			t.Fatal(err)
		}
		if rev.AmountFen != -12345 || rev.ReversesID != d.ID {
			t.Errorf("reversal = %+v", rev)
		}
		if _, err := db.ReverseDonation(ctx, actor, d.ID, "again"); boai.ErrorCode(err) != boai.ECONFLICT {
			t.Errorf("second reversal: %v, want conflict", err)
		}
		got, err := db.Donation(ctx, d.ID)
		if err != nil || got.Status() != "reversed" || got.ReversedBy != rev.ID {
			t.Errorf("original after reversal: %+v %v", got, err)
		}
		_, n, sum, _ := db.Donations(ctx, store.DonationFilter{})
		if n != 2 || sum != 0 {
			t.Errorf("net: %d records, sum %d; want 2, 0", n, sum)
		}
		entries, _, err := db.AuditEntries(ctx, audit.Filter{Entity: "donation"})
		if err != nil || len(entries) != 2 {
			t.Errorf("audit entries = %d (%v), want 2", len(entries), err)
		}
	})
}

func TestImmutableRecords(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, b := seed(t, db)
		d := newDonation(b.ID, "X1", 100)
		if _, err := db.CreateDonation(ctx, actor, d); err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{"UPDATE donations SET amount_fen = 1", "DELETE FROM donations", "UPDATE audit_log SET username = 'x'", "DELETE FROM audit_log"} {
			err := db.ExecForTest(ctx, q)
			if err == nil || !strings.Contains(err.Error(), "immutable") && !strings.Contains(err.Error(), "append-only") {
				t.Errorf("%s: err = %v, want refusal", q, err)
			}
		}
	})
}

func TestAuthAndLockout(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		city, _ := seed(t, db)
		u := &auth.User{Username: "Clerk1", DisplayName: "录入员", Role: auth.Clerk, BranchID: city.ID}
		if err := db.CreateUser(ctx, actor, u, "short"); boai.ErrorCode(err) != boai.EINVALID {
			t.Errorf("short password: %v", err)
		}
		if err := db.CreateUser(ctx, actor, u, "a-long-password"); err != nil {
			t.Fatal(err)
		}
		if got, err := db.Authenticate(ctx, "clerk1", "a-long-password"); err != nil || got.ID != u.ID {
			t.Fatalf("login: %v", err)
		}
		for range auth.LockAfter {
			if _, err := db.Authenticate(ctx, "clerk1", "wrong"); boai.ErrorCode(err) != boai.EUNAUTHORIZED {
				t.Fatalf("wrong password: %v", err)
			}
		}
		if _, err := db.Authenticate(ctx, "clerk1", "a-long-password"); boai.ErrorCode(err) != boai.ETOOMANY {
			t.Errorf("after lockout: %v, want too many", err)
		}
		secret, err := db.CreateToken(ctx, actor, u.ID, "bank callback")
		if err != nil {
			t.Fatal(err)
		}
		if got, err := db.TokenUser(ctx, secret); err != nil || got.ID != u.ID {
			t.Fatalf("token user: %v", err)
		}
		toks, _ := db.Tokens(ctx)
		if err := db.RevokeToken(ctx, actor, toks[0].ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.TokenUser(ctx, secret); boai.ErrorCode(err) != boai.EUNAUTHORIZED {
			t.Errorf("revoked token: %v", err)
		}
		s, err := db.CreateSession(ctx, actor, u)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.SessionUser(ctx, s); err != nil {
			t.Fatal(err)
		}
		if err := db.SetPassword(ctx, actor, u.ID, "another-long-pw"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SessionUser(ctx, s); boai.ErrorCode(err) != boai.EUNAUTHORIZED {
			t.Errorf("session after password change: %v", err)
		}
	})
}

func TestClaimJobOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var wg sync.WaitGroup
		var mu sync.Mutex
		won := 0
		for i := range 10 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ok, err := db.ClaimJob(ctx, "purge", "2026-11-30T09", "p"+string(rune('0'+i)))
				if err != nil {
					t.Error(err)
				}
				if ok {
					mu.Lock()
					won++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if won != 1 {
			t.Errorf("job claimed %d times, want 1", won)
		}
	})
}

func TestDashboardStats(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		city, b := seed(t, db)
		loc, _ := time.LoadLocation("Asia/Shanghai")
		now := time.Now()
		for i, br := range []int64{city.ID, b.ID, b.ID} {
			d := newDonation(br, "S"+string(rune('a'+i)), int64(100*(i+1)))
			if _, err := db.CreateDonation(ctx, actor, d); err != nil {
				t.Fatal(err)
			}
		}
		s, err := db.DashboardStats(ctx, 0, now, loc, 60)
		if err != nil {
			t.Fatal(err)
		}
		if s.All.Count != 3 || s.All.Fen != 600 || len(s.Trend) != 60 {
			t.Errorf("all = %+v, trend %d days", s.All, len(s.Trend))
		}
		var trend int64
		for _, d := range s.Trend {
			trend += int64(d.Fen)
		}
		if trend != 600 {
			t.Errorf("trend sums to %d, want 600", trend)
		}
		s, _ = db.DashboardStats(ctx, b.ID, now, loc, 60)
		if s.All.Fen != 500 {
			t.Errorf("branch total = %d, want 500", s.All.Fen)
		}
	})
}

// Guesses sent in parallel are counted before any password is checked:
// no more than auth.LockAfter of them are ever checked.
func TestParallelGuessesLock(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		city, _ := seed(t, db)
		u := &auth.User{Username: "target", Role: auth.Clerk, BranchID: city.ID}
		if err := db.CreateUser(ctx, actor, u, "a-long-password"); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		var checked, refused atomic.Int32
		for range 40 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				switch _, err := db.Authenticate(ctx, "target", "guess"); boai.ErrorCode(err) {
				case boai.EUNAUTHORIZED:
					checked.Add(1)
				case boai.ETOOMANY:
					refused.Add(1)
				default:
					t.Errorf("guess: %v", err)
				}
			}()
		}
		wg.Wait()
		if checked.Load() > auth.LockAfter || checked.Load()+refused.Load() != 40 {
			t.Errorf("%d guesses checked, %d refused; at most %d may be checked", checked.Load(), refused.Load(), auth.LockAfter)
		}
		if _, err := db.Authenticate(ctx, "target", "a-long-password"); boai.ErrorCode(err) != boai.ETOOMANY {
			t.Errorf("right password while locked: %v", err)
		}
	})
}

func TestBackupWhileWriting(t *testing.T) {
	ctx := context.Background()
	db := storetest.OpenSQLite(t)
	_, b := seed(t, db)
	for i := range 20 {
		if _, err := db.CreateDonation(ctx, actor, newDonation(b.ID, fmt.Sprintf("BK-%d", i), 100)); err != nil {
			t.Fatal(err)
		}
	}
	done := make(chan struct{})
	go func() { // writes go on during the backup
		defer close(done)
		for i := range 50 {
			db.CreateDonation(ctx, actor, newDonation(b.ID, fmt.Sprintf("BK-more-%d", i), 100))
		}
	}()
	path := filepath.Join(t.TempDir(), "copy.db")
	if err := db.Backup(ctx, path); err != nil {
		t.Fatal(err)
	}
	<-done
	cp, err := store.Open(ctx, path)
	if err != nil {
		t.Fatalf("open the backup: %v", err)
	}
	defer cp.Close()
	_, n, _, err := cp.Donations(ctx, store.DonationFilter{})
	if err != nil || n < 20 || n > 70 {
		t.Errorf("backup holds %d donations (%v), want 20..70", n, err)
	}
	if err := db.Backup(ctx, path); err == nil {
		t.Error("backup over an existing file succeeded")
	} else if _, err := os.Stat(path); err != nil {
		t.Errorf("a refused backup removed the existing one: %v", err)
	}
}

// A commit whose process died (SIGKILL mid-import) leaves the import
// "committing"; it can be taken over once stale, and on SQLite a restart
// resets it.
func TestInterruptedImportCanBeCommittedAgain(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, b := seed(t, db)
		imp := &store.Import{Filename: "x.csv", Content: []byte("x"), Mapping: "{}", BranchID: b.ID, Designation: "{}"}
		if err := db.CreateImport(ctx, actor, imp); err != nil {
			t.Fatal(err)
		}
		if err := db.StartImportCommit(ctx, actor, imp.ID); err != nil {
			t.Fatal(err)
		}
		if err := db.StartImportCommit(ctx, actor, imp.ID); boai.ErrorCode(err) != boai.ECONFLICT {
			t.Errorf("second start while running: %v", err)
		}
		real := db.Now
		db.Now = func() time.Time { return real().Add(store.ImportTimeout + 2*time.Minute) }
		defer func() { db.Now = real }()
		got, _ := db.Import(ctx, imp.ID)
		if !got.Stale(db.Now()) {
			t.Error("an old commit is not stale")
		}
		if err := db.StartImportCommit(ctx, actor, imp.ID); err != nil {
			t.Errorf("taking over a stale commit: %v", err)
		}
	})
}

func TestDashboardCountsStandingDonations(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		loc, _ := time.LoadLocation("Asia/Shanghai")
		if s, err := db.DashboardStats(ctx, 0, time.Now(), loc, 7); err != nil || s.All.Count != 0 {
			t.Fatalf("empty database: %+v %v", s, err)
		}
		_, b := seed(t, db)
		old := newDonation(b.ID, "OLD", 5000)
		old.ReceivedAt = time.Now().AddDate(0, 0, -3)
		fresh := newDonation(b.ID, "NEW", 700)
		fresh.ReceivedAt = time.Now().Add(-time.Minute).Truncate(time.Second)
		for _, d := range []*donation.Donation{old, fresh} {
			if _, err := db.CreateDonation(ctx, actor, d); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := db.ReverseDonation(ctx, actor, old.ID, "录入错误"); err != nil {
			t.Fatal(err)
		}
		s, err := db.DashboardStats(ctx, 0, time.Now(), loc, 7)
		if err != nil {
			t.Fatal(err)
		}
		if s.All.Count != 1 || s.All.Fen != 700 || s.Today.Count != 1 || s.Today.Fen != 700 {
			t.Errorf("all %+v today %+v: want one standing donation of 700 fen, today too", s.All, s.Today)
		}
		if len(s.ByChannel) != 1 || s.ByChannel[0].TodayFen != 700 || s.ByChannel[0].Count != 1 {
			t.Errorf("by channel %+v", s.ByChannel)
		}
	})
}

// After a reversal the right donation is recorded anew, with the same bank
// reference; it can be recorded once, and retrying the original payment
// notification still finds the original.
func TestCorrectionAfterReversal(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, b := seed(t, db)
		orig := newDonation(b.ID, "T1", 10000)
		if _, err := db.CreateDonation(ctx, actor, orig); err != nil {
			t.Fatal(err)
		}
		early := newDonation(b.ID, "T1", 1000)
		early.CorrectsID = orig.ID
		if _, err := db.CreateDonation(ctx, actor, early); boai.ErrorCode(err) != boai.EINVALID {
			t.Errorf("correcting a donation that stands: %v", err)
		}
		if _, err := db.ReverseDonation(ctx, actor, orig.ID, "金额应为 10 元"); err != nil {
			t.Fatal(err)
		}
		fix := newDonation(b.ID, "T1", 1000)
		fix.CorrectsID = orig.ID
		if created, err := db.CreateDonation(ctx, actor, fix); err != nil || !created {
			t.Fatalf("correction: %v %v", created, err)
		}
		got, err := db.Correction(ctx, orig.ID)
		if err != nil || got.ID != fix.ID || got.ExternalRef != "T1" {
			t.Errorf("correction of %d: %+v %v", orig.ID, got, err)
		}
		again := newDonation(b.ID, "T1", 2000)
		again.CorrectsID = orig.ID
		if _, err := db.CreateDonation(ctx, actor, again); boai.ErrorCode(err) != boai.ECONFLICT {
			t.Errorf("second correction: %v", err)
		}
		retry := newDonation(b.ID, "T1", 10000)
		retry.ReceivedAt = orig.ReceivedAt
		if created, err := db.CreateDonation(ctx, actor, retry); err != nil || created || retry.ID != orig.ID {
			t.Errorf("the original notification retried: created %v id %d (want %d) %v", created, retry.ID, orig.ID, err)
		}
	})
}

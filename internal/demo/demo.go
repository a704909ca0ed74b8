// Package demo fills an empty database with a believable city society:
// Hangzhou and its branches, an account for every role, two months of
// money donations and an epidemic week of relief goods, so every page has
// something to show.
package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"boai/internal/audit"
	"boai/internal/auth"
	"boai/internal/donation"
	"boai/internal/goods"
	"boai/internal/money"
	"boai/internal/org"
	"boai/internal/stock"
	"boai/internal/store"
	"boai/internal/supervision"
)

// Account is a demo login, printed at start.
type Account struct {
	Username, Password string
	Role               auth.Role
	Branch             string
}

var branches = []org.Branch{
	{Code: "HZ-SC", Name: "上城区红十字会", NameEn: "Shangcheng District Red Cross"},
	{Code: "HZ-GS", Name: "拱墅区红十字会", NameEn: "Gongshu District Red Cross"},
	{Code: "HZ-XH", Name: "西湖区红十字会", NameEn: "Xihu District Red Cross"},
	{Code: "HZ-BJ", Name: "滨江区红十字会", NameEn: "Binjiang District Red Cross"},
	{Code: "HZ-XS", Name: "萧山区红十字会", NameEn: "Xiaoshan District Red Cross"},
	{Code: "HZ-CA", Name: "淳安县红十字会", NameEn: "Chun'an County Red Cross"},
	{Code: "HZ-JD", Name: "建德市红十字会", NameEn: "Jiande City Red Cross"},
}

// Accounts are the demo logins: one per role.
var Accounts = []Account{
	{"admin", "boai-demo-admin", auth.Admin, "HZ"},
	{"clerk", "boai-demo-clerk", auth.Clerk, "HZ"},
	{"warehouse", "boai-demo-warehouse", auth.Warehouse, "HZ"},
	{"approver", "boai-demo-approver", auth.Approver, "HZ"},
	{"finance", "boai-demo-finance", auth.Finance, "HZ"},
	{"supervisor", "boai-demo-supervisor", auth.Supervisor, "HZ"},
	{"xihu", "boai-demo-xihu", auth.Branch, "HZ-XH"},
}

var displayNames = map[string]string{
	"admin": "系统管理员", "clerk": "王丽", "warehouse": "陈强", "approver": "李建国",
	"finance": "周敏", "supervisor": "赵纪检", "xihu": "西湖区·刘芳",
}

// Seed creates the demo society unless the database already has one, and
// reports whether it did. Running it again keeps what is there. n sizes
// its history: n money donations over the 60 days before now and, for
// any n above zero, the epidemic week of relief goods before now (see
// goods.go). With n = 0 the society is as it stands today: accounts,
// warehouses and today's goods, no history.
func Seed(ctx context.Context, db *store.DB, now time.Time, n int) (bool, error) {
	if users, err := db.Users(ctx); err != nil || len(users) > 0 {
		return false, err
	}
	a := audit.System
	city, err := db.EnsureRoot(ctx, "HZ", "杭州市红十字会", "Hangzhou Red Cross Society")
	if err != nil {
		return false, err
	}
	ids := map[string]int64{"HZ": city.ID}
	all := []int64{city.ID}
	for _, b := range branches {
		b.ParentID = city.ID
		if err := db.CreateBranch(ctx, a, &b); err != nil {
			return false, fmt.Errorf("demo branch %s: %w", b.Code, err)
		}
		ids[b.Code] = b.ID
		all = append(all, b.ID)
	}
	staff := map[string]audit.Actor{}
	for _, acc := range Accounts {
		u := &auth.User{Username: acc.Username, DisplayName: displayNames[acc.Username], Role: acc.Role, BranchID: ids[acc.Branch]}
		if err := db.CreateUser(ctx, a, u, acc.Password); err != nil {
			return false, fmt.Errorf("demo user %s: %w", acc.Username, err)
		}
		staff[acc.Username] = audit.Actor{UserID: u.ID, Username: u.Username, Role: string(u.Role), Via: "web"}
	}
	if err := Goods(ctx, db, ids, staff, now, n > 0); err != nil {
		return false, err
	}
	if err := Donations(ctx, db, now, n, all, 2026); err != nil {
		return false, err
	}
	if n == 0 {
		return true, nil
	}
	if err := Spending(ctx, db, staff, now); err != nil {
		return false, err
	}
	if err := Receipts(ctx, db, staff, now); err != nil {
		return false, err
	}
	// What supervisors are alerted to, from the demo's own records: the
	// scheduled scan finds the same when boai serves.
	if _, err := db.ScanAlerts(ctx, now, supervision.DefaultRules); err != nil {
		return false, fmt.Errorf("demo alerts: %w", err)
	}
	return true, Disclosures(ctx, db, staff, now, store.CertLocation)
}

// Goods creates the catalogue and the warehouses, then, when week is set,
// the epidemic week before now (see goods.go: intake, requests, approvals,
// dispatches, sign-offs), then today's latest arrivals, some designated,
// most of which leave at once, so the goods pages have something to show.
// The week goes first so every stock card runs in time order.
func Goods(ctx context.Context, db *store.DB, branch map[string]int64, staff map[string]audit.Actor, now time.Time, week bool) error {
	a := audit.Actor{Username: "demo", Role: "system", Via: "system"}
	if _, err := db.SeedCatalogue(ctx, a); err != nil {
		return err
	}
	var whs []*stock.Warehouse
	for _, w := range []stock.Warehouse{
		{Code: "HZ-RELIEF", Name: "备灾救灾中心仓库", Kind: stock.ReliefCentre, BranchID: branch["HZ"]},
		{Code: "HZ-DIST", Name: "物资分发中心", Kind: stock.Distribution, BranchID: branch["HZ"]},
		{Code: "XH-WH", Name: "西湖区红十字会仓库", Kind: stock.District, BranchID: branch["HZ-XH"]},
	} {
		if err := db.CreateWarehouse(ctx, a, &w); err != nil {
			return fmt.Errorf("demo warehouse: %w", err)
		}
		whs = append(whs, &w)
	}
	s := &site{city: branch["HZ"], relief: whs[0], dist: whs[1], items: map[string]*goods.Item{}, staff: staff}
	item := map[string]int64{}
	for _, it := range goods.SeedItems {
		got, err := db.ItemByCode(ctx, it.Code)
		if err != nil {
			return fmt.Errorf("demo item %s: %w", it.Code, err)
		}
		s.items[it.Code], item[it.Code] = got, got.ID
	}
	if week {
		if err := runWeek(ctx, db, s, now, 2020); err != nil {
			return err
		}
	}
	// Today's latest arrivals come in now.
	clock := db.Now
	db.Now = func() time.Time { return now }
	defer func() { db.Now = clock }()
	receive := func(wh *stock.Warehouse, code string, qty int64, lot stock.Lot) error {
		lot.ItemID = item[code]
		d := &stock.Doc{Kind: stock.Receipt, WarehouseID: wh.ID, Lines: []stock.Line{{Lot: lot, Quantity: qty}}, Note: "演示数据"}
		return db.RecordDoc(ctx, a, d)
	}
	for _, r := range []struct {
		wh   int
		code string
		qty  int64
		lot  stock.Lot
	}{
		{0, "MASK-N95", 16000, stock.Lot{Batch: "N95-2026-11", Expiry: "2029-10-31", Donor: "杭州某某医疗器械有限公司"}},
		{0, "MASK-KN95", 18000, stock.Lot{Batch: "KN95-2026-11", Expiry: "2028-06-30", Donor: "浙江某某实业有限公司"}},
		{0, "MASK-N95", 4000, stock.Lot{Batch: "N95-2026-11B", Expiry: "2029-10-31", DesignationKind: "institution", DesignationTarget: "浙江大学医学院附属第一医院", Donor: "某商会"}},
		{0, "MASK-SURG", 50000, stock.Lot{Batch: "S-1130", Expiry: "2028-11-30"}},
		{0, "SUIT-PROT", 2000, stock.Lot{Batch: "P-1128", Expiry: "2028-11-28"}},
		{1, "GOWN-ISO", 3000, stock.Lot{Batch: "G-1129"}},
		{1, "DISINF-84", 960, stock.Lot{Batch: "D-1120", Expiry: "2027-11-20"}},
		{2, "RICE-10", 300, stock.Lot{Batch: "R-1101", DesignationKind: "region", DesignationTarget: "淳安县"}},
		{2, "QUILT", 500, stock.Lot{}},
	} {
		if err := receive(whs[r.wh], r.code, r.qty, r.lot); err != nil {
			return fmt.Errorf("demo stock %s: %w", r.code, err)
		}
	}
	// Most of it leaves the same day (日进日清), by each of the three modes.
	for _, dp := range []struct {
		code, batch, recipient, mode string
		qty                          int64
	}{
		{"MASK-N95", "N95-2026-11B", "浙江大学医学院附属第一医院", stock.PointToPoint, 3000},
		{"MASK-N95", "N95-2026-11", "杭州市西溪医院", stock.Relay, 14000},
		{"MASK-KN95", "KN95-2026-11", "西湖区文新街道社区卡口", stock.Relay, 16000},
		{"MASK-SURG", "S-1130", "杭州市第一人民医院", stock.Relay, 45000},
		{"SUIT-PROT", "P-1128", "物资分发中心", stock.Storage, 200},
	} {
		lots, err := db.Lots(ctx, item[dp.code], whs[0].ID)
		if err != nil {
			return err
		}
		for _, l := range lots {
			if l.Batch != dp.batch {
				continue
			}
			d := &store.Dispatch{Mode: dp.mode, Recipient: dp.recipient, Route: "备灾中心—" + dp.recipient, Vehicle: "邮政专车 浙A·D2020",
				Doc: &stock.Doc{WarehouseID: whs[0].ID, Lines: []stock.Line{{LotID: l.ID, Quantity: dp.qty}}, Note: "演示数据"}}
			if _, err := db.CreateDispatch(ctx, a, d); err != nil {
				return fmt.Errorf("demo dispatch %s: %w", dp.code, err)
			}
		}
	}
	return nil
}

// Donations records n donations over the 60 days before now, spread over
// the branches, from a fixed seed so every demo looks the same.
func Donations(ctx context.Context, db *store.DB, now time.Time, n int, branchIDs []int64, seed uint64) error {
	rng := rand.New(rand.NewPCG(seed, 1))
	ds := make([]*donation.Donation, n)
	for i := range ds {
		ds[i] = randomDonation(rng, now, branchIDs, i)
	}
	// Concurrent writers let group commit batch the inserts.
	var wg sync.WaitGroup
	errs := make(chan error, 1)
	work := make(chan *donation.Donation)
	a := audit.Actor{Username: "demo", Role: "system", Via: "system"}
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for d := range work {
				if _, err := db.CreateDonation(ctx, a, d); err != nil {
					select {
					case errs <- fmt.Errorf("demo donation: %w", err):
					default:
					}
				}
			}
		}()
	}
	for _, d := range ds {
		work <- d
	}
	close(work)
	wg.Wait()
	select {
	case err := <-errs:
		return err
	default:
		return nil
	}
}

var (
	surnames  = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
	given     = []rune("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志文玲红梅斌宇浩凯欣怡晨阳佳琪子涵梓轩雨桐思远嘉诚")
	companies = []string{"杭州%s科技有限公司", "浙江%s集团有限公司", "杭州%s网络科技有限公司", "%s控股集团股份有限公司",
		"杭州%s医药有限公司", "浙江%s建设有限公司", "杭州%s贸易有限公司", "%s商会", "杭州市%s企业家协会", "浙江%s实业有限公司"}
	brands       = []string{"华信", "恒达", "海康", "新安", "钱江", "之江", "万向", "西子", "天目", "富春", "吉利", "娃哈哈", "蓝天", "远东", "金都", "绿城", "同仁", "博大", "瑞丰", "中天"}
	purposes     = []string{"新冠肺炎疫情防控", "扶贫济困", "应急救灾", "助学"}
	institutions = []string{"浙江大学医学院附属第一医院", "杭州市西溪医院", "杭州市第一人民医院", "浙江省人民医院", "杭州市疾病预防控制中心"}
	regions      = []string{"淳安县", "建德市", "湖北省武汉市", "桐庐县"}
	projects     = []string{"博爱家园", "红十字救护培训", "博爱助学·结对助学", "AED 配置"}
	messages     = []string{"", "", "", "武汉加油！", "众志成城，共克时艰", "一点心意", "致敬一线医护人员", "中国加油", "愿早日战胜疫情"}
)

func randomDonation(rng *rand.Rand, now time.Time, branchIDs []int64, i int) *donation.Donation {
	// More gifts in recent weeks, as after an appeal.
	age := time.Duration(rng.Float64()*rng.Float64()*60*24) * time.Hour
	received := now.Add(-age - time.Duration(rng.IntN(3600))*time.Second).Truncate(time.Second)
	d := &donation.Donation{ReceivedAt: received, Source: donation.SourceDemo}
	switch r := rng.IntN(100); {
	case r < 12: // anonymous
		d.Donor = donation.Donor{Kind: donation.Person, Name: personName(rng), Anonymous: true}
		d.AmountFen = money.Fen(yuanAmount(rng, 10, 20000))
	case r < 30: // organisation
		d.Donor = donation.Donor{Kind: donation.Organization, Name: fmt.Sprintf(companies[rng.IntN(len(companies))], brands[rng.IntN(len(brands))])}
		d.AmountFen = money.Fen(yuanAmount(rng, 5000, 2_000_000))
	default:
		d.Donor = donation.Donor{Kind: donation.Person, Name: personName(rng), Phone: fmt.Sprintf("1%d%09d", 3+rng.IntN(7), rng.IntN(1_000_000_000))}
		d.AmountFen = money.Fen(yuanAmount(rng, 10, 10000))
	}
	d.Channel = donation.Channels[[]int{0, 1, 2, 2, 2, 3, 3, 4, 5, 0}[rng.IntN(10)]]
	switch r := rng.IntN(100); {
	case r < 55:
		d.Designation = donation.Designation{Kind: donation.Undesignated}
	case r < 75:
		d.Designation = donation.Designation{Kind: donation.Purpose, Target: purposes[rng.IntN(len(purposes))]}
	case r < 87:
		d.Designation = donation.Designation{Kind: donation.Institution, Target: institutions[rng.IntN(len(institutions))]}
	case r < 94:
		d.Designation = donation.Designation{Kind: donation.Region, Target: regions[rng.IntN(len(regions))]}
	default:
		d.Designation = donation.Designation{Kind: donation.Project, Target: projects[rng.IntN(len(projects))]}
	}
	// Most money arrives at the city society.
	if rng.IntN(100) < 55 {
		d.BranchID = branchIDs[0]
	} else {
		d.BranchID = branchIDs[rng.IntN(len(branchIDs))]
	}
	d.Message = messages[rng.IntN(len(messages))]
	if d.Channel != donation.Cash {
		d.ExternalRef = fmt.Sprintf("DEMO%s%06d", received.Format("20060102"), i)
	}
	return d
}

func personName(rng *rand.Rand) string {
	n := 1 + rng.IntN(2)
	s := string(surnames[rng.IntN(len(surnames))])
	for range n {
		s += string(given[rng.IntN(len(given))])
	}
	return s
}

// yuanAmount draws a round-ish amount in fen between lo and hi yuan,
// skewed to small gifts as real ones are.
func yuanAmount(rng *rand.Rand, lo, hi int) int64 {
	f := rng.Float64()
	y := float64(lo) + (float64(hi)-float64(lo))*f*f*f
	rounds := []int64{1, 10, 50, 100, 1000}
	r := rounds[rng.IntN(len(rounds))]
	v := (int64(y) / r) * r
	if v < int64(lo) {
		v = int64(lo)
	}
	fen := v * 100
	if rng.IntN(10) == 0 {
		fen += int64(rng.IntN(100)) // the odd 88.88
	}
	return fen
}

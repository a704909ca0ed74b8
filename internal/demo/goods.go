package demo

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"time"

	"boai/internal/allocation"
	"boai/internal/audit"
	"boai/internal/donation"
	"boai/internal/goods"
	"boai/internal/inkind"
	"boai/internal/money"
	"boai/internal/stock"
	"boai/internal/store"
)

// An epidemic week of relief goods, the way Hangzhou worked in 2020:
// donated goods arrive all day and the unloading, sorting, medical-grade
// check and counting staff sign for them together; requesting units send
// their lists; three times a day the task force allocates what is in stock
// and passes its step at once, the leadership approves each allocation
// within minutes (now and then later, or sends one back), and the goods
// leave on the next run, point to point, by relay or into storage, to be
// signed for on the recipient's phone; the paper documents follow.
//
// Everything goes through the store's own functions, in time order, with
// db.Now set to the simulated moment, so records, stock cards and the
// dashboard agree. What happens together (a sitting of sign-offs, a
// round's submissions, a run's dispatches, the clerk filing paper) is
// written together, which also lets the store commit it as one batch.
// Quantities, times, names and decisions follow from the seed alone; the
// order of ids among records written at the same moment may differ from
// one run to the next, and certificate numbers and sign-off links are
// random as always.

// site is what the week works in.
type site struct {
	city   int64 // the city society's branch
	relief *stock.Warehouse
	dist   *stock.Warehouse
	items  map[string]*goods.Item
	staff  map[string]audit.Actor
}

// weekItem is how an item is given and asked for.
type weekItem struct {
	code         string
	lo, hi, step int64 // units on one donated line
	fenLo, fenHi int64 // value of one unit
	shelfMonths  int   // 0: does not expire
	scarce       bool  // always short: asked for as fast as it comes, never left on the shelf
}

var weekItems = []weekItem{
	{"MASK-N95", 1000, 12000, 20, 800, 1500, 60, true},
	{"MASK-KN95", 2000, 20000, 20, 250, 450, 36, true},
	{"MASK-SURG", 5000, 50000, 50, 60, 150, 36, true},
	{"MASK-DISP", 5000, 60000, 50, 40, 90, 36, true},
	{"SUIT-PROT", 200, 3000, 10, 8000, 15000, 36, true},
	{"GOWN-ISO", 500, 6000, 20, 1000, 2500, 36, true},
	{"GOGGLES", 200, 3000, 20, 1500, 4000, 0, true},
	{"FACESHIELD", 500, 8000, 50, 500, 1500, 0, true},
	{"GLOVES-NIT", 2000, 30000, 50, 40, 120, 60, true},
	{"DISINF-84", 240, 4800, 24, 500, 1000, 24, true},
	{"THERMO-IR", 20, 400, 10, 15000, 40000, 0, true},
	{"RICE-10", 50, 600, 10, 5000, 7000, 12, false},
	{"OIL-5", 40, 400, 4, 6000, 9000, 18, false},
	{"QUILT", 50, 400, 10, 10000, 20000, 0, false},
	{"COAT-WINTER", 100, 1500, 10, 8000, 20000, 0, false},
}

// weekItemBy returns the week's terms for an item code.
func weekItemBy(code string) weekItem {
	for _, it := range weekItems {
		if it.code == code {
			return it
		}
	}
	panic("demo: no week item " + code)
}

var (
	medicalCodes = []string{"MASK-N95", "MASK-KN95", "MASK-SURG", "MASK-DISP", "SUIT-PROT", "GOWN-ISO", "GOGGLES", "FACESHIELD", "GLOVES-NIT", "DISINF-84", "THERMO-IR"}
	livingCodes  = []string{"RICE-10", "OIL-5", "QUILT", "COAT-WINTER"}
	// What each class of requesting unit asks for.
	classNeeds = map[string][]string{
		"treatment_hospital":   {"MASK-N95", "MASK-SURG", "SUIT-PROT", "GOWN-ISO", "GOGGLES", "FACESHIELD", "GLOVES-NIT", "DISINF-84"},
		"hospital":             {"MASK-N95", "MASK-SURG", "MASK-DISP", "GOWN-ISO", "GOGGLES", "FACESHIELD", "GLOVES-NIT", "DISINF-84", "THERMO-IR"},
		"district_hq":          {"MASK-KN95", "MASK-SURG", "MASK-DISP", "DISINF-84", "THERMO-IR", "GLOVES-NIT", "COAT-WINTER", "QUILT", "RICE-10", "OIL-5"},
		"community_checkpoint": {"MASK-KN95", "MASK-DISP", "THERMO-IR", "DISINF-84", "GLOVES-NIT", "COAT-WINTER", "QUILT", "RICE-10", "OIL-5"},
		"other":                {"MASK-KN95", "MASK-DISP", "GLOVES-NIT", "DISINF-84", "COAT-WINTER", "THERMO-IR"},
	}
	classPurposes = map[string][]string{
		"treatment_hospital":   {"新冠肺炎定点救治病区一线医护防护", "隔离病区及ICU医护人员防护", "发热门诊及隔离病房扩容"},
		"hospital":             {"发热门诊及预检分诊防护", "急诊和核酸采样点医护防护", "住院部封闭管理防护"},
		"district_hq":          {"辖区集中隔离点工作人员防护", "辖区卡口及隔离点物资保障", "一线防控人员生活保障"},
		"community_checkpoint": {"社区卡口24小时值守人员防护", "卡口夜间值守御寒及测温", "居家隔离户上门服务防护"},
		"other":                {"环卫一线作业人员防护", "高速及车站卡口测温防护", "储备备用"},
	}
)

// weekRecipients are the requesting units of the week. Designated gifts
// name the hospitals exactly as they are registered here.
var weekRecipients = []allocation.Recipient{
	{Name: "杭州市西溪医院", Class: "treatment_hospital", Contact: "医学装备部 孙主任", Address: "杭州市西湖区横埠街2号"},
	{Name: "浙江大学医学院附属第一医院", Class: "treatment_hospital", Contact: "后勤保障部 陈主任", Address: "杭州市上城区庆春路79号"},
	{Name: "杭州市萧山区第一人民医院", Class: "treatment_hospital", Contact: "院感科 汪主任", Address: "杭州市萧山区城厢街道育才北路199号"},
	{Name: "杭州市第一人民医院", Class: "hospital", Contact: "物资供应科 何科长", Address: "杭州市上城区浣纱路261号"},
	{Name: "浙江省人民医院", Class: "hospital", Contact: "后勤服务中心 楼主任", Address: "杭州市拱墅区上塘路158号"},
	{Name: "杭州市红十字会医院", Class: "hospital", Contact: "设备物资科 沈科长", Address: "杭州市上城区环城东路208号"},
	{Name: "杭州市中医院", Class: "hospital", Contact: "总务科 蒋科长", Address: "杭州市西湖区体育场路453号"},
	{Name: "浙江大学医学院附属邵逸夫医院", Class: "hospital", Contact: "采购中心 吴主任", Address: "杭州市上城区庆春东路3号"},
	{Name: "上城区疫情防控指挥部", Class: "district_hq", Contact: "物资保障组 钱组长", Address: "杭州市上城区人民政府大院"},
	{Name: "拱墅区疫情防控指挥部", Class: "district_hq", Contact: "物资保障组 韩组长", Address: "杭州市拱墅区人民政府大院"},
	{Name: "西湖区疫情防控指挥部", Class: "district_hq", Contact: "物资保障组 俞组长", Address: "杭州市西湖区人民政府大院"},
	{Name: "滨江区疫情防控指挥部", Class: "district_hq", Contact: "物资保障组 许组长", Address: "杭州市滨江区人民政府大院"},
	{Name: "萧山区疫情防控指挥部", Class: "district_hq", Contact: "物资保障组 来组长", Address: "杭州市萧山区人民政府大院"},
	{Name: "淳安县疫情防控指挥部", Class: "district_hq", Contact: "物资保障组 方组长", Address: "杭州市淳安县千岛湖镇县政府大院"},
	{Name: "建德市疫情防控指挥部", Class: "district_hq", Contact: "物资保障组 严组长", Address: "杭州市建德市新安江街道市政府大院"},
	{Name: "西湖区文新街道社区卡口", Class: "community_checkpoint", Contact: "卡口值班长 潘师傅", Address: "杭州市西湖区文新街道"},
	{Name: "拱墅区米市巷街道卖鱼桥社区卡口", Class: "community_checkpoint", Contact: "社区书记 方书记", Address: "杭州市拱墅区米市巷街道卖鱼桥社区"},
	{Name: "上城区湖滨街道东坡路社区卡口", Class: "community_checkpoint", Contact: "社区主任 叶主任", Address: "杭州市上城区湖滨街道东坡路社区"},
	{Name: "滨江区长河街道江一社区卡口", Class: "community_checkpoint", Contact: "网格员 施网格长", Address: "杭州市滨江区长河街道江一社区"},
	{Name: "萧山区城厢街道湘湖社区卡口", Class: "community_checkpoint", Contact: "社区书记 孔书记", Address: "杭州市萧山区城厢街道湘湖社区"},
	{Name: "西湖区转塘街道象山社区卡口", Class: "community_checkpoint", Contact: "卡口值班长 章师傅", Address: "杭州市西湖区转塘街道象山社区"},
	{Name: "杭州市疾病预防控制中心", Class: "other", Contact: "应急办 梁主任", Address: "杭州市西湖区明石路568号"},
	{Name: "杭州市环境集团有限公司", Class: "other", Contact: "安全保障部 金经理", Address: "杭州市拱墅区环境集团一线作业班组"},
	{Name: "杭州东站枢纽旅客健康检测点", Class: "other", Contact: "现场指挥部 郭主任", Address: "杭州市上城区天城路1号 杭州东站"},
	{Name: reserveName, Class: "other", Contact: "保管员 邵师傅", Address: "杭州市拱墅区 市救灾物资储备库"},
}

// reserveName is where goods with no use yet go: into storage.
const reserveName = "杭州市救灾物资储备库"

// designees are the hospitals donors name.
var designees = []string{"杭州市西溪医院", "浙江大学医学院附属第一医院", "杭州市萧山区第一人民医院", "杭州市第一人民医院", "浙江省人民医院", "杭州市红十字会医院"}

var (
	medicalMakers = []string{"杭州%s医疗器械有限公司", "浙江%s医疗用品有限公司", "浙江%s卫生材料有限公司", "杭州%s医药有限公司"}
	overseas      = []string{"旅意华侨华人联谊会", "西班牙浙江同乡会", "日本浙江华侨华人联合会", "法国浙江商会", "韩国浙江商会", "美国浙江同乡会"}
	foodMakers    = []string{"杭州%s粮油有限公司", "浙江%s家纺有限公司", "杭州%s超市有限公司", "浙江%s服饰有限公司"}
	appraisers    = []struct{ name, report string }{
		{"杭州市价格认证中心", "杭价认〔%d〕%03d号"},
		{"浙江某某资产评估有限公司", "浙某评报字〔%d〕第%04d号"},
	}
	signers = map[string][]string{
		inkind.RoleUnloading:    {"装卸组·刘建华", "装卸组·孙海波", "邮政装卸·钱伟"},
		inkind.RoleSorting:      {"分拣组·王敏", "分拣组·吴佳琪", "分拣组·郑晓燕"},
		inkind.RoleMedicalCheck: {"质检·市疾控 陈医生", "质检·市卫健委 林药师", "质检·市一医院 黄护士长"},
		inkind.RoleCounting:     {"清点组·周敏", "清点组·何丽", "清点组·赵会计"},
	}
	quarantineReasons = []string{
		"外包装无医疗器械注册证号，暂存待市场监管部门核验",
		"标注 KN95 却按 N95 申报，待核对检测报告",
		"无生产批号及合格证，待厂家补交证明",
	}
	rejectMedical = []string{"已过有效期，不予接收", "非医用产品冒充医用，拒收"}
	rejectLiving  = []string{"运输途中受潮霉变，无法使用", "外包装破损严重，污染无法使用"}
	rejectOther   = []string{"外包装破损渗漏，无法使用", "无中文标签及产品合格证，拒收"}
	shortReasons  = []string{"外箱破损 1 箱", "运输途中压损", "清点少 1 箱，已与承运方核对", "受潮 1 箱，就地报损"}
	vehicles      = []struct{ plate, driver string }{
		{"邮政运输专车 浙A·Y0217", "陈建华"}, {"邮政运输专车 浙A·Y0351", "王海军"}, {"邮政运输专车 浙A·Y0468", "徐国平"},
		{"邮政运输专车 浙A·Y0592", "杨志强"}, {"邮政运输专车 浙A·Y0633", "朱立新"},
	}
	// From the n-th allocation on, the next one not in a day's last round
	// (so its goods can still go out that day) is sent back or refused.
	sendBack = []struct {
		n                 int
		decision, comment string
	}{
		{9, allocation.Return, "请优先保障定点救治医院，社区卡口的 N95 改发 KN95 后重新提交"},
		{28, allocation.Reject, "该单位今日已由区指挥部统一调配同类物资，不再重复调拨"},
		{47, allocation.Return, "数量偏大，请按本单位近三日实际消耗核减后重新提交"},
		{66, allocation.Reject, "申请用途与物资不符，请申请单位补充说明后另行申请"},
	}
)

// The week's clock: three allocation rounds a day, each followed by a run
// of the vehicles, and the clerk filing paper twice a day.
var (
	rounds  = []time.Duration{10*time.Hour + 30*time.Minute, 14 * time.Hour, 18*time.Hour + 30*time.Minute}
	filings = []time.Duration{9*time.Hour + 40*time.Minute, 17*time.Hour + 40*time.Minute}
)

// lateDays are the days a big truck came in the evening, after the last
// round, and its goods left only the next morning: 日进日清 under 90%.
var lateDays = []int{1, 4}

// event is one step of the week: fn runs with db.Now at at.
type event struct {
	at  time.Time
	seq int
	fn  func() error
}

// events is the week's queue, earliest first, then in the order scheduled.
type events []*event

func (e events) Len() int { return len(e) }
func (e events) Less(i, j int) bool {
	if !e[i].at.Equal(e[j].at) {
		return e[i].at.Before(e[j].at)
	}
	return e[i].seq < e[j].seq
}
func (e events) Swap(i, j int) { e[i], e[j] = e[j], e[i] }
func (e *events) Push(x any)   { *e = append(*e, x.(*event)) }
func (e *events) Pop() any {
	old := *e
	x := old[len(old)-1]
	*e = old[:len(old)-1]
	return x
}

// week is the simulation: a queue of timed steps run in time order, each
// with db.Now at its moment.
type week struct {
	ctx  context.Context
	db   *store.DB
	rng  *rand.Rand
	site *site
	loc  *time.Location
	days []time.Time // midnights of the seven working days, oldest first
	now  time.Time   // the simulated moment
	end  time.Time   // the present: nothing is simulated after it
	tail time.Time   // the last round, left pending; no intake settles after it
	q    events
	seq  int

	recipients map[string]*recipient
	requests   []*request
	allocs     []*alloc
	sentBack   int             // how many of sendBack have been applied
	lotHeld    map[int64]int64 // units of a lot live allocations hold
	papers     []paper         // paper documents on their way
}

// recipient is a requesting unit and its priority class (1 first).
type recipient struct {
	allocation.Recipient
	rank int
}

// request is a unit's request and what the task force knows of it.
type request struct {
	allocation.AllocRequest
	to       *recipient
	held     map[int64]int64 // request line id → units live allocations hold
	sequence int             // order of submission
	served   string          // the last day it was given an allocation
	tail     bool            // asked within the hour: answered on its own
}

// alloc is an allocation the task force submitted.
type alloc struct {
	n          int // the week's count: references and the odd return
	id         int64
	req        *request
	lines      []store.AllocLine
	submitted  time.Time
	lastRound  bool // submitted in the day's last round
	approved   bool
	dispatched bool
}

// intakePlan is one in-kind donation as it will arrive.
type intakePlan struct {
	at        time.Time
	warehouse *stock.Warehouse
	donor     donation.Donor
	des       donation.Designation
	lines     []inkind.Line
	verdicts  []verdict
	counted   []int64
	awaiting  int // for an intake left waiting: how far its sign-off got (0–2); -1 settles
}

// verdict is what one role finds wrong with a line; the zero verdict
// accepts it.
type verdict struct{ role, verdict, reason string }

// noticePlan is a pre-arrival notice and what of it arrives.
type noticePlan struct {
	created  time.Time
	p        inkind.PreArrival
	lines    []weekItem    // the items of p.Lines
	arriveAt time.Time     // zero: nothing has arrived yet
	arrived  map[int]int64 // by line
	intake   *intakePlan   // the intake its arrival becomes
}

// runWeek simulates the seven working days before now and restores
// db.Now when it is done.
func runWeek(ctx context.Context, db *store.DB, s *site, now time.Time, seed uint64) error {
	w := &week{ctx: ctx, db: db, rng: rand.New(rand.NewPCG(seed, 7)), site: s, loc: store.CertLocation,
		end: now.Add(-time.Minute), tail: now.Add(-24 * time.Minute), recipients: map[string]*recipient{}, lotHeld: map[int64]int64{}}
	// The last working day is today once the morning is well under way.
	t := now.In(w.loc)
	last := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, w.loc)
	if t.Sub(last) < 11*time.Hour {
		last = last.AddDate(0, 0, -1)
	}
	for i := 6; i >= 0; i-- {
		w.days = append(w.days, last.AddDate(0, 0, -i))
	}
	orig := db.Now
	db.Now = func() time.Time { return w.now }
	defer func() { db.Now = orig }()

	w.now = w.days[0].Add(-15 * time.Hour) // the morning before, the units register
	for i := range weekRecipients {
		r := &recipient{Recipient: weekRecipients[i], rank: allocation.Rank(allocation.DefaultClasses, weekRecipients[i].Class)}
		r.Phone = fmt.Sprintf("0571-8%07d", w.rng.IntN(10_000_000))
		if err := db.CreateRecipient(ctx, w.staff("clerk"), &r.Recipient); err != nil {
			return fmt.Errorf("demo recipient %s: %w", r.Name, err)
		}
		w.recipients[r.Name] = r
	}

	intakes, notices := w.planIntakes()
	w.planRequests(intakes, notices)
	for _, in := range intakes {
		w.scheduleIntake(in)
	}
	for _, n := range notices {
		w.scheduleNotice(n)
	}
	for _, day := range w.days {
		for i, r := range rounds {
			if at := day.Add(r + w.minutes(0, 8)); at.Before(w.tail) {
				w.at(at, func() error { return w.round(i == len(rounds)-1) })
			}
		}
		for _, f := range filings {
			w.at(day.Add(f+w.minutes(0, 10)), w.file)
		}
	}
	w.scheduleTail()
	for w.q.Len() > 0 {
		e := heap.Pop(&w.q).(*event)
		w.now = e.at
		if err := e.fn(); err != nil {
			return fmt.Errorf("demo week at %s: %w", e.at.In(w.loc).Format("01-02 15:04"), err)
		}
	}
	return nil
}

func (w *week) staff(name string) audit.Actor { return w.site.staff[name] }

// at schedules fn at t; steps after the present do not happen.
func (w *week) at(t time.Time, fn func() error) {
	if !t.Before(w.end) {
		return
	}
	if t.Before(w.now) {
		t = w.now
	}
	w.seq++
	heap.Push(&w.q, &event{at: t, seq: w.seq, fn: fn})
}

// together runs f for 0..n-1: writes made at the same moment, which go
// at once. On SQLite the single writer commits them as one batch; on
// PostgreSQL they are concurrent transactions, which can deadlock when
// they update the same rows (stock lots and balances), so writes that
// move stock go one by one there.
func (w *week) together(n int, movesStock bool, f func(int) error) error {
	if movesStock && w.db.Dialect != store.SQLite {
		for i := range n {
			if err := f(i); err != nil {
				return err
			}
		}
		return nil
	}
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { errs[i] = f(i) })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// minutes is a random span of lo to hi minutes, to the second.
func (w *week) minutes(lo, hi int) time.Duration {
	return time.Duration(lo)*time.Minute + time.Duration(w.rng.IntN((hi-lo)*60+1))*time.Second
}

func (w *week) pick(s []string) string { return s[w.rng.IntN(len(s))] }

// qty draws a quantity between lo and hi in whole packs, skewed small.
func (w *week) qty(it weekItem, scale float64) int64 {
	f := w.rng.Float64()
	q := int64(float64(it.lo) + (float64(it.hi)-float64(it.lo))*f*f*scale)
	return max(it.step, q/it.step*it.step)
}

func dateOf(t time.Time, loc *time.Location) string { return t.In(loc).Format("2006-01-02") }

// planIntakes draws the week's in-kind donations and pre-arrival notices.
func (w *week) planIntakes() ([]*intakePlan, []*noticePlan) {
	var intakes []*intakePlan
	var notices []*noticePlan
	for d, day := range w.days {
		n := 10 + w.rng.IntN(4)
		var times []time.Time
		for range n {
			times = append(times, day.Add(8*time.Hour+10*time.Minute+w.minutes(0, 9*60+10)))
		}
		slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
		var units int64
		for _, at := range times {
			in := w.planIntake(at)
			for _, l := range in.lines {
				units += l.Declared
			}
			intakes = append(intakes, in)
		}
		if slices.Contains(lateDays, d) {
			// The evening truck: about a fifth of the day's goods again.
			in := w.planIntake(day.Add(18*time.Hour + 35*time.Minute + w.minutes(0, 15)))
			in.donor = donation.Donor{Kind: donation.Organization, Name: w.pick(overseas)}
			in.des = donation.Designation{Kind: donation.Undesignated}
			it := weekItemBy(w.pick([]string{"MASK-SURG", "MASK-DISP", "MASK-KN95"}))
			q := max(it.step, units/5/it.step*it.step)
			in.lines = []inkind.Line{w.line(it, q, in.donor, in.at, true)}
			in.verdicts, in.counted = []verdict{{}}, []int64{q}
			intakes = append(intakes, in)
		}
		// Notices of goods promised for the next days.
		for range 1 + w.rng.IntN(3) {
			notices = append(notices, w.planNotice(day.Add(9*time.Hour+w.minutes(0, 7*60)), d))
		}
	}
	// The last few intakes before the present are still being signed for.
	var before []*intakePlan
	for _, in := range intakes {
		if in.at.Before(w.end) {
			before = append(before, in)
		}
	}
	for i := max(0, len(before)-3); i < len(before); i++ {
		before[i].awaiting = w.rng.IntN(3)
	}
	return intakes, notices
}

// planIntake draws one donation arriving at at.
func (w *week) planIntake(at time.Time) *intakePlan {
	in := &intakePlan{at: at, warehouse: w.site.relief, awaiting: -1, des: donation.Designation{Kind: donation.Undesignated}}
	var pool []string
	scale := 1.0
	switch r := w.rng.IntN(100); {
	case r < 40:
		in.donor = donation.Donor{Kind: donation.Organization, Name: fmt.Sprintf(w.pick(medicalMakers), w.pick(brands))}
		pool = medicalCodes
	case r < 52:
		in.donor = donation.Donor{Kind: donation.Organization, Name: w.pick(overseas)}
		pool = []string{"MASK-N95", "MASK-KN95", "MASK-SURG", "SUIT-PROT", "GOGGLES", "GLOVES-NIT", "THERMO-IR"}
	case r < 64:
		in.donor = donation.Donor{Kind: donation.Organization, Name: fmt.Sprintf(w.pick(foodMakers), w.pick(brands))}
		pool = append(slices.Clone(livingCodes), "MASK-DISP", "DISINF-84")
	case r < 78:
		in.donor = donation.Donor{Kind: donation.Organization, Name: fmt.Sprintf(w.pick(companies), w.pick(brands))}
		pool = append(slices.Clone(medicalCodes), livingCodes...)
	case r < 92:
		in.donor = donation.Donor{Kind: donation.Person, Name: personName(w.rng), Phone: fmt.Sprintf("1%d%09d", 3+w.rng.IntN(7), w.rng.IntN(1_000_000_000))}
		pool, scale = []string{"MASK-SURG", "MASK-DISP", "MASK-KN95", "DISINF-84", "THERMO-IR", "GLOVES-NIT", "RICE-10", "OIL-5"}, 0.15
	default:
		in.donor = donation.Donor{Kind: donation.Person, Name: personName(w.rng), Anonymous: true}
		pool, scale = []string{"MASK-SURG", "MASK-DISP", "DISINF-84", "GLOVES-NIT", "QUILT"}, 0.1
	}
	n := []int{1, 2, 3, 3, 4, 4, 4, 5, 5, 5, 6, 6, 7, 8}[w.rng.IntN(14)]
	if in.donor.Kind == donation.Person {
		n = min(n, 1+w.rng.IntN(3))
	}
	codes := slices.Clone(pool)
	w.rng.Shuffle(len(codes), func(i, j int) { codes[i], codes[j] = codes[j], codes[i] })
	codes = codes[:min(n, len(codes))]
	living := true
	for _, c := range codes {
		living = living && slices.Contains(livingCodes, c)
	}
	switch r := w.rng.IntN(100); {
	case in.donor.Kind == donation.Organization && r < 14 && !living:
		in.des = donation.Designation{Kind: donation.Institution, Target: w.pick(designees)}
	case in.donor.Kind == donation.Organization && r < 24 && living:
		in.des = donation.Designation{Kind: donation.Region, Target: w.pick([]string{"淳安县", "建德市"})}
	}
	if living && w.rng.IntN(2) == 0 {
		in.warehouse = w.site.dist
	}
	for _, c := range codes {
		it := weekItemBy(c)
		q := w.qty(it, scale)
		l := w.line(it, q, in.donor, at, false)
		v, counted := verdict{}, q
		switch r := w.rng.IntN(1000); {
		case r < 25:
			v = verdict{inkind.RoleSorting, inkind.Rejected, w.pick(rejectLiving)}
			if !slices.Contains(livingCodes, c) {
				v.reason = w.pick(rejectOther)
			}
			if w.site.items[c].MedicalGrade {
				v = verdict{inkind.RoleMedicalCheck, inkind.Rejected, rejectMedical[1]}
			}
			if v.role == inkind.RoleMedicalCheck && l.ExpiresOn != "" && w.rng.IntN(2) == 0 {
				v.reason = rejectMedical[0]
				// Goods past their date: the label says so.
				l.ProducedOn = at.AddDate(-3, -2, 0).Format("2006-01-02")
				l.ExpiresOn = at.AddDate(0, -1, -w.rng.IntN(40)).Format("2006-01-02")
			}
		case r < 60 && w.site.items[c].MedicalGrade:
			v = verdict{inkind.RoleMedicalCheck, inkind.Quarantined, w.pick(quarantineReasons)}
		case r < 110 && q >= 10*it.step:
			counted = q - it.step*int64(1+w.rng.IntN(3)) // a few cartons short
			v = verdict{inkind.RoleCounting, inkind.Accepted, fmt.Sprintf("实到 %d，少 %d", counted, q-counted)}
		}
		in.lines = append(in.lines, l)
		in.verdicts = append(in.verdicts, v)
		in.counted = append(in.counted, counted)
	}
	return in
}

// line describes one donated line: batch, dates and its value.
func (w *week) line(it weekItem, q int64, donor donation.Donor, at time.Time, evidenced bool) inkind.Line {
	l := inkind.Line{ItemID: w.site.items[it.code].ID, Declared: q,
		Batch: fmt.Sprintf("%s%02d%02d-%02d", strings.Split(it.code, "-")[0][:1], at.Month(), at.Day(), 1+w.rng.IntN(40))}
	produced := at.AddDate(0, 0, -10-w.rng.IntN(80))
	if it.shelfMonths > 0 {
		l.Batch = produced.Format("20060102") + fmt.Sprintf("%02d", 1+w.rng.IntN(12))
		l.ProducedOn = produced.Format("2006-01-02")
		l.ExpiresOn = produced.AddDate(0, it.shelfMonths, 0).Format("2006-01-02")
	}
	unit := it.fenLo + w.rng.Int64N(it.fenHi-it.fenLo+1)
	value := money.Fen(q * unit / 100 * 100) // whole yuan
	r := w.rng.IntN(100)
	if evidenced {
		r = 0
	}
	overseas := slices.Contains(overseas, donor.Name)
	switch {
	case donor.Anonymous && r < 45, donor.Kind == donation.Person && r < 30:
		l.Valuation = inkind.Unappraisable
	case donor.Kind == donation.Person && r < 55, donor.Anonymous && r < 80:
		l.Valuation = inkind.Pending
	case donor.Kind == donation.Person, donor.Anonymous:
		l.Valuation, l.Appraiser, l.AppraisedFen = inkind.Appraisal, appraisers[0].name, value
		l.ReportNo = fmt.Sprintf(appraisers[0].report, at.Year(), 1+w.rng.IntN(400))
		l.AppraisedOn = dateOf(at, w.loc)
	case r < 60:
		l.Valuation, l.DeclaredFen = inkind.Evidence, value
		switch {
		case overseas:
			l.EvidenceKind, l.EvidenceRef = "customs", fmt.Sprintf("2904%d1%09d", at.Year(), w.rng.IntN(1_000_000_000))
		case r < 40:
			l.EvidenceKind, l.EvidenceRef = "invoice", fmt.Sprintf("增值税发票 No.%08d", w.rng.IntN(100_000_000))
		default:
			l.EvidenceKind, l.EvidenceRef = "agreement", fmt.Sprintf("杭红捐协〔%d〕%03d号", at.Year(), 1+w.rng.IntN(600))
		}
	case r < 82:
		a := appraisers[w.rng.IntN(len(appraisers))]
		l.Valuation, l.Appraiser, l.AppraisedFen = inkind.Appraisal, a.name, value
		l.ReportNo = fmt.Sprintf(a.report, at.Year(), 1+w.rng.IntN(900))
		l.AppraisedOn = dateOf(at, w.loc)
	case r < 90:
		l.Valuation = inkind.Unappraisable
	default:
		l.Valuation = inkind.Pending
	}
	return l
}

// planNotice draws a notice made on day d of goods due in the next days,
// and what of it has arrived by now.
func (w *week) planNotice(at time.Time, d int) *noticePlan {
	n := &noticePlan{created: at}
	n.p = inkind.PreArrival{BranchID: w.site.city, Donor: donation.Donor{Kind: donation.Organization, Name: fmt.Sprintf(w.pick(medicalMakers), w.pick(brands))},
		Designation: donation.Designation{Kind: donation.Undesignated}}
	if w.rng.IntN(3) == 0 {
		n.p.Donor.Name = w.pick(overseas)
		n.p.Note = "海外采购，航班到杭后清关"
	} else {
		n.p.Note = "厂家直发，到货前电话联系仓库"
	}
	if w.rng.IntN(6) == 0 {
		n.p.Designation = donation.Designation{Kind: donation.Institution, Target: w.pick(designees)}
	}
	due := w.days[d].AddDate(0, 0, 1+w.rng.IntN(3))
	n.p.ExpectedOn = dateOf(due, w.loc)
	codes := slices.Clone(medicalCodes)
	w.rng.Shuffle(len(codes), func(i, j int) { codes[i], codes[j] = codes[j], codes[i] })
	for _, c := range codes[:1+w.rng.IntN(3)] {
		it := weekItemBy(c)
		n.p.Lines = append(n.p.Lines, inkind.Expected{ItemID: w.site.items[c].ID, Expected: w.qty(it, 1)})
		n.lines = append(n.lines, it)
	}
	arrive := due.Add(9*time.Hour + 30*time.Minute + w.minutes(0, 5*60))
	if !due.After(w.days[6]) && w.rng.IntN(10) > 0 {
		n.arriveAt, n.arrived = arrive, map[int]int64{}
		partial := w.rng.IntN(3) == 0
		for i, l := range n.p.Lines {
			q := l.Expected
			if partial {
				q = max(n.lines[i].step, q*int64(40+w.rng.IntN(40))/100/n.lines[i].step*n.lines[i].step)
				if i > 0 && w.rng.IntN(2) == 0 {
					continue // this line has not come at all
				}
			}
			n.arrived[i] = q
		}
		n.intake = &intakePlan{at: arrive, warehouse: w.site.relief, awaiting: -1}
		for range n.arrived {
			n.intake.verdicts = append(n.intake.verdicts, verdict{})
		}
	}
	return n
}

// dayOf is the index of t's day in the week, or -1.
func (w *week) dayOf(t time.Time) int {
	day := dateOf(t, w.loc)
	for i, d := range w.days {
		if dateOf(d, w.loc) == day {
			return i
		}
	}
	return -1
}

// planRequests draws the requesting units' lists, day by day: the scarce
// goods asked for a little beyond what arrives, living goods less, the
// higher classes asking for more. (Hospitals that donors name ask for
// their designated goods once those are in; see designatedRequest.)
func (w *week) planRequests(intakes []*intakePlan, notices []*noticePlan) {
	supply := make([]map[string]int64, len(w.days))
	for i := range w.days {
		supply[i] = map[string]int64{}
	}
	code := map[int64]string{}
	for c, it := range w.site.items {
		code[it.ID] = c
	}
	add := func(in *intakePlan, des donation.Designation, item int64, q int64) {
		d := w.dayOf(in.at)
		if d < 0 || des.Designated() {
			return
		}
		if d+1 < len(w.days) && in.at.Sub(w.days[d]) > 18*time.Hour {
			d++ // the evening truck is asked for the next morning
		}
		supply[d][code[item]] += q
	}
	for _, in := range intakes {
		for i, l := range in.lines {
			add(in, in.des, l.ItemID, in.counted[i])
		}
	}
	for _, n := range notices {
		if n.intake != nil {
			for i, q := range n.arrived {
				add(n.intake, n.p.Designation, n.p.Lines[i].ItemID, q)
			}
		}
	}
	byClass := map[string][]*recipient{}
	for _, r := range weekRecipients {
		if r.Name != reserveName {
			byClass[r.Class] = append(byClass[r.Class], w.recipients[r.Name])
		}
	}
	classWeights := []struct {
		class  string
		weight int
	}{{"treatment_hospital", 20}, {"hospital", 25}, {"district_hq", 25}, {"community_checkpoint", 22}, {"other", 8}}
	drawRecipient := func() *recipient {
		k, acc := w.rng.IntN(100), 0
		for _, cw := range classWeights {
			if acc += cw.weight; k < acc {
				rs := byClass[cw.class]
				return rs[w.rng.IntN(len(rs))]
			}
		}
		panic("unreachable")
	}
	for d, day := range w.days {
		var reqs []*request
		used := map[string]bool{}
		for range 4 + w.rng.IntN(3) {
			r := drawRecipient()
			for used[r.Name] {
				r = drawRecipient()
			}
			used[r.Name] = true
			reqs = append(reqs, w.newRequest(r, day.Add(8*time.Hour+w.minutes(0, 7*60+30))))
		}
		if d == 2 || d == 5 {
			// Living goods nobody needs yet go into storage.
			q := w.newRequest(w.recipients[reserveName], day.Add(15*time.Hour+w.minutes(0, 60)))
			q.Purpose, q.Urgency = "暂无明确去向的生活物资入库储备", "normal"
			reqs = append(reqs, q)
		}
		// Which unit asks for what: some of what arrives that day, now and
		// then something nobody has given.
		asks := make([]map[string]int64, len(reqs))
		for i, q := range reqs {
			asks[i] = map[string]int64{}
			needs := classNeeds[q.to.Class]
			if q.to.Name == reserveName {
				needs = livingCodes
			}
			var have, wish []string
			for _, c := range needs {
				if supply[d][c] > 0 {
					have = append(have, c)
				} else {
					wish = append(wish, c)
				}
			}
			w.rng.Shuffle(len(have), func(i, j int) { have[i], have[j] = have[j], have[i] })
			for _, c := range have[:min(len(have), 2+w.rng.IntN(4))] {
				asks[i][c] = 0
			}
			if len(wish) > 0 && w.rng.IntN(6) == 0 {
				it := weekItemBy(w.pick(wish))
				asks[i][it.code] = w.qty(it, 0.5)
			}
		}
		// Each item's demand is shared among those asking for it, weighted
		// by class; an item nobody picked goes to the first unit whose
		// class needs it.
		for _, it := range weekItems {
			s := supply[d][it.code]
			if s == 0 {
				continue
			}
			f := 0.6 + 0.3*w.rng.Float64()
			if it.scarce {
				f = 0.95 + 0.15*w.rng.Float64()
			}
			demand := int64(float64(s) * f)
			var who []int
			total := int64(0)
			for i, q := range reqs {
				if _, ok := asks[i][it.code]; ok {
					who = append(who, i)
					total += int64(6 - q.to.rank)
				}
			}
			if len(who) == 0 {
				best := 0
				for i, q := range reqs {
					if slices.Contains(classNeeds[q.to.Class], it.code) {
						best = i
						break
					}
				}
				who, total = []int{best}, int64(6-reqs[best].to.rank)
			}
			for _, i := range who {
				share := demand * int64(6-reqs[i].to.rank) / total
				asks[i][it.code] += max(it.step, (share+it.step-1)/it.step*it.step)
			}
		}
		for i, q := range reqs {
			for _, it := range weekItems {
				if n := asks[i][it.code]; n > 0 {
					q.Lines = append(q.Lines, allocation.RequestLine{ItemID: w.site.items[it.code].ID, Quantity: n})
				}
			}
			if len(q.Lines) > 0 {
				w.scheduleRequest(q)
			}
		}
	}
}

// newRequest starts a request of r's, submitted at at.
func (w *week) newRequest(r *recipient, at time.Time) *request {
	q := &request{to: r, held: map[int64]int64{}}
	q.RecipientID, q.Address, q.Contact, q.SubmittedAt = r.ID, r.Address, r.Contact+" "+r.Phone, at
	q.Purpose = w.pick(classPurposes[r.Class])
	switch r.Class {
	case "treatment_hospital":
		q.Urgency = []string{"critical", "critical", "urgent"}[w.rng.IntN(3)]
	case "hospital":
		q.Urgency = []string{"urgent", "urgent", "normal"}[w.rng.IntN(3)]
	default:
		q.Urgency = []string{"urgent", "normal", "normal", "normal"}[w.rng.IntN(4)]
	}
	return q
}

// designatedRequest is the named hospital asking for what a donor gave
// it, once the goods are in.
func (w *week) designatedRequest(d *inkind.Donation) error {
	r := w.recipients[d.Designation.Target]
	if r == nil || d.Designation.Kind != donation.Institution {
		return nil
	}
	q := w.newRequest(r, w.now)
	q.Purpose, q.Urgency = "接收定向捐赠："+d.Donor.CertificateName(), "urgent"
	got := map[int64]int64{}
	for i, o := range d.Outcomes {
		got[d.Lines[i].ItemID] += o.Accepted
	}
	for _, l := range d.Lines {
		if n := got[l.ItemID]; n > 0 {
			q.Lines = append(q.Lines, allocation.RequestLine{ItemID: l.ItemID, Quantity: n})
			got[l.ItemID] = 0
		}
	}
	if len(q.Lines) == 0 {
		return nil
	}
	return w.createRequest(q)
}

// scheduleRequest has q submitted at its time.
func (w *week) scheduleRequest(q *request) {
	w.at(q.SubmittedAt, func() error { return w.createRequest(q) })
}

// createRequest records q, entered by the task force's clerk or, for the
// units of its own district, by the Xihu branch; a third come with the
// stamped letter attached.
func (w *week) createRequest(q *request) error {
	by := w.staff("clerk")
	if strings.HasPrefix(q.to.Name, "西湖区") {
		by = w.staff("xihu")
	}
	if err := w.db.CreateAllocRequest(w.ctx, by, &q.AllocRequest); err != nil {
		return fmt.Errorf("request of %s: %w", q.to.Name, err)
	}
	q.sequence = len(w.requests)
	w.requests = append(w.requests, q)
	if w.rng.IntN(3) == 0 {
		f := &store.RequestFile{RequestID: q.ID, Name: "调拨申请函（盖章）.txt", ContentType: "text/plain; charset=utf-8",
			Data: fmt.Appendf(nil, "%s\n关于申请调拨防疫物资的函\n用途：%s\n联系人：%s\n（演示数据）\n", q.to.Name, q.Purpose, q.Contact)}
		return w.db.AddRequestFile(w.ctx, by, f)
	}
	return nil
}

// scheduleIntake puts an intake's arrival, sign-off and settlement on
// the clock.
func (w *week) scheduleIntake(in *intakePlan) {
	w.at(in.at, func() error {
		d := &inkind.Donation{BranchID: w.site.city, Donor: in.donor, Designation: in.des, Lines: in.lines}
		if err := w.db.CreateInKind(w.ctx, w.staff("warehouse"), d); err != nil {
			return fmt.Errorf("intake from %s: %w", in.donor.Name, err)
		}
		w.signAndSettle(in, d)
		return nil
	})
}

// scheduleNotice has the notice made and, when its goods come, their
// arrival signed for and settled like any intake.
func (w *week) scheduleNotice(n *noticePlan) {
	w.at(n.created, func() error {
		if err := w.db.CreatePreArrival(w.ctx, w.staff("clerk"), &n.p); err != nil {
			return fmt.Errorf("notice from %s: %w", n.p.Donor.Name, err)
		}
		if n.intake == nil {
			return nil
		}
		w.at(n.arriveAt, func() error {
			d, err := w.db.ArrivePreArrival(w.ctx, w.staff("warehouse"), n.p.ID, n.arrived)
			if err != nil {
				return fmt.Errorf("arrival of notice %d: %w", n.p.ID, err)
			}
			n.intake.counted = nil
			for _, l := range d.Lines {
				n.intake.counted = append(n.intake.counted, l.Declared)
			}
			w.signAndSettle(n.intake, d)
			return nil
		})
		return nil
	})
}

// signAndSettle has the four parties sign for every line together once
// the goods are checked (the medical-grade check for medical lines only),
// then settles the intake into its warehouse. An intake left waiting got
// no sign-off (awaiting 0), only the dock's (1), or all but the count (2).
func (w *week) signAndSettle(in *intakePlan, d *inkind.Donation) {
	type sign struct {
		line int
		role string
	}
	var signs []sign
	for i, l := range d.Lines {
		for _, role := range inkind.DefaultRoles {
			switch {
			case role == inkind.RoleMedicalCheck && !l.MedicalGrade,
				in.awaiting == 1 && role != inkind.RoleUnloading && role != inkind.RoleSorting,
				in.awaiting == 2 && role == inkind.RoleCounting:
				continue
			}
			signs = append(signs, sign{i, role})
		}
	}
	if in.awaiting == 0 {
		return
	}
	day := max(w.dayOf(in.at), 0)
	at := in.at.Add(w.minutes(15, 35))
	w.at(at, func() error {
		return w.together(len(signs), false, func(j int) error {
			i, role := signs[j].line, signs[j].role
			s := inkind.SignOff{Line: i, Role: role, Person: signers[role][(day+len(role))%len(signers[role])], Verdict: inkind.Accepted}
			if role == inkind.RoleCounting {
				s.Counted = in.counted[i]
			}
			if v := in.verdicts[i]; v.role == role {
				s.Verdict, s.Reason = v.verdict, v.reason
			}
			return w.db.SignInKind(w.ctx, w.staff("warehouse"), d.ID, s)
		})
	})
	if in.awaiting >= 0 {
		return
	}
	if settle := at.Add(w.minutes(3, 10)); settle.Before(w.tail) {
		w.at(settle, func() error {
			got, err := w.db.SettleInKind(w.ctx, w.staff("warehouse"), d.ID, []string{inkind.RoleUnloading, inkind.RoleSorting, inkind.RoleCounting}, in.warehouse.ID)
			if err != nil {
				return fmt.Errorf("settle intake %d: %w", d.ID, err)
			}
			return w.designatedRequest(got)
		})
	}
}

// freeLot is a lot with what live allocations have not taken.
type freeLot struct {
	stock.Lot
	free int64
}

// free reads the lots of items and what of them is free, expiry first
// and goods that do not expire last.
func (w *week) free(items map[int64]bool) (map[int64][]*freeLot, error) {
	out := map[int64][]*freeLot{}
	for id := range items {
		lots, err := w.db.Lots(w.ctx, id, 0)
		if err != nil {
			return nil, err
		}
		for _, l := range lots {
			if f := l.Quantity - w.lotHeld[l.ID]; f > 0 {
				out[id] = append(out[id], &freeLot{Lot: l, free: f})
			}
		}
		slices.SortFunc(out[id], func(a, b *freeLot) int {
			if (a.Expiry == "") != (b.Expiry == "") {
				if a.Expiry == "" {
					return 1
				}
				return -1
			}
			if c := strings.Compare(a.Expiry, b.Expiry); c != 0 {
				return c
			}
			return int(a.ID - b.ID)
		})
	}
	return out, nil
}

// itemsOf is the items q asks for, those only may allow.
func itemsOf(q *request, only func(int64) bool) map[int64]bool {
	items := map[int64]bool{}
	for _, l := range q.Lines {
		if only == nil || only(l.ItemID) {
			items[l.ItemID] = true
		}
	}
	return items
}

// scarce reports whether an item is one of the goods always short.
func (w *week) scarce(item int64) bool {
	for _, it := range weekItems {
		if w.site.items[it.code].ID == item {
			return it.scarce
		}
	}
	return false
}

var urgencyRank = map[string]int{"critical": 0, "urgent": 1, "normal": 2}

// open lists the requests with something still open, by class, urgency
// and age: the order the task force works in.
func (w *week) open() []*request {
	var out []*request
	for _, q := range w.requests {
		for _, l := range q.Lines {
			if l.Quantity-l.Fulfilled-q.held[l.ID] > 0 {
				out = append(out, q)
				break
			}
		}
	}
	slices.SortStableFunc(out, func(a, b *request) int {
		if a.to.rank != b.to.rank {
			return a.to.rank - b.to.rank
		}
		if urgencyRank[a.Urgency] != urgencyRank[b.Urgency] {
			return urgencyRank[a.Urgency] - urgencyRank[b.Urgency]
		}
		return a.sequence - b.sequence
	})
	return out
}

// propose takes from free what q still needs of the items only allows
// (nil: all), goods designated to it first; share (≤ 1) limits each line
// to part of what is open.
func (w *week) propose(q *request, free map[int64][]*freeLot, share float64, only func(int64) bool) []store.AllocLine {
	var out []store.AllocLine
	for _, l := range q.Lines {
		if only != nil && !only(l.ItemID) {
			continue
		}
		open := int64(float64(l.Quantity-l.Fulfilled-q.held[l.ID]) * share)
		for _, own := range []bool{true, false} {
			for _, lot := range free[l.ItemID] {
				if open == 0 {
					break
				}
				mine := lot.DesignationKind == string(donation.Institution) && lot.DesignationTarget == q.to.Name
				if lot.free == 0 || mine != own || lot.Designated() && !mine {
					continue
				}
				n := min(open, lot.free)
				lot.free -= n
				open -= n
				reason := fmt.Sprintf("第%d优先级，%s / class %d, %s", q.to.rank, map[bool]string{true: "申请已满足", false: "库存不足，部分满足"}[open == 0],
					q.to.rank, map[bool]string{true: "fully met", false: "partly met"}[open == 0])
				if mine {
					reason = "定向给本单位的捐赠 / designated to this recipient"
				}
				out = append(out, store.AllocLine{RequestLineID: l.ID, LotID: lot.ID, Quantity: n, Reason: reason})
			}
		}
	}
	return out
}

// round is the task force going down the open requests with what is in
// stock. A request is served once a day, but the day's last round also
// gives anyone still short the scarce goods left, to clear the shelves.
// The round is submitted together and the task force passes its step on
// it together; the leadership decides each allocation on its own.
func (w *week) round(last bool) error {
	reqs := w.open()
	items := map[int64]bool{}
	for _, q := range reqs {
		for id := range itemsOf(q, nil) {
			items[id] = true
		}
	}
	free, err := w.free(items)
	if err != nil {
		return err
	}
	today := dateOf(w.now, w.loc)
	var batch []*alloc
	for _, q := range reqs {
		if q.tail {
			continue
		}
		var only func(int64) bool
		if q.served == today {
			if !last {
				continue
			}
			only = w.scarce
		}
		if lines := w.propose(q, free, 1, only); len(lines) > 0 {
			batch = append(batch, &alloc{req: q, lines: lines, lastRound: last})
		}
	}
	if err := w.submit(batch); err != nil {
		return err
	}
	w.at(w.now.Add(w.minutes(1, 3)), func() error { return w.decide(batch, "clerk", allocation.Approve, "") })
	for _, a := range batch {
		w.leadership(a)
	}
	w.at(w.now.Add(w.minutes(35, 45)), w.run)
	return nil
}

// submit submits allocations together.
func (w *week) submit(batch []*alloc) error {
	for _, a := range batch {
		a.n = len(w.allocs) + 1
		w.allocs = append(w.allocs, a)
	}
	err := w.together(len(batch), false, func(i int) error {
		a := batch[i]
		al, err := w.db.SubmitAllocation(w.ctx, w.staff("clerk"), a.req.ID, a.lines, "")
		if err != nil {
			return fmt.Errorf("allocation for %s: %w", a.req.to.Name, err)
		}
		a.id = al.ID
		return nil
	})
	if err != nil {
		return err
	}
	for _, a := range batch {
		a.submitted, a.req.served = w.now, dateOf(w.now, w.loc)
		w.hold(a, 1)
	}
	return nil
}

func (w *week) hold(a *alloc, sign int64) {
	for _, l := range a.lines {
		w.lotHeld[l.LotID] += sign * l.Quantity
		a.req.held[l.RequestLineID] += sign * l.Quantity
	}
}

// stepRoles are who decides at each approval step, as the web has it.
var stepRoles = map[string][]string{"taskforce": {"clerk", "admin"}, "leadership": {"approver", "admin"}}

// decide records the same decision by one account on allocations.
func (w *week) decide(batch []*alloc, by, decision, comment string) error {
	err := w.together(len(batch), false, func(i int) error {
		if _, err := w.db.DecideAllocation(w.ctx, w.staff(by), batch[i].id, allocation.DefaultSteps, stepRoles, decision, comment, nil); err != nil {
			return fmt.Errorf("%s allocation %d: %w", decision, batch[i].id, err)
		}
		return nil
	})
	if err == nil && decision != allocation.Approve {
		for _, a := range batch {
			w.hold(a, -1) // returned or rejected: the goods are free again
		}
	}
	return err
}

// leadership puts the leadership's decision on a on the clock: mostly
// within 3 to 9 minutes of submission, now and then later; a couple are
// sent back and cut down, a couple refused (see sendBack).
func (w *week) leadership(a *alloc) {
	took := w.minutes(3, 9)
	if w.rng.IntN(30) == 0 {
		took = w.minutes(11, 24) // the leadership was in a meeting
	}
	decision, comment := allocation.Approve, ""
	if k := w.sentBack; k < len(sendBack) && a.n >= sendBack[k].n && !a.lastRound {
		decision, comment = sendBack[k].decision, sendBack[k].comment
		w.sentBack++
	}
	w.at(a.submitted.Add(took), func() error {
		if err := w.decide([]*alloc{a}, "approver", decision, comment); err != nil {
			return err
		}
		switch decision {
		case allocation.Approve:
			w.approved(a)
		case allocation.Return:
			w.at(w.now.Add(w.minutes(5, 12)), func() error { return w.resubmit(a.req) })
		}
		return nil
	})
}

// resubmit is the task force sending a returned allocation again, cut
// to half of what is open.
func (w *week) resubmit(q *request) error {
	free, err := w.free(itemsOf(q, nil))
	if err != nil {
		return err
	}
	lines := w.propose(q, free, 0.5, nil)
	if len(lines) == 0 {
		return nil
	}
	a := &alloc{req: q, lines: lines}
	if err := w.submit([]*alloc{a}); err != nil {
		return err
	}
	w.at(w.now.Add(w.minutes(1, 2)), func() error { return w.decide([]*alloc{a}, "clerk", allocation.Approve, "") })
	w.leadership(a)
	w.at(w.now.Add(w.minutes(30, 40)), w.run)
	return nil
}

// approved lists the paper documents an approved allocation will bring
// (线上审批、线下补办): the stamped letter the same day, the signed form
// the next morning; a few are still owed.
func (w *week) approved(a *alloc) {
	a.approved = true
	day := w.now.In(w.loc)
	if w.rng.IntN(25) > 0 {
		w.owe(a, "request_letter", fmt.Sprintf("%s 盖章申请函 %s 号", a.req.to.Name, day.Format("0102")), w.now.Add(w.minutes(40, 240)))
	}
	if w.rng.IntN(20) > 0 {
		w.owe(a, "approval_form", fmt.Sprintf("杭红调〔%d〕第%04d号", day.Year(), a.n), time.Date(day.Year(), day.Month(), day.Day()+1, 9, 0, 0, 0, w.loc))
	}
}

// paper is a paper document on its way to the clerk.
type paper struct {
	a         *alloc
	kind, ref string
	due       time.Time
}

func (w *week) owe(a *alloc, kind, ref string, due time.Time) {
	w.papers = append(w.papers, paper{a, kind, ref, due})
}

// file is the clerk recording, in one sitting, the paper that has come.
func (w *week) file() error {
	var now, later []paper
	for _, p := range w.papers {
		if p.due.Before(w.now) {
			now = append(now, p)
		} else {
			later = append(later, p)
		}
	}
	w.papers = later
	return w.together(len(now), false, func(i int) error {
		return w.db.RecordPaperwork(w.ctx, w.staff("clerk"), now[i].a.id, now[i].kind, now[i].ref)
	})
}

// run is a run of the vehicles: every approved allocation not yet gone
// leaves, designated goods point to point, goods for the reserve into
// storage, the rest by relay on the post's vehicles.
func (w *week) run() error {
	var batch []*alloc
	for _, a := range w.allocs {
		if a.approved && !a.dispatched {
			batch = append(batch, a)
		}
	}
	orders := make([]store.DispatchOrder, len(batch))
	for i, a := range batch {
		v := vehicles[(a.n+i)%len(vehicles)]
		orders[i] = store.DispatchOrder{Mode: stock.Relay, Route: "备灾救灾中心 → 邮政接驳点 → " + a.req.to.Name, Vehicle: v.plate, Driver: v.driver}
		switch {
		case a.req.to.Name == reserveName:
			orders[i] = store.DispatchOrder{Mode: stock.Storage, Route: "备灾救灾中心 → " + reserveName, Vehicle: "仓储转运车 浙A·C0815", Driver: "邵师傅"}
		case slices.ContainsFunc(a.lines, func(l store.AllocLine) bool { return strings.HasPrefix(l.Reason, "定向") }):
			orders[i] = store.DispatchOrder{Mode: stock.PointToPoint, Route: "备灾救灾中心 → " + a.req.to.Name, Vehicle: "定向专车 浙A·D2020", Driver: "何建平"}
		}
	}
	links := make([][]store.DispatchLink, len(batch))
	err := w.together(len(batch), true, func(i int) error {
		var err error
		if links[i], err = w.db.DispatchAllocation(w.ctx, w.staff("warehouse"), batch[i].id, orders[i]); err != nil {
			return fmt.Errorf("dispatch allocation %d: %w", batch[i].id, err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for i, a := range batch {
		a.dispatched = true
		w.hold(a, -1)
		for _, l := range a.lines {
			for j := range a.req.Lines {
				if a.req.Lines[j].ID == l.RequestLineID {
					a.req.Lines[j].Fulfilled += l.Quantity
				}
			}
		}
		for _, link := range links[i] {
			if w.rng.IntN(16) > 0 { // now and then nobody has scanned the code yet
				w.at(w.now.Add(w.minutes(35, 170)), func() error { return w.sign(a, link) })
			}
		}
	}
	return nil
}

// sign is the recipient signing on its phone: now and then a carton short.
func (w *week) sign(a *alloc, link store.DispatchLink) error {
	v, err := w.db.DispatchForSigning(w.ctx, link.Secret)
	if err != nil {
		return err
	}
	short := w.rng.IntN(12) == 0
	var got []stock.Received
	for i, l := range v.Lines {
		r := stock.Received{LotID: l.LotID, Received: l.Sent}
		if short && i == 0 && l.Sent > 20 {
			r.Received = l.Sent - l.Sent/50 - 1
			r.Reason = w.pick(shortReasons)
		}
		got = append(got, r)
	}
	signer := a.req.to.Contact
	if i := strings.LastIndex(signer, " "); i >= 0 {
		signer = signer[i+1:]
	}
	if err := w.db.SignDispatch(w.ctx, link.Secret, signer, got, "", nil); err != nil {
		return fmt.Errorf("sign dispatch %s: %w", link.DocNo, err)
	}
	// The signed receipt comes back on paper the next working day.
	if w.rng.IntN(15) > 0 && !slices.ContainsFunc(w.papers, func(p paper) bool { return p.a == a && p.kind == "receipt_form" }) {
		day := w.now.In(w.loc)
		w.owe(a, "receipt_form", "签收回执 "+link.DocNo, time.Date(day.Year(), day.Month(), day.Day()+1, 9, 0, 0, 0, w.loc))
	}
	return nil
}

// scheduleTail is the present. Within the hour two units ask for what
// the list shows in stock. The first one's allocation went in 25 minutes
// ago and the task force has passed it: it waits for the leadership past
// the 10-minute mark. The task force's last round, of scarce goods only,
// waits too, and the second unit's allocation has just gone in.
func (w *week) scheduleTail() {
	var asked []*request
	for i, off := range []time.Duration{55 * time.Minute, 42 * time.Minute} {
		w.at(w.end.Add(-off), func() error {
			r := w.recipients[[]string{"滨江区长河街道江一社区卡口", "萧山区疫情防控指挥部"}[i]]
			q := w.newRequest(r, w.now)
			q.Urgency, q.tail = "urgent", true
			// Living goods first: the scarce ones are spoken for.
			var codes []string
			for _, c := range append(slices.Clone(livingCodes), classNeeds[r.Class]...) {
				if slices.Contains(classNeeds[r.Class], c) && !slices.Contains(codes, c) {
					codes = append(codes, c)
				}
			}
			for _, c := range codes {
				it := w.site.items[c]
				free, err := w.free(map[int64]bool{it.ID: true})
				if err != nil {
					return err
				}
				var have int64
				for _, l := range free[it.ID] {
					if !l.Designated() {
						have += l.free
					}
				}
				if have > 0 && len(q.Lines) < 3 {
					q.Lines = append(q.Lines, allocation.RequestLine{ItemID: it.ID, Quantity: max(weekItemBy(c).step, have/3)})
				}
			}
			if len(q.Lines) == 0 {
				return nil
			}
			asked = append(asked, q)
			return w.createRequest(q)
		})
	}
	answer := func(i int) (*alloc, error) {
		if i >= len(asked) {
			return nil, nil
		}
		q := asked[i]
		free, err := w.free(itemsOf(q, nil))
		if err != nil {
			return nil, err
		}
		lines := w.propose(q, free, 1, nil)
		if len(lines) == 0 {
			return nil, nil
		}
		a := &alloc{req: q, lines: lines}
		return a, w.submit([]*alloc{a})
	}
	w.at(w.end.Add(-25*time.Minute), func() error {
		a, err := answer(0)
		if a != nil {
			w.at(w.now.Add(w.minutes(1, 3)), func() error { return w.decide([]*alloc{a}, "clerk", allocation.Approve, "") })
		}
		return err
	})
	// The last round, of scarce goods only: a couple of allocations, more
	// only while N95 would otherwise wait on the shelf.
	w.at(w.tail, func() error {
		n95 := w.site.items["MASK-N95"].ID
		all := map[int64]bool{}
		for _, it := range weekItems {
			all[w.site.items[it.code].ID] = it.scarce
		}
		free, err := w.free(all)
		if err != nil {
			return err
		}
		var batch []*alloc
		for _, q := range w.open() {
			if q.tail {
				continue
			}
			left := slices.ContainsFunc(free[n95], func(l *freeLot) bool { return l.free > 0 })
			if len(batch) >= 2 && (!left || !itemsOf(q, nil)[n95]) {
				continue
			}
			if lines := w.propose(q, free, 1, w.scarce); len(lines) > 0 {
				batch = append(batch, &alloc{req: q, lines: lines})
			}
		}
		return w.submit(batch)
	})
	w.at(w.end.Add(-3*time.Minute), func() error {
		_, err := answer(1)
		return err
	})
}

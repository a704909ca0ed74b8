package disclosure

import (
	"encoding/csv"
	"encoding/json"
	"io"
	"strconv"
	"strings"
	"time"

	"boai/internal/money"
)

// Renderers take a published Disclosure only, and check that its content
// is what its checker saw: nothing unchecked or altered goes public.

// Sheet is one sheet of the spreadsheet: a name and rows, the first row
// being the header. Amount cells are plain yuan ("1234.50"), so the XLSX
// writer may store them as numbers.
type Sheet struct {
	Name string
	Rows [][]string
}

var (
	moneyHeader       = []string{"序号", "日期", "捐赠人", "金额（元）", "定向"}
	goodsHeader       = []string{"序号", "日期", "捐赠人", "物资", "规格", "数量", "定向"}
	allocationHeader  = []string{"序号", "日期", "受赠机构", "物资", "规格", "数量"}
	expenditureHeader = []string{"序号", "日期", "收款单位", "用途", "金额（元）", "资金来源"}
	csvHeader         = []string{"类别", "序号", "日期", "名称", "物资或用途", "规格", "数量", "金额（元）", "定向"}
)

func moneyRow(l MoneyLine) []string {
	return []string{strconv.Itoa(l.No), l.Date, l.Donor, yuan(l.Amount), l.Designation}
}

func goodsRow(l GoodsLine) []string {
	return []string{strconv.Itoa(l.No), l.Date, l.Donor, l.Item, l.Spec, l.Quantity, l.Designation}
}

func allocationRow(l AllocationLine) []string {
	return []string{strconv.Itoa(l.No), l.Date, l.Recipient, l.Item, l.Spec, l.Quantity}
}

func expenditureRow(l ExpenditureLine) []string {
	return []string{strconv.Itoa(l.No), l.Date, l.Payee, l.Purpose, yuan(l.Amount), l.Designation}
}

// yuan writes f as plain yuan, "1234.50" or "-12.00": no currency sign, no
// separators, so spreadsheets read it as a number.
func yuan(f money.Fen) string {
	s := f.String()
	return strings.ReplaceAll(s, ",", "")
}

// totalRows are the totals as (label, value) pairs, with the checkpoint.
func (d *Day) totalRows() [][2]string {
	t := d.Totals
	rows := [][2]string{
		{"当日收到捐款（元）", yuan(t.DayReceived)},
		{"当日支出（元）", yuan(t.DaySpent)},
		{"累计收到捐款（元）", yuan(t.Cumulative.Received)},
		{"累计支出（元）", yuan(t.Cumulative.Spent)},
		{"资金使用率", t.Cumulative.String()},
	}
	if cp := d.Checkpoint; cp != nil {
		rows = append(rows, [2]string{"日志树大小", strconv.FormatUint(cp.Size, 10)}, [2]string{"日志根哈希", cp.Root})
	}
	return rows
}

// summary is the totals in one line, as the feed and corrections print them.
func (t Totals) summary() string {
	return "当日收到捐款 " + t.DayReceived.Yuan() + "；当日支出 " + t.DaySpent.Yuan() +
		"；累计收到 " + t.Cumulative.Received.Yuan() + "；累计支出 " + t.Cumulative.Spent.Yuan() +
		"；资金使用率 " + t.Cumulative.String()
}

// Sheets is the disclosure as spreadsheet sheets: 捐款, 捐物, 调拨, 支出,
// each with its header, then 合计 with the totals, the checkpoint and the
// time of publication.
func (d *Disclosure) Sheets() ([]Sheet, error) {
	if err := public(&d.Review, d.digest()); err != nil {
		return nil, err
	}
	day := d.Day
	m := Sheet{Name: SectionMoney.Label(), Rows: make([][]string, 0, len(day.Money)+1)}
	m.Rows = append(m.Rows, moneyHeader)
	for _, l := range day.Money {
		m.Rows = append(m.Rows, moneyRow(l))
	}
	g := Sheet{Name: SectionGoods.Label(), Rows: [][]string{goodsHeader}}
	for _, l := range day.Goods {
		g.Rows = append(g.Rows, goodsRow(l))
	}
	a := Sheet{Name: SectionAllocations.Label(), Rows: [][]string{allocationHeader}}
	for _, l := range day.Allocations {
		a.Rows = append(a.Rows, allocationRow(l))
	}
	e := Sheet{Name: SectionExpenditures.Label(), Rows: [][]string{expenditureHeader}}
	for _, l := range day.Expenditures {
		e.Rows = append(e.Rows, expenditureRow(l))
	}
	t := Sheet{Name: SectionTotals.Label(), Rows: [][]string{{"项目", "数值"}, {"日期", day.Date}}}
	for _, r := range day.totalRows() {
		t.Rows = append(t.Rows, []string{r[0], r[1]})
	}
	t.Rows = append(t.Rows, []string{"公示时间", d.PublishedAt.Format(time.RFC3339)})
	return []Sheet{m, g, a, e, t}, nil
}

// CSV writes the disclosure as one table, UTF-8 with a byte-order mark so
// Excel reads the Chinese, CRLF line ends (RFC 4180). One table with a
// 类别 (kind) column rather than a section per kind: every row stands
// alone, so the file filters in Excel and loads into any CSV reader. The
// columns are 类别, 序号, 日期, 名称 (donor, recipient or payee), 物资或用途,
// 规格, 数量, 金额（元）, 定向; 合计 rows name the measure in 名称 and put
// a sum in 金额 or any other value (rate, tree size, root hash) in 数量.
// A text cell Excel would take for a formula is prefixed with '.
func (d *Disclosure) CSV(w io.Writer) error {
	if err := public(&d.Review, d.digest()); err != nil {
		return err
	}
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	day := d.Day
	row := make([]string, len(csvHeader))
	put := func(cells ...string) {
		for i, c := range cells {
			row[i] = noFormula(c)
		}
		_ = cw.Write(row) // the error, if any, is kept by cw
	}
	put(csvHeader...)
	label := SectionMoney.Label()
	for _, l := range day.Money {
		put(label, strconv.Itoa(l.No), l.Date, l.Donor, "", "", "", yuan(l.Amount), l.Designation)
	}
	label = SectionGoods.Label()
	for _, l := range day.Goods {
		put(label, strconv.Itoa(l.No), l.Date, l.Donor, l.Item, l.Spec, l.Quantity, "", l.Designation)
	}
	label = SectionAllocations.Label()
	for _, l := range day.Allocations {
		put(label, strconv.Itoa(l.No), l.Date, l.Recipient, l.Item, l.Spec, l.Quantity, "", "")
	}
	label = SectionExpenditures.Label()
	for _, l := range day.Expenditures {
		put(label, strconv.Itoa(l.No), l.Date, l.Payee, l.Purpose, "", "", yuan(l.Amount), l.Designation)
	}
	label = SectionTotals.Label()
	for i, r := range day.totalRows() {
		if i < 4 {
			put(label, "", day.Date, r[0], "", "", "", r[1], "")
		} else {
			put(label, "", day.Date, r[0], "", "", r[1], "", "")
		}
	}
	cw.Flush()
	return cw.Error()
}

// noFormula keeps a cell from being run as a formula by Excel: text that
// starts with = + - @ or a control character gets a leading ', unless it
// is a plain number such as -12.00.
func noFormula(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '@', '\t', '\r':
		return "'" + s
	case '+', '-':
		if _, err := strconv.ParseFloat(s, 64); err != nil {
			return "'" + s
		}
	}
	return s
}

// The JSON form. Field names are part of the public API: add, never rename.
// Amounts are integers in fen with the same amount as a plain yuan string.
type (
	jsonDay struct {
		Date         string            `json:"date"`
		Money        []jsonMoney       `json:"money"`
		Goods        []jsonGoods       `json:"goods"`
		Allocations  []jsonAllocation  `json:"allocations"`
		Expenditures []jsonExpenditure `json:"expenditures"`
		Totals       jsonTotals        `json:"totals"`
		Checkpoint   *jsonCheckpoint   `json:"checkpoint"` // null until the log has one
		PublishedAt  string            `json:"published_at,omitempty"`
	}
	jsonMoney struct {
		No          int       `json:"no"`
		Date        string    `json:"date"`
		Donor       string    `json:"donor"`
		AmountFen   money.Fen `json:"amount_fen"`
		AmountYuan  string    `json:"amount_yuan"`
		Designation string    `json:"designation"`
	}
	jsonGoods struct {
		No          int    `json:"no"`
		Date        string `json:"date"`
		Donor       string `json:"donor"`
		Item        string `json:"item"`
		Spec        string `json:"spec"`
		Quantity    string `json:"quantity"`
		Qty         int64  `json:"qty"`
		Unit        string `json:"unit"`
		Designation string `json:"designation"`
	}
	jsonAllocation struct {
		No        int    `json:"no"`
		Date      string `json:"date"`
		Recipient string `json:"recipient"`
		Item      string `json:"item"`
		Spec      string `json:"spec"`
		Quantity  string `json:"quantity"`
		Qty       int64  `json:"qty"`
		Unit      string `json:"unit"`
	}
	jsonExpenditure struct {
		No          int       `json:"no"`
		Date        string    `json:"date"`
		Payee       string    `json:"payee"`
		Purpose     string    `json:"purpose"`
		AmountFen   money.Fen `json:"amount_fen"`
		AmountYuan  string    `json:"amount_yuan"`
		Designation string    `json:"designation"`
	}
	jsonTotals struct {
		DayReceivedFen      money.Fen `json:"day_received_fen"`
		DayReceivedYuan     string    `json:"day_received_yuan"`
		DaySpentFen         money.Fen `json:"day_spent_fen"`
		DaySpentYuan        string    `json:"day_spent_yuan"`
		ReceivedFen         money.Fen `json:"received_fen"`
		ReceivedYuan        string    `json:"received_yuan"`
		SpentFen            money.Fen `json:"spent_fen"`
		SpentYuan           string    `json:"spent_yuan"`
		Utilisation         string    `json:"utilisation"`          // "93.2%", or "—" when nothing was received
		UtilisationPermille *int64    `json:"utilisation_permille"` // 932; null when nothing was received
	}
	jsonCheckpoint struct {
		TreeSize uint64 `json:"tree_size"`
		RootHash string `json:"root_hash"`
	}
)

func wireDay(d *Day) *jsonDay {
	w := &jsonDay{
		Date:         d.Date,
		Money:        make([]jsonMoney, len(d.Money)),
		Goods:        make([]jsonGoods, len(d.Goods)),
		Allocations:  make([]jsonAllocation, len(d.Allocations)),
		Expenditures: make([]jsonExpenditure, len(d.Expenditures)),
	}
	for i, l := range d.Money {
		w.Money[i] = jsonMoney{l.No, l.Date, l.Donor, l.Amount, yuan(l.Amount), l.Designation}
	}
	for i, l := range d.Goods {
		w.Goods[i] = jsonGoods{l.No, l.Date, l.Donor, l.Item, l.Spec, l.Quantity, l.Qty, l.Unit, l.Designation}
	}
	for i, l := range d.Allocations {
		w.Allocations[i] = jsonAllocation{l.No, l.Date, l.Recipient, l.Item, l.Spec, l.Quantity, l.Qty, l.Unit}
	}
	for i, l := range d.Expenditures {
		w.Expenditures[i] = jsonExpenditure{l.No, l.Date, l.Payee, l.Purpose, l.Amount, yuan(l.Amount), l.Designation}
	}
	t := d.Totals
	w.Totals = jsonTotals{
		DayReceivedFen: t.DayReceived, DayReceivedYuan: yuan(t.DayReceived),
		DaySpentFen: t.DaySpent, DaySpentYuan: yuan(t.DaySpent),
		ReceivedFen: t.Cumulative.Received, ReceivedYuan: yuan(t.Cumulative.Received),
		SpentFen: t.Cumulative.Spent, SpentYuan: yuan(t.Cumulative.Spent),
		Utilisation: t.Cumulative.String(),
	}
	if p, ok := t.Cumulative.Permille(); ok {
		w.Totals.UtilisationPermille = &p
	}
	if cp := d.Checkpoint; cp != nil {
		w.Checkpoint = &jsonCheckpoint{cp.Size, cp.Root}
	}
	return w
}

// JSON writes the disclosure as one JSON object, the API's form: date;
// money, goods, allocations and expenditures as arrays (empty, never
// null) of lines; totals; checkpoint (null until the log has one); and
// published_at (RFC 3339).
func (d *Disclosure) JSON(w io.Writer) error {
	if err := public(&d.Review, d.digest()); err != nil {
		return err
	}
	wd := wireDay(d.Day)
	wd.PublishedAt = d.PublishedAt.Format(time.RFC3339)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(wd)
}

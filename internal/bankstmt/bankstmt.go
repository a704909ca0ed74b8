// Package bankstmt reads the statements Chinese banks export (CSV in UTF-8
// or GBK, or XLSX) and sorts their rows into incoming money that can become
// donations and everything else (payments, fees, totals, unreadable rows),
// each with a reason a person can act on.
//
// Every row gets a stable external reference, so importing the same or an
// overlapping statement twice is idempotent: the serial itself when the bank
// gives a serial number, otherwise "stmt:" and a hash of the row's content.
// Identical rows without a serial in one file are taken as separate gifts
// (two ¥100 cash deposits on one day are common), so the second one's hash
// also covers its occurrence number; a row repeated with the same serial is
// a duplicate.
package bankstmt

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/width"

	"boai"
	"boai/internal/money"
)

// Field is a logical column.
type Field string

const (
	FieldDate    Field = "date"         // 交易日期 (may also carry the time)
	FieldTime    Field = "time"         // 交易时间
	FieldName    Field = "counterparty" // 对方户名
	FieldAccount Field = "account"      // 对方账号
	FieldCredit  Field = "credit"       // 收入金额 / 贷方发生额 / 贷方金额 / 收入
	FieldDebit   Field = "debit"        // 支出金额 / 借方发生额 / 借方金额 / 支出
	FieldAmount  Field = "amount"       // single signed amount column (交易金额/发生额) when there are no credit/debit columns
	FieldSummary Field = "summary"      // 摘要
	FieldPurpose Field = "purpose"      // 附言 / 用途 / 备注
	FieldSerial  Field = "serial"       // 流水号 / 交易流水号 / 凭证号
	// FieldDirection is the 借贷标志 column that some banks pair with an
	// unsigned amount column; without it their payments would look like gifts.
	FieldDirection Field = "direction" // 借贷标志 / 收支方向: 借/贷, 收/支, D/C
)

// Mapping maps fields to the header text of the column holding them. Empty
// entries fall back to the built-in synonyms. JSON-serialisable so users can
// save it.
type Mapping map[Field]string

// Verdict says what to do with a row.
type Verdict string

const (
	Accept    Verdict = "accept"    // a credit row: becomes a donation
	Debit     Verdict = "debit"     // outgoing money / fee: not a donation
	Total     Verdict = "total"     // 合计/总计/本页合计 row: not a donation
	Invalid   Verdict = "invalid"   // cannot be read; Reason says why
	Duplicate Verdict = "duplicate" // same serial appeared earlier in this file
)

// Row is one data row of a statement.
type Row struct {
	Line         int       // 1-based line (CSV) or row (XLSX) number in the file, for the user
	Time         time.Time // in the given location; zero when the date is unreadable
	Counterparty string
	Account      string
	AmountFen    money.Fen // positive for credits, negative for debits
	Summary      string
	Purpose      string
	Serial       string
	Ref          string // external reference, set on Accept and Duplicate rows; see the package doc
	Verdict      Verdict
	Reason       string // for Invalid/Debit/Total/Duplicate, a short Chinese reason
}

// Statement is a parsed statement file.
type Statement struct {
	Format    string   // "csv" or "xlsx"
	Encoding  string   // "utf-8", "utf-8-bom", "utf-16le", "utf-16be" or "gb18030" (csv only)
	HeaderRow int      // 1-based
	Headers   []string // header cells as found
	Mapping   Mapping  // the mapping actually used (field -> header)
	Rows      []Row    // every non-blank row after the header, in order
}

// fields lists every field, in the order columns are assigned to them.
var fields = []Field{
	FieldDate, FieldTime, FieldName, FieldAccount, FieldCredit, FieldDebit,
	FieldAmount, FieldSummary, FieldPurpose, FieldSerial, FieldDirection,
}

// synonyms are the header texts banks use for each field, best first. They
// are compared after normalizeHeader, so case, spaces, full-width forms and a
// trailing unit such as "(元)" do not matter.
var synonyms = map[Field][]string{
	FieldDate: {"交易日期", "记账日期", "入账日期", "交易日期时间", "记账日", "交易日", "日期",
		"date", "transactiondate", "transdate", "postingdate"},
	FieldTime: {"交易时间", "记账时间", "入账时间", "交易时刻", "时间", "time", "transactiontime"},
	FieldName: {"对方户名", "对方账户名称", "对方账户名", "对方户名称", "对方名称", "对方单位名称", "对方单位",
		"对方姓名", "收/付方名称", "收付方名称", "付款人名称", "付款人户名", "付款人", "付款方户名",
		"付款方名称", "付款方", "汇款人名称", "汇款人", "counterparty", "counterpartyname", "payer", "payername"},
	FieldAccount: {"对方账号", "对方帐号", "对方账户", "对方帐户", "对方卡号", "对方账号/卡号", "对方帐号/卡号",
		"收/付方账号", "收付方账号", "付款人账号", "付款人帐号", "付款方账号", "汇款人账号",
		"counterpartyaccount", "payeraccount"},
	FieldCredit: {"收入金额", "贷方发生额", "贷方金额", "收入", "贷方", "存入金额", "转入金额", "收入发生额",
		"来账金额", "credit", "creditamount", "deposit", "deposits"},
	FieldDebit: {"支出金额", "借方发生额", "借方金额", "支出", "借方", "取出金额", "转出金额", "支出发生额",
		"往账金额", "debit", "debitamount", "withdrawal", "withdrawals"},
	FieldAmount:  {"交易金额", "发生额", "金额", "amount", "transactionamount"},
	FieldSummary: {"摘要", "交易摘要", "摘要说明", "交易类型", "summary", "description"},
	FieldPurpose: {"附言", "交易附言", "汇款附言", "用途", "交易用途", "附言/用途", "用途/附言", "备注",
		"备注/附言", "附加信息", "purpose", "memo", "remark", "remarks", "postscript"},
	FieldSerial: {"流水号", "交易流水号", "业务流水号", "银行流水号", "交易流水", "交易序号", "交易参考号",
		"凭证号", "凭证号码", "传票号", "serial", "serialno", "transactionid", "referenceno", "refno"},
	FieldDirection: {"借贷标志", "借贷方向", "借贷", "借/贷", "收支方向", "收支标志", "收支", "收/支",
		"交易方向", "资金方向", "方向", "dr/cr", "debit/credit"},
}

// synonymIndex maps a normalised header to its field and rank (lower wins).
var synonymIndex = func() map[string]synonym {
	idx := make(map[string]synonym)
	for f, names := range synonyms {
		for rank, n := range names {
			idx[normalizeHeader(n)] = synonym{f, rank}
		}
	}
	return idx
}()

type synonym struct {
	field Field
	rank  int
}

// fieldLabels name fields in error messages.
var fieldLabels = map[Field]string{
	FieldDate: "交易日期", FieldTime: "交易时间", FieldName: "对方户名", FieldAccount: "对方账号",
	FieldCredit: "收入金额", FieldDebit: "支出金额", FieldAmount: "交易金额", FieldSummary: "摘要",
	FieldPurpose: "附言", FieldSerial: "流水号", FieldDirection: "借贷标志",
}

// totalMarkers start the cells of total rows.
var totalMarkers = []string{"本页合计", "本日合计", "本月合计", "本期合计", "合计", "总计", "累计"}

const (
	headerScanRows = 30 // the header must be within the first rows
	headerMinCells = 3  // cells matching a field before a row counts as the header
)

// table is a sheet of cleaned cells, whatever the file format.
type table struct {
	rows  [][]string
	lines []int // 1-based line or row number of each row
	// alt returns the cell as Excel displays it, for amounts whose stored
	// value does not parse (float noise such as 1234.5600000000001). Nil
	// for CSV.
	alt func(row, col int) string
	// close releases the file behind alt; nil if none.
	close func()
	// epoch is where Excel serial dates count from.
	epoch time.Time
}

// Parse reads a CSV or XLSX statement (told apart by content: XLSX is a
// zip) and classifies its rows. m overrides the column synonyms; loc is the
// time zone of dates without one (nil means Beijing time). The whole input is
// read into memory, so callers should limit its size.
func Parse(r io.Reader, m Mapping, loc *time.Location) (*Statement, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read statement: %w", err)
	}
	for f := range m {
		if _, ok := synonyms[f]; !ok {
			return nil, boai.Errorf(boai.EINVALID, "列映射中有未知字段 / unknown field in column mapping: %q", f)
		}
	}
	if loc == nil {
		loc = china
	}
	if err := sniffUnsupported(b); err != nil {
		return nil, err
	}
	var (
		st  *Statement
		tab *table
		hdr header
	)
	if bytes.HasPrefix(b, []byte("PK\x03\x04")) {
		st = &Statement{Format: "xlsx"}
		tab, hdr, err = readXLSX(b, m)
	} else {
		st = &Statement{Format: "csv"}
		tab, hdr, st.Encoding, err = readCSV(b, m)
	}
	if err != nil {
		return nil, err
	}
	if tab.close != nil {
		defer tab.close()
	}
	st.HeaderRow = tab.lines[hdr.row]
	st.Headers = tab.rows[hdr.row]
	st.Mapping = make(Mapping, len(hdr.cols))
	for f, c := range hdr.cols {
		st.Mapping[f] = st.Headers[c]
	}
	st.Rows = classify(tab, hdr, loc)
	return st, nil
}

// sniffUnsupported recognises the other files banks call "Excel" and says
// what to do, rather than failing to find a header in binary noise.
func sniffUnsupported(b []byte) error {
	switch {
	case len(bytes.TrimSpace(b)) == 0:
		return boai.Errorf(boai.EINVALID, "文件为空 / empty file")
	case bytes.HasPrefix(b, []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")):
		return boai.Errorf(boai.EINVALID, "不支持旧版 .xls 或加密的 Excel 文件，请另存为 .xlsx 或 CSV / .xls and encrypted workbooks are not supported; save as .xlsx or CSV")
	case bytes.HasPrefix(b, []byte("PK\x03\x04")):
		return nil
	}
	head := bytes.ToLower(b[:min(len(b), 1024)])
	if bytes.Contains(head, []byte("<html")) || bytes.Contains(head, []byte("<table")) {
		return boai.Errorf(boai.EINVALID, "这是网页格式的导出文件，请在 Excel 中另存为 .xlsx 或 CSV / this is an HTML export; save it as .xlsx or CSV")
	}
	return nil
}

// header is the detected header row and which column holds each field.
type header struct {
	row  int // index into table.rows
	cols map[Field]int
}

// findHeader returns the index of the first of the first headerScanRows rows
// with at least headerMinCells cells naming a field, and its score; -1 if
// there is none.
func findHeader(rows [][]string, m Mapping) (int, int) {
	user := make(map[string]bool, len(m))
	for _, h := range m {
		if h != "" {
			user[normalizeHeader(h)] = true
		}
	}
	for i, row := range rows[:min(len(rows), headerScanRows)] {
		seen := make(map[Field]bool)
		n := 0
		for _, c := range row {
			h := normalizeHeader(c)
			if user[h] {
				n++
				continue
			}
			if s, ok := synonymIndex[h]; ok && !seen[s.field] {
				seen[s.field] = true
				n++
			}
		}
		if n >= headerMinCells {
			return i, n
		}
	}
	return -1, 0
}

var errNoHeader = boai.Errorf(boai.EINVALID, "找不到表头行 / no header row found; set the column mapping")

// mapColumns assigns columns of the header row to fields: the user's
// mapping first, then the best-ranked synonym for each remaining field.
func mapColumns(cells []string, m Mapping) (map[Field]int, error) {
	cols := make(map[Field]int)
	taken := make(map[int]bool)
	norm := make([]string, len(cells))
	for i, c := range cells {
		norm[i] = normalizeHeader(c)
	}
	for _, f := range fields {
		h := m[f]
		if h == "" {
			continue
		}
		want := normalizeHeader(h)
		found := false
		for i, n := range norm {
			if n == want && !taken[i] {
				cols[f], taken[i], found = i, true, true
				break
			}
		}
		if !found {
			return nil, boai.Errorf(boai.EINVALID, "表头中没有映射的列 %q（%s）/ mapped column %q for %s not in the header row", h, fieldLabels[f], h, f)
		}
	}
	best := make(map[Field]int) // field -> rank of the column chosen so far
	for i, n := range norm {
		s, ok := synonymIndex[n]
		if !ok || taken[i] || m[s.field] != "" {
			continue
		}
		if r, ok := best[s.field]; !ok || s.rank < r {
			best[s.field] = s.rank
			cols[s.field] = i
		}
	}
	// A single amount column only counts when there is no credit column,
	// unless the user chose it.
	if m[FieldAmount] != "" && m[FieldCredit] == "" {
		delete(cols, FieldCredit)
		delete(cols, FieldDebit)
	} else if _, ok := cols[FieldCredit]; ok {
		delete(cols, FieldAmount)
		delete(cols, FieldDirection)
	}
	// Some banks have only 交易时间, holding date and time.
	if _, ok := cols[FieldDate]; !ok {
		if c, ok := cols[FieldTime]; ok {
			cols[FieldDate] = c
			delete(cols, FieldTime)
		}
	}
	var missing []string
	for _, f := range []Field{FieldDate, FieldName} {
		if _, ok := cols[f]; !ok {
			missing = append(missing, fmt.Sprintf("%s (%s)", fieldLabels[f], f))
		}
	}
	_, credit := cols[FieldCredit]
	_, amount := cols[FieldAmount]
	if !credit && !amount {
		missing = append(missing, "收入金额或交易金额 (credit or amount)")
	}
	if len(missing) > 0 {
		list := strings.Join(missing, ", ")
		return nil, boai.Errorf(boai.EINVALID, "缺少必需的列：%s；请设置列映射 / missing required columns: %s; set the column mapping", list, list)
	}
	return cols, nil
}

// pickHeader finds the header in rows and maps its columns.
func pickHeader(rows [][]string, m Mapping) (header, error) {
	i, _ := findHeader(rows, m)
	if i < 0 {
		return header{}, errNoHeader
	}
	cols, err := mapColumns(rows[i], m)
	if err != nil {
		return header{}, err
	}
	return header{row: i, cols: cols}, nil
}

// classify turns every non-blank row after the header into a Row.
func classify(tab *table, hdr header, loc *time.Location) []Row {
	body := tab.rows[hdr.row+1:]
	out := make([]Row, 0, len(body))
	seenSerial := make(map[string]seen) // ref -> first row with it
	seenContent := make(map[string]int) // content hash -> rows so far
	headerCells := tab.rows[hdr.row]
	for j, cells := range body {
		i := hdr.row + 1 + j
		if blank(cells) {
			continue
		}
		get := func(f Field) string {
			if c, ok := hdr.cols[f]; ok && c < len(cells) {
				return cells[c]
			}
			return ""
		}
		row := Row{
			Line:         tab.lines[i],
			Counterparty: get(FieldName),
			Account:      get(FieldAccount),
			Summary:      get(FieldSummary),
			Purpose:      get(FieldPurpose),
			Serial:       get(FieldSerial),
		}
		t, dateErr := parseTime(get(FieldDate), get(FieldTime), loc, tab.epoch)
		if dateErr == nil {
			row.Time = t
		}
		switch {
		case get(FieldDate) == headerCells[hdr.cols[FieldDate]] && sameCells(cells, headerCells):
			row.Verdict, row.Reason = Invalid, "重复的表头行"
		case isTotal(cells, dateErr != nil):
			row.Verdict, row.Reason = Total, "合计行"
		default:
			var fen int64
			fen, row.Verdict, row.Reason = tab.amount(i, hdr, get)
			row.AmountFen = money.Fen(fen)
			if row.Verdict == Accept && dateErr != nil {
				row.Verdict, row.Reason = Invalid, "日期格式不正确: "+get(FieldDate)
				if get(FieldTime) != "" {
					row.Reason += " " + get(FieldTime)
				}
			}
		}
		if row.Verdict == Accept {
			dedupe(&row, seenSerial, seenContent)
		}
		out = append(out, row)
	}
	return out
}

type seen struct {
	line    int
	content string
}

// dedupe sets the row's Ref and marks a repeated serial as Duplicate.
func dedupe(row *Row, serials map[string]seen, contents map[string]int) {
	content := fingerprint(row)
	if s := normalizeSerial(row.Serial); s != "" {
		row.Ref = s // the serial as printed, so a clerk typing it in the form matches the import
		prev, ok := serials[row.Ref]
		switch {
		case !ok:
			serials[row.Ref] = seen{row.Line, content}
		case prev.content == content:
			row.Verdict, row.Reason = Duplicate, fmt.Sprintf("与第%d行流水号重复", prev.line)
		default:
			// Same serial, different money: not safe to import either way.
			row.Verdict, row.Reason = Invalid, fmt.Sprintf("流水号与第%d行相同但内容不同，请核对", prev.line)
			row.Ref = ""
		}
		return
	}
	contents[content]++
	if n := contents[content]; n > 1 {
		content += "\x1f#" + strconv.Itoa(n)
	}
	sum := sha256.Sum256([]byte(content))
	row.Ref = "stmt:" + hex.EncodeToString(sum[:])[:32]
}

// fingerprint is the normalised content of a row that identifies it across
// files: time, counterparty, account, amount, summary and purpose.
func fingerprint(r *Row) string {
	return strings.Join([]string{
		r.Time.UTC().Format(time.RFC3339),
		collapse(r.Counterparty),
		strings.Join(strings.Fields(r.Account), ""),
		strconv.FormatInt(int64(r.AmountFen), 10),
		collapse(r.Summary),
		collapse(r.Purpose),
	}, "\x1f")
}

// amount reads the money cells of row i and decides whether it is a gift.
func (t *table) amount(i int, hdr header, get func(Field) string) (int64, Verdict, string) {
	parse := func(f Field) (int64, bool, string) {
		c, ok := hdr.cols[f]
		if !ok {
			return 0, false, ""
		}
		s := get(f)
		if isEmptyAmount(s) {
			return 0, false, ""
		}
		v, err := money.Parse(s)
		if err != nil && t.alt != nil {
			if a := t.alt(i, c); a != s {
				if v2, err2 := money.Parse(a); err2 == nil {
					v, err = v2, nil
				}
			}
		}
		if err != nil {
			return 0, false, "金额格式不正确: " + s
		}
		return int64(v), true, ""
	}

	if _, ok := hdr.cols[FieldCredit]; ok {
		credit, hasCredit, bad := parse(FieldCredit)
		if bad != "" {
			return 0, Invalid, bad
		}
		debit, hasDebit, bad := parse(FieldDebit)
		if bad != "" {
			return 0, Invalid, bad
		}
		switch {
		case credit > 0 && debit != 0:
			return 0, Invalid, "收入和支出同时有金额"
		case credit > 0:
			return credit, Accept, ""
		case credit < 0:
			return credit, Debit, "收入为负数（冲正），不是捐赠"
		case debit != 0:
			return -abs(debit), Debit, "支出行，不是捐赠"
		case hasCredit || hasDebit:
			return 0, Invalid, "金额为零"
		}
		return 0, Invalid, "金额为空"
	}

	amt, has, bad := parse(FieldAmount)
	if bad != "" {
		return 0, Invalid, bad
	}
	if !has {
		return 0, Invalid, "金额为空"
	}
	if amt == 0 {
		return 0, Invalid, "金额为零"
	}
	switch dir := get(FieldDirection); direction(dir) {
	case dirDebit:
		return -abs(amt), Debit, "支出行，不是捐赠"
	case dirCredit:
		if amt < 0 {
			return amt, Debit, "收入为负数（冲正），不是捐赠"
		}
		return amt, Accept, ""
	case dirUnknown:
		return 0, Invalid, "无法识别借贷方向: " + dir
	}
	if amt < 0 {
		return amt, Debit, "支出行，不是捐赠"
	}
	return amt, Accept, ""
}

type dir int

const (
	dirNone dir = iota
	dirCredit
	dirDebit
	dirUnknown
)

// direction reads a 借贷标志 cell. Banks write it from the account holder's
// side: 贷 (credit) is money in.
func direction(s string) dir {
	switch strings.ToLower(collapse(s)) {
	case "":
		return dirNone
	case "贷", "贷方", "收", "收入", "入", "来账", "c", "cr", "credit", "+":
		return dirCredit
	case "借", "借方", "支", "支出", "出", "往账", "d", "dr", "debit", "-":
		return dirDebit
	}
	return dirUnknown
}

func abs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}

// isEmptyAmount reports whether an amount cell holds nothing: banks fill
// the unused one of credit and debit with "", "-" or "--".
func isEmptyAmount(s string) bool {
	return strings.Trim(s, "-—–/ ") == ""
}

// isTotal reports whether a row is a totals line. A cell must start with a
// marker such as 合计; unless it is exactly the marker, the row must also
// lack a valid date, so a gift whose purpose says "累计捐款" stays a gift.
func isTotal(cells []string, noDate bool) bool {
	for _, c := range cells {
		if !strings.Contains(c, "计") { // in every marker; skips the work for most cells
			continue
		}
		c = strings.Join(strings.Fields(fold(c)), "")
		for _, m := range totalMarkers {
			rest, ok := strings.CutPrefix(c, m)
			if !ok {
				continue
			}
			if noDate || strings.Trim(rest, ":：") == "" {
				return true
			}
		}
	}
	return false
}

func blank(cells []string) bool {
	for _, c := range cells {
		if c != "" {
			return false
		}
	}
	return true
}

// sameCells spots the header repeated on every page of some exports.
func sameCells(a, b []string) bool {
	n := max(len(a), len(b))
	for i := range n {
		var x, y string
		if i < len(a) {
			x = a[i]
		}
		if i < len(b) {
			y = b[i]
		}
		if x != y {
			return false
		}
	}
	return true
}

// normalizeSerial drops placeholder serials ("0000", "-") that would
// otherwise make unrelated rows duplicates of each other.
func normalizeSerial(s string) string {
	s = collapse(s)
	if strings.Trim(s, "0-— ") == "" {
		return ""
	}
	return s
}

// cleanCell trims a cell and strips the wrappings banks use to make Excel
// keep long numbers as text: a leading tab or apostrophe, or ="...".
func cleanCell(s string) string {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(s, "\ufeff")
	if len(s) >= 3 && strings.HasPrefix(s, `="`) && strings.HasSuffix(s, `"`) {
		s = strings.TrimSpace(s[2 : len(s)-1])
	}
	if strings.HasPrefix(s, "'") {
		s = strings.TrimSpace(s[1:])
	}
	return s
}

// normalizeHeader makes header texts comparable: full-width folded, spaces
// and a trailing colon or unit in brackets ("收入金额(元)") removed, lower case.
func normalizeHeader(s string) string {
	s = strings.ToLower(strings.Join(strings.Fields(fold(s)), ""))
	s = strings.TrimRight(s, ":*")
	if strings.HasSuffix(s, ")") {
		if i := strings.LastIndex(s, "("); i > 0 {
			s = s[:i]
		}
	}
	return s
}

// fold trims s and maps full-width forms to ASCII.
func fold(s string) string {
	s = strings.TrimSpace(s)
	for _, r := range s {
		// Only the ideographic space and the half- and full-width forms
		// block change; skipping the transformer otherwise saves most of
		// the cost of a large file.
		if r == 0x3000 || (r >= 0xFF00 && r <= 0xFFEF) {
			return strings.TrimSpace(width.Fold.String(s))
		}
	}
	return s
}

// collapse folds s and squeezes runs of spaces to one.
func collapse(s string) string {
	s = fold(s)
	if !strings.Contains(s, "  ") && !strings.ContainsAny(s, "\t\n\r") {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}

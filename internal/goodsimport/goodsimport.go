// Package goodsimport reads the registers warehouse and request desks keep
// in spreadsheets: in-kind donation registers (物资捐赠登记表) and
// allocation-request lists (调拨申请清单), as CSV or XLSX. It makes of them
// the same in-kind donations and allocation requests manual entry records,
// under the same rules, and gives every row a verdict the user sees before
// anything is recorded.
//
// Items are found in the catalogue by code, or by exact name and
// specification after trimming and folding full-width forms: "N95" never
// resolves to "KN95", and an item the catalogue lacks is an error, never a
// guess.
//
// Rows of one in-kind donation (same donor, date and designation), or of
// one request (same recipient, purpose, urgency and address), form a
// group. A group with an erroneous row is held back as a whole, so fixing
// the file and importing it again never records half a donation twice.
// Each group's reference is a hash of its content: importing the same
// file again adds nothing.
package goodsimport

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/width"

	"boai"
	"boai/internal/allocation"
	"boai/internal/bankstmt"
	"boai/internal/donation"
	"boai/internal/goods"
	"boai/internal/importer"
	"boai/internal/inkind"
	"boai/internal/money"
)

// Kind is the kind of register a file is.
type Kind string

const (
	InKind   Kind = "inkind"   // 物资捐赠登记表: goods received from donors
	Requests Kind = "requests" // 调拨申请清单: goods asked for by requesting units
)

// Kinds lists the kinds in the order the upload form offers them.
var Kinds = []Kind{InKind, Requests}

// Field is a logical column.
type Field string

const (
	FieldDonor       Field = "donor"        // 捐赠方
	FieldDonorKind   Field = "donor_kind"   // 捐赠方类型: 个人 / 单位
	FieldCode        Field = "code"         // 物资编码
	FieldItem        Field = "item"         // 物资名称
	FieldSpec        Field = "spec"         // 规格
	FieldQuantity    Field = "quantity"     // 数量
	FieldUnit        Field = "unit"         // 计量单位: the item's unit or pack unit
	FieldBatch       Field = "batch"        // 批号
	FieldProduced    Field = "produced"     // 生产日期
	FieldExpires     Field = "expires"      // 有效期
	FieldValue       Field = "value"        // 申报价值(元)
	FieldEvidence    Field = "evidence"     // 凭据类型: 发票 / 报关单 / 协议
	FieldEvidenceRef Field = "evidence_ref" // 凭据号
	FieldDesignation Field = "designation"  // 定向
	FieldDate        Field = "date"         // 接收日期
	FieldRecipient   Field = "recipient"    // 申请单位
	FieldPurpose     Field = "purpose"      // 用途
	FieldUrgency     Field = "urgency"      // 紧急程度
	FieldAddress     Field = "address"      // 送货地址
	FieldContact     Field = "contact"      // 联系人
	FieldPhone       Field = "phone"        // 联系电话
)

// Column describes a column of a register: its header in the template,
// the other headers it is known by, and what to write in it.
type Column struct {
	Field    Field
	Zh, En   string   // the template's header is "Zh (En)"
	Synonyms []string // further headers, compared after normalisation
	Required bool
	Hint     string // what to write, bilingual, for the template's notes sheet
	Example  string
}

// Columns are the columns of each kind, in the template's order.
var Columns = map[Kind][]Column{
	InKind: {
		{FieldDonor, "捐赠方", "Donor", []string{"捐赠人", "捐赠单位", "捐赠方名称", "捐赠人名称", "捐赠单位名称", "捐赠者", "donorname"}, true,
			"单位或个人全称；匿名写“匿名” / full name; write 匿名 for an anonymous donor", "杭州某某医疗器械有限公司"},
		{FieldDonorKind, "捐赠方类型", "Donor type", []string{"捐赠人类型", "捐赠方性质", "donorkind"}, false,
			"个人或单位；留空按名称判断 / 个人 (person) or 单位 (organisation); empty: told by the name", "单位"},
		{FieldCode, "物资编码", "Item code", []string{"编码", "物资代码", "code"}, false,
			"物资目录中的编码；填写后按编码识别物资 / the catalogue code; when given, it identifies the item", "MASK-N95"},
		{FieldItem, "物资名称", "Item", []string{"物资", "品名", "物品名称", "名称", "itemname", "goods"}, false,
			"与物资目录完全一致；无编码时必填 / exactly as in the catalogue; required without a code", "N95 医用防护口罩"},
		{FieldSpec, "规格", "Specification", []string{"规格型号", "型号", "规格/型号", "spec"}, false,
			"无编码时须与目录中的规格一致 / without a code, must match the catalogue's specification", "GB 19083-2010"},
		{FieldQuantity, "数量", "Quantity", []string{"捐赠数量", "申报数量", "qty"}, true,
			"按计量单位的整数，也可写包装数如“10箱” / whole units, or packs such as 10箱", "2000"},
		{FieldUnit, "计量单位", "Unit", []string{"单位"}, false,
			"目录中的计量单位或包装单位；留空为计量单位 / the catalogue's unit or pack unit; empty: the unit", "只"},
		{FieldBatch, "批号", "Batch", []string{"生产批号", "批次", "batchno", "lot"}, false, "", "N-2605"},
		{FieldProduced, "生产日期", "Production date", []string{"productiondate", "produced", "manufactured"}, false,
			"YYYY-MM-DD", "2026-03-01"},
		{FieldExpires, "有效期", "Expiry", []string{"有效期至", "失效日期", "到期日期", "expirydate", "expires", "bestbefore"}, false,
			"YYYY-MM-DD", "2029-02-28"},
		{FieldValue, "申报价值", "Declared value", []string{"价值", "申报金额", "货值", "declaredvalue", "value"}, false,
			"整行的价值（元）；须有凭据类型和凭据号 / the line's value in yuan; needs the evidence and its number", "20000.00"},
		{FieldEvidence, "凭据类型", "Evidence", []string{"凭据", "价值凭据", "evidencetype"}, false,
			"发票、报关单或协议 / 发票 (invoice), 报关单 (customs declaration) or 协议 (agreement)", "发票"},
		{FieldEvidenceRef, "凭据号", "Evidence no.", []string{"凭据编号", "发票号", "发票号码", "evidenceno", "evidencenumber", "invoiceno"}, false, "", "FP-0001"},
		{FieldDesignation, "定向", "Designation", []string{"定向要求", "捐赠意向", "定向捐赠"}, false,
			"留空或“非定向”；定向写“机构:名称”“地区:名称”“项目:名称”或用途 / empty or 非定向; else 机构:name, 地区:name, 项目:name or a purpose",
			"机构:浙江大学医学院附属第一医院"},
		{FieldDate, "接收日期", "Date received", []string{"日期", "到货日期", "捐赠日期", "收货日期", "date", "received", "receiveddate"}, false,
			"YYYY-MM-DD；留空为导入时 / empty: the time of the import", "2026-05-06"},
	},
	Requests: {
		{FieldRecipient, "申请单位", "Requesting unit", []string{"受助单位", "需求单位", "单位名称", "recipient", "applicant"}, true,
			"须为已登记的受助单位全称 / the full name of a registered recipient", "浙江大学医学院附属第一医院"},
		{FieldCode, "物资编码", "Item code", []string{"编码", "物资代码", "code"}, false,
			"物资目录中的编码；填写后按编码识别物资 / the catalogue code; when given, it identifies the item", "MASK-N95"},
		{FieldItem, "物资名称", "Item", []string{"物资", "品名", "物品名称", "名称", "itemname", "goods"}, false,
			"与物资目录完全一致；无编码时必填 / exactly as in the catalogue; required without a code", "N95 医用防护口罩"},
		{FieldSpec, "规格", "Specification", []string{"规格型号", "型号", "规格/型号", "spec"}, false,
			"无编码时须与目录中的规格一致 / without a code, must match the catalogue's specification", "GB 19083-2010"},
		{FieldQuantity, "数量", "Quantity", []string{"申请数量", "需求数量", "qty"}, true,
			"按计量单位的整数，也可写包装数如“10箱” / whole units, or packs such as 10箱", "1000"},
		{FieldUnit, "计量单位", "Unit", []string{"单位"}, false,
			"目录中的计量单位或包装单位；留空为计量单位 / the catalogue's unit or pack unit; empty: the unit", "只"},
		{FieldPurpose, "用途", "Purpose", []string{"申请用途", "使用用途"}, true, "", "发热门诊"},
		{FieldUrgency, "紧急程度", "Urgency", []string{"紧急", "缓急", "priority"}, false,
			"一般、紧急或特急；留空为一般 / 一般 (normal), 紧急 (urgent) or 特急 (critical); empty: normal", "紧急"},
		{FieldAddress, "送货地址", "Delivery address", []string{"收货地址", "地址", "配送地址", "address"}, false,
			"留空为受助单位登记的地址 / empty: the recipient's registered address", "杭州市上城区庆春路 79 号"},
		{FieldContact, "联系人", "Contact", []string{"收货人", "contactperson"}, false,
			"留空为受助单位登记的联系人 / empty: the recipient's registered contact", "王医生"},
		{FieldPhone, "联系电话", "Phone", []string{"电话", "手机", "联系方式", "telephone", "mobile"}, false, "", "13800000000"},
	},
}

// Verdict says what becomes of a row.
type Verdict string

const (
	OK       Verdict = "ok"       // recorded on commit
	Error    Verdict = "error"    // not recorded; Reason says why
	Skipped  Verdict = "skipped"  // a blank, totals or repeated header row
	Imported Verdict = "imported" // its group is already recorded (see MarkImported)
)

// Verdicts lists the verdicts in the order the preview counts them.
var Verdicts = []Verdict{OK, Imported, Error, Skipped}

// Row is one row of the file below the header.
type Row struct {
	Line     int      // the row's number as a spreadsheet shows it
	Values   []string // the cells of Sheet.Fields, as read
	Verdict  Verdict
	Reason   string      // for Error and Skipped rows, bilingual
	Note     string      // for OK rows, what was filled in or converted
	Group    int         // index into Sheet.Groups; -1 for skipped rows
	Item     *goods.Item // the catalogue item the row names, once found
	Quantity int64       // in the item's unit
}

// Group is the rows that become one in-kind donation or one request.
type Group struct {
	Ref      string // the import reference, a hash of the content
	Rows     []int  // indexes into Sheet.Rows, in file order
	Verdict  Verdict
	Reason   string
	Donation *inkind.Donation         // an InKind group ready to record
	Request  *allocation.AllocRequest // a Requests group ready to record
	Party    string                   // the donor or requesting unit, for the preview
}

// Sheet is a parsed register.
type Sheet struct {
	Kind      Kind
	HeaderRow int      // 1-based
	Fields    []Field  // the columns read, in file order
	Headers   []string // their header text
	Ignored   []string // header text of columns not read
	Rows      []Row
	Groups    []Group
}

// Catalogue finds items. Lookups are exact: the arguments are as written
// in the file, and implementations compare them after Normalize.
type Catalogue interface {
	ItemByCode(code string) (goods.Item, bool)
	ItemByName(name, spec string) (goods.Item, bool)
}

// Recipients finds a registered requesting unit by its full name.
type Recipients interface {
	RecipientByName(name string) (allocation.Recipient, bool)
}

// ParseInKind reads an in-kind donation register. loc is the zone of its
// dates (nil means Beijing time). The donations have no branch yet: see
// SetBranch.
func ParseInKind(b []byte, cat Catalogue, loc *time.Location) (*Sheet, error) {
	return parse(b, InKind, cat, nil, loc)
}

// ParseRequests reads an allocation-request list.
func ParseRequests(b []byte, cat Catalogue, recips Recipients) (*Sheet, error) {
	return parse(b, Requests, cat, recips, nil)
}

// Parse reads a register of the given kind.
func Parse(kind Kind, b []byte, cat Catalogue, recips Recipients, loc *time.Location) (*Sheet, error) {
	if _, ok := Columns[kind]; !ok {
		return nil, boai.Errorf(boai.EINVALID, "请选择文件类型 / choose the kind of file")
	}
	return parse(b, kind, cat, recips, loc)
}

// SetBranch makes the receiving branch of every in-kind donation id.
func (s *Sheet) SetBranch(id int64) {
	for i := range s.Groups {
		if d := s.Groups[i].Donation; d != nil {
			d.BranchID = id
		}
	}
}

// Counts returns the number of rows of each verdict.
func (s *Sheet) Counts() map[Verdict]int {
	out := make(map[Verdict]int, len(Verdicts))
	for _, r := range s.Rows {
		out[r.Verdict]++
	}
	return out
}

// Ready returns the groups to record.
func (s *Sheet) Ready() []*Group {
	var out []*Group
	for i := range s.Groups {
		if s.Groups[i].Verdict == OK {
			out = append(out, &s.Groups[i])
		}
	}
	return out
}

// Refs returns the references of the groups to record.
func (s *Sheet) Refs() []string {
	var out []string
	for _, g := range s.Ready() {
		out = append(out, g.Ref)
	}
	return out
}

// MarkImported marks the groups whose reference is already recorded, and
// their rows, as imported: committing skips them.
func (s *Sheet) MarkImported(have map[string]bool) {
	for i := range s.Groups {
		g := &s.Groups[i]
		if g.Verdict != OK || !have[g.Ref] {
			continue
		}
		g.Verdict, g.Reason = Imported, "已导入过（内容相同）/ already imported (same content)"
		g.Donation, g.Request = nil, nil
		for _, r := range g.Rows {
			s.Rows[r].Verdict, s.Rows[r].Reason, s.Rows[r].Note = Imported, g.Reason, ""
		}
	}
}

const headerScanRows = 30

var china = time.FixedZone("CST", 8*60*60)

func parse(b []byte, kind Kind, cat Catalogue, recips Recipients, loc *time.Location) (*Sheet, error) {
	if loc == nil {
		loc = china
	}
	rows, err := bankstmt.ReadRows(b)
	if err != nil {
		return nil, err
	}
	h, err := findHeader(rows, kind)
	if err != nil {
		return nil, err
	}
	sh := &Sheet{Kind: kind, HeaderRow: h.row + 1}
	for c, cell := range rows[h.row] {
		if f, ok := h.cols[c]; ok {
			sh.Fields = append(sh.Fields, f)
			sh.Headers = append(sh.Headers, cell)
		} else if cell != "" {
			sh.Ignored = append(sh.Ignored, cell)
		}
	}
	colOf := make(map[Field]int, len(h.cols))
	for c, f := range h.cols {
		colOf[f] = c
	}
	last := len(rows) - 1
	for last > h.row && blank(rows[last]) {
		last--
	}
	p := &parser{sh: sh, cat: cat, recips: recips, loc: loc, header: rows[h.row]}
	for i := h.row + 1; i <= last; i++ {
		cells := rows[i]
		get := func(f Field) string {
			if c, ok := colOf[f]; ok && c < len(cells) {
				return strings.Join(strings.Fields(cells[c]), " ")
			}
			return ""
		}
		r := Row{Line: i + 1, Group: -1}
		for _, f := range sh.Fields {
			r.Values = append(r.Values, get(f))
		}
		switch {
		case blank(cells):
			r.Verdict, r.Reason = Skipped, "空行 / blank row"
		case sameCells(cells, p.header):
			r.Verdict, r.Reason = Skipped, "重复的表头行 / repeated header row"
		case isTotal(cells, get(FieldDonor), get(FieldRecipient), get(FieldItem), get(FieldCode)):
			r.Verdict, r.Reason = Skipped, "合计行 / totals row"
		}
		sh.Rows = append(sh.Rows, r)
		if r.Verdict == Skipped {
			p.pending = append(p.pending, nil)
			continue
		}
		if kind == InKind {
			p.pending = append(p.pending, p.inKindRow(&sh.Rows[len(sh.Rows)-1], get))
		} else {
			p.pending = append(p.pending, p.requestRow(&sh.Rows[len(sh.Rows)-1], get))
		}
	}
	p.group()
	return sh, nil
}

// parser holds what reading one file needs.
type parser struct {
	sh      *Sheet
	cat     Catalogue
	recips  Recipients
	loc     *time.Location
	header  []string
	pending []*pending // per row; nil for skipped rows
}

// pending is a row read, waiting to be grouped.
type pending struct {
	key      string // rows with the same key form one group
	head     string // the group's content apart from its lines, for the reference
	line     string // the line's content, for the reference
	party    string
	errs     []string
	donor    donation.Donor
	des      donation.Designation
	received time.Time
	inLine   inkind.Line
	req      allocation.AllocRequest
	itemCode string
	contact  string
}

func (p *pending) fail(format string, args ...any) {
	p.errs = append(p.errs, fmt.Sprintf(format, args...))
}

// validPlaceholderBranch stands for the receiving branch, chosen for the
// whole file at upload, while a row is checked.
const validPlaceholderBranch = 1

func (p *parser) inKindRow(r *Row, get func(Field) string) *pending {
	pd := &pending{party: get(FieldDonor)}
	// The donor.
	name := get(FieldDonor)
	switch strings.ToLower(name) {
	case "匿名", "匿名捐赠", "匿名人士", donation.AnonymousName, "anonymous":
		pd.donor = donation.Donor{Kind: donation.Person, Anonymous: true}
	default:
		pd.donor = donation.Donor{Kind: importer.DonorKindOf(name), Name: name}
	}
	if k := get(FieldDonorKind); k != "" {
		switch dk := donorKind(k); {
		case dk != "":
			pd.donor.Kind = dk
		default:
			pd.fail("捐赠方类型“%s”应为个人或单位 / donor type %q: 个人 (person) or 单位 (organisation)", k, k)
		}
	}
	// What it is for and when it came.
	pd.des = designation(get(FieldDesignation))
	dateKey := get(FieldDate)
	if s := get(FieldDate); !empty(s) {
		t, err := bankstmt.ParseTime(s, "", p.loc)
		if err != nil {
			pd.fail("接收日期“%s”无法识别 / date received %q is not a date", s, s)
		} else {
			pd.received = t
			dateKey = t.Format(time.RFC3339)
		}
	}
	pd.key = strings.Join([]string{Normalize(name), dateKey, string(pd.des.Kind), Normalize(pd.des.Target)}, "\x1f")

	// The line.
	l := inkind.Line{Spec: get(FieldSpec), Batch: get(FieldBatch), Valuation: inkind.Pending}
	it := p.item(pd, get)
	if it != nil {
		r.Item, l.ItemID, l.MedicalGrade, pd.itemCode = it, it.ID, it.MedicalGrade, it.Code
	}
	l.Declared = p.quantity(pd, r, it, get(FieldQuantity), get(FieldUnit))
	r.Quantity = l.Declared
	l.ProducedOn = p.day(pd, "生产日期", "production date", get(FieldProduced))
	l.ExpiresOn = p.day(pd, "有效期", "expiry", get(FieldExpires))
	value, ev, ref := get(FieldValue), get(FieldEvidence), get(FieldEvidenceRef)
	if !empty(value) || !empty(ev) || !empty(ref) {
		l.Valuation, l.EvidenceRef = inkind.Evidence, ref
		if !empty(value) {
			fen, err := parseFen(value)
			if err != nil || fen <= 0 {
				pd.fail("申报价值“%s”应为大于零的金额 / declared value %q must be a positive amount", value, value)
			}
			l.DeclaredFen = fen
		}
		if !empty(ev) {
			if l.EvidenceKind = evidenceKind(ev); l.EvidenceKind == "" {
				pd.fail("凭据类型“%s”应为发票、报关单或协议 / evidence %q: 发票 (invoice), 报关单 (customs) or 协议 (agreement)", ev, ev)
			}
		}
	}
	if len(pd.errs) == 0 {
		// The same rules as manual entry, with the file's row number.
		if err := l.Validate(r.Line); err != nil {
			pd.fail("%s", boai.ErrorMessage(err))
		} else {
			d := inkind.Donation{Donor: pd.donor, Designation: pd.des, BranchID: validPlaceholderBranch, Lines: []inkind.Line{l}}
			if err := d.Validate(); err != nil {
				pd.fail("%s", boai.ErrorMessage(err))
			}
			pd.donor, pd.des, l = d.Donor, d.Designation, d.Lines[0]
		}
	}
	pd.inLine = l
	received := ""
	if !pd.received.IsZero() {
		received = pd.received.Format(time.RFC3339)
	}
	pd.head = strings.Join([]string{string(pd.donor.Kind), Normalize(pd.donor.Name), strconv.FormatBool(pd.donor.Anonymous),
		received, string(pd.des.Kind), Normalize(pd.des.Target)}, "\x1f")
	pd.line = strings.Join([]string{pd.itemCode, Normalize(l.Spec), strconv.FormatInt(l.Declared, 10), Normalize(l.Batch),
		l.ProducedOn, l.ExpiresOn, string(l.Valuation), strconv.FormatInt(int64(l.DeclaredFen), 10), l.EvidenceKind,
		Normalize(l.EvidenceRef)}, "\x1f")
	return pd
}

func (p *parser) requestRow(r *Row, get func(Field) string) *pending {
	pd := &pending{party: get(FieldRecipient)}
	q := allocation.AllocRequest{Purpose: get(FieldPurpose), Address: get(FieldAddress)}
	var rc allocation.Recipient
	name := get(FieldRecipient)
	switch {
	case name == "":
		pd.fail("请填写申请单位 / the requesting unit is required")
	case p.recips == nil:
		pd.fail("申请单位“%s”未登记 / %q is not a registered recipient", name, name)
	default:
		var ok bool
		if rc, ok = p.recips.RecipientByName(name); ok {
			q.RecipientID, pd.party = rc.ID, rc.Name
		} else {
			pd.fail("申请单位“%s”未登记，请先登记受助单位（名称须完全一致）/ %q is not a registered recipient; register it first (the name must match exactly)", name, name)
		}
	}
	var notes []string
	if q.Address == "" && rc.Address != "" {
		q.Address = rc.Address
		notes = append(notes, "送货地址取自受助单位登记信息 / delivery address from the recipient's registration")
	}
	contact, phone := get(FieldContact), get(FieldPhone)
	if contact == "" && phone == "" && (rc.Contact != "" || rc.Phone != "") {
		contact, phone = rc.Contact, rc.Phone
		notes = append(notes, "联系人取自受助单位登记信息 / contact from the recipient's registration")
	}
	q.Contact = strings.TrimSpace(contact + " " + phone)
	if u := get(FieldUrgency); !empty(u) {
		if q.Urgency = urgency(u); q.Urgency == "" {
			pd.fail("紧急程度“%s”应为一般、紧急或特急 / urgency %q: 一般 (normal), 紧急 (urgent) or 特急 (critical)", u, u)
			q.Urgency = Normalize(u)
		}
	} else {
		q.Urgency = "normal"
	}
	recipientKey := Normalize(name)
	if q.RecipientID > 0 {
		recipientKey = strconv.FormatInt(q.RecipientID, 10)
	}
	pd.key = strings.Join([]string{recipientKey, Normalize(q.Purpose), q.Urgency, Normalize(q.Address)}, "\x1f")

	it := p.item(pd, get)
	var line allocation.RequestLine
	if it != nil {
		r.Item, line.ItemID, pd.itemCode = it, it.ID, it.Code
	}
	line.Quantity = p.quantity(pd, r, it, get(FieldQuantity), get(FieldUnit))
	r.Quantity = line.Quantity
	q.Lines = []allocation.RequestLine{line}
	if len(pd.errs) == 0 {
		if err := q.Validate(); err != nil {
			pd.fail("%s", boai.ErrorMessage(err))
		}
	}
	if r.Note != "" {
		notes = append(notes, r.Note)
	}
	r.Note = strings.Join(notes, "；")
	pd.req, pd.contact = q, Normalize(q.Contact)
	pd.head = strings.Join([]string{recipientKey, Normalize(q.Purpose), q.Urgency, Normalize(q.Address), Normalize(q.Contact)}, "\x1f")
	pd.line = strings.Join([]string{pd.itemCode, strconv.FormatInt(line.Quantity, 10)}, "\x1f")
	return pd
}

// item finds the row's item in the catalogue: by code when there is one
// (and then a name, if written, must be that item's), else by name and
// specification.
func (p *parser) item(pd *pending, get func(Field) string) *goods.Item {
	code, name, spec := get(FieldCode), get(FieldItem), get(FieldSpec)
	var it goods.Item
	var ok bool
	switch {
	case p.cat == nil:
		pd.fail("物资目录为空 / the catalogue is empty")
		return nil
	case code != "":
		if it, ok = p.cat.ItemByCode(code); !ok {
			pd.fail("物资编码“%s”不在物资目录中 / item code %q is not in the catalogue", code, code)
			return nil
		}
		if name != "" && !namesItem(name, &it) {
			pd.fail("物资编码 %s 是“%s”，与物资名称“%s”不符，请核对 / item code %s is %q, not %q; check the row",
				it.Code, it.Label(), name, it.Code, it.Label(), name)
			return nil
		}
	case name != "":
		if it, ok = p.cat.ItemByName(name, spec); !ok {
			msg := fmt.Sprintf("物资目录中没有“%s”（规格“%s”），请核对名称和规格或填写物资编码 / no catalogue item %q with specification %q; check them or give the item code",
				name, spec, name, spec)
			if sp, ok := p.cat.(interface{ SpecsOf(string) []string }); ok {
				if specs := sp.SpecsOf(name); len(specs) > 0 {
					msg += fmt.Sprintf("；目录中该名称的规格为：%s / the catalogue lists it with: %s",
						strings.Join(quoteAll(specs), "、"), strings.Join(quoteAll(specs), ", "))
				}
			}
			pd.fail("%s", msg)
			return nil
		}
	default:
		pd.fail("请填写物资名称或物资编码 / the item name or code is required")
		return nil
	}
	if !it.Active {
		pd.fail("物资“%s”已停用 / item %q is no longer in use", it.Label(), it.Label())
		return nil
	}
	return &it
}

// namesItem reports whether name is the item's name, English name or label.
func namesItem(name string, it *goods.Item) bool {
	n := Normalize(name)
	return n == Normalize(it.Name) || (it.NameEn != "" && n == Normalize(it.NameEn)) || n == Normalize(it.Label())
}

// quantity reads a quantity in the item's unit: "2000", "2,000", "2000只",
// or packs, "100箱", which become units at the item's pack size. The unit
// may also stand in a column of its own.
func (p *parser) quantity(pd *pending, r *Row, it *goods.Item, s, unitCell string) int64 {
	if empty(s) {
		pd.fail("请填写数量 / the quantity is required")
		return 0
	}
	t := strings.NewReplacer(",", "", " ", "", "，", "").Replace(fold(s))
	i := 0
	for i < len(t) && (t[i] >= '0' && t[i] <= '9' || t[i] == '.') {
		i++
	}
	num, unit := t[:i], t[i:]
	if u := strings.Join(strings.Fields(fold(unitCell)), ""); u != "" {
		if unit != "" && unit != u {
			pd.fail("数量“%s”与计量单位“%s”不一致 / quantity %q and unit %q disagree", s, unitCell, s, unitCell)
			return 0
		}
		unit = u
	}
	whole, frac, _ := strings.Cut(num, ".")
	n, err := strconv.ParseInt(whole, 10, 64)
	switch {
	case err != nil || strings.Trim(frac, "0") != "" || strings.Contains(frac, "."):
		pd.fail("数量“%s”应为正整数 / quantity %q must be a whole number", s, s)
		return 0
	case n <= 0:
		pd.fail("数量必须大于零 / quantity must be positive")
		return 0
	case n > 1e12:
		pd.fail("数量“%s”过大 / quantity %q is too large", s, s)
		return 0
	case unit == "" || it == nil: // without the item, its error says enough
		return n
	case Normalize(unit) == Normalize(it.Unit):
		return n
	case it.PackSize >= 2 && Normalize(unit) == Normalize(it.PackUnit):
		r.Note = fmt.Sprintf("%d %s = %d %s", n, it.PackUnit, n*it.PackSize, it.Unit)
		return n * it.PackSize
	}
	units := it.Unit
	if it.PackUnit != "" {
		units += "或" + it.PackUnit
	}
	pd.fail("数量单位“%s”与物资目录不符（应为%s）/ unit %q does not match the catalogue's (%s)", unit, units, unit, units)
	return 0
}

// day reads a date cell as YYYY-MM-DD; "" when empty.
func (p *parser) day(pd *pending, zh, en, s string) string {
	if empty(s) {
		return ""
	}
	t, err := bankstmt.ParseTime(s, "", p.loc)
	if err != nil {
		pd.fail("%s“%s”无法识别，应为 YYYY-MM-DD / %s %q is not a date (YYYY-MM-DD)", zh, s, en, s)
		return ""
	}
	return t.Format("2006-01-02")
}

// group gathers the rows into groups, holds back every group with an
// erroneous row, and builds the donations and requests of the rest.
func (p *parser) group() {
	sh := p.sh
	byKey := map[string]int{}
	for i, pd := range p.pending {
		if pd == nil {
			continue
		}
		g, ok := byKey[pd.key]
		if !ok {
			g = len(sh.Groups)
			byKey[pd.key] = g
			sh.Groups = append(sh.Groups, Group{Party: pd.party})
		}
		sh.Groups[g].Rows = append(sh.Groups[g].Rows, i)
		sh.Rows[i].Group = g
	}
	what := map[Kind]string{InKind: "捐赠", Requests: "申请"}[sh.Kind]
	whatEn := map[Kind]string{InKind: "donation", Requests: "request"}[sh.Kind]
	for gi := range sh.Groups {
		g := &sh.Groups[gi]
		first := p.pending[g.Rows[0]]
		seen := map[int64]int{} // item -> line of the row asking for it (requests)
		for _, ri := range g.Rows {
			pd, r := p.pending[ri], &sh.Rows[ri]
			if len(pd.errs) == 0 && ri != g.Rows[0] {
				p.sameGroup(pd, first, r, sh.Rows[g.Rows[0]].Line)
			}
			if len(pd.errs) == 0 && sh.Kind == Requests {
				if prev, dup := seen[pd.req.Lines[0].ItemID]; dup {
					pd.fail("同一申请中该物资已在第 %d 行，请合并为一行 / this request asks for the item on row %d already; one row per item", prev, prev)
				} else {
					seen[pd.req.Lines[0].ItemID] = r.Line
				}
			}
			if len(pd.errs) > 0 {
				r.Verdict, r.Reason, r.Note = Error, strings.Join(pd.errs, "；"), ""
			} else {
				r.Verdict = OK
			}
		}
		var bad []string
		for _, ri := range g.Rows {
			if sh.Rows[ri].Verdict == Error {
				bad = append(bad, strconv.Itoa(sh.Rows[ri].Line))
			}
		}
		if len(bad) > 0 {
			g.Verdict = Error
			g.Reason = fmt.Sprintf("同一%s的第 %s 行有错误，整单暂不导入 / row %s of the same %s has errors; the whole %s is held back",
				what, strings.Join(bad, "、"), strings.Join(bad, ", "), whatEn, whatEn)
			for _, ri := range g.Rows {
				if r := &sh.Rows[ri]; r.Verdict == OK {
					r.Verdict, r.Reason, r.Note = Error, g.Reason, ""
				}
			}
			continue
		}
		p.build(g)
	}
}

// sameGroup checks that a row agrees with the first row of its group on
// what the key leaves out.
func (p *parser) sameGroup(pd, first *pending, r *Row, firstLine int) {
	switch {
	case len(first.errs) > 0:
	case p.sh.Kind == InKind && pd.donor.Kind != first.donor.Kind:
		pd.fail("捐赠方类型与第 %d 行不同 / donor type differs from row %d", firstLine, firstLine)
	case p.sh.Kind == Requests && pd.contact != first.contact:
		pd.fail("联系人或电话与同一申请的第 %d 行不同 / contact differs from row %d of the same request", firstLine, firstLine)
	}
}

// build makes the group's donation or request and its reference.
func (p *parser) build(g *Group) {
	first := p.pending[g.Rows[0]]
	lines := make([]string, 0, len(g.Rows))
	for _, ri := range g.Rows {
		lines = append(lines, p.pending[ri].line)
	}
	g.Ref = fingerprint(p.sh.Kind, first.head, lines)
	var err error
	switch p.sh.Kind {
	case InKind:
		d := &inkind.Donation{Donor: first.donor, Designation: first.des, ReceivedAt: first.received}
		for _, ri := range g.Rows {
			d.Lines = append(d.Lines, p.pending[ri].inLine)
		}
		probe := *d
		probe.BranchID = validPlaceholderBranch
		probe.Lines = slices.Clone(d.Lines)
		err = probe.Validate()
		g.Donation = d
	case Requests:
		q := first.req
		q.Lines = nil
		for _, ri := range g.Rows {
			q.Lines = append(q.Lines, p.pending[ri].req.Lines[0])
		}
		err = q.Validate()
		g.Request = &q
	}
	if err != nil { // the rows passed one by one; kept as a safeguard
		g.Verdict, g.Reason, g.Donation, g.Request = Error, boai.ErrorMessage(err), nil, nil
		for _, ri := range g.Rows {
			p.sh.Rows[ri].Verdict, p.sh.Rows[ri].Reason, p.sh.Rows[ri].Note = Error, g.Reason, ""
		}
		return
	}
	g.Verdict = OK
}

// fingerprint is the group's reference: a hash of its kind, its head and
// its lines in any order.
func fingerprint(kind Kind, head string, lines []string) string {
	lines = slices.Clone(lines)
	slices.Sort(lines)
	h := sha256.New()
	fmt.Fprintf(h, "%s\x1e%s\x1e%s", kind, head, strings.Join(lines, "\x1e"))
	prefix := "inkind:"
	if kind == Requests {
		prefix = "request:"
	}
	return prefix + hex.EncodeToString(h.Sum(nil))[:32]
}

// header is the detected header row and the field of each column.
type header struct {
	row  int
	cols map[int]Field
}

// synonymIndex maps each kind's normalised headers to their fields.
var synonymIndex = func() map[Kind]map[string]Field {
	out := map[Kind]map[string]Field{}
	for k, cols := range Columns {
		idx := map[string]Field{}
		for _, c := range cols {
			for _, s := range append([]string{c.Zh, c.En, string(c.Field)}, c.Synonyms...) {
				idx[normalizeHeader(s)] = c.Field
			}
		}
		out[k] = idx
	}
	return out
}()

// mapHeader assigns the cells of a row to fields; the first column naming
// a field takes it.
func mapHeader(cells []string, kind Kind) map[int]Field {
	cols := map[int]Field{}
	taken := map[Field]bool{}
	for c, cell := range cells {
		if f, ok := synonymIndex[kind][normalizeHeader(cell)]; ok && !taken[f] {
			cols[c], taken[f] = f, true
		}
	}
	return cols
}

func missing(cols map[int]Field, kind Kind) []string {
	has := map[Field]bool{}
	for _, f := range cols {
		has[f] = true
	}
	var out []string
	for _, c := range Columns[kind] {
		if c.Required && !has[c.Field] {
			out = append(out, c.Zh+" ("+c.En+")")
		}
	}
	if !has[FieldItem] && !has[FieldCode] {
		out = append(out, "物资名称或物资编码 (item or item code)")
	}
	return out
}

// findHeader returns the first of the first rows that names at least three
// of the kind's columns, with every required one.
func findHeader(rows [][]string, kind Kind) (header, error) {
	var partial []string
	for i, row := range rows[:min(len(rows), headerScanRows)] {
		cols := mapHeader(row, kind)
		if len(cols) < 3 {
			continue
		}
		m := missing(cols, kind)
		if len(m) == 0 {
			return header{row: i, cols: cols}, nil
		}
		if partial == nil {
			partial = m
		}
	}
	for _, other := range Kinds {
		if other == kind {
			continue
		}
		for _, row := range rows[:min(len(rows), headerScanRows)] {
			if cols := mapHeader(row, other); len(cols) >= 3 && len(missing(cols, other)) == 0 && len(mapHeader(row, kind)) < len(cols) {
				if other == Requests {
					return header{}, boai.Errorf(boai.EINVALID, "这是调拨申请清单，请选择“调拨申请清单”再上传 / this is an allocation-request list; choose that kind and upload again")
				}
				return header{}, boai.Errorf(boai.EINVALID, "这是物资捐赠登记表，请选择“物资捐赠登记表”再上传 / this is an in-kind donation register; choose that kind and upload again")
			}
		}
	}
	if partial != nil {
		list := strings.Join(partial, "、")
		return header{}, boai.Errorf(boai.EINVALID, "缺少必需的列：%s / missing required columns: %s", list, list)
	}
	return header{}, boai.Errorf(boai.EINVALID, "在前 %d 行中找不到表头行，请使用导入模板 / no header row in the first %d rows; use the import template", headerScanRows, headerScanRows)
}

// totalMarkers are what totals rows say.
var totalMarkers = []string{"合计", "总计", "小计", "本页合计", "累计", "total", "subtotal", "grandtotal", "sum"}

// isTotal reports whether a row is a totals line: a cell that is just a
// marker, or a party or item cell starting with a Chinese one.
func isTotal(cells []string, lead ...string) bool {
	for _, c := range cells {
		n := strings.Trim(strings.ToLower(strings.Join(strings.Fields(fold(c)), "")), ":：")
		if slices.Contains(totalMarkers, n) {
			return true
		}
	}
	for _, c := range lead {
		for _, m := range totalMarkers[:5] {
			if strings.HasPrefix(c, m) {
				return true
			}
		}
	}
	return false
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

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

// empty reports whether a cell says nothing: blank or a placeholder dash.
func empty(s string) bool {
	switch strings.ToLower(strings.TrimSpace(fold(s))) {
	case "", "-", "--", "—", "/", "无", "n/a", "na", "none":
		return true
	}
	return false
}

func donorKind(s string) donation.DonorKind {
	switch strings.ToLower(Normalize(s)) {
	case "个人", "自然人", "person", "individual":
		return donation.Person
	case "单位", "企业", "机构", "组织", "公司", "团体", "法人", "organisation", "organization", "company":
		return donation.Organization
	}
	return ""
}

func designation(s string) donation.Designation {
	switch Normalize(s) {
	case "", "无", "否", "不定向", "-", "/":
		return donation.Designation{Kind: donation.Undesignated}
	}
	return donation.ParseDesignation(collapse(s))
}

func evidenceKind(s string) string {
	switch strings.ToLower(strings.Join(strings.Fields(fold(s)), "")) {
	case "发票", "增值税发票", "普通发票", "专用发票", "增值税专用发票", "增值税普通发票", "invoice":
		return "invoice"
	case "报关单", "进口报关单", "海关报关单", "customs", "customsdeclaration":
		return "customs"
	case "协议", "捐赠协议", "agreement", "donationagreement":
		return "agreement"
	}
	return ""
}

func urgency(s string) string {
	switch strings.ToLower(strings.Join(strings.Fields(fold(s)), "")) {
	case "一般", "普通", "正常", "常规", "normal":
		return "normal"
	case "紧急", "急", "急需", "urgent":
		return "urgent"
	case "特急", "特别紧急", "非常紧急", "危急", "critical":
		return "critical"
	}
	return ""
}

// parseFen reads a money amount; a number Excel stored with float noise
// (1234.5600000000001) is rounded to the fen when it is that close.
func parseFen(s string) (money.Fen, error) {
	f, err := money.Parse(fold(s))
	if err == nil {
		return f, nil
	}
	v, ferr := strconv.ParseFloat(fold(s), 64)
	if ferr != nil || math.IsInf(v, 0) || math.IsNaN(v) || math.Abs(v) > 1e13 {
		return 0, err
	}
	fen := math.Round(v * 100)
	if math.Abs(fen-v*100) > 1e-3 {
		return 0, err
	}
	return money.Fen(fen), nil
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		if s == "" {
			s = "（无）"
		}
		out[i] = "“" + s + "”"
	}
	return out
}

// Normalize is how names, specifications and codes are compared: full-width
// forms folded to ASCII, spaces trimmed and runs of them squeezed to one,
// letters in lower case. Nothing else: "N95" and "KN95" stay apart.
func Normalize(s string) string {
	return strings.ToLower(collapse(s))
}

// normalizeHeader makes header texts comparable: folded, without spaces,
// in lower case, without a trailing colon or asterisk or units in
// brackets, "申报价值（元）(Declared value)" reading as "申报价值".
func normalizeHeader(s string) string {
	s = strings.ToLower(strings.Join(strings.Fields(fold(s)), ""))
	for {
		t := strings.TrimRight(s, ":*.")
		if strings.HasSuffix(t, ")") {
			if i := strings.LastIndex(t, "("); i > 0 {
				t = t[:i]
			}
		}
		if t == s {
			return s
		}
		s = t
	}
}

// fold trims s and maps full-width forms to ASCII.
func fold(s string) string {
	s = strings.TrimSpace(s)
	for _, r := range s {
		if r == 0x3000 || (r >= 0xFF00 && r <= 0xFFEF) {
			return strings.TrimSpace(width.Fold.String(s))
		}
	}
	return s
}

// collapse folds s and squeezes runs of spaces to one.
func collapse(s string) string {
	return strings.Join(strings.Fields(fold(s)), " ")
}

// Items is a Catalogue held in memory: the whole catalogue, which is small.
type Items struct {
	items  []goods.Item
	byCode map[string]int
	byName map[string]int // Normalize(name) + "\x1f" + Normalize(spec); -1 when two items share it
	specs  map[string][]string
}

// NewCatalogue indexes items by code, and by name (Chinese or English) with
// specification. An item's label ("N95 医用防护口罩（GB 19083-2010）")
// also finds it, with or without the specification repeated.
func NewCatalogue(items []goods.Item) *Items {
	c := &Items{items: items, byCode: map[string]int{}, byName: map[string]int{}, specs: map[string][]string{}}
	add := func(name, spec string, i int) {
		if name == "" {
			return
		}
		k := Normalize(name) + "\x1f" + Normalize(spec)
		if j, ok := c.byName[k]; ok && j != i {
			c.byName[k] = -1
			return
		}
		c.byName[k] = i
	}
	for i, it := range items {
		c.byCode[Normalize(it.Code)] = i
		add(it.Name, it.Spec, i)
		add(it.NameEn, it.Spec, i)
		if it.Spec != "" {
			add(it.Label(), "", i)
			add(it.Label(), it.Spec, i)
		}
		c.specs[Normalize(it.Name)] = append(c.specs[Normalize(it.Name)], it.Spec)
		if it.NameEn != "" && Normalize(it.NameEn) != Normalize(it.Name) {
			c.specs[Normalize(it.NameEn)] = append(c.specs[Normalize(it.NameEn)], it.Spec)
		}
	}
	return c
}

// ItemByCode finds the item with code.
func (c *Items) ItemByCode(code string) (goods.Item, bool) {
	if i, ok := c.byCode[Normalize(code)]; ok {
		return c.items[i], true
	}
	return goods.Item{}, false
}

// ItemByName finds the one item with name and spec.
func (c *Items) ItemByName(name, spec string) (goods.Item, bool) {
	if i, ok := c.byName[Normalize(name)+"\x1f"+Normalize(spec)]; ok && i >= 0 {
		return c.items[i], true
	}
	return goods.Item{}, false
}

// SpecsOf lists the specifications the catalogue has for a name, so an
// error can say which one was meant.
func (c *Items) SpecsOf(name string) []string {
	return c.specs[Normalize(name)]
}

// RecipientList is Recipients held in memory.
type RecipientList map[string]allocation.Recipient

// NewRecipients indexes recipients by their full name.
func NewRecipients(rs []allocation.Recipient) RecipientList {
	out := make(RecipientList, len(rs))
	for _, r := range rs {
		out[Normalize(r.Name)] = r
	}
	return out
}

// RecipientByName finds a recipient by its full name.
func (l RecipientList) RecipientByName(name string) (allocation.Recipient, bool) {
	r, ok := l[Normalize(name)]
	return r, ok
}

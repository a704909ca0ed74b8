package ledger

import (
	"strings"

	"boai/internal/donation"
)

// Account is a stable account code. Plain accounts are a base code
// ("1002"); a restricted fund carries its designation ("3102:purpose:新冠肺炎疫情防控");
// an expense account carries the fund it is charged to when that fund is
// restricted ("5101:purpose:新冠肺炎疫情防控"), so the book itself says which
// fund paid for what. The base codes follow the Chinese non-profit chart
// (民间非营利组织会计制度) where it has one.
type Account string

// Asset accounts: where the money (or the goods) sit.
const (
	Cash           Account = "1001" // 库存现金
	Bank           Account = "1002" // 银行存款
	ClearingWeChat Account = "1012" // 微信支付待清算
	ClearingAlipay Account = "1013" // 支付宝待清算
	ClearingOther  Account = "1019" // 其他在线渠道待清算 (online QR codes, other channels)
	GoodsAtValue   Account = "1201" // 受赠物资（按公允价值）
)

// Fund accounts (net assets): whose money it is.
const (
	GeneralFund    Account = "3101" // 非限定性基金
	restrictedBase         = "3102" // 限定性基金, one per designation: "3102:<kind>:<target>"
	// GoodsFund holds donated goods at their value, apart from the money
	// funds, so goods never count as money that can be spent. (Where
	// designated goods may go is the stock's rule: designated lots only
	// leave for their designation.)
	GoodsFund Account = "3201" // 受赠物资基金
)

// Goods accounts: goods leaving the warehouse at the value they came in
// with, charged to the goods fund.
const (
	GoodsDistributed Account = "5104" // 物资拨付
	GoodsWrittenOff  Account = "5202" // 物资报损
)

// Class is what an account is for.
type Class string

const (
	ClassAsset   Class = "asset"   // where money and goods sit; debit balance
	ClassFund    Class = "fund"    // whose money it is; credit balance
	ClassExpense Class = "expense" // what it was spent on; debit balance, reduces its fund
)

// Category is what an expenditure buys.
type Category string

const (
	Procurement Category = "procurement" // 采购
	Grant       Category = "grant"       // 拨付受助机构
	Transfer    Category = "transfer"    // 转拨其他红十字会及分支机构
	Operating   Category = "operating"   // 运营及管理费用
)

// Goods leave at value under their own categories, never through an
// expenditure (which pays money).
const (
	GoodsOut  Category = "goods_distributed" // 物资拨付
	GoodsLoss Category = "goods_written_off" // 物资报损
)

// Categories lists the expense categories of expenditures in display order.
var Categories = []Category{Procurement, Grant, Transfer, Operating}

var categoryCode = map[Category]string{Procurement: "5101", Grant: "5102", Transfer: "5103", Operating: "5201"}

type accountInfo struct {
	class  Class
	zh, en string
	cat    Category
	fund   Account // the fund an expense account is charged to, when fixed
}

var chart = map[string]accountInfo{
	"1001": {ClassAsset, "库存现金", "Cash", "", ""},
	"1002": {ClassAsset, "银行存款", "Bank", "", ""},
	"1012": {ClassAsset, "微信支付待清算", "WeChat Pay clearing", "", ""},
	"1013": {ClassAsset, "支付宝待清算", "Alipay clearing", "", ""},
	"1019": {ClassAsset, "其他渠道待清算", "Other online clearing", "", ""},
	"1201": {ClassAsset, "受赠物资", "Donated goods at value", "", ""},
	"3101": {ClassFund, "非限定性基金", "General fund", "", ""},
	"3102": {ClassFund, "限定性基金", "Restricted fund", "", ""},
	"3201": {ClassFund, "受赠物资基金", "Donated goods fund", "", ""},
	"5101": {ClassExpense, "采购支出", "Procurement", Procurement, ""},
	"5102": {ClassExpense, "拨付受助机构", "Grants to institutions", Grant, ""},
	"5103": {ClassExpense, "转拨红十字会", "Transfers to Red Cross societies", Transfer, ""},
	"5201": {ClassExpense, "运营费用", "Operating costs", Operating, ""},
	"5104": {ClassExpense, "物资拨付", "Goods distributed", GoodsOut, GoodsFund},
	"5202": {ClassExpense, "物资报损", "Goods written off", GoodsLoss, GoodsFund},
}

// FundOf is the fund a gift with this designation belongs to: the general
// fund when undesignated, otherwise the restricted fund of the designation.
func FundOf(d donation.Designation) Account {
	if !d.Designated() {
		return GeneralFund
	}
	return Account(restrictedBase + ":" + designationKey(d))
}

func designationKey(d donation.Designation) string {
	return string(d.Kind) + ":" + strings.TrimSpace(d.Target)
}

// ExpenseAccount is the account an expense of category c, paid from fund,
// is charged to. It returns "" for an unknown category or a non-fund.
func ExpenseAccount(c Category, fund Account) Account {
	base, ok := categoryCode[c]
	if !ok || fund.Class() != ClassFund {
		return ""
	}
	if fund == GeneralFund {
		return Account(base)
	}
	_, key, _ := strings.Cut(string(fund), ":")
	return Account(base + ":" + key)
}

// ChannelAccount is the asset account a channel's money arrives in: the
// bank, the till, or the payment provider's clearing account until it
// settles to the bank.
func ChannelAccount(c donation.Channel) Account {
	switch c {
	case donation.Bank:
		return Bank
	case donation.Cash:
		return Cash
	case donation.WeChat:
		return ClearingWeChat
	case donation.Alipay:
		return ClearingAlipay
	case donation.Online, donation.Other:
		return ClearingOther
	}
	return ""
}

// parse splits a into its base and its designation key, and reports
// whether it is a well-formed account of the chart.
func (a Account) parse() (accountInfo, string, bool) {
	base, key, hasKey := strings.Cut(string(a), ":")
	info, ok := chart[base]
	switch {
	case !ok:
		return info, "", false
	case base == restrictedBase || hasKey && info.class == ClassExpense:
		if !validKey(key) {
			return info, "", false
		}
	case hasKey:
		return info, "", false
	}
	return info, key, true
}

// validKey accepts "<kind>:<target>" for a designated kind and a target
// that is already trimmed, so one designation has exactly one spelling.
func validKey(key string) bool {
	kind, target, ok := strings.Cut(key, ":")
	switch donation.DesignationKind(kind) {
	case donation.Purpose, donation.Project, donation.Region, donation.Institution:
		return ok && target != "" && target == strings.TrimSpace(target)
	}
	return false
}

// Valid reports whether a is an account of the chart.
func (a Account) Valid() bool { _, _, ok := a.parse(); return ok }

// Class is the account's class, "" when a is not an account.
func (a Account) Class() Class {
	info, _, ok := a.parse()
	if !ok {
		return ""
	}
	return info.class
}

// Money reports whether a holds money (cash, bank, clearing): the accounts
// that count for the utilisation rate (资金使用率), unlike goods at value.
func (a Account) Money() bool { return a.Class() == ClassAsset && a != GoodsAtValue }

// Fund is the fund a fund or expense account belongs to, "" for assets.
func (a Account) Fund() Account {
	info, key, ok := a.parse()
	switch {
	case !ok || info.class == ClassAsset:
		return ""
	case info.class == ClassFund:
		return a
	case info.fund != "":
		return info.fund
	case key == "":
		return GeneralFund
	}
	return Account(restrictedBase + ":" + key)
}

// Goods reports whether a is the goods fund or charged to it: goods at
// value, not money.
func (a Account) Goods() bool { return a.Fund() == GoodsFund }

// Restricted reports whether a is a restricted fund, or an expense charged
// to one.
func (a Account) Restricted() bool {
	f := a.Fund()
	return f != "" && f != GeneralFund && f != GoodsFund
}

// Designation is the designation of a fund or expense account's fund:
// undesignated for the general fund.
func (a Account) Designation() donation.Designation {
	_, key, ok := a.Fund().parse()
	kind, target, _ := strings.Cut(key, ":")
	if !ok || key == "" {
		return donation.Designation{Kind: donation.Undesignated}
	}
	return donation.Designation{Kind: donation.DesignationKind(kind), Target: target}
}

// Category is the expense category of an expense account, "" otherwise.
func (a Account) Category() Category {
	info, _, _ := a.parse()
	return info.cat
}

// Label names the account in Chinese, with its fund when restricted:
// "限定性基金（定向·用途·新冠肺炎疫情防控）".
func (a Account) Label() string { return a.label(false) }

// LabelEn names the account in English.
func (a Account) LabelEn() string { return a.label(true) }

func (a Account) label(en bool) string {
	info, key, ok := a.parse()
	if !ok {
		return string(a)
	}
	name := info.zh
	if en {
		name = info.en
	}
	if key == "" {
		return name
	}
	if en {
		return name + " (" + a.Designation().FundLabelEn() + ")"
	}
	return name + "（" + a.Designation().FundLabel() + "）"
}

package i18n

// The funds pages' words (issue #4).
func init() {
	for k, v := range fundsZh {
		zh[k] = v
	}
	for k, v := range fundsEn {
		en[k] = v
	}
}

var fundsZh = map[string]string{
	"nav.funds": "资金", "nav.await_goods": "%d 个调拨方案待您审批", "nav.await_funds": "%d 笔支出待您审批", "nav.receipts_short": "捐赠票据",
	"funds.title": "基金与资金使用", "funds.total": "合计", "funds.fund": "基金", "funds.received": "接收", "funds.spent": "支出",
	"funds.moved": "转出", "funds.balance": "余额", "funds.rate": "资金使用率", "funds.rate_detail": "支出 %s ÷ 接收 %s",
	"funds.restricted": "限定性", "funds.hint": "资金使用率 = 支出 ÷ 接收。定向（限定性）基金只能用于捐赠人指定的用途，余额永不为负。",
	"funds.release": "解除限定（须捐赠人同意）", "funds.from_fund": "限定性基金", "funds.consent": "捐赠人同意书编号", "funds.reason": "原因",
	"funds.approver": "审批人", "funds.release_hint": "经捐赠人书面同意并由另一位审批人批准，才能将定向款转入非限定性基金；转出后仍可追溯到原捐赠人。",
	"funds.release_submit": "解除限定", "funds.close": "期末结账", "funds.closed_through": "已结账至 %s。", "funds.none_closed": "尚未结账。",
	"funds.period": "结账月份", "funds.close_hint": "结账后，该月及以前的日期不能再记账；更正在当期以冲销凭证记录。", "funds.close_submit": "结账",
	"alerts.title": "预警", "alert.restricted_misuse": "定向资金挪用企图", "alert.expenditure_over_threshold": "大额支出",

	"expenditures.title": "支出", "expenditures.new": "申请支出", "expenditures.detail": "支出", "expenditures.kind": "类别",
	"expenditures.payee": "收款单位", "expenditures.purpose": "用途", "expenditures.purpose_kind": "用途类型", "expenditures.purpose_target": "用途对象",
	"expenditures.purpose_hint": "定向基金只能用于其定向对象：用途须与基金一致，否则系统拒绝并向监督人员预警。",
	"expenditures.draws":        "支付基金", "expenditures.threshold": "超过 %s 的支出须两位审批人批准，并向监督人员预警。",
	"expenditures.note": "说明", "expenditures.submit": "提交申请", "expenditures.requested_by": "申请人", "expenditures.approvers": "审批人",
	"expenditures.approvals_needed": "（需 %d 人审批）", "expenditures.paid_at": "付款时间", "expenditures.approve": "审批",
	"expenditures.pay": "付款", "expenditures.pay_hint": "付款时按先进先出从基金的捐赠中扣款，每一笔捐赠都能查到这笔支出。",
	"expenditures.pay_submit": "确认付款", "expenditures.choose": "指定使用哪些捐赠（可选）", "expenditures.choose_label": "每行一条：证书编号 金额（元）",
	"expenditures.choose_hint": "不填则按先进先出使用基金中最早的捐赠。指定的金额合计须等于该基金支付的金额，且不超过每笔捐赠尚未使用的部分。", "expenditures.behind": "这笔支出用的是哪些捐赠",
	"spend.status.pending": "待审批", "spend.status.approved": "已批准待付款", "spend.status.paid": "已付款", "spend.status.rejected": "已驳回",
	"category.procurement": "采购", "category.grant": "拨付受助机构", "category.transfer": "转拨红十字会", "category.operating": "运营费用",

	"reports.title": "收支报表", "reports.statement": "收入支出表", "reports.by_designation": "按定向汇总捐款", "reports.income": "收入",
	"reports.expense": "支出", "reports.account": "科目", "reports.side": "收/支",
	"trail.title": "我的捐款去了哪里", "trail.fund": "所属基金", "trail.unused": "尚未使用", "trail.went_to": "用于",
	"trail.purpose": "用途", "trail.released": "经捐赠人同意转入非限定性基金", "trail.none": "这笔捐款尚未使用。",

	"flash.expenditure_recorded": "支出申请已提交。", "flash.expenditure_approved": "审批已记录。", "flash.expenditure_rejected": "已驳回。",
	"flash.expenditure_paid": "已付款，捐赠款项已关联。", "flash.released": "限定已解除。", "flash.period_closed": "已结账。",
	"action.expenditure.create": "申请支出", "action.expenditure.approve": "审批支出", "action.expenditure.reject": "驳回支出",
	"action.expenditure.pay": "支出付款", "action.ledger.release": "解除限定", "action.ledger.close": "期末结账",
	"entity.expenditure": "支出", "entity.ledger_txn": "记账凭证", "entity.ledger_period": "会计期间",
}

var fundsEn = map[string]string{
	"nav.funds": "Funds", "nav.await_goods": "%d allocations await your decision", "nav.await_funds": "%d expenditures await your approval", "nav.receipts_short": "Receipts",
	"funds.title": "Funds and their use", "funds.total": "Total", "funds.fund": "Fund", "funds.received": "Received", "funds.spent": "Spent",
	"funds.moved": "Moved out", "funds.balance": "Balance", "funds.rate": "Utilisation rate", "funds.rate_detail": "spent %s ÷ received %s",
	"funds.restricted": "restricted", "funds.hint": "Utilisation rate = spent ÷ received. A designated (restricted) fund is spent only on what the donors named, and never goes below zero.",
	"funds.release": "Release a restriction (donors' consent)", "funds.from_fund": "Restricted fund", "funds.consent": "Consent reference", "funds.reason": "Reason",
	"funds.approver": "Approver", "funds.release_hint": "Only with the donors' written consent and another person's approval does designated money move to the general fund; it stays traceable to its donors.",
	"funds.release_submit": "Release", "funds.close": "Close a month", "funds.closed_through": "Closed through %s.", "funds.none_closed": "No month is closed yet.",
	"funds.period": "Month", "funds.close_hint": "Once closed, nothing can be dated into that month or earlier; corrections are reversals in the open month.", "funds.close_submit": "Close",
	"alerts.title": "Alerts", "alert.restricted_misuse": "attempted misuse of designated money", "alert.expenditure_over_threshold": "large expenditure",

	"expenditures.title": "Expenditure", "expenditures.new": "Request an expenditure", "expenditures.detail": "Expenditure", "expenditures.kind": "Category",
	"expenditures.payee": "Payee", "expenditures.purpose": "Purpose", "expenditures.purpose_kind": "Purpose kind", "expenditures.purpose_target": "Purpose",
	"expenditures.purpose_hint": "A designated fund pays only for its designation: the purpose must match it, or boai refuses and alerts supervisors.",
	"expenditures.draws":        "Paid from", "expenditures.threshold": "Above %s an expenditure needs two approvers and alerts supervisors.",
	"expenditures.note": "Note", "expenditures.submit": "Submit", "expenditures.requested_by": "Requested by", "expenditures.approvers": "Approved by",
	"expenditures.approvals_needed": "(%d approvals needed)", "expenditures.paid_at": "Paid", "expenditures.approve": "Approve",
	"expenditures.pay": "Pay", "expenditures.pay_hint": "Payment takes the fund's donations first in, first out; each donation then shows this expenditure.",
	"expenditures.pay_submit": "Pay", "expenditures.choose": "Name the donations used (optional)", "expenditures.choose_label": "One per line: certificate number and amount (yuan)",
	"expenditures.choose_hint": "Left empty, the fund's oldest donations are used first. Named amounts must add up to what the fund pays and stay within each donation's unused money.", "expenditures.behind": "Whose donations paid for this",
	"spend.status.pending": "awaiting approval", "spend.status.approved": "approved, to be paid", "spend.status.paid": "paid", "spend.status.rejected": "rejected",
	"category.procurement": "Procurement", "category.grant": "Grant to an institution", "category.transfer": "Transfer to a Red Cross society", "category.operating": "Operating costs",

	"reports.title": "Reports", "reports.statement": "Income and expenditure", "reports.by_designation": "Donations by designation", "reports.income": "Income",
	"reports.expense": "Expenditure", "reports.account": "Account", "reports.side": "Side",
	"trail.title": "Where did my money go", "trail.fund": "Fund", "trail.unused": "not yet used", "trail.went_to": "Went to",
	"trail.purpose": "Purpose", "trail.released": "moved to the general fund with the donors' consent", "trail.none": "This money has not been used yet.",

	"flash.expenditure_recorded": "Expenditure requested.", "flash.expenditure_approved": "Approval recorded.", "flash.expenditure_rejected": "Rejected.",
	"flash.expenditure_paid": "Paid; the donations behind it are linked.", "flash.released": "Restriction released.", "flash.period_closed": "Month closed.",
	"action.expenditure.create": "request expenditure", "action.expenditure.approve": "approve expenditure", "action.expenditure.reject": "reject expenditure",
	"action.expenditure.pay": "pay expenditure", "action.ledger.release": "release restriction", "action.ledger.close": "close month",
	"entity.expenditure": "Expenditure", "entity.ledger_txn": "Ledger transaction", "entity.ledger_period": "Accounting period",
}

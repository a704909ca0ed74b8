package i18n

// Supervision's words (issue #5): alerts, the audit trail's filters and
// export, the audit package.
func init() {
	for k, v := range supervisionZh {
		zh[k] = v
	}
	for k, v := range supervisionEn {
		en[k] = v
	}
}

var supervisionZh = map[string]string{
	"nav.supervision": "监督预警", "supervision.title": "监督与预警",
	"supervision.intro":    "纪检监察与审计人员在此查看系统发现的问题：每个事项只预警一次，由管理员填写处理说明后确认；监督人员只读。",
	"supervision.open_all": "未处理预警", "supervision.kind": "类型", "supervision.all_kinds": "全部类型", "supervision.all_states": "全部状态",
	"supervision.open": "未处理", "supervision.acked": "已确认", "supervision.message": "内容", "supervision.subject": "对象",
	"supervision.severity": "级别", "supervision.summary": "共 %d 条", "supervision.note": "处理说明", "supervision.note_hint": "处理说明（必填）",
	"supervision.ack": "确认", "supervision.acked_at": "确认时间", "supervision.acked_by": "确认人", "supervision.all_alerts": "全部预警 →",
	"supervision.rules": "预警规则", "supervision.rule_approval": "调拨方案审批超过 10 分钟（待审批或已审批）",
	"supervision.rule_goods":   "物资入库后超过 %d 小时仍未出库（日进日清）",
	"supervision.rule_receipt": "捐赠人申请票据后超过 %d 天仍未开具",
	"supervision.rule_spend":   "单笔支出超过 %s；试图将定向资金用于其他用途；公示逾期；数据库与公开日志不一致",
	"supervision.package":      "审计资料包", "supervision.package_download": "下载 ZIP",
	"supervision.package_hint": "所选期间的全部记录，每类一个 Excel 文件：捐款、捐赠物资及明细、调拨申请与方案、出库与签收、支出与基金支取、账簿分录、票据与作废、预警、审计日志；附 README.txt 说明。",
	"supervision.expenditure":  "支出编号", "supervision.reason": "原因", "supervision.decided_at": "审批时间", "supervision.paid_at": "付款时间",
	"supervision.txn": "凭证", "supervision.txn_kind": "凭证类型", "supervision.debit": "借方", "supervision.credit": "贷方",
	"supervision.ref": "关联单据", "supervision.donation_id": "捐赠编号", "supervision.reverses": "冲销凭证", "supervision.created_by": "记账人",
	"alert.approval_late": "审批超时", "alert.goods_waiting": "物资滞留", "alert.receipt_unanswered": "票据申请未处理",
	"alert.disclosure_late": "公示逾期", "alert.log_mismatch": "数据与日志不一致",
	"severity.info": "提示", "severity.warning": "警告", "severity.critical": "严重",
	"flash.alert_acked": "预警已确认。",
	"audit.all_actions": "全部操作", "audit.entity": "记录类型", "audit.via": "途径", "audit.action_code": "操作代码",
	"action.alert.ack": "确认预警", "action.webhook_delivery.retry": "重试推送", "entity.alert": "预警", "entity.webhook_delivery": "推送",
	"webhooks.topic": "用途", "webhooks.topic_approvals": "审批通知", "webhooks.topic_alerts": "监督预警",
}

var supervisionEn = map[string]string{
	"nav.supervision": "Alerts", "supervision.title": "Supervision and alerts",
	"supervision.intro":    "What boai has found for discipline inspection and audit: each matter is alerted once, and an administrator acknowledges it with a note; supervisors read only.",
	"supervision.open_all": "Open alerts", "supervision.kind": "Kind", "supervision.all_kinds": "All kinds", "supervision.all_states": "Open and acknowledged",
	"supervision.open": "Open", "supervision.acked": "Acknowledged", "supervision.message": "What happened", "supervision.subject": "Subject",
	"supervision.severity": "Severity", "supervision.summary": "%d alerts", "supervision.note": "Note", "supervision.note_hint": "What was done (required)",
	"supervision.ack": "Acknowledge", "supervision.acked_at": "Acknowledged at", "supervision.acked_by": "Acknowledged by", "supervision.all_alerts": "All alerts →",
	"supervision.rules": "Alert rules", "supervision.rule_approval": "An allocation's approval takes longer than 10 minutes (pending or decided)",
	"supervision.rule_goods":   "Goods received and not dispatched within %d hours (日进日清)",
	"supervision.rule_receipt": "A donor's receipt request unanswered after %d days",
	"supervision.rule_spend":   "An expenditure above %s; an attempt to spend designated money on something else; a late disclosure; the database and the public log disagreeing",
	"supervision.package":      "Audit package", "supervision.package_download": "Download ZIP",
	"supervision.package_hint": "Every record of the period, one Excel file each: donations, in-kind donations and lines, requests and allocations, dispatches and sign-offs, expenditures and their draws, the book's transfers, receipts and voids, alerts, the audit trail; with a README.txt.",
	"supervision.expenditure":  "Expenditure", "supervision.reason": "Reason", "supervision.decided_at": "Decided", "supervision.paid_at": "Paid",
	"supervision.txn": "Transaction", "supervision.txn_kind": "Kind", "supervision.debit": "Debit", "supervision.credit": "Credit",
	"supervision.ref": "Reference", "supervision.donation_id": "Donation", "supervision.reverses": "Reverses", "supervision.created_by": "Posted by",
	"alert.approval_late": "approval late", "alert.goods_waiting": "goods waiting", "alert.receipt_unanswered": "receipt request unanswered",
	"alert.disclosure_late": "disclosure late", "alert.log_mismatch": "database and log disagree",
	"severity.info": "info", "severity.warning": "warning", "severity.critical": "critical",
	"flash.alert_acked": "Alert acknowledged.",
	"audit.all_actions": "All actions", "audit.entity": "Record type", "audit.via": "Via", "audit.action_code": "Action code",
	"action.alert.ack": "Acknowledge alert", "action.webhook_delivery.retry": "Retry delivery", "entity.alert": "Alert", "entity.webhook_delivery": "Delivery",
	"webhooks.topic": "Told of", "webhooks.topic_approvals": "approvals", "webhooks.topic_alerts": "supervision alerts",
}

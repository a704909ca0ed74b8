package i18n

// The goods workflow's words, kept apart from messages.go so the pages of
// one domain read together.
func init() {
	for k, v := range goodsZh {
		zh[k] = v
	}
	for k, v := range goodsEn {
		en[k] = v
	}
}

var goodsZh = map[string]string{
	"goodslist.short": "两张清单", "goodslist.pdf": "打印 PDF", "form.more_lines": "再加 3 行",

	"intake.title": "物资接收", "intake.new": "登记物资捐赠", "intake.detail": "物资捐赠", "intake.all": "全部",
	"intake.status.receiving": "签收中", "intake.status.settled": "已入库", "intake.signoffs": "%d 项签收",
	"intake.lines": "行数", "intake.units": "数量", "intake.goods": "捐赠物资", "intake.line": "第 %d 行",
	"intake.pick_hint":        "在物资框中输入编码、名称或规格，从候选中选择；相似物资（如 N95 与 KN95）是不同条目。",
	"intake.designation_hint": "定向物资单独成批，只能发往定向对象，不并入通用库存。",
	"intake.declared":         "捐赠方申报数量", "intake.spec": "规格说明", "intake.batch": "批号", "intake.produced": "生产日期", "intake.expires": "有效期至",
	"intake.valuation": "估值方式", "intake.declared_yuan": "申报价值（元）", "intake.evidence_kind": "凭据类型", "intake.evidence_ref": "凭据编号",
	"intake.appraiser": "评估机构", "intake.report_no": "评估报告编号", "intake.appraised_yuan": "评估价值（元）", "intake.appraised_on": "评估日期",
	"intake.valuation_hint": "按凭据估值须有发票、报关单或协议；无凭据时可委托第三方评估；无法评估的物资只登记，永不开具捐赠票据。",
	"intake.submit":         "登记并开始签收", "intake.recorded_by": "登记人", "intake.accepted": "接收入库", "intake.quarantined": "隔离待检", "intake.rejected": "拒收",
	"intake.receiptable": "可开票", "intake.registered_only": "仅登记，不开票",
	"intake.signoffs_title": "多人签收", "intake.role": "签收环节", "intake.person": "签收人", "intake.counted": "清点数量", "intake.verdict": "结论", "intake.reason": "原因",
	"intake.missing": "尚待签收：", "intake.sign": "签收一行", "intake.line_no": "行", "intake.sign_hint": "清点环节填写实际清点数量；隔离或拒收须写明原因。",
	"intake.sign_submit": "记录签收", "intake.settle": "完成签收并入库", "intake.settle_hint": "所有环节签收后，接收的物资按批号、效期、定向和捐赠方分批入库；隔离和拒收的不入库。",
	"intake.settle_submit": "确认入库",
	"valuation.pending":    "待估值", "valuation.evidence": "按凭据估值", "valuation.appraisal": "第三方评估", "valuation.unappraisable": "无法评估（仅登记）",
	"evidence.invoice": "发票", "evidence.customs": "报关单", "evidence.agreement": "捐赠协议",
	"signrole.unloading": "卸货", "signrole.sorting": "分拣", "signrole.medical_check": "医用级查验", "signrole.counting": "清点",
	"verdict.accepted": "接收", "verdict.quarantined": "隔离待检", "verdict.rejected": "拒收",

	"prearrival.title": "预到物资", "prearrival.hint": "捐赠方承诺、尚未到货的物资。到货时填写实到数量，即转为物资接收；未到部分继续预到。",
	"prearrival.expected_on": "预计到货", "prearrival.expected": "预计数量", "prearrival.arrived": "已到", "prearrival.remaining": "待到",
	"prearrival.arriving_now": "本次到货", "prearrival.arrive": "登记到货", "prearrival.none": "没有待到的预到物资。",
	"prearrival.new": "登记预到物资", "prearrival.note": "备注", "prearrival.submit": "登记预到",

	"requests.title": "调拨申请", "requests.new": "提交调拨申请", "requests.detail": "调拨申请", "requests.recipient": "申请单位",
	"requests.purpose": "用途", "requests.urgency": "紧急程度", "requests.lines": "申请物资", "requests.submitted": "提交时间",
	"requests.status.open": "待满足", "requests.status.fulfilled": "已满足", "requests.address": "送货地址", "requests.contact": "联系人",
	"requests.quantity": "申请数量", "requests.fulfilled": "已发", "requests.open": "未满足", "requests.files": "附件",
	"requests.files_hint": "盖章申请函、需求清单等，最多 5 个，每个不超过 5 MB。", "requests.submit": "提交申请",
	"recipients.new": "登记新的申请单位", "recipients.name": "单位全称", "recipients.class": "单位类别", "recipients.submit": "登记单位",
	"class.treatment_hospital": "定点救治医院", "class.hospital": "其他医院", "class.district_hq": "区县防控指挥部", "class.community_checkpoint": "社区卡口", "class.other": "其他",
	"urgency.normal": "一般", "urgency.urgent": "紧急", "urgency.critical": "特急",

	"proposal.title": "分配方案", "proposal.hint": "系统按规则建议：定向物资先给定向单位；再按单位类别优先；同类按申请量比例分配，不超过申请量。专班可修改数量（填 0 去掉该行）后提交审批。",
	"proposal.from": "来源", "proposal.qty": "分配数量", "proposal.why": "依据", "proposal.designated": "定向", "proposal.after_arrival": "预到物资到货后再调拨。",
	"proposal.unmet": "仍有 %d 未能满足：", "proposal.submit": "提交审批", "proposal.none": "没有待分配的申请，或暂无可供物资。",

	"allocations.submitted": "提交审批", "allocations.decided": "审批完成", "allocations.minutes": "用时（分钟）",
	"allocations.title": "调拨审批", "allocations.detail": "调拨方案", "allocations.elapsed": "用时", "allocations.target": "目标 10 分钟内审批",
	"allocations.lines": "调拨明细", "allocations.decide": "审批", "allocations.comment": "审批意见（退回或驳回须填写）",
	"allocations.decide_hint": "可直接修改分配数量后同意；数量不会超过申请未满足的部分。", "allocations.history": "审批记录",
	"alloc.live": "待审批和待出库", "alloc.status.pending": "审批中", "alloc.status.approved": "已批准待出库", "alloc.status.dispatched": "已出库",
	"alloc.status.returned": "已退回", "alloc.status.rejected": "已驳回",
	"step.taskforce": "捐赠专班", "step.leadership": "会领导",
	"decision.approve": "同意", "decision.return": "退回修改", "decision.reject": "驳回",
	"paperwork.title": "线上审批、线下补办", "paperwork.owed": "待补办", "paperwork.owed_n": "欠 %d 份纸质文件", "paperwork.recorded": "已补办",
	"paperwork.ref": "文号或说明", "paperwork.record": "登记补办",
	"paperwork.request_letter": "盖章申请函", "paperwork.approval_form": "纸质审批单", "paperwork.receipt_form": "签收回执",

	"dispatches.title": "出库运送", "dispatches.detail": "出库单",
	"dispatch.new": "出库运送", "dispatch.route": "线路", "dispatch.vehicle": "车辆", "dispatch.driver": "司机",
	"dispatch.hint": "点对点直送定向单位；接驳经分发中心须填线路和车辆；入库暂存用于暂无去向的物资。", "dispatch.submit": "出库",
	"dispatch.links": "签收链接", "dispatch.links_hint": "打印出库单随货同行，接收单位扫码签收；也可把链接发给接收单位。每张单一个链接，只能签收一次。",
	"dispatch.print": "打印出库单（含签收二维码）", "dispatch.reprint": "重新打印出库单", "dispatch.reprint_hint": "重新打印会生成新的签收二维码，旧的随即失效。",
	"dispatch.unsigned": "待签收", "dispatch.signed": "已签收", "dispatch.trace": "出库物资及来源", "dispatch.sent": "发出",
	"dispatch.source": "来自捐赠", "dispatch.no_source": "非捐赠入库（期初或采购）",

	"flash.intake_recorded": "物资捐赠已登记，请各环节签收。", "flash.signed_off": "签收已记录。", "flash.settled": "已完成签收，接收的物资已入库。",
	"flash.arrived": "到货已登记，请签收。", "flash.prearrival_recorded": "预到物资已登记。", "flash.request_recorded": "调拨申请已提交。",
	"flash.recipient_recorded": "申请单位已登记。", "flash.submitted": "方案已提交审批，审批人已收到通知。", "flash.decided": "审批意见已记录。",
	"flash.paperwork_recorded": "补办文件已登记。", "flash.dispatched": "已出库。请打印出库单随货同行。",

	"dashboard.same_day_value": "今日日进日清（按价值）", "dashboard.same_day_value_detail": "当日发出 %s / 当日接收 %s（已估值物资）",
	"dashboard.waiting_since": "%s 入库",
	"stock.title":             "库存", "stock.quantity": "数量", "stock.first": "先发（效期最近）", "stock.card": "库存卡", "stock.doc": "单据",
	"stock.kind": "类型", "stock.in": "入", "stock.out": "出", "stock.balance": "结存", "stock.transfer": "调拨到其他仓库", "stock.lot": "批次",
	"stock.to": "调入仓库", "stock.transfer_submit": "调拨", "stock.adjust": "库存调整", "stock.delta": "增减数量（减少填负数）",
	"stock.adjust_submit": "调整", "stock.hint": "输入物资，查看各仓库批次（效期最近的先发）和库存卡。",
	"doc.receipt": "入库单", "doc.dispatch": "出库单", "doc.transfer": "调拨单", "doc.adjustment": "调整单",
	"adjust.damaged": "损坏", "adjust.expired": "过期", "adjust.lost": "丢失", "adjust.count_correction": "盘点更正",
	"flash.stock_recorded": "单据已记录，库存已更新。",
	"verify.goods":         "捐赠物资", "verify.where": "物资去向", "verify.signed": "%s 签收", "verify.not_yet": "物资尚未发出。",
	"action.request.attach": "上传申请附件", "action.allocation.paperwork": "登记补办文件", "action.allocation.dispatch": "调拨出库",
	"action.dispatch.relink": "重新生成签收链接",
}

var goodsEn = map[string]string{
	"goodslist.short": "Daily lists", "goodslist.pdf": "Print PDF", "form.more_lines": "3 more lines",

	"intake.title": "Goods intake", "intake.new": "Record donated goods", "intake.detail": "In-kind donation", "intake.all": "All",
	"intake.status.receiving": "signing off", "intake.status.settled": "in stock", "intake.signoffs": "%d sign-offs",
	"intake.lines": "Lines", "intake.units": "Units", "intake.goods": "Donated goods", "intake.line": "Line %d",
	"intake.pick_hint":        "Type a code, name or specification in the item box and pick from the suggestions; similar goods (N95, KN95) are distinct items.",
	"intake.designation_hint": "Designated goods are kept in lots of their own and go only to their designation, never into general stock.",
	"intake.declared":         "Quantity declared", "intake.spec": "Specification", "intake.batch": "Batch", "intake.produced": "Produced", "intake.expires": "Expires",
	"intake.valuation": "Valuation", "intake.declared_yuan": "Declared value (¥)", "intake.evidence_kind": "Evidence", "intake.evidence_ref": "Evidence number",
	"intake.appraiser": "Appraiser", "intake.report_no": "Report number", "intake.appraised_yuan": "Appraised value (¥)", "intake.appraised_on": "Appraised on",
	"intake.valuation_hint": "An evidence-based value needs an invoice, customs declaration or agreement; without one, a third-party appraisal; goods that cannot be appraised are registered only and never receipted.",
	"intake.submit":         "Record and start sign-off", "intake.recorded_by": "Recorded by", "intake.accepted": "Accepted", "intake.quarantined": "Quarantined", "intake.rejected": "Rejected",
	"intake.receiptable": "receipt possible", "intake.registered_only": "registered only, no receipt",
	"intake.signoffs_title": "Sign-off by several people", "intake.role": "Step", "intake.person": "Signed by", "intake.counted": "Counted", "intake.verdict": "Verdict", "intake.reason": "Reason",
	"intake.missing": "Still to sign:", "intake.sign": "Sign off a line", "intake.line_no": "Line", "intake.sign_hint": "The counting step records the quantity counted; quarantine or rejection needs a reason.",
	"intake.sign_submit": "Record sign-off", "intake.settle": "Settle and put into stock", "intake.settle_hint": "Once every step has signed, accepted goods go into stock in lots by batch, expiry, designation and donor; quarantined and rejected goods stay out.",
	"intake.settle_submit": "Put into stock",
	"valuation.pending":    "to be valued", "valuation.evidence": "evidence-based value", "valuation.appraisal": "third-party appraisal", "valuation.unappraisable": "cannot be appraised (registered only)",
	"evidence.invoice": "Invoice", "evidence.customs": "Customs declaration", "evidence.agreement": "Donation agreement",
	"signrole.unloading": "Unloading", "signrole.sorting": "Sorting", "signrole.medical_check": "Medical-grade check", "signrole.counting": "Counting",
	"verdict.accepted": "accepted", "verdict.quarantined": "quarantined", "verdict.rejected": "rejected",

	"prearrival.title": "Expected goods", "prearrival.hint": "Goods pledged but not yet here. Record what arrives and it becomes an intake to sign for; the rest stays expected.",
	"prearrival.expected_on": "Expected on", "prearrival.expected": "Expected", "prearrival.arrived": "Arrived", "prearrival.remaining": "Still due",
	"prearrival.arriving_now": "Arriving now", "prearrival.arrive": "Record arrival", "prearrival.none": "No goods are expected.",
	"prearrival.new": "Record expected goods", "prearrival.note": "Note", "prearrival.submit": "Record",

	"requests.title": "Requests", "requests.new": "Submit a request", "requests.detail": "Request", "requests.recipient": "Requesting unit",
	"requests.purpose": "Purpose", "requests.urgency": "Urgency", "requests.lines": "Goods asked for", "requests.submitted": "Submitted",
	"requests.status.open": "open", "requests.status.fulfilled": "fulfilled", "requests.address": "Delivery address", "requests.contact": "Contact",
	"requests.quantity": "Asked", "requests.fulfilled": "Sent", "requests.open": "Open", "requests.files": "Attachments",
	"requests.files_hint": "Stamped letter, needs list and the like: up to 5 files of 5 MB each.", "requests.submit": "Submit request",
	"recipients.new": "Register a requesting unit", "recipients.name": "Full name", "recipients.class": "Class", "recipients.submit": "Register",
	"class.treatment_hospital": "Designated treatment hospital", "class.hospital": "Other hospital", "class.district_hq": "District headquarters", "class.community_checkpoint": "Community checkpoint", "class.other": "Other",
	"urgency.normal": "normal", "urgency.urgent": "urgent", "urgency.critical": "critical",

	"proposal.title": "Allocation proposal", "proposal.hint": "boai proposes by the rules: designated goods to their designation first; then by class of unit; within a class in proportion to what was asked, never more. The task force may change quantities (0 drops a line) and submit for approval.",
	"proposal.from": "From", "proposal.qty": "Allocate", "proposal.why": "Why", "proposal.designated": "designated", "proposal.after_arrival": "Allocate once the expected goods arrive.",
	"proposal.unmet": "%d still unmet:", "proposal.submit": "Submit for approval", "proposal.none": "No open requests, or no goods to offer.",

	"allocations.submitted": "Submitted", "allocations.decided": "Decided", "allocations.minutes": "Minutes",
	"allocations.title": "Approvals", "allocations.detail": "Allocation", "allocations.elapsed": "Time", "allocations.target": "target: decided within 10 minutes",
	"allocations.lines": "Lines", "allocations.decide": "Decide", "allocations.comment": "Comment (needed to return or reject)",
	"allocations.decide_hint": "Change quantities and approve in one step; nothing can exceed what is still asked.", "allocations.history": "Decisions",
	"alloc.live": "Awaiting approval or dispatch", "alloc.status.pending": "in approval", "alloc.status.approved": "approved, awaiting dispatch", "alloc.status.dispatched": "dispatched",
	"alloc.status.returned": "returned", "alloc.status.rejected": "rejected",
	"step.taskforce": "Task force", "step.leadership": "Leadership",
	"decision.approve": "Approve", "decision.return": "Return", "decision.reject": "Reject",
	"paperwork.title": "Approved online, paperwork later", "paperwork.owed": "owed", "paperwork.owed_n": "%d paper documents owed", "paperwork.recorded": "recorded",
	"paperwork.ref": "Reference or note", "paperwork.record": "Record",
	"paperwork.request_letter": "Stamped request letter", "paperwork.approval_form": "Signed approval form", "paperwork.receipt_form": "Signed receipt",

	"dispatches.title": "Dispatches", "dispatches.detail": "Dispatch note",
	"dispatch.new": "Dispatch", "dispatch.route": "Route", "dispatch.vehicle": "Vehicle", "dispatch.driver": "Driver",
	"dispatch.hint": "Point-to-point goes straight to a designated recipient; a relay through the distribution centre needs route and vehicle; storage is for goods with no use yet.", "dispatch.submit": "Dispatch",
	"dispatch.links": "Sign-off links", "dispatch.links_hint": "Print the dispatch note to travel with the goods; the recipient scans it to sign. Or send the link. One link per note, signs once.",
	"dispatch.print": "Print dispatch note (with sign-off QR)", "dispatch.reprint": "Reprint dispatch note", "dispatch.reprint_hint": "A reprint carries a new sign-off QR code; the old one stops working.",
	"dispatch.unsigned": "awaiting sign-off", "dispatch.signed": "signed for", "dispatch.trace": "Goods and where they came from", "dispatch.sent": "Sent",
	"dispatch.source": "From donation", "dispatch.no_source": "not from a donation (opening stock or purchase)",

	"flash.intake_recorded": "Donated goods recorded; each step may now sign off.", "flash.signed_off": "Sign-off recorded.", "flash.settled": "Settled: accepted goods are in stock.",
	"flash.arrived": "Arrival recorded; please sign for it.", "flash.prearrival_recorded": "Expected goods recorded.", "flash.request_recorded": "Request submitted.",
	"flash.recipient_recorded": "Requesting unit registered.", "flash.submitted": "Submitted for approval; approvers have been told.", "flash.decided": "Decision recorded.",
	"flash.paperwork_recorded": "Paper document recorded.", "flash.dispatched": "Dispatched. Print the dispatch note to travel with the goods.",

	"dashboard.same_day_value": "Same day today, by value", "dashboard.same_day_value_detail": "%s sent of %s received (valued goods)",
	"dashboard.waiting_since": "in stock since %s",
	"stock.title":             "Stock", "stock.quantity": "Quantity", "stock.first": "send first (earliest expiry)", "stock.card": "Stock card", "stock.doc": "Document",
	"stock.kind": "Kind", "stock.in": "In", "stock.out": "Out", "stock.balance": "Balance", "stock.transfer": "Transfer to another warehouse", "stock.lot": "Lot",
	"stock.to": "To warehouse", "stock.transfer_submit": "Transfer", "stock.adjust": "Adjust stock", "stock.delta": "Change (negative to reduce)",
	"stock.adjust_submit": "Adjust", "stock.hint": "Pick an item to see its lots in every warehouse (earliest expiry first) and its stock card.",
	"doc.receipt": "Goods received", "doc.dispatch": "Dispatch", "doc.transfer": "Transfer", "doc.adjustment": "Adjustment",
	"adjust.damaged": "damaged", "adjust.expired": "expired", "adjust.lost": "lost", "adjust.count_correction": "count correction",
	"flash.stock_recorded": "Document recorded; stock updated.",
	"verify.goods":         "Goods donated", "verify.where": "Where the goods went", "verify.signed": "signed for %s", "verify.not_yet": "The goods have not left yet.",
	"action.request.attach": "attach to request", "action.allocation.paperwork": "record paperwork", "action.allocation.dispatch": "dispatch allocation",
	"action.dispatch.relink": "new sign-off link",
}

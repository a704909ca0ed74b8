package i18n

// The donation receipts' words (公益事业捐赠票据), kept apart from
// messages.go so the pages of one domain read together.
func init() {
	for k, v := range receiptsZh {
		zh[k] = v
	}
	for k, v := range receiptsEn {
		en[k] = v
	}
}

var receiptsZh = map[string]string{
	"nav.receipts": "票据",

	"receipt.title": "捐赠票据", "receipt.detail": "捐赠票据", "receipt.open": "查看或开具捐赠票据",
	"receipt.code": "票据代码", "receipt.number": "票据号码", "receipt.check_code": "校验码", "receipt.date": "开票日期",
	"receipt.payer": "交款人", "receipt.uscc": "统一社会信用代码", "receipt.item": "项目", "receipt.unit": "单位", "receipt.quantity": "数量",
	"receipt.reviewer": "复核人", "receipt.payee": "收款人", "receipt.payee_org": "收款单位", "receipt.clerks": "经办",
	"receipt.holder": "票据领用人", "receipt.note": "备注", "receipt.gift": "对应捐赠", "receipt.line": "第 %d 行",
	"receipt.issued_by": "开票操作人", "receipt.reissues": "重开自", "receipt.reissued_as": "已重开为", "receipt.void_reason": "作废原因",
	"receipt.status.issued": "有效", "receipt.status.voided": "已作废",
	"receipt.issued_as": "已开具票据", "receipt.download": "下载电子票据（PDF）", "receipt.verify_page": "查验页面", "receipt.manage": "作废或重开",
	"receipt.locked_hint": "已开具票据的捐赠，金额、捐赠人和类型均已锁定；如需更正，须先作废票据。",
	"receipt.issue":       "开具票据", "receipt.issue_hint": "票据号码按领用人的号码段依次取用，开具后不可修改，只能作废并重开。复核人与收款人不能是同一人。",
	"receipt.no_stock": "没有可用的空白票据，请先登记领用的票据号码段：", "receipt.none_yet": "尚未开具票据。",
	"receipt.donor_wishes": "登记捐赠人的意愿（申请开票、不需要票据或不以本人名义开票）",
	"receipt.channel":      "联系方式及送达方式", "receipt.channel_hint": "如：电话告知，邮寄至单位地址", "receipt.record_request": "登记开票申请",
	"receipt.requested_on": "捐赠人于 %s 申请开具票据（%s 登记）",
	"receipt.choice":       "捐赠人意愿", "receipt.choice.declined": "不需要票据", "receipt.choice.anonymous": "不以本人名义开票（匿名）",
	"receipt.choice.wanted": "需要票据", "receipt.record_choice": "登记意愿", "receipt.recorded_by": "%s 于 %s 登记",
	"receipt.wants_now": "捐赠人现在需要票据", "receipt.history": "已作废的票据", "receipt.to_donation": "返回捐赠记录",
	"receipt.void": "作废票据", "receipt.void_hint": "作废后票据号码永久保留作废记录，不再使用；捐赠随之解锁，可冲正或重开。",
	"receipt.reissue": "作废并重开", "receipt.reissue_new": "以新号码重开", "receipt.reissue_hint": "先作废本票据，再按捐赠记录以新号码重开，并与本票据关联；可更正复核人、收款人和统一社会信用代码。",
	"receipt.reissue_voided_hint": "本票据已作废，按捐赠记录以新号码重开，并与本票据关联。",

	"receipt.verify_title": "捐赠票据查验", "receipt.verify_none": "未找到该票据，请核对票据代码和号码。",
	"receipt.verify_valid": "这是一张有效的公益事业捐赠票据。", "receipt.verify_voided": "这张票据已作废。",
	"receipt.verify_reissued": "已按同一笔捐赠重开新票据。",
	"receipt.check_title":     "核对校验码", "receipt.check_hint": "输入票据上印的 6 位校验码；只有真实的票据才有相符的校验码。",
	"receipt.check_submit": "核对", "receipt.check_ok": "校验码 %s 与票据相符。", "receipt.check_bad": "校验码 %s 与票据不符，请核对或联系本会。",
	"receipt.signed_title": "机读数据签名公钥", "receipt.signed_hint": "电子票据右下角二维码是签名的机读数据（Go note 格式，Ed25519 签名），可用此公钥验证：",

	"receipts.title": "捐赠票据", "receipts.ranges": "票据号码段", "receipts.remaining": "空白票据", "receipts.used_of": "已使用 %d 个号码",
	"receipts.live": "有效票据", "receipts.voided": "作废号码", "receipts.used": "已使用", "receipts.requests": "待开票申请",
	"receipts.audit": "号码核查", "receipts.audit_clean": "号码连续：已使用 %d 个号码，%d 个空号均有作废记录。",
	"receipts.audit_gaps": "号码有未说明的缺口或异常，请立即核查。", "receipts.unexplained": "既无有效票据也无作废记录的号码：",
	"receipts.explained": "作废记录（%d）", "receipts.voided_receipt": "作废的票据", "receipts.spoiled_form": "损坏的空白票据",
	"receipts.all": "全部状态", "receipts.summary": "共 %d 张，其中有效 %d 张，金额合计 %s。",
	"receipts.requested_at": "申请时间", "receipts.no_requests": "没有待处理的开票申请。",
	"receipts.goods": "待开票的物资", "receipts.goods_hint": "已验收入库的物资行：有凭据估值或第三方评估的可开票；无法评估的只登记，不开票。",
	"receipts.no_goods": "没有待开票的物资。", "receipts.goods_line": "物资行", "receipts.goods_lines": "逐行查看（%d 行）", "receipts.no_receipt_goods": "不开票或暂不能开票的物资行（%d）", "receipts.choices": "不开票的登记（不需要、匿名）",
	"receipts.spoil": "登记损坏的空白票据", "receipts.spoil_hint": "打印卡纸、污损或遗失的空白票据：取下一个号码登记作废，号码不留缺口。",
	"receipts.spoil_submit": "作废下一个号码", "receipts.numbers": "号码段", "receipts.obtained_on": "领用日期",
	"receipts.no_ranges": "尚未登记票据号码段。", "receipts.add_range": "登记领用的票据号码段",
	"receipts.range_hint": "按财政部门发放的票据填写：票据代码、起止号码和号码位数。号码段不能与已登记的重叠。",
	"receipts.start":      "起始号码", "receipts.end": "终止号码", "receipts.width": "号码位数", "receipts.add_submit": "登记号码段",

	"flash.receipt_issued": "票据已开具。", "flash.receipt_requested": "开票申请已登记。", "flash.receipt_choice": "捐赠人意愿已登记。",
	"flash.receipt_voided": "票据已作废。", "flash.receipt_reissued": "已作废原票据并重开。", "flash.form_spoiled": "空白票据已登记作废。",
	"flash.range_added": "票据号码段已登记。",

	"action.receipt.range_add": "登记票据号码段", "action.receipt.issue": "开具票据", "action.receipt.void": "作废票据",
	"action.receipt.reissue": "重开票据", "action.receipt.spoil": "作废空白票据", "action.receipt.choice": "登记票据意愿",
	"action.receipt.request": "登记开票申请",
	"entity.receipt":         "票据", "entity.receipt_range": "票据号码段", "entity.receipt_void": "票据作废记录",
}

var receiptsEn = map[string]string{
	"nav.receipts": "Receipts",

	"receipt.title": "Donation receipt", "receipt.detail": "Donation receipt", "receipt.open": "View or issue the donation receipt",
	"receipt.code": "Receipt code", "receipt.number": "Number", "receipt.check_code": "Check code", "receipt.date": "Date issued",
	"receipt.payer": "Payer", "receipt.uscc": "Unified social credit code", "receipt.item": "Item", "receipt.unit": "Unit", "receipt.quantity": "Quantity",
	"receipt.reviewer": "Reviewer", "receipt.payee": "Received by", "receipt.payee_org": "Receiving organisation", "receipt.clerks": "Clerks",
	"receipt.holder": "Forms held by", "receipt.note": "Note", "receipt.gift": "Gift", "receipt.line": "line %d",
	"receipt.issued_by": "Issued by", "receipt.reissues": "Reissues", "receipt.reissued_as": "Reissued as", "receipt.void_reason": "Reason for voiding",
	"receipt.status.issued": "Valid", "receipt.status.voided": "Voided",
	"receipt.issued_as": "Receipted as", "receipt.download": "Download the e-receipt (PDF)", "receipt.verify_page": "Verification page", "receipt.manage": "Void or reissue",
	"receipt.locked_hint": "A receipted donation's amount, donor and type are locked; to correct them, void the receipt first.",
	"receipt.issue":       "Issue receipt", "receipt.issue_hint": "Numbers are taken in order from the holder's range. A receipt is never edited: it is voided and reissued. The reviewer and the clerk who received the gift must be different people.",
	"receipt.no_stock": "No blank receipts left; register the range of forms first:", "receipt.none_yet": "No receipt issued yet.",
	"receipt.donor_wishes": "Record the donor's wishes (a request, no receipt, or none in their name)",
	"receipt.channel":      "Contact and delivery", "receipt.channel_hint": "e.g. by phone, post to the company address", "receipt.record_request": "Record the request",
	"receipt.requested_on": "The donor asked for a receipt on %s (recorded by %s)",
	"receipt.choice":       "Donor's wish", "receipt.choice.declined": "No receipt wanted", "receipt.choice.anonymous": "No receipt in their name (anonymous)",
	"receipt.choice.wanted": "Receipt wanted", "receipt.record_choice": "Record the wish", "receipt.recorded_by": "recorded by %s on %s",
	"receipt.wants_now": "The donor now wants a receipt", "receipt.history": "Voided receipts", "receipt.to_donation": "Back to the donation",
	"receipt.void": "Void receipt", "receipt.void_hint": "The number keeps its void record for ever and is never used again; the donation is unlocked, to be reversed or receipted anew.",
	"receipt.reissue": "Void and reissue", "receipt.reissue_new": "Reissue with a new number", "receipt.reissue_hint": "Voids this receipt, then issues the gift's receipt anew with a new number, linked to this one; the reviewer, the clerk and the credit code can be corrected.",
	"receipt.reissue_voided_hint": "This receipt is voided: issue the gift's receipt anew with a new number, linked to this one.",

	"receipt.verify_title": "Check a donation receipt", "receipt.verify_none": "No such receipt. Check the receipt code and number.",
	"receipt.verify_valid": "This is a valid public welfare donation receipt.", "receipt.verify_voided": "This receipt has been voided.",
	"receipt.verify_reissued": "A new receipt was issued for the same gift.",
	"receipt.check_title":     "Check the check code", "receipt.check_hint": "Type the 6-character check code printed on the receipt; only a genuine receipt has a matching one.",
	"receipt.check_submit": "Check", "receipt.check_ok": "Check code %s matches this receipt.", "receipt.check_bad": "Check code %s does not match this receipt: check it, or contact the society.",
	"receipt.signed_title": "Key of the signed machine-readable form", "receipt.signed_hint": "The QR code at the bottom right of the e-receipt holds its signed machine-readable form (Go note format, Ed25519); verify it with this key:",

	"receipts.title": "Donation receipts", "receipts.ranges": "Receipt ranges", "receipts.remaining": "Blank forms", "receipts.used_of": "%d numbers used",
	"receipts.live": "Valid receipts", "receipts.voided": "Voided numbers", "receipts.used": "Used", "receipts.requests": "Open requests",
	"receipts.audit": "Numbering check", "receipts.audit_clean": "No gaps: %d numbers used, the %d not on a valid receipt each have a void record.",
	"receipts.audit_gaps": "The numbering has unexplained gaps or errors: look into it now.", "receipts.unexplained": "Numbers with neither a valid receipt nor a void record:",
	"receipts.explained": "Void records (%d)", "receipts.voided_receipt": "Voided receipt", "receipts.spoiled_form": "Spoiled blank form",
	"receipts.all": "Any status", "receipts.summary": "%d receipts, %d valid, totalling %s.",
	"receipts.requested_at": "Requested", "receipts.no_requests": "No open requests.",
	"receipts.goods": "Goods awaiting receipts", "receipts.goods_hint": "Lines of settled in-kind gifts: those valued on evidence or by a third-party appraisal are receipted; goods that cannot be appraised are registered only.",
	"receipts.no_goods": "No goods awaiting receipts.", "receipts.goods_line": "Line of goods", "receipts.goods_lines": "All lines (%d)", "receipts.no_receipt_goods": "Lines without a receipt, and why (%d)", "receipts.choices": "No receipt, as recorded (declined, anonymous)",
	"receipts.spoil": "Record a spoiled blank form", "receipts.spoil_hint": "A form jammed in the printer, soiled or lost: its number is taken and voided, so the numbering has no gap.",
	"receipts.spoil_submit": "Void the next number", "receipts.numbers": "Numbers", "receipts.obtained_on": "Obtained",
	"receipts.no_ranges": "No receipt ranges registered yet.", "receipts.add_range": "Register a range of forms",
	"receipts.range_hint": "As the finance bureau issued them: the receipt code, the first and last numbers and how many digits they have. A range may not overlap one already registered.",
	"receipts.start":      "First number", "receipts.end": "Last number", "receipts.width": "Digits", "receipts.add_submit": "Register the range",

	"flash.receipt_issued": "Receipt issued.", "flash.receipt_requested": "Request recorded.", "flash.receipt_choice": "The donor's wish is recorded.",
	"flash.receipt_voided": "Receipt voided.", "flash.receipt_reissued": "The receipt was voided and reissued.", "flash.form_spoiled": "The blank form is recorded as voided.",
	"flash.range_added": "Receipt range registered.",

	"action.receipt.range_add": "Register receipt range", "action.receipt.issue": "Issue receipt", "action.receipt.void": "Void receipt",
	"action.receipt.reissue": "Reissue receipt", "action.receipt.spoil": "Void blank form", "action.receipt.choice": "Record receipt wish",
	"action.receipt.request": "Record receipt request",
	"entity.receipt":         "Receipt", "entity.receipt_range": "Receipt range", "entity.receipt_void": "Receipt void record",
}

package i18n

// The public log's and the tracing page's words, kept apart from
// messages.go so the pages of one domain read together.
func init() {
	for k, v := range logZh {
		zh[k] = v
	}
	for k, v := range logEn {
		en[k] = v
	}
}

var logZh = map[string]string{
	"log.title": "公开日志", "log.lead": "每一笔捐赠、票据、物资接收、调拨审批、签收和支出，都按发生顺序写入这份只能追加、不可篡改的公开日志（RFC 6962 默克尔树）。日志不含任何个人信息：捐赠人只以加盐承诺出现，盐值印在其捐赠证书上。任何人都可以下载全部日志并独立核验。",
	"log.origin": "日志名称", "log.key": "公钥", "log.size": "条目数", "log.root": "根哈希", "log.waiting": "（另有 %d 条正在写入）",
	"log.key_file": "公钥文件", "log.days": "每日结账", "log.day": "日期", "log.first": "首条序号", "log.count": "当日条目", "log.close": "结账条目",
	"log.no_days": "尚无已结账的日期。", "log.how": "如何核验",
	"log.how_text": "用 boai verify 离线核验：重建整棵树并核对签名与每日结账；或用证书上的盐值和您的姓名，证明某个条目记录的正是您的捐赠。",
	"log.off":      "本站未开启公开日志。",

	"trace.title": "捐赠去向", "trace.received": "收到捐赠", "trace.receipted": "开具捐赠票据", "trace.spent": "用于支出",
	"trace.released": "经捐赠人同意转作他用", "trace.goods_received": "物资入库", "trace.dispatched": "物资发出",
	"trace.signed": "受赠单位签收", "trace.entry": "日志 #%d", "trace.pending": "正在写入日志", "trace.proof": "下载该条目的包含证明",
	"trace.hint": "每一步都有公开日志中的条目为证。", "receipt.in_log": "本票据的开具已记入公开日志。",
	"trace.receipt_no": "票据代码 %s，号码 %s", "trace.bundle": "下载本证书的包含证明",
}

var logEn = map[string]string{
	"log.title": "Public log", "log.lead": "Every donation, receipt, goods intake, allocation approval, sign-off and payment is appended, in order, to this append-only, tamper-evident public log (an RFC 6962 Merkle tree). It holds no personal data: a donor appears only as a salted commitment whose salt is printed on their certificate. Anyone can download the whole log and check it independently.",
	"log.origin": "Log name", "log.key": "Public key", "log.size": "Entries", "log.root": "Root hash", "log.waiting": "(%d more being written)",
	"log.key_file": "key file", "log.days": "Day closes", "log.day": "Date", "log.first": "First entry", "log.count": "Entries that day", "log.close": "Close entry",
	"log.no_days": "No day has been closed yet.", "log.how": "How to check",
	"log.how_text": "Check offline with boai verify: rebuild the whole tree and check its signature and every day close; or, with the salt on your certificate and your name, prove that an entry records your own donation.",
	"log.off":      "This site keeps no public log.",

	"trace.title": "Where the gift went", "trace.received": "Donation received", "trace.receipted": "Donation receipt issued", "trace.spent": "Spent on",
	"trace.released": "Re-purposed with the donor's consent", "trace.goods_received": "Goods received into stock", "trace.dispatched": "Goods sent",
	"trace.signed": "Signed for by the recipient", "trace.entry": "log #%d", "trace.pending": "being logged", "trace.proof": "download this entry's inclusion proof",
	"trace.hint": "Each step is backed by an entry in the public log.", "receipt.in_log": "This receipt's issue is recorded in the public log.",
	"trace.receipt_no": "code %s, number %s", "trace.bundle": "Download this certificate's inclusion proof",
}

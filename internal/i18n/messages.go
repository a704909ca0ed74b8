package i18n

var zh = map[string]string{
	"app.name":    "博爱",
	"app.tagline": "款物来去，日日公开，人人可查",

	"nav.dashboard": "工作台", "nav.donations": "捐赠记录", "nav.new_donation": "登记捐款", "nav.import": "导入银行流水",
	"nav.audit": "审计日志", "nav.users": "用户", "nav.branches": "机构", "nav.logout": "退出", "nav.other_lang": "English",

	"home.title": "捐赠信息查询", "home.lead": "每一笔捐赠都有去向，每一张证书都可验证。",
	"home.lookup": "查询我的捐赠", "home.verify_hint": "扫描捐赠证书上的二维码，即可核验证书真伪。", "home.staff": "工作人员登录",

	"login.title": "工作人员登录", "login.username": "用户名", "login.password": "密码", "login.submit": "登录",

	"verify.title": "捐赠证书核验", "verify.genuine": "证书真实有效", "verify.void": "该捐赠已冲正，此证书已作废", "verify.none": "未找到该证书编号对应的捐赠。",

	"lookup.title": "捐赠信息查询", "lookup.lead": "输入证书编号，或输入捐赠人姓名和手机号后四位，查询您的捐赠及状态。",
	"lookup.cert": "证书编号", "lookup.or": "或者", "lookup.name": "捐赠人姓名", "lookup.last4": "手机号后四位",
	"lookup.submit": "查询", "lookup.results": "查询结果", "lookup.none": "没有找到匹配的捐赠记录。",
	"lookup.too_many": "查询过于频繁，请稍后再试。",

	"error.title": "出错了", "error.back": "返回上一页", "error.home": "首页", "error.internal": "服务器内部错误，请稍后再试。",

	"dashboard.title": "工作台", "dashboard.today": "今日接收捐款", "dashboard.cumulative": "累计接收捐款",
	"dashboard.count": "%d 笔", "dashboard.today_short": "今日", "sign.title": "物资签收", "sign.doc": "出库单号", "sign.recipient": "接收单位", "sign.mode": "运送方式", "sign.done": "已由 %s 于 %s 签收，谢谢。", "sign.sent": "发出 %d %s", "sign.received": "实收数量", "sign.reason": "短少或破损原因（如有）", "sign.signer": "签收人姓名", "sign.note": "备注", "sign.photo": "现场照片", "sign.submit": "确认签收", "mode.point_to_point": "点对点运送", "mode.relay": "接驳发送", "mode.storage": "入库存储", "flash.signed": "签收已记录，谢谢。", "dashboard.goods": "物资：日进日清与审批时效", "dashboard.same_day": "今日日进日清", "dashboard.same_day_detail": "当日发出 %d / 当日接收 %d", "dashboard.approval_median": "审批用时中位数（30 日）", "dashboard.approval_p90": "90%% 用时 %s，共 %d 单", "dashboard.approval_late": "超过 10 分钟未审批", "dashboard.approval_over": "30 日内超时完成 %d 单", "dashboard.waiting": "滞留超过 %d 小时的批次", "dashboard.cumulative_short": "累计金额", "dashboard.trend": "近 60 日捐款趋势", "dashboard.trend_series": "捐款（元）",
	"dashboard.by_channel": "按渠道", "dashboard.by_designation": "按定向类型", "dashboard.by_branch": "按接收机构",

	"donations.title": "捐赠记录", "donations.export": "导出 Excel", "donations.search": "捐赠人 / 证书编号 / 流水号",
	"donations.all_branches": "全部机构", "donations.all_channels": "全部渠道", "donations.all_designations": "全部定向类型",
	"donations.from": "从", "donations.to": "至", "donations.filter": "筛选", "donations.summary": "共 %d 笔，净额 %s",

	"donation.title": "捐赠详情", "donation_new.title": "登记捐款",
	"donation.download_pdf": "下载证书 PDF", "donation.download_png": "下载证书图片", "donation.verify_page": "公开核验页",
	"donation.anonymous": "匿名", "donation.public_name": "公开显示为", "donation.phone": "联系电话", "donation.id_number": "证件号码",
	"donation.private": "（仅内部可见）", "donation.reason": "原因", "donation.source": "录入方式",
	"donation.reversed_by": "已被冲正：", "donation.reverses": "本记录冲正：",
	"donation.reverse_title": "冲正", "donation.reverse_hint": "捐赠记录不可修改或删除。如有错误，请填写原因后冲正，再重新登记正确的捐赠。",
	"donation.reverse": "冲正此笔捐赠", "donation.history": "历史记录", "donation.corrected_by": "已登记更正：", "donation.corrects": "本记录更正：", "donation.record_correction": "登记更正后的捐赠", "donation.correcting": "正在为已冲正的捐赠登记更正后的记录，请核对并修改有误的内容。",
	"donation.donor": "捐赠人", "donation.donor_kind": "捐赠人类型", "donation.donor_name": "捐赠人名称",
	"donation.anonymous_hint": "匿名捐赠（公开时显示为“爱心人士”）",
	"donation.private_hint":   "电话和证件号码仅用于联系和捐赠人自助查询，绝不公开。",
	"donation.money":          "捐款信息", "donation.amount_yuan": "金额（元）",
	"donation.designation_kind": "定向类型", "donation.designation_target": "定向对象",
	"donation.designation_hint": "非定向捐赠进入一般基金；定向捐赠须写明用途、项目、地区或受赠机构，专款专用。",
	"donation.submit":           "登记并生成证书",

	"import.title": "导入银行流水", "import_preview.title": "导入预览",
	"import.lead": "支持 CSV（UTF-8 或 GBK）和 XLSX。系统会自动找到表头，识别收入行；支出行、合计行不会导入。提交前可查看每一行的处理结果。",
	"import.file": "流水文件", "import.mapping": "列对应关系", "import.mapping_hint": "留空则自动识别。如果银行的表头名称不同，请填写该列在文件中的表头文字。",
	"import.saved": "已保存的对应关系", "import.auto": "自动识别", "import.save_as": "保存此对应关系为（可选）", "import.upload": "上传并预览",
	"import.detected": "格式 %s，编码 %s，表头在第 %d 行。", "import.mapping_used": "使用的列对应", "import.adjust": "调整对应关系",
	"import.accept_total": "可导入金额", "import.commit": "确认导入 %d 笔捐赠", "import.commit_hint": "全部导入或全部不导入；已导入过的流水不会重复导入。",
	"import.showing": "只显示：%s", "import.show_all": "显示全部", "import.line": "行号", "import.reason": "说明",
	"import.committing": "正在导入…", "import.committing_elsewhere": "正在导入（可能由另一台服务器进行），请稍候刷新；若 30 分钟后仍未完成，可重新提交。",
	"import.done": "导入完成：新增 %d 笔，跳过 %d 笔，合计 %s。", "import.failed": "上次导入失败，未导入任何数据",

	"audit.title": "审计日志", "audit.all_records": "全部记录类型", "audit.record_id": "记录编号", "audit.summary": "共 %d 条",
	"audit.role": "角色", "audit.before": "修改前", "audit.after": "修改后",

	"users.title": "用户与令牌", "users.display_name": "姓名", "users.active": "启用", "users.actions": "密码与令牌",
	"users.save": "保存", "users.new_password": "新密码（至少 10 位）", "users.set_password": "重设密码",
	"users.token_name": "令牌用途", "users.new_token": "新建 API 令牌", "users.add": "添加用户", "users.tokens": "API 令牌",
	"users.prefix": "前缀", "users.token_active": "有效", "users.token_revoked": "已撤销", "users.revoke": "撤销",
	"users.token_once": "新令牌如下。它只显示这一次，请立即妥善保存：",

	"branches.title": "机构", "branches.code": "机构代码", "branches.name": "名称", "branches.name_en": "英文名称",
	"branches.parent": "上级机构", "branches.add": "添加机构",

	"nav.webhooks": "群机器人", "webhooks.title": "群机器人与推送失败",
	"webhooks.lead":  "新的调拨申请等待审批时，系统通过企业微信或钉钉群机器人通知审批人。推送失败会自动重试，多次失败后列在下方。",
	"webhooks.label": "名称", "webhooks.kind": "类型", "webhooks.url": "Webhook 地址", "webhooks.masked": "地址中含机器人密钥，仅显示开头",
	"webhooks.kind_wecom": "企业微信", "webhooks.kind_dingtalk": "钉钉", "webhooks.on": "启用中", "webhooks.off": "已停用",
	"webhooks.activate": "启用", "webhooks.deactivate": "停用", "webhooks.none": "尚未添加群机器人",
	"webhooks.add": "添加群机器人", "webhooks.label_placeholder": "如：物资专班群",
	"webhooks.url_hint": "在群设置中添加自定义机器人后复制其 Webhook 地址，须以 https:// 开头。地址含密钥，保存后不再完整显示。",
	"webhooks.failed":   "推送失败", "webhooks.failed_hint": "以下消息未能送达群机器人。请先排查原因（如密钥失效、机器人被移出群），再点“重试”重新推送。",
	"webhooks.robot": "群机器人", "webhooks.attempts": "尝试次数", "webhooks.last_error": "最近一次错误", "webhooks.retry": "重试",
	"webhooks.no_failed": "没有推送失败的消息", "flash.retry_queued": "已重新排队推送。",

	"list.empty": "暂无记录",

	"col.cert_no": "证书编号", "col.received_at": "到账时间", "col.donor": "捐赠人", "col.donor_kind": "捐赠人类型",
	"col.anonymous": "匿名", "col.amount": "金额", "col.amount_yuan": "金额（元）", "col.amount_fen": "金额（分）",
	"col.channel": "渠道", "col.fund": "基金 / 定向", "col.designation": "定向类型", "col.branch": "接收机构",
	"col.external_ref": "外部流水号", "col.status": "状态", "col.message": "附言", "col.count": "笔数",
	"col.time": "时间", "col.user": "用户", "col.action": "操作", "col.record": "记录",

	"flash.created": "已登记，捐赠证书已生成。", "flash.reversed": "已冲正。", "flash.saved": "已保存。",
	"flash.revoked": "令牌已撤销。", "flash.logged_out": "您已退出登录。",

	"role.admin": "管理员", "role.clerk": "捐赠录入员", "role.warehouse": "仓库管理员", "role.approver": "审批人",
	"role.finance": "财务", "role.supervisor": "监督（纪检/审计）", "role.branch": "区县红会工作人员", "role.system": "系统",

	"channel.bank": "银行转账", "channel.online": "网上/扫码", "channel.wechat": "微信支付", "channel.alipay": "支付宝",
	"channel.cash": "现金", "channel.other": "其他",

	"designation.undesignated": "非定向", "designation.purpose": "定向用途", "designation.project": "定向项目",
	"designation.region": "定向地区", "designation.institution": "定向受赠机构",

	"donor_kind.person": "个人", "donor_kind.organization": "单位",
	"status.received": "已到账", "status.reversed": "已冲正", "status.reversal": "冲正记录",
	"source.form": "网页登记", "source.api": "接口", "source.import": "流水导入", "source.demo": "演示数据",

	"action.donation.donation": "登记捐赠", "action.donation.reversal": "冲正捐赠", "action.user.create": "新建用户",
	"action.user.update": "修改用户", "action.user.passwd": "重设密码", "action.user.login": "登录", "action.user.logout": "退出",
	"action.token.create": "新建令牌", "action.token.revoke": "撤销令牌", "action.branch.create": "新建机构",
	"action.branch.update": "修改机构", "action.import.upload": "上传流水", "action.import.commit": "提交导入",
	"action.import.mapping": "保存列对应", "action.import.start": "开始提交导入", "action.import.fail": "导入失败",

	"entity.donation": "捐赠", "entity.user": "用户", "entity.branch": "机构", "entity.api_token": "API 令牌",
	"entity.import": "导入", "entity.import_mapping": "列对应",

	"verdict.accept": "可导入", "verdict.imported": "已导入过", "verdict.invalid": "无效", "verdict.debit": "支出（不导入）",
	"verdict.total": "合计行", "verdict.duplicate": "文件内重复",

	"field.date": "交易日期", "field.time": "交易时间", "field.counterparty": "对方户名", "field.account": "对方账号",
	"field.credit": "收入金额", "field.debit": "支出金额", "field.amount": "交易金额（单列）", "field.summary": "摘要",
	"field.purpose": "附言/用途", "field.serial": "流水号",
	"goods.title": "物资目录", "goods.search": "输入编码、名称或规格查找，如 N95", "goods.hint": "相似物资是不同的条目：N95 医用防护口罩与 KN95 防护口罩从不合并。",
	"goods.code": "编码", "goods.item": "物资（名称与规格）", "goods.unit": "单位", "goods.pack": "包装", "goods.medical": "医用级",
	"goods.medical_yes": "须医用级查验", "goods.warehouse": "仓库", "goods.target": "定向对象", "goods.available": "可供调拨",
	"goods.expected": "预到", "goods.arriving": "预到物资",
	"goodslist.title": "可供调拨和预到物资清单", "goodslist.saved": "截止时点生成于 %s，按原样保存。", "goodslist.live": "截至 %s 的实时汇总（截止时点后自动保存）。",
	"nav.goods":          "物资",
	"action.item.create": "新增物资", "action.warehouse.create": "新增仓库", "action.stock.receipt": "入库",
	"action.stock.dispatch": "出库", "action.stock.transfer": "调拨", "action.stock.adjustment": "库存调整",
	"action.inkind.create": "登记物资捐赠", "action.inkind.sign": "物资签收", "action.inkind.settle": "物资接收完成",
	"action.prearrival.create": "登记预到物资", "action.prearrival.arrive": "预到物资到货", "action.recipient.create": "新增受助单位",
	"action.request.create": "提交调拨申请", "action.webhook.create": "新增通知机器人", "action.allocation.submit": "提交调拨方案", "action.allocation.approve": "审批通过", "action.allocation.reject": "驳回", "action.allocation.return": "退回修改", "entity.allocation": "调拨方案", "action.dispatch.create": "出库运送", "action.dispatch.sign": "受赠方签收", "entity.dispatch": "运送", "role.recipient": "受赠单位", "entity.webhook": "通知机器人",
	"entity.goods_item": "物资", "entity.warehouse": "仓库", "entity.stock_doc": "库存单据", "entity.inkind_donation": "物资捐赠",
	"entity.prearrival": "预到单", "entity.recipient": "受助单位", "entity.alloc_request": "调拨申请",

	"goodsimport.title": "批量导入物资登记表", "goodsimport.preview_title": "物资导入预览",
	"goodsimport.lead": "上传物资捐赠登记表或调拨申请清单（CSV 或 XLSX）。系统自动找到表头，逐行在物资目录中核对物资：名称和规格须与目录完全一致，或填写物资编码；相似物资（如 N95 与 KN95）绝不混认。提交前可查看每一行的结果。",
	"goodsimport.kind": "文件类型", "goodsimport.kind.inkind": "物资捐赠登记表", "goodsimport.kind.requests": "调拨申请清单",
	"goodsimport.kind_hint.inkind": "导入后生成待签收的物资接收单，按接收流程签收入库", "goodsimport.kind_hint.requests": "导入后生成待调拨的申请；申请单位须已登记",
	"goodsimport.file": "文件", "goodsimport.branch": "接收机构（物资捐赠登记表）", "goodsimport.upload": "上传并预览",
	"goodsimport.template": "导入模板", "goodsimport.template_hint": "模板第二页写明每一列的填法。也可使用自己的表格，只要表头使用相同的列名。",
	"goodsimport.template.inkind": "下载物资捐赠登记表模板（XLSX）", "goodsimport.template.requests": "下载调拨申请清单模板（XLSX）",
	"goodsimport.detected": "表头在第 %d 行，读取 %d 列。", "goodsimport.ignored": "未读取的列",
	"goodsimport.records.inkind": "将新建物资捐赠", "goodsimport.records.requests": "将新建调拨申请",
	"goodsimport.commit.inkind": "确认导入 %d 笔物资捐赠", "goodsimport.commit.requests": "确认导入 %d 份调拨申请", "goodsimport.commit_hint": "全部导入或全部不导入；已导入过的内容不会重复导入。有错误的行所在的整单不导入，请改正文件后重新上传。",
	"goodsimport.line": "行号", "goodsimport.verdict": "结果", "goodsimport.group": "单号", "goodsimport.resolved": "识别为", "goodsimport.reason": "说明",
	"goodsimport.verdict.ok": "可导入", "goodsimport.verdict.imported": "已导入过", "goodsimport.verdict.error": "有错误", "goodsimport.verdict.skipped": "跳过",
	"goodsimport.done.inkind": "导入完成：新建 %d 笔物资捐赠（待签收），%d 笔此前已导入。", "goodsimport.done.requests": "导入完成：新建 %d 份调拨申请，%d 份此前已导入。",
	"goodsimport.to_intake": "去签收", "goodsimport.to_requests": "查看调拨申请", "goodsimport.again": "导入另一个文件",
	"action.goods_import.commit": "导入物资登记表", "entity.goods_import": "物资导入",
}

var en = map[string]string{
	"app.name":    "Boai",
	"app.tagline": "Every gift traced, published daily, open to all",

	"nav.dashboard": "Dashboard", "nav.donations": "Donations", "nav.new_donation": "Record donation", "nav.import": "Import statement",
	"nav.audit": "Audit trail", "nav.users": "Users", "nav.branches": "Branches", "nav.logout": "Log out", "nav.other_lang": "中文",

	"home.title": "Donation look-up", "home.lead": "Every gift has a destination, every certificate can be verified.",
	"home.lookup": "Find my donations", "home.verify_hint": "Scan the QR code on a donation certificate to verify it.", "home.staff": "Staff login",

	"login.title": "Staff login", "login.username": "Username", "login.password": "Password", "login.submit": "Log in",

	"verify.title": "Certificate verification", "verify.genuine": "This certificate is genuine", "verify.void": "This donation was reversed: the certificate is void", "verify.none": "No donation matches this certificate number.",

	"lookup.title": "Donation look-up", "lookup.lead": "Enter your certificate number, or your name and the last four digits of your phone, to see your donations and their status.",
	"lookup.cert": "Certificate number", "lookup.or": "or", "lookup.name": "Donor name", "lookup.last4": "Last 4 digits of phone",
	"lookup.submit": "Look up", "lookup.results": "Results", "lookup.none": "No matching donation found.",
	"lookup.too_many": "Too many look-ups; please try again shortly.",

	"error.title": "Something went wrong", "error.back": "Back", "error.home": "Home", "error.internal": "Internal error; please try again later.",

	"dashboard.title": "Dashboard", "dashboard.today": "Received today", "dashboard.cumulative": "Received in total",
	"dashboard.count": "%d donations", "dashboard.today_short": "Today", "sign.title": "Sign for goods", "sign.doc": "Dispatch note", "sign.recipient": "Recipient", "sign.mode": "Transport", "sign.done": "Signed for by %s at %s. Thank you.", "sign.sent": "%d %s sent", "sign.received": "Quantity received", "sign.reason": "Shortfall or damage (if any)", "sign.signer": "Your name", "sign.note": "Note", "sign.photo": "Photo", "sign.submit": "Confirm receipt", "mode.point_to_point": "Point to point", "mode.relay": "Relay via the distribution centre", "mode.storage": "Into storage", "flash.signed": "Receipt recorded. Thank you.", "dashboard.goods": "Goods: same-day dispatch and approval times", "dashboard.same_day": "Dispatched the same day, today", "dashboard.same_day_detail": "%d out of %d received today", "dashboard.approval_median": "Median approval time (30 days)", "dashboard.approval_p90": "90th percentile %s, %d approvals", "dashboard.approval_late": "Waiting over 10 minutes", "dashboard.approval_over": "%d approved late in 30 days", "dashboard.waiting": "Lots waiting over %d hours", "dashboard.cumulative_short": "In total", "dashboard.trend": "Donations, last 60 days", "dashboard.trend_series": "Donations (yuan)",
	"dashboard.by_channel": "By channel", "dashboard.by_designation": "By designation", "dashboard.by_branch": "By receiving branch",

	"donations.title": "Donations", "donations.export": "Export Excel", "donations.search": "Donor / certificate / reference",
	"donations.all_branches": "All branches", "donations.all_channels": "All channels", "donations.all_designations": "All designations",
	"donations.from": "From", "donations.to": "To", "donations.filter": "Filter", "donations.summary": "%d records, net %s",

	"donation.title": "Donation", "donation_new.title": "Record a donation",
	"donation.download_pdf": "Certificate PDF", "donation.download_png": "Certificate image", "donation.verify_page": "Public verification page",
	"donation.anonymous": "anonymous", "donation.public_name": "Shown in public as", "donation.phone": "Phone", "donation.id_number": "ID number",
	"donation.private": "(internal only)", "donation.reason": "Reason", "donation.source": "Recorded via",
	"donation.reversed_by": "Reversed by:", "donation.reverses": "This record reverses:",
	"donation.reverse_title": "Reverse", "donation.reverse_hint": "Donations are never edited or deleted. To correct a mistake, reverse this one with a reason, then record the correct donation.",
	"donation.reverse": "Reverse this donation", "donation.history": "History", "donation.corrected_by": "Corrected by:", "donation.corrects": "This record corrects:", "donation.record_correction": "Record the corrected donation", "donation.correcting": "Recording the corrected version of a reversed donation: check and fix what was wrong.",
	"donation.donor": "Donor", "donation.donor_kind": "Donor type", "donation.donor_name": "Donor name",
	"donation.anonymous_hint": "Anonymous (shown in public as 爱心人士, “a kind donor”)",
	"donation.private_hint":   "Phone and ID number are used only to contact the donor and for their own look-up; never published.",
	"donation.money":          "Money", "donation.amount_yuan": "Amount (yuan)",
	"donation.designation_kind": "Designation", "donation.designation_target": "Designated to",
	"donation.designation_hint": "Undesignated gifts go to the general fund; designated gifts name a purpose, project, region or institution and are spent only on it.",
	"donation.submit":           "Record and issue certificate",

	"import.title": "Import bank statement", "import_preview.title": "Import preview",
	"import.lead": "CSV (UTF-8 or GBK) and XLSX. boai finds the header row and the credit rows; debit and total rows are not imported. You see every row's verdict before committing.",
	"import.file": "Statement file", "import.mapping": "Column mapping", "import.mapping_hint": "Leave empty to detect. If your bank names a column differently, enter that column's header text.",
	"import.saved": "Saved mappings", "import.auto": "detect", "import.save_as": "Save this mapping as (optional)", "import.upload": "Upload and preview",
	"import.detected": "Format %s, encoding %s, header on row %d.", "import.mapping_used": "Columns used", "import.adjust": "Adjust mapping",
	"import.accept_total": "Amount to import", "import.commit": "Import %d donations", "import.commit_hint": "All or nothing; rows already imported are never imported twice.",
	"import.showing": "Showing only: %s", "import.show_all": "Show all", "import.line": "Line", "import.reason": "Note",
	"import.committing": "Importing…", "import.committing_elsewhere": "Importing (perhaps on another server); refresh shortly. If it has not finished in 30 minutes, it can be committed again.",
	"import.done": "Import finished: %d added, %d skipped, total %s.", "import.failed": "The last attempt failed and imported nothing",

	"audit.title": "Audit trail", "audit.all_records": "All record types", "audit.record_id": "Record id", "audit.summary": "%d entries",
	"audit.role": "Role", "audit.before": "Before", "audit.after": "After",

	"users.title": "Users and tokens", "users.display_name": "Name", "users.active": "Active", "users.actions": "Password and tokens",
	"users.save": "Save", "users.new_password": "New password (10+ characters)", "users.set_password": "Set password",
	"users.token_name": "Token purpose", "users.new_token": "New API token", "users.add": "Add user", "users.tokens": "API tokens",
	"users.prefix": "Prefix", "users.token_active": "active", "users.token_revoked": "revoked", "users.revoke": "Revoke",
	"users.token_once": "Here is the new token. It is shown only this once; store it safely now:",

	"branches.title": "Branches", "branches.code": "Code", "branches.name": "Name", "branches.name_en": "English name",
	"branches.parent": "Parent", "branches.add": "Add branch",

	"nav.webhooks": "Group robots", "webhooks.title": "Group robots and failed messages",
	"webhooks.lead":  "When a new allocation request awaits approval, approvers are told through WeCom or DingTalk group robots. Failed messages are retried automatically; those that keep failing are listed below.",
	"webhooks.label": "Name", "webhooks.kind": "Kind", "webhooks.url": "Webhook URL", "webhooks.masked": "The URL holds the robot's key: only its start is shown",
	"webhooks.kind_wecom": "WeCom", "webhooks.kind_dingtalk": "DingTalk", "webhooks.on": "active", "webhooks.off": "off",
	"webhooks.activate": "Switch on", "webhooks.deactivate": "Switch off", "webhooks.none": "No group robots yet",
	"webhooks.add": "Add group robot", "webhooks.label_placeholder": "e.g. goods task force group",
	"webhooks.url_hint": "Add a custom robot in the group's settings and copy its webhook URL; it must start with https://. The URL holds a key and is never shown in full once saved.",
	"webhooks.failed":   "Failed messages", "webhooks.failed_hint": "These messages never reached their robot. Find out why first (an expired key, a robot removed from its group), then retry.",
	"webhooks.robot": "Robot", "webhooks.attempts": "Attempts", "webhooks.last_error": "Last error", "webhooks.retry": "Retry",
	"webhooks.no_failed": "No failed messages", "flash.retry_queued": "Queued to be sent again.",

	"list.empty": "Nothing here yet",

	"col.cert_no": "Certificate no.", "col.received_at": "Received", "col.donor": "Donor", "col.donor_kind": "Donor type",
	"col.anonymous": "Anonymous", "col.amount": "Amount", "col.amount_yuan": "Amount (yuan)", "col.amount_fen": "Amount (fen)",
	"col.channel": "Channel", "col.fund": "Fund / designation", "col.designation": "Designation", "col.branch": "Receiving branch",
	"col.external_ref": "External reference", "col.status": "Status", "col.message": "Message", "col.count": "Count",
	"col.time": "Time", "col.user": "User", "col.action": "Action", "col.record": "Record",

	"flash.created": "Recorded; the donation certificate is ready.", "flash.reversed": "Reversed.", "flash.saved": "Saved.",
	"flash.revoked": "Token revoked.", "flash.logged_out": "You have logged out.",

	"role.admin": "Administrator", "role.clerk": "Donation clerk", "role.warehouse": "Warehouse keeper", "role.approver": "Approver",
	"role.finance": "Finance", "role.supervisor": "Supervisor (inspection/audit)", "role.branch": "Branch staff", "role.system": "System",

	"channel.bank": "Bank transfer", "channel.online": "Online / QR", "channel.wechat": "WeChat Pay", "channel.alipay": "Alipay",
	"channel.cash": "Cash", "channel.other": "Other",

	"designation.undesignated": "Undesignated", "designation.purpose": "Designated purpose", "designation.project": "Designated project",
	"designation.region": "Designated region", "designation.institution": "Designated institution",

	"donor_kind.person": "Person", "donor_kind.organization": "Organisation",
	"status.received": "Received", "status.reversed": "Reversed", "status.reversal": "Reversal",
	"source.form": "Web form", "source.api": "API", "source.import": "Statement import", "source.demo": "Demo data",

	"action.donation.donation": "Recorded donation", "action.donation.reversal": "Reversed donation", "action.user.create": "Created user",
	"action.user.update": "Updated user", "action.user.passwd": "Set password", "action.user.login": "Logged in", "action.user.logout": "Logged out",
	"action.token.create": "Created token", "action.token.revoke": "Revoked token", "action.branch.create": "Created branch",
	"action.branch.update": "Updated branch", "action.import.upload": "Uploaded statement", "action.import.commit": "Committed import",
	"action.import.mapping": "Saved column mapping", "action.import.start": "Started committing import", "action.import.fail": "Import failed",

	"entity.donation": "Donation", "entity.user": "User", "entity.branch": "Branch", "entity.api_token": "API token",
	"entity.import": "Import", "entity.import_mapping": "Column mapping",

	"verdict.accept": "To import", "verdict.imported": "Already imported", "verdict.invalid": "Invalid", "verdict.debit": "Debit (skipped)",
	"verdict.total": "Totals row", "verdict.duplicate": "Duplicate in file",

	"field.date": "Date", "field.time": "Time", "field.counterparty": "Counterparty", "field.account": "Counterparty account",
	"field.credit": "Credit", "field.debit": "Debit", "field.amount": "Amount (single column)", "field.summary": "Summary",
	"field.purpose": "Message / purpose", "field.serial": "Serial number",
	"goods.title": "Goods catalogue", "goods.search": "Type a code, name or specification, e.g. N95", "goods.hint": "Similar goods are distinct items: N95 medical respirators and KN95 respirators are never merged.",
	"goods.code": "Code", "goods.item": "Item (name and specification)", "goods.unit": "Unit", "goods.pack": "Pack", "goods.medical": "Medical grade",
	"goods.medical_yes": "medical-grade check", "goods.warehouse": "Warehouse", "goods.target": "Designated to", "goods.available": "Available",
	"goods.expected": "Expected", "goods.arriving": "arriving",
	"goodslist.title": "Available and arriving goods", "goodslist.saved": "Compiled at the cut-off, %s, and kept as it was.", "goodslist.live": "Live totals as of %s (kept automatically after the cut-off).",
	"nav.goods":          "Goods",
	"action.item.create": "Added item", "action.warehouse.create": "Added warehouse", "action.stock.receipt": "Goods received",
	"action.stock.dispatch": "Goods dispatched", "action.stock.transfer": "Goods transferred", "action.stock.adjustment": "Stock adjusted",
	"action.inkind.create": "Recorded in-kind donation", "action.inkind.sign": "Signed for goods", "action.inkind.settle": "Settled intake",
	"action.prearrival.create": "Recorded pledge", "action.prearrival.arrive": "Pledged goods arrived", "action.recipient.create": "Added recipient",
	"action.request.create": "Submitted request", "action.webhook.create": "Added notification robot", "action.allocation.submit": "Submitted allocation", "action.allocation.approve": "Approved", "action.allocation.reject": "Rejected", "action.allocation.return": "Returned for changes", "entity.allocation": "Allocation", "action.dispatch.create": "Dispatched", "action.dispatch.sign": "Signed for by recipient", "entity.dispatch": "Dispatch", "role.recipient": "Recipient", "entity.webhook": "Notification robot",
	"entity.goods_item": "Item", "entity.warehouse": "Warehouse", "entity.stock_doc": "Stock document", "entity.inkind_donation": "In-kind donation",
	"entity.prearrival": "Pledge", "entity.recipient": "Recipient", "entity.alloc_request": "Allocation request",

	"goodsimport.title": "Import goods registers", "goodsimport.preview_title": "Goods import preview",
	"goodsimport.lead": "Upload an in-kind donation register or an allocation-request list (CSV or XLSX). boai finds the header row and checks each row's item against the catalogue: the name and specification exactly as listed, or the item code; similar goods (N95 and KN95) are never taken for each other. You see every row's verdict before committing.",
	"goodsimport.kind": "Kind of file", "goodsimport.kind.inkind": "In-kind donation register", "goodsimport.kind.requests": "Allocation-request list",
	"goodsimport.kind_hint.inkind": "becomes intakes awaiting the receiving sign-off", "goodsimport.kind_hint.requests": "becomes open requests; the requesting units must be registered",
	"goodsimport.file": "File", "goodsimport.branch": "Receiving branch (in-kind registers)", "goodsimport.upload": "Upload and preview",
	"goodsimport.template": "Templates", "goodsimport.template_hint": "The template's second sheet says what goes in each column. Your own spreadsheet works too if its headers use the same column names.",
	"goodsimport.template.inkind": "In-kind donation register template (XLSX)", "goodsimport.template.requests": "Allocation-request list template (XLSX)",
	"goodsimport.detected": "Header on row %d; %d columns read.", "goodsimport.ignored": "Columns not read",
	"goodsimport.records.inkind": "In-kind donations to record", "goodsimport.records.requests": "Requests to record",
	"goodsimport.commit.inkind": "Import %d in-kind donations", "goodsimport.commit.requests": "Import %d requests", "goodsimport.commit_hint": "All or nothing; what was imported before is never imported twice. A donation or request with an erroneous row is held back whole: correct the file and upload it again.",
	"goodsimport.line": "Row", "goodsimport.verdict": "Verdict", "goodsimport.group": "No.", "goodsimport.resolved": "Read as", "goodsimport.reason": "Note",
	"goodsimport.verdict.ok": "To import", "goodsimport.verdict.imported": "Already imported", "goodsimport.verdict.error": "Error", "goodsimport.verdict.skipped": "Skipped",
	"goodsimport.done.inkind": "Done: %d in-kind donations recorded, awaiting sign-off; %d imported before.", "goodsimport.done.requests": "Done: %d requests recorded; %d imported before.",
	"goodsimport.to_intake": "To the intakes", "goodsimport.to_requests": "To the requests", "goodsimport.again": "Import another file",
	"action.goods_import.commit": "Imported goods register", "entity.goods_import": "Goods import",
}

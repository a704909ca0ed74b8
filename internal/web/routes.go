package web

import (
	"io/fs"
	"net/http"

	"boai/internal/auth"
)

// route is one line of the route table: who may call it is part of it.
type route struct {
	pattern string
	action  auth.Action // "" for public routes
	h       http.HandlerFunc
}

// Routes lists every route: the role matrix test walks this table.
func (s *Server) Routes() []route {
	return []route{
		// Public: donors, journalists, anyone.
		{"GET /{$}", "", s.home},
		{"GET /verify/{cert}", "", s.verify},
		{"GET /lookup", "", s.lookupForm},
		{"POST /lookup", "", s.lookup},
		{"GET /login", "", s.loginForm},
		{"POST /login", "", s.login},
		{"POST /logout", "", s.logout},
		{"GET /lang/{lang}", "", s.setLang},
		{"GET /healthz", "", s.healthz},
		{"GET /transparency", "", s.transparency}, // the public log: key, checkpoints, day closes
		{"GET /log/key", "", s.logKey},
		{"GET /log/{path...}", "", s.logFile}, // C2SP tlog-tiles, static
		{"GET /proofs/{index}", "", s.proofByIndex},
		{"GET /verify/{cert}/proof", "", s.certificateProof},
		{"GET /sign/{token}", "", s.signForm}, // the recipient's one-time link
		{"POST /sign/{token}", "", s.sign},
		// The daily disclosure: published days only, as a page, CSV, XLSX,
		// PDF and JSON (/disclosure/2026-11-30.xlsx), a feed, corrections.
		{"GET /disclosure", "", s.disclosureIndex},
		{"GET /disclosure/feed.atom", "", s.disclosureFeed},
		{"GET /disclosure/{day}", "", s.disclosureFile},
		{"GET /disclosure/corrections/{id}", "", s.correctionPublic},
		{"GET /api/v1/disclosure/{date}", "", s.apiDisclosure},

		// Staff UI.
		{"GET /dashboard", auth.ViewDashboard, s.dashboard},
		{"GET /donations", auth.ViewDonations, s.donationList},
		{"GET /donations/export.xlsx", auth.ViewDonations, s.donationExport},
		{"GET /donations/new", auth.RecordDonation, s.donationForm},
		{"POST /donations", auth.RecordDonation, s.donationCreate},
		{"GET /donations/{id}", auth.ViewDonations, s.donationDetail},
		{"POST /donations/{id}/reverse", auth.ReverseDonation, s.donationReverse},
		{"GET /imports/new", auth.ImportDonations, s.importForm},
		{"POST /imports", auth.ImportDonations, s.importUpload},
		{"GET /imports/{id}", auth.ImportDonations, s.importPreview},
		{"POST /imports/{id}/commit", auth.ImportDonations, s.importCommit},
		{"GET /imports/{id}/progress", auth.ImportDonations, s.importProgressFragment},
		{"GET /audit", auth.ViewAudit, s.auditList},
		{"GET /audit.xlsx", auth.ViewAudit, s.auditXLSX},
		{"GET /admin/users", auth.ViewAdmin, s.userList},
		{"POST /admin/users", auth.ManageUsers, s.userCreate},
		{"POST /admin/users/{id}", auth.ManageUsers, s.userUpdate},
		{"POST /admin/users/{id}/password", auth.ManageUsers, s.userPassword},
		{"POST /admin/users/{id}/tokens", auth.ManageUsers, s.tokenCreate},
		{"POST /admin/tokens/{id}/revoke", auth.ManageUsers, s.tokenRevoke},
		{"GET /admin/branches", auth.ViewAdmin, s.branchList},
		{"POST /admin/branches", auth.ManageBranches, s.branchCreate},
		{"POST /admin/branches/{id}", auth.ManageBranches, s.branchUpdate},
		{"GET /admin/webhooks", auth.ViewAdmin, s.webhookList},
		{"POST /admin/webhooks", auth.ManageWebhooks, s.webhookCreate},
		{"POST /admin/webhooks/{id}", auth.ManageWebhooks, s.webhookUpdate},
		{"POST /admin/deliveries/{id}/retry", auth.ManageWebhooks, s.deliveryRetry},

		// Relief goods.
		{"GET /goods", auth.ViewGoods, s.goodsPage},
		{"GET /goods/list", auth.ViewGoods, s.goodsListPage},
		{"GET /goods/list.xlsx", auth.ViewGoods, s.goodsListXLSX},
		{"GET /api/v1/items", auth.ViewGoods, s.apiItems},
		{"GET /goods/pick", auth.ViewGoods, s.itemPick},
		{"POST /goods/items", auth.ManageCatalogue, s.itemCreate},
		{"POST /goods/items/{id}", auth.ManageCatalogue, s.itemUpdate},
		{"GET /goods/stock", auth.ViewGoods, s.stockPage},
		{"POST /goods/stock", auth.DispatchGoods, s.stockDoc},
		{"GET /goods/list.pdf", auth.ViewGoods, s.goodsListPDF},
		{"GET /goods/intake", auth.ViewGoods, s.intakeList},
		{"GET /goods/intake.xlsx", auth.ViewGoods, s.intakeXLSX},
		{"GET /goods/prearrivals.xlsx", auth.ViewGoods, s.preArrivalsXLSX},
		{"GET /goods/requests.xlsx", auth.ViewGoods, s.requestsXLSX},
		{"GET /goods/allocations.xlsx", auth.ViewGoods, s.allocationsXLSX},
		{"GET /goods/dispatches.xlsx", auth.ViewGoods, s.dispatchesXLSX},
		{"GET /goods/intake/new", auth.RecordInKind, s.intakeForm},
		{"POST /goods/intake", auth.RecordInKind, s.intakeCreate},
		{"GET /goods/intake/{id}", auth.ViewGoods, s.intakeDetail},
		{"GET /goods/intake/{id}/certificate.pdf", auth.ViewGoods, s.intakeCertificate},
		{"POST /goods/intake/{id}/sign", auth.RecordInKind, s.intakeSign},
		{"POST /goods/intake/{id}/settle", auth.DispatchGoods, s.intakeSettle},
		{"GET /goods/prearrivals", auth.ViewGoods, s.preArrivals},
		{"POST /goods/prearrivals", auth.RecordInKind, s.preArrivalCreate},
		{"POST /goods/prearrivals/{id}/arrive", auth.RecordInKind, s.preArrivalArrive},
		{"GET /goods/requests", auth.ViewGoods, s.requestList},
		{"GET /goods/requests/new", auth.RequestGoods, s.requestForm},
		{"POST /goods/requests", auth.RequestGoods, s.requestCreate},
		{"POST /goods/recipients", auth.RequestGoods, s.recipientCreate},
		{"GET /goods/requests/{id}", auth.ViewGoods, s.requestDetail},
		{"GET /goods/requests/{id}/files/{file}", auth.ViewGoods, s.requestFile},
		{"GET /goods/proposal", auth.ViewGoods, s.proposalPage},
		{"POST /goods/proposal/{id}/submit", auth.ProposeGoods, s.proposalSubmit},
		{"GET /goods/allocations", auth.ViewGoods, s.allocationList},
		{"GET /goods/allocations/{id}", auth.ViewGoods, s.allocationDetail},
		{"POST /goods/allocations/{id}/decide", auth.ApproveGoods, s.allocationDecide},
		{"POST /goods/allocations/{id}/paperwork", auth.ProposeGoods, s.allocationPaperwork},
		{"POST /goods/allocations/{id}/dispatch", auth.DispatchGoods, s.allocationDispatch},
		{"GET /goods/dispatches", auth.ViewGoods, s.dispatchList},
		{"GET /goods/dispatches/{id}", auth.ViewGoods, s.dispatchDetail},
		{"POST /goods/dispatches/{id}/note.pdf", auth.DispatchGoods, s.dispatchNote},
		{"GET /goods/import", auth.RecordInKind, s.goodsImportForm},
		{"GET /goods/import/template.xlsx", auth.RecordInKind, s.goodsImportTemplate},
		{"POST /goods/import/preview", auth.RecordInKind, s.goodsImportPreview},
		{"POST /goods/import/commit", auth.RecordInKind, s.goodsImportCommit},

		// Funds and expenditure.
		{"GET /funds", auth.ViewFunds, s.fundsPage},
		{"GET /funds.xlsx", auth.ViewFunds, s.fundsXLSX},
		{"POST /funds/release", auth.ManageLedger, s.fundRelease},
		{"POST /funds/close", auth.ManageLedger, s.fundsClose},
		{"GET /reports", auth.ViewFunds, s.reportsPage},
		{"GET /reports.xlsx", auth.ViewFunds, s.reportsXLSX},
		{"GET /expenditures", auth.ViewFunds, s.expenditureList},
		{"GET /expenditures/new", auth.RequestSpend, s.expenditureForm},
		{"POST /expenditures", auth.RequestSpend, s.expenditureCreate},
		{"GET /expenditures/{id}", auth.ViewFunds, s.expenditureDetail},
		{"POST /expenditures/{id}/approve", auth.ApproveSpend, s.expenditureApprove},
		{"POST /expenditures/{id}/reject", auth.ApproveSpend, s.expenditureReject},
		{"POST /expenditures/{id}/pay", auth.PaySpend, s.expenditurePay},

		// Supervision (监督): alerts and the audit package.
		{"GET /supervision", auth.ViewSupervision, s.supervisionPage},
		{"GET /supervision/alerts.xlsx", auth.ViewSupervision, s.alertsXLSX},
		{"POST /supervision/alerts/{id}/ack", auth.AckAlerts, s.alertAck},
		{"GET /supervision/package", auth.ViewSupervision, s.auditPackage},

		// Donation receipts (公益事业捐赠票据).
		{"GET /receipts", auth.ViewReceipts, s.receiptRegister},
		{"GET /receipts.xlsx", auth.ViewReceipts, s.receiptsXLSX},
		{"GET /receipts/ranges", auth.ViewReceipts, s.receiptRangesPage},
		{"POST /receipts/ranges", auth.IssueReceipts, s.receiptRangeAdd},
		{"POST /receipts/spoil", auth.IssueReceipts, s.receiptSpoil},
		{"POST /receipts/goods", auth.IssueReceipts, s.receiptGoodsIssue},
		{"GET /receipts/{id}", auth.ViewReceipts, s.receiptDetail},
		{"GET /receipts/{id}/receipt.pdf", auth.ViewReceipts, s.receiptPDF},
		{"POST /receipts/{id}/void", auth.IssueReceipts, s.receiptVoid},
		{"POST /receipts/{id}/reissue", auth.IssueReceipts, s.receiptReissue},
		{"GET /donations/{id}/receipt", auth.ViewReceipts, s.donationReceipt},
		{"POST /donations/{id}/receipt", auth.IssueReceipts, s.donationReceiptIssue},
		{"POST /donations/{id}/receipt/request", auth.IssueReceipts, s.donationReceiptRequest},
		{"POST /donations/{id}/receipt/choice", auth.IssueReceipts, s.donationReceiptChoice},
		{"GET /r/{code}/{number}", "", s.receiptVerify}, // public: a receipt's QR code
		{"GET /r/{code}/{number}/proof", "", s.receiptProof},

		// The daily disclosure (每日公示): make, check (a second person), publish, correct.
		{"GET /disclosures", auth.ViewDisclosures, s.disclosureList},
		{"POST /disclosures", auth.PrepareDisclosure, s.disclosurePrepare},
		{"GET /disclosures/{date}", auth.ViewDisclosures, s.disclosureReview},
		{"POST /disclosures/{date}/check", auth.CheckDisclosure, s.disclosureCheck},
		{"POST /disclosures/{date}/publish", auth.PublishDisclosure, s.disclosurePublish},
		{"POST /disclosures/{date}/corrections", auth.PrepareDisclosure, s.correctionCreate},
		{"POST /disclosures/corrections/{id}/check", auth.CheckDisclosure, s.correctionCheck},
		{"POST /disclosures/corrections/{id}/publish", auth.PublishDisclosure, s.correctionPublish},

		// JSON API (Bearer token or session).
		{"POST /api/v1/donations", auth.RecordDonation, s.apiDonationCreate},
		{"GET /api/v1/donations", auth.ViewDonations, s.apiDonationList},
		{"GET /api/v1/donations/{id}", auth.ViewDonations, s.apiDonationGet},
		{"GET /api/v1/donations/{id}/certificate.pdf", auth.ViewDonations, s.certificatePDF},
		{"GET /api/v1/donations/{id}/certificate.png", auth.ViewDonations, s.certificatePNG},
		{"POST /api/v1/inkind", auth.RecordInKind, s.apiInKindCreate},
		{"GET /api/v1/inkind/{id}", auth.ViewGoods, s.apiInKindGet},
		{"POST /api/v1/inkind/{id}/signoffs", auth.RecordInKind, s.apiInKindSign},
		{"POST /api/v1/requests", auth.RequestGoods, s.apiRequestCreate},
		{"GET /api/v1/requests/{id}", auth.ViewGoods, s.apiRequestGet},
		{"GET /api/v1/recipients", auth.ViewGoods, s.apiRecipients},
		{"GET /api/v1/sign/{token}", "", s.apiSignGet}, // public: the token is the key
		{"POST /api/v1/sign/{token}", "", s.apiSign},
	}
}

// Handler returns the whole HTTP handler: routes, authentication, CSRF
// protection, metrics and security headers.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range s.Routes() {
		h := http.Handler(rt.h)
		if rt.action != "" {
			h = s.require(rt.action, h)
		}
		mux.Handle(rt.pattern, h)
	}
	static, _ := fs.Sub(assets, "static")
	mux.Handle("GET /static/", cacheForever(http.StripPrefix("/static/", http.FileServerFS(static))))
	if s.metrics != nil {
		mux.Handle("GET /metrics", s.metrics.Handler())
	}
	mux.HandleFunc("/", s.notFound)

	// Cross-origin form posts are refused (CSRF); requests without
	// browser fetch metadata, such as API clients with a token, pass.
	csrf := http.NewCrossOriginProtection()
	h := reportPattern(mux)
	h = csrf.Handler(h)
	h = s.authenticate(h)
	h = s.withProxies(h)
	h = securityHeaders(h)
	h = s.observe(h)
	return h
}

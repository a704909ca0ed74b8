// Package auth holds staff accounts, roles and what each role may do.
// Every handler asks Can before it acts; the role matrix test in
// internal/web walks every role against every route.
package auth

import (
	"slices"
	"time"
)

// Role is a staff role. A user has exactly one.
type Role string

const (
	Admin      Role = "admin"      // users, branches, everything
	Clerk      Role = "clerk"      // donation clerk: records and imports donations
	Warehouse  Role = "warehouse"  // warehouse keeper
	Approver   Role = "approver"   // approves allocations and spending
	Finance    Role = "finance"    // funds, receipts, corrections
	Supervisor Role = "supervisor" // discipline inspection / audit: reads everything, writes nothing
	Branch     Role = "branch"     // district/county branch staff: own branch only
)

// Roles lists every role in the order the UI shows them.
var Roles = []Role{Admin, Clerk, Warehouse, Approver, Finance, Supervisor, Branch}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// Action is something a user may be allowed to do.
type Action string

const (
	ViewDashboard   Action = "dashboard.view"
	ViewDonations   Action = "donations.view"
	RecordDonation  Action = "donations.record"
	ReverseDonation Action = "donations.reverse"
	ImportDonations Action = "donations.import"
	ViewAudit       Action = "audit.view"
	ManageUsers     Action = "users.manage"
	ManageBranches  Action = "branches.manage"
	ViewAdmin       Action = "admin.view"      // read the user and branch lists
	ViewGoods       Action = "goods.view"      // the catalogue, stock and the daily goods list
	RecordInKind    Action = "goods.intake"    // in-kind intake, its sign-off, pre-arrivals
	RequestGoods    Action = "goods.request"   // allocation requests on behalf of requesting units
	ProposeGoods    Action = "goods.propose"   // the task force: proposals, recipients, paperwork owed
	ApproveGoods    Action = "goods.approve"   // decide at an approval step (the step names the roles)
	DispatchGoods   Action = "goods.dispatch"  // dispatch notes and settling intake into stock
	ManageCatalogue Action = "goods.catalogue" // add items, retire them
	ViewFunds       Action = "funds.view"      // fund balances, expenditures, where money went
	RequestSpend    Action = "expenditure.request"
	ApproveSpend    Action = "expenditure.approve"
	PaySpend        Action = "expenditure.pay"
	ManageLedger    Action = "ledger.manage" // releases of restrictions, period close
	// Donation receipts: the stock, issue, void and reissue; the register.
	IssueReceipts Action = "receipts.issue"
	ViewReceipts  Action = "receipts.view"
	// ManageWebhooks: the group robots and their failed deliveries.
	ManageWebhooks Action = "webhooks.manage"
	// Supervision (监督): the alerts page and the audit package for a
	// period; acknowledging an alert with a note is an administrator's write.
	ViewSupervision Action = "supervision.view"
	AckAlerts       Action = "alerts.ack"
	// The daily disclosure (每日公示): who reads the drafts, who makes (and
	// re-makes) a day or drafts a correction, who checks one (never their
	// own: the store refuses), who publishes.
	ViewDisclosures   Action = "disclosure.view"
	PrepareDisclosure Action = "disclosure.prepare"
	CheckDisclosure   Action = "disclosure.check"
	PublishDisclosure Action = "disclosure.publish"
)

// reads are the actions that change nothing. Supervisors (纪检监察,
// audit) may take every one of them and no other: the role matrix test
// holds every route to this.
var reads = []Action{ViewDashboard, ViewDonations, ViewAudit, ViewAdmin, ViewGoods, ViewFunds, ViewReceipts, ViewSupervision, ViewDisclosures}

// ReadOnly reports whether a changes nothing.
func (a Action) ReadOnly() bool { return slices.Contains(reads, a) }

// Actions lists every action in the permission table.
func Actions() []Action {
	out := make([]Action, 0, len(permissions))
	for a := range permissions {
		out = append(out, a)
	}
	slices.Sort(out)
	return out
}

var allStaff = []Role{Admin, Clerk, Warehouse, Approver, Finance, Supervisor, Branch}

// permissions is the whole policy in one table.
var permissions = map[Action][]Role{
	ViewDashboard:   allStaff,
	ViewDonations:   allStaff,
	RecordDonation:  {Admin, Clerk, Branch},
	ReverseDonation: {Admin, Clerk, Finance},
	ImportDonations: {Admin, Clerk, Finance},
	ViewAudit:       {Admin, Supervisor},
	ManageUsers:     {Admin},
	ManageBranches:  {Admin},
	ViewAdmin:       {Admin, Supervisor},
	ViewGoods:       {Admin, Clerk, Warehouse, Approver, Finance, Supervisor, Branch},
	RecordInKind:    {Admin, Clerk, Warehouse},
	RequestGoods:    {Admin, Clerk, Branch},
	ProposeGoods:    {Admin, Clerk},
	ApproveGoods:    {Admin, Clerk, Approver},
	DispatchGoods:   {Admin, Warehouse},
	ManageCatalogue: {Admin},
	ViewFunds:       {Admin, Clerk, Approver, Finance, Supervisor},
	RequestSpend:    {Admin, Clerk, Finance},
	ApproveSpend:    {Admin, Approver, Finance},
	PaySpend:        {Admin, Finance},
	ManageLedger:    {Admin, Finance},
	IssueReceipts:   {Admin, Finance},
	ViewReceipts:    {Admin, Finance, Supervisor, Clerk},
	ManageWebhooks:  {Admin},
	ViewSupervision: {Admin, Supervisor},
	AckAlerts:       {Admin},

	ViewDisclosures:   {Admin, Clerk, Approver, Finance, Supervisor},
	PrepareDisclosure: {Admin, Clerk, Finance},
	CheckDisclosure:   {Admin, Clerk, Finance},
	PublishDisclosure: {Admin, Finance},
}

// User is a staff account.
type User struct {
	ID          int64
	Username    string
	DisplayName string
	Role        Role
	BranchID    int64 // the branch the user belongs to; for Branch role it is also the limit of what they see
	Active      bool
	CreatedAt   time.Time
}

// Can reports whether u may perform a.
func (u *User) Can(a Action) bool {
	if u == nil || !u.Active {
		return false
	}
	return slices.Contains(permissions[a], u.Role)
}

// ScopeBranch is the branch u's reads and writes are limited to, or 0 for
// no limit. Branch staff see and enter only their own branch's records.
func (u *User) ScopeBranch() int64 {
	if u.Role == Branch {
		return u.BranchID
	}
	return 0
}

// SeesBranch reports whether u may see records of branch id.
func (u *User) SeesBranch(id int64) bool {
	s := u.ScopeBranch()
	return s == 0 || s == id
}

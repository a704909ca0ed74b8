package ledger

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"boai/internal/donation"
	"boai/internal/money"
)

// book is a little society run by random operations, with the checks a
// store would make before each write: it keeps the ledger, each fund's
// inflows in arrival order, the links, and what approved but unpaid
// expenditures have claimed.
type book struct {
	t        *testing.T
	rng      *rand.Rand
	txns     []Transaction
	bal      Balances
	inflows  map[Account][]Inflow
	links    map[int64][]Link // by spender: a paid expenditure, or a release's draw on its From fund
	claimed  map[Account]money.Fen
	unpaid   []*Expenditure
	spends   map[int64]spend // payment and release transactions, by transaction id
	reversed map[int64]bool
	byID     map[int64]Transaction
	count    map[string]int    // what happened, to see that the run exercised every path
	fundOf   map[int64]Account // each inflow's fund
	nextID   int64
}

// spend is what a payment or a release took from funds, so its reversal
// can give it back.
type spend struct {
	spender int64
	into    Account // a release: the fund it moved money into, as inflow spender
}

var designations = []donation.Designation{
	general, covid, chunan,
	{Kind: donation.Project, Target: "结对助学"},
	{Kind: donation.Institution, Target: "浙江大学医学院附属第一医院"},
}

func newBook(t *testing.T, seed uint64) *book {
	return &book{t: t, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), bal: Balances{},
		inflows: map[Account][]Inflow{}, links: map[int64][]Link{}, claimed: map[Account]money.Fen{},
		spends: map[int64]spend{}, reversed: map[int64]bool{}, byID: map[int64]Transaction{}, count: map[string]int{}, fundOf: map[int64]Account{}}
}

func (b *book) id() int64 { b.nextID++; return b.nextID }

func (b *book) available(f Account) money.Fen { return b.bal.Funds()[f] - b.claimed[f] }

// post records a transaction after checking it, as the store does.
func (b *book) post(tx Transaction) Transaction {
	b.t.Helper()
	if err := tx.Validate(); err != nil {
		b.t.Fatalf("posting %+v: %v", tx, err)
	}
	tx.ID = b.id()
	b.txns = append(b.txns, tx)
	b.reversed[tx.Reverses] = true
	b.byID[tx.ID] = tx
	b.count[tx.Kind]++
	b.bal.Add(tx)
	return tx
}

func (b *book) amount() money.Fen {
	switch b.rng.IntN(4) {
	case 0:
		return money.Fen(1 + b.rng.IntN(100))
	case 1:
		return money.Fen(1 + b.rng.IntN(1_000_000))
	}
	return money.Fen(100 * (1 + b.rng.IntN(10_000)))
}

func (b *book) donate() {
	d := donation.Donation{ID: b.id(), AmountFen: b.amount(), Channel: donation.Channels[b.rng.IntN(len(donation.Channels))],
		Designation: designations[b.rng.IntN(len(designations))], ReceivedAt: day}
	tx, err := ForDonation(&d)
	if err != nil {
		b.t.Fatal(err)
	}
	tx = b.post(tx)
	f := FundOf(d.Designation)
	b.inflows[f] = append(b.inflows[f], Inflow{ID: tx.ID, Amount: d.AmountFen})
	b.fundOf[tx.ID] = f
}

// request asks for a random expenditure, often one the rules refuse: a
// restricted fund spent on another purpose, or more than a fund has.
func (b *book) request() {
	e := &Expenditure{ID: b.id(), Kind: Categories[b.rng.IntN(len(Categories))], Payee: "某某公司",
		Purpose: designations[b.rng.IntN(len(designations))], RequestedBy: "王五"}
	funds := []Account{GeneralFund}
	for range b.rng.IntN(3) {
		funds = append(funds, FundOf(designations[b.rng.IntN(len(designations))]))
	}
	for _, f := range funds {
		if slices.ContainsFunc(e.Draws, func(d Draw) bool { return d.Fund == f }) {
			continue
		}
		avail := b.available(f)
		amt := b.amount()
		if avail > 0 && b.rng.IntN(4) > 0 {
			amt = money.Fen(1 + b.rng.Int64N(int64(avail))) // mostly within what is there
		}
		e.Draws = append(e.Draws, Draw{f, amt})
		e.Amount += amt
	}
	if err := e.Validate(); err != nil {
		for _, d := range e.Draws {
			if d.Fund.Restricted() && FundOf(e.Purpose) != d.Fund {
				b.count["refused: elsewhere"]++
				return // refused for spending designated money elsewhere, as it must be
			}
		}
		b.t.Fatalf("refused %+v: %v", e, err)
	}
	for _, d := range e.Draws {
		if d.Fund.Restricted() && FundOf(e.Purpose) != d.Fund {
			b.t.Fatalf("designated money spent elsewhere: %+v", e)
		}
		if err := CheckAvailable(d.Fund, b.available(d.Fund), d.Amount); err != nil {
			if d.Amount <= b.available(d.Fund) {
				b.t.Fatalf("refused within balance: %v", err)
			}
			b.count["refused: overdraw"]++
			return // would overdraw: refused
		}
	}
	if err := e.Approve(DefaultPolicy, "李四"); err != nil {
		b.t.Fatal(err)
	}
	if e.Status == Pending {
		if err := e.Approve(DefaultPolicy, "赵六"); err != nil {
			b.t.Fatal(err)
		}
	}
	for _, d := range e.Draws {
		b.claimed[d.Fund] += d.Amount
	}
	b.unpaid = append(b.unpaid, e)
}

// pay pays an approved expenditure and links each draw to donations:
// first in, first out, or sometimes a hand-made choice of the newest.
func (b *book) pay() {
	if len(b.unpaid) == 0 {
		return
	}
	i := b.rng.IntN(len(b.unpaid))
	e := b.unpaid[i]
	b.unpaid = slices.Delete(b.unpaid, i, i+1)
	for _, d := range e.Draws {
		b.claimed[d.Fund] -= d.Amount
		if err := CheckAvailable(d.Fund, b.available(d.Fund), d.Amount); err != nil {
			b.t.Fatalf("an approved claim no longer covered: %v", err)
		}
	}
	tx, err := e.Pay(day, Bank)
	if err != nil {
		b.t.Fatal(err)
	}
	tx = b.post(tx)
	for _, d := range e.Draws {
		b.link(tx.ID, d)
	}
	b.spends[tx.ID] = spend{spender: tx.ID}
}

func (b *book) link(spender int64, d Draw) {
	in := b.inflows[d.Fund]
	links, err := LinkFIFO(in, spender, d)
	if err != nil {
		b.t.Fatalf("LinkFIFO: %v", err)
	}
	if b.rng.IntN(3) == 0 { // by hand: newest money first
		links = links[:0:0]
		need := d.Amount
		for j := len(in) - 1; j >= 0 && need > 0; j-- {
			if take := min(in[j].Unused(), need); take > 0 {
				links = append(links, Link{in[j].ID, spender, take})
				need -= take
			}
		}
		if err := CheckLinks(in, spender, d, links); err != nil {
			b.t.Fatalf("CheckLinks: %v", err)
		}
		b.count["linked by hand"]++
	}
	b.apply(d.Fund, links, +1)
	b.links[spender] = append(b.links[spender], links...)
}

func (b *book) apply(f Account, links []Link, sign money.Fen) {
	for _, l := range links {
		if b.fundOf[l.DonationID] != f {
			continue // a link on another of the spender's funds
		}
		j := slices.IndexFunc(b.inflows[f], func(in Inflow) bool { return in.ID == l.DonationID })
		b.inflows[f][j].Used += sign * l.Amount
	}
}

// release re-purposes part of a restricted fund with the donors' consent.
func (b *book) release() {
	from := FundOf(designations[1+b.rng.IntN(len(designations)-1)])
	to := FundOf(designations[b.rng.IntN(len(designations))])
	amt := b.amount()
	r := Release{From: from, To: to, Amount: amt, At: day, Consent: "同意书", Reason: "结余", Approver: "李四"}
	tx, err := r.Transaction()
	if from == to {
		if err == nil {
			b.t.Fatal("released a fund into itself")
		}
		return
	}
	if err != nil {
		b.t.Fatal(err)
	}
	if CheckAvailable(from, b.available(from), amt) != nil {
		return
	}
	tx = b.post(tx)
	b.link(tx.ID, Draw{from, amt})
	b.inflows[to] = append(b.inflows[to], Inflow{ID: tx.ID, Amount: amt})
	b.fundOf[tx.ID] = to
	b.spends[tx.ID] = spend{spender: tx.ID, into: to}
}

// reverse cancels a random earlier transaction when the rules allow it: a
// donation only while its money is unspent and unclaimed, a release only
// while the money it moved is, a payment always (its money comes back).
func (b *book) reverse() {
	if len(b.txns) == 0 {
		return
	}
	orig := b.txns[b.rng.IntN(len(b.txns))]
	if orig.Kind == KindReversal || b.reversed[orig.ID] {
		return
	}
	rev, err := Reverse(orig, day, "录入错误", "李四")
	if err != nil {
		b.t.Fatal(err)
	}
	switch orig.Kind {
	case KindDonation, KindRelease:
		into := orig.Postings[1].Account // the fund the money went to
		j := slices.IndexFunc(b.inflows[into], func(in Inflow) bool { return in.ID == orig.ID })
		if j < 0 {
			b.t.Fatalf("no inflow for %+v", orig)
		}
		in := b.inflows[into][j]
		if in.Used > 0 || CheckAvailable(into, b.available(into), in.Amount) != nil {
			b.count["refused: reversal of spent money"]++
			return // its money is spent or claimed: refused
		}
		b.post(rev)
		b.inflows[into] = slices.Delete(b.inflows[into], j, j+1)
		if orig.Kind == KindRelease {
			b.unlink(orig.ID, orig.Postings[0].Account)
		}
	case KindPayment:
		b.post(rev)
		for _, p := range orig.Postings {
			if f := p.Account.Fund(); f != "" {
				b.unlink(orig.ID, f)
			}
		}
	}
}

func (b *book) unlink(spender int64, f Account) {
	b.apply(f, b.links[spender], -1)
}

// check asserts every invariant.
func (b *book) check(step int) {
	b.t.Helper()
	fail := func(format string, args ...any) { b.t.Fatalf("step %d: %s", step, fmt.Sprintf(format, args...)) }
	if err := b.bal.Check(); err != nil {
		fail("%v", err)
	}
	funds := b.bal.Funds()
	for f, in := range b.inflows {
		var unused money.Fen
		for _, x := range in {
			if x.Used < 0 || x.Used > x.Amount {
				fail("inflow %d of %s used %d of %d", x.ID, f, x.Used, x.Amount)
			}
			unused += x.Unused()
		}
		if unused != funds[f] {
			fail("%s: unused donations %d, fund balance %d", f, unused, funds[f])
		}
		if funds[f] < b.claimed[f] {
			fail("%s: balance %d below claims %d", f, funds[f], b.claimed[f])
		}
	}
	// The links of each live payment or release cover each of its draws exactly.
	for id, s := range b.spends {
		if b.reversed[id] {
			continue
		}
		per := map[Account]money.Fen{}
		for _, l := range b.links[s.spender] {
			per[b.fundOf[l.DonationID]] += l.Amount
		}
		for _, p := range b.byID[id].Postings {
			if f := p.Account.Fund(); f != "" && p.Debit > 0 && per[f] != p.Debit {
				fail("transaction %d draws %d on %s, links %d", id, p.Debit, f, per[f])
			}
		}
	}
}

func TestLedgerProperties(t *testing.T) {
	total := map[string]int{}
	for seed := range uint64(20) {
		b := newBook(t, seed)
		for step := range 1500 {
			switch r := b.rng.IntN(100); {
			case r < 40:
				b.donate()
			case r < 65:
				b.request()
			case r < 85:
				b.pay()
			case r < 92:
				b.release()
			default:
				b.reverse()
			}
			b.check(step)
		}
		// The whole history, recounted from scratch, agrees with the running totals.
		tb, err := Trial(b.txns)
		if err != nil {
			t.Fatal(err)
		}
		if err := tb.Check(); err != nil {
			t.Fatal(err)
		}
		for a, v := range tb {
			if b.bal[a] != v {
				t.Fatalf("seed %d: %s recounted %d, running %d", seed, a, v, b.bal[a])
			}
		}
		for k, v := range b.count {
			total[k] += v
		}
	}
	t.Logf("over 20 runs: %v", total)
	for _, k := range []string{KindDonation, KindPayment, KindRelease, KindReversal, "linked by hand",
		"refused: elsewhere", "refused: overdraw", "refused: reversal of spent money"} {
		if total[k] == 0 {
			t.Errorf("no %s in any run: the test does not exercise it", k)
		}
	}
}

package ledger

import (
	"math/big"
	"slices"
	"strconv"

	"boai/internal/money"
)

// Rate is the utilisation rate (资金使用率): Spent ÷ Received, kept as the
// two totals so it stays an exact fraction until it is printed.
type Rate struct {
	Received money.Fen
	Spent    money.Fen
}

// Rat is the rate as an exact fraction, nil when nothing was received.
func (r Rate) Rat() *big.Rat {
	if r.Received == 0 {
		return nil
	}
	return big.NewRat(int64(r.Spent), int64(r.Received))
}

// Permille is the rate in tenths of a percent, rounded half up (half away
// from zero for a negative rate, which reversals can produce in a period):
// ¥165,000,000 of ¥177,000,000 is 932. ok is false when nothing was received.
// big.Int keeps spent × 1000 exact at any size.
func (r Rate) Permille() (v int64, ok bool) {
	if r.Received == 0 {
		return 0, false
	}
	num := new(big.Int).Mul(big.NewInt(int64(r.Spent)), big.NewInt(1000))
	den := big.NewInt(int64(r.Received))
	neg := num.Sign()*den.Sign() < 0
	num.Abs(num)
	den.Abs(den)
	// round(n/d) half up = floor((2n + d) / 2d)
	num.Add(num.Lsh(num, 1), den)
	q := num.Quo(num, den.Lsh(den, 1))
	if neg {
		q.Neg(q)
	}
	return q.Int64(), true
}

// String prints the rate to one decimal place, "93.2%", or "—" when
// nothing was received.
func (r Rate) String() string {
	v, ok := r.Permille()
	if !ok {
		return "—"
	}
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	return sign + strconv.FormatInt(v/10, 10) + "." + strconv.FormatInt(v%10, 10) + "%"
}

// Rates pairs received and spent totals by key (a fund, a project, a
// period, …) into rates; a key in either map gets one.
func Rates[K comparable](received, spent map[K]money.Fen) map[K]Rate {
	out := make(map[K]Rate, len(received))
	for k, v := range received {
		out[k] = Rate{Received: v, Spent: spent[k]}
	}
	for k, v := range spent {
		if _, ok := received[k]; !ok {
			out[k] = Rate{Spent: v}
		}
	}
	return out
}

// Flows totals, per fund, the money received (money donations, less their
// reversals) and spent (payments, less theirs) in txns; the caller picks
// the transactions of the period it reports. Only transactions that move
// money count: goods at value and transfers between funds are neither
// received nor spent money.
func Flows(txns []Transaction) map[Account]Rate {
	out := map[Account]Rate{}
	for _, t := range txns {
		if !slices.ContainsFunc(t.Postings, func(p Posting) bool { return p.Account.Money() }) {
			continue
		}
		for _, p := range t.Postings {
			r := out[p.Account.Fund()]
			switch p.Account.Class() {
			case ClassFund:
				r.Received -= p.Signed()
			case ClassExpense:
				r.Spent += p.Signed()
			default:
				continue
			}
			out[p.Account.Fund()] = r
		}
	}
	return out
}

// Total adds rates up, for the overall rate.
func Total[K comparable](rates map[K]Rate) Rate {
	var t Rate
	for _, r := range rates {
		t.Received += r.Received
		t.Spent += r.Spent
	}
	return t
}

package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// A purpose no demo donation names, so this test's donation is the
// fund's only money.
const project = "云栖方舱医院建设"

// giveForProject records ¥1,000 designated to the project through the
// form and returns the donation page's path.
func giveForProject(t *testing.T, ctx context.Context, base string) string {
	t.Helper()
	navigate(t, ctx, base+"/donations/new")
	f := `#donation-form `
	err := chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS(f+`select[name="donor_kind"]`), "organization"),
		chromedp.SendKeys(chromedp.CSS(f+`input[name="donor_name"]`), "杭州某某科技有限公司"),
		chromedp.SendKeys(chromedp.CSS(f+`input[name="amount"]`), "1,000.00"),
		chromedp.SetValue(chromedp.CSS(f+`select[name="designation_kind"]`), "purpose"),
		chromedp.SendKeys(chromedp.CSS(f+`input[name="designation_target"]`), project),
	)
	if err != nil {
		t.Fatal(err)
	}
	submit(t, ctx, f+`button[type="submit"]`)
	return strings.SplitN(strings.TrimPrefix(location(t, ctx), base), "?", 2)[0]
}

// requestSpend fills the expenditure form against the project's fund.
func requestSpend(t *testing.T, ctx context.Context, base, purpose, amount string) {
	t.Helper()
	navigate(t, ctx, base+"/expenditures/new")
	f := `#expenditure-form `
	fund := eval[string](t, ctx, `[...document.querySelectorAll('#expenditure-form select[name="fund"]')[0].options].find(o => o.text.includes('`+project+`')).value`)
	err := chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS(f+`select[name="kind"]`), "procurement"),
		chromedp.SendKeys(chromedp.CSS(f+`input[name="payee"]`), "杭州某某医疗器械有限公司"),
		chromedp.SetValue(chromedp.CSS(f+`select[name="purpose_kind"]`), "purpose"),
		chromedp.SendKeys(chromedp.CSS(f+`input[name="purpose_target"]`), purpose),
		chromedp.SetValue(chromedp.CSS(f+`select[name="fund"]`), fund),
		chromedp.SendKeys(chromedp.CSS(f+`input[name="fund_amount"]`), amount),
	)
	if err != nil {
		t.Fatal(err)
	}
}

// TestDesignatedMoneySpentAndTraced: a clerk records money designated to
// a project and requests an expenditure on it, the approver approves,
// finance pays, and the donation's page shows where its money went.
func TestDesignatedMoneySpentAndTraced(t *testing.T) {
	chrome := need(t, "chromium")
	base := startServer(t)
	ctx := newBrowser(t, chrome)

	login(t, ctx, base, "clerk", "boai-demo-clerk")
	donationPage := giveForProject(t, ctx, base)
	requestSpend(t, ctx, base, project, "600.00")
	submit(t, ctx, `#expenditure-form button[type="submit"]`)
	spendPage := strings.SplitN(strings.TrimPrefix(location(t, ctx), base), "?", 2)[0]
	if !strings.Contains(bodyText(t, ctx), "待审批") {
		t.Fatalf("after request:\n%s", bodyText(t, ctx))
	}
	logout(t, ctx)

	login(t, ctx, base, "approver", "boai-demo-approver")
	navigate(t, ctx, base+spendPage)
	submit(t, ctx, `#approve-form button[type="submit"]`)
	logout(t, ctx)

	login(t, ctx, base, "finance", "boai-demo-finance")
	navigate(t, ctx, base+spendPage)
	submit(t, ctx, `#pay-form button[type="submit"]`)
	behind := eval[string](t, ctx, `document.querySelector('#behind').innerText`)
	if !strings.Contains(behind, "杭州某某科技有限公司") || !strings.Contains(behind, "¥600.00") {
		t.Errorf("the payment's donations:\n%s", behind)
	}

	shot(t, ctx, "21-expenditure-paid")
	navigate(t, ctx, base+donationPage)
	shot(t, ctx, "22-donation-trail")
	trail := eval[string](t, ctx, `document.querySelector('#money-trail').innerText`)
	for _, want := range []string{"我的捐款去了哪里", project, "杭州某某医疗器械有限公司", "¥600.00", "¥400.00"} {
		if !strings.Contains(trail, want) {
			t.Errorf("where did my money go lacks %q:\n%s", want, trail)
		}
	}
}

// TestDesignatedMoneyRefusedElsewhere: the same fund cannot pay for
// anything else; the refusal names the fund and supervisors see an alert.
func TestDesignatedMoneyRefusedElsewhere(t *testing.T) {
	chrome := need(t, "chromium")
	base := startServer(t)
	ctx := newBrowser(t, chrome)

	login(t, ctx, base, "clerk", "boai-demo-clerk")
	giveForProject(t, ctx, base)
	requestSpend(t, ctx, base, "养老院慰问", "100.00")
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`#expenditure-form button[type="submit"]`)))
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status != 400 {
		t.Errorf("spending designated money elsewhere: HTTP %d, want 400", resp.Status)
	}
	shot(t, ctx, "20-refused")
	msg := eval[string](t, ctx, `document.querySelector('.flash.err').innerText`)
	if !strings.Contains(msg, project) || !strings.Contains(msg, "养老院慰问") {
		t.Errorf("refusal does not name the fund and purpose: %q", msg)
	}
	if v := value(t, ctx, `#expenditure-form input[name="payee"]`); v != "杭州某某医疗器械有限公司" {
		t.Errorf("the form lost what was typed: payee %q", v)
	}
	logout(t, ctx)

	login(t, ctx, base, "supervisor", "boai-demo-supervisor")
	navigate(t, ctx, base+"/funds")
	shot(t, ctx, "23-funds")
	if page := bodyText(t, ctx); !strings.Contains(page, "定向资金挪用企图") || !strings.Contains(page, project) {
		t.Errorf("supervisor sees no alert:\n%s", page)
	}
}

package web_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"boai/internal/allocation"
	"boai/internal/audit"
	"boai/internal/auth"
	"boai/internal/stock"
	"boai/internal/store"
	"boai/internal/store/storetest"
	"boai/internal/web"
)

// apiGoodsWrites are valid bodies for the goods API's write routes, so a
// refusal in the role tests means the role, not a bad request.
func apiGoodsWrites(g goodsIDs) map[string]string {
	return map[string]string{
		"POST /api/v1/inkind":               `{"donor":{"name":"越权公司","kind":"organization"},"lines":[{"item_code":"MASK-N95","declared":10}]}`,
		"POST /api/v1/inkind/{id}/signoffs": `{"line":1,"role":"unloading","person":"越权","counted":100,"verdict":"accepted"}`,
		"POST /api/v1/requests": fmt.Sprintf(`{"recipient_id":%d,"purpose":"越权","address":"杭州","contact":"王",`+
			`"lines":[{"item_code":"MASK-N95","quantity":1}]}`, g.recipient),
	}
}

// apiInKindOut is what the tests read of GET /api/v1/inkind/{id}.
type apiInKindOut struct {
	ID            int64  `json:"id"`
	CertificateNo string `json:"certificate_no"`
	Status        string `json:"status"`
	Lines         []struct {
		Line int `json:"line"`
		Item struct {
			ID    int64  `json:"id"`
			Code  string `json:"code"`
			Label string `json:"label"`
		} `json:"item"`
		Declared int64 `json:"declared"`
	} `json:"lines"`
	SignOffs []struct {
		Line    int    `json:"line"`
		Role    string `json:"role"`
		Person  string `json:"person"`
		Counted int64  `json:"counted"`
		Verdict string `json:"verdict"`
	} `json:"signoffs"`
	Pending []struct {
		Line int    `json:"line"`
		Role string `json:"role"`
	} `json:"pending_signoffs"`
}

func decodeReply(t *testing.T, r *reply, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(r.Body), v); err != nil {
		t.Fatalf("reply %v: %v", r, err)
	}
}

// refused is the reply's error message; it fails the test unless the
// reply is the JSON error of status st and the message is bilingual.
func refused(t *testing.T, what string, r *reply, st int) string {
	t.Helper()
	var e apiError
	if r.Status != st || json.Unmarshal([]byte(r.Body), &e) != nil || e.Error.Message == "" {
		t.Errorf("%s: %v, want %d with a JSON error", what, r, st)
		return ""
	}
	if !strings.Contains(e.Error.Message, "/ ") {
		t.Errorf("%s: message %q is not in Chinese and English", what, e.Error.Message)
	}
	return e.Error.Message
}

func (s *society) token(role auth.Role) *client {
	s.t.Helper()
	secret, err := s.db.CreateToken(context.Background(), audit.System, s.users[role].ID, "api test")
	if err != nil {
		s.t.Fatal(err)
	}
	return s.withToken(secret)
}

func inKindCount(t *testing.T, db *store.DB) int {
	t.Helper()
	list, err := db.ListInKind(context.Background(), "", 100000)
	if err != nil {
		t.Fatal(err)
	}
	return len(list)
}

// Another system records an in-kind donation with a token: items by their
// exact codes (N95 and KN95 stay two items), errors as bilingual JSON, the
// donor's phone never in the answer, sign-offs one by one, and a retry
// with the same Idempotency-Key records nothing twice.
func TestGoodsAPIInKind(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSociety(t, db, 0, web.Config{})
		wh := s.token(auth.Warehouse)
		const phone = "13700009999"
		body := `{"donor":{"name":"杭州市口罩捐赠有限公司","kind":"organization","phone":"` + phone + `"},
			"designation":{"kind":"institution","target":"浙江大学医学院附属第一医院"},"received_at":"2026-02-03T09:30:00+08:00",
			"lines":[{"item_code":"MASK-N95","declared":2000,"batch":"B-N95-01","expires_on":"2028-01-31"},
			         {"item_code":"mask-kn95","declared":5000,"valuation":"evidence","declared_fen":1250000,"evidence_kind":"invoice","evidence_ref":"FP-001"}]}`
		before := inKindCount(t, db)
		r := wh.postJSON("/api/v1/inkind", body)
		if r.Status != http.StatusCreated {
			t.Fatalf("POST /api/v1/inkind: %v", r)
		}
		var created apiInKindOut
		decodeReply(t, r, &created)
		if loc := r.location(); loc != "/api/v1/inkind/"+strconv.FormatInt(created.ID, 10) {
			t.Errorf("Location %q", loc)
		}
		if created.CertificateNo == "" || created.Status != "receiving" {
			t.Errorf("created %+v", created)
		}
		if n := inKindCount(t, db); n != before+1 {
			t.Errorf("%d in-kind donations, want %d", n, before+1)
		}

		path := "/api/v1/inkind/" + strconv.FormatInt(created.ID, 10)
		r = s.token(auth.Supervisor).get(path)
		if r.Status != http.StatusOK {
			t.Fatalf("GET %s: %v", path, r)
		}
		if strings.Contains(r.Body, phone) {
			t.Errorf("the API shows the donor's phone: %s", r.Body)
		}
		var got apiInKindOut
		decodeReply(t, r, &got)
		if len(got.Lines) != 2 {
			t.Fatalf("lines %+v", got.Lines)
		}
		n95, kn95 := got.Lines[0].Item, got.Lines[1].Item
		if n95.Code != "MASK-N95" || kn95.Code != "MASK-KN95" || n95.ID == kn95.ID ||
			!strings.HasPrefix(n95.Label, "N95 ") || !strings.HasPrefix(kn95.Label, "KN95 ") ||
			got.Lines[0].Declared != 2000 || got.Lines[1].Declared != 5000 {
			t.Errorf("N95 and KN95 not kept apart: %+v", got.Lines)
		}
		// N95 is medical grade: its line waits for the medical-grade check.
		pending := map[string]bool{}
		for _, p := range got.Pending {
			pending[fmt.Sprintf("%d %s", p.Line, p.Role)] = true
		}
		if !pending["1 medical_check"] || pending["2 medical_check"] || !pending["1 unloading"] || !pending["2 counting"] {
			t.Errorf("pending sign-offs %+v", got.Pending)
		}

		// Errors a caller can fix: 400, in both languages, nothing recorded.
		before = inKindCount(t, db)
		for what, bad := range map[string]string{
			"no lines":               `{"donor":{"name":"甲公司"},"lines":[]}`,
			"no donor":               `{"lines":[{"item_code":"MASK-N95","declared":1}]}`,
			"no quantity":            `{"donor":{"name":"甲公司"},"lines":[{"item_code":"MASK-N95"}]}`,
			"no item":                `{"donor":{"name":"甲公司"},"lines":[{"declared":5}]}`,
			"N95 is not a code":      `{"donor":{"name":"甲公司"},"lines":[{"item_code":"N95","declared":5}]}`,
			"KN95 is not a code":     `{"donor":{"name":"甲公司"},"lines":[{"item_code":"KN95","declared":5}]}`,
			"id and code disagree":   fmt.Sprintf(`{"donor":{"name":"甲公司"},"lines":[{"item_id":%d,"item_code":"MASK-KN95","declared":5}]}`, n95.ID),
			"no such item id":        `{"donor":{"name":"甲公司"},"lines":[{"item_id":987654,"declared":5}]}`,
			"bad expiry":             `{"donor":{"name":"甲公司"},"lines":[{"item_code":"MASK-N95","declared":5,"expires_on":"2027-02-30"}]}`,
			"evidence without ref":   `{"donor":{"name":"甲公司"},"lines":[{"item_code":"MASK-N95","declared":5,"valuation":"evidence","declared_fen":100}]}`,
			"unknown field":          `{"donor":{"name":"甲公司"},"colour":"red","lines":[{"item_code":"MASK-N95","declared":5}]}`,
			"unknown donor kind":     `{"donor":{"name":"甲公司","kind":"robot"},"lines":[{"item_code":"MASK-N95","declared":5}]}`,
			"unknown designation":    `{"donor":{"name":"甲公司"},"designation":{"kind":"planet","target":"x"},"lines":[{"item_code":"MASK-N95","declared":5}]}`,
			"unknown branch":         `{"donor":{"name":"甲公司"},"branch":"NOPE","lines":[{"item_code":"MASK-N95","declared":5}]}`,
			"received_at not a time": `{"donor":{"name":"甲公司"},"received_at":"yesterday","lines":[{"item_code":"MASK-N95","declared":5}]}`,
		} {
			msg := refused(t, what, wh.postJSON("/api/v1/inkind", bad), http.StatusBadRequest)
			if strings.Contains(what, "is not a code") && !strings.Contains(msg, "unknown item code") {
				t.Errorf("%s: message %q does not name the unknown code", what, msg)
			}
		}
		if n := inKindCount(t, db); n != before {
			t.Errorf("refused requests recorded %d in-kind donations", n-before)
		}

		// Sign-off, one person for one line.
		sign := path + "/signoffs"
		r = wh.postJSON(sign, `{"line":1,"role":"unloading","person":"王师傅","counted":2000,"verdict":"accepted"}`)
		if r.Status != http.StatusCreated {
			t.Fatalf("sign-off: %v", r)
		}
		decodeReply(t, r, &got)
		if len(got.SignOffs) != 1 || got.SignOffs[0].Line != 1 || got.SignOffs[0].Role != "unloading" || got.SignOffs[0].Person != "王师傅" ||
			got.SignOffs[0].Counted != 2000 || got.SignOffs[0].Verdict != "accepted" {
			t.Errorf("after sign-off %+v", got.SignOffs)
		}
		for _, p := range got.Pending {
			if p.Line == 1 && p.Role == "unloading" {
				t.Errorf("the signed step is still pending")
			}
		}
		refused(t, "the same step twice", wh.postJSON(sign, `{"line":1,"role":"unloading","person":"李师傅","counted":2000,"verdict":"accepted"}`), http.StatusConflict)
		for what, bad := range map[string]string{
			"no such line":          `{"line":3,"role":"sorting","person":"王","counted":1,"verdict":"accepted"}`,
			"line 0":                `{"line":0,"role":"sorting","person":"王","counted":1,"verdict":"accepted"}`,
			"unknown step":          `{"line":1,"role":"tasting","person":"王","counted":1,"verdict":"accepted"}`,
			"no count":              `{"line":1,"role":"sorting","person":"王","verdict":"accepted"}`,
			"unknown verdict":       `{"line":1,"role":"sorting","person":"王","counted":1,"verdict":"maybe"}`,
			"quarantine, no reason": `{"line":1,"role":"sorting","person":"王","counted":1,"verdict":"quarantined"}`,
			"nobody signs":          `{"line":1,"role":"sorting","person":" ","counted":1,"verdict":"accepted"}`,
		} {
			refused(t, "sign-off: "+what, wh.postJSON(sign, bad), http.StatusBadRequest)
		}
		if r := wh.postJSON("/api/v1/inkind/987654/signoffs", `{"line":1,"role":"sorting","person":"王","counted":1,"verdict":"accepted"}`); r.Status != http.StatusNotFound {
			t.Errorf("sign-off of an intake that does not exist: %v", r)
		}

		// A retry with the same key records nothing the second time.
		before = inKindCount(t, db)
		keyed := `{"donor":{"name":"重试公司"},"lines":[{"item_code":"GLOVES-NIT","declared":100}]}`
		if r := wh.postJSON("/api/v1/inkind", keyed, "Idempotency-Key", "order-42"); r.Status != http.StatusCreated {
			t.Fatalf("keyed POST: %v", r)
		}
		if r := wh.postJSON("/api/v1/inkind", keyed, "Idempotency-Key", "order-42"); r.Status != http.StatusOK {
			t.Errorf("the same request again: %v, want 200 with the first record", r)
		}
		refused(t, "the same key for another request", wh.postJSON("/api/v1/inkind",
			`{"donor":{"name":"重试公司"},"lines":[{"item_code":"GLOVES-NIT","declared":999}]}`, "Idempotency-Key", "order-42"), http.StatusConflict)
		if n := inKindCount(t, db); n != before+1 {
			t.Errorf("two posts with one key made %d in-kind donations, want 1", n-before)
		}
		// Keys are the caller's own: another account's "order-42" is its own.
		if r := s.token(auth.Clerk).postJSON("/api/v1/inkind", keyed, "Idempotency-Key", "order-42"); r.Status != http.StatusCreated {
			t.Errorf("another account's key: %v", r)
		}
		refused(t, "a key too long", wh.postJSON("/api/v1/inkind", keyed, "Idempotency-Key", strings.Repeat("k", 129)), http.StatusBadRequest)

		// Who may.
		if r := s.token(auth.Branch).postJSON("/api/v1/inkind", keyed); r.Status != http.StatusForbidden {
			t.Errorf("branch staff record intake: %v", r)
		}
		if r := s.anon().postJSON("/api/v1/inkind", keyed); r.Status != http.StatusUnauthorized {
			t.Errorf("anonymous: %v", r)
		}
	})
}

// A requesting unit's system submits a request of several lines, naming
// the unit by its exact registered name, and reads it back.
func TestGoodsAPIRequests(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSociety(t, db, 0, web.Config{})
		ctx := context.Background()
		rc := &allocation.Recipient{Name: "杭州市接口测试医院", Class: "treatment_hospital", Contact: "张主任", Phone: "13800001111", Address: "杭州市西湖区"}
		if err := db.CreateRecipient(ctx, audit.System, rc); err != nil {
			t.Fatal(err)
		}
		xihu := s.token(auth.Branch)

		r := xihu.get("/api/v1/recipients")
		var recips struct {
			Items []struct {
				ID    int64  `json:"id"`
				Name  string `json:"name"`
				Class string `json:"class"`
			} `json:"items"`
		}
		decodeReply(t, r, &recips)
		found := false
		for _, it := range recips.Items {
			found = found || it.ID == rc.ID && it.Name == rc.Name && it.Class == rc.Class
		}
		if r.Status != http.StatusOK || !found || strings.Contains(r.Body, rc.Phone) {
			t.Errorf("GET /api/v1/recipients: %v", r)
		}

		body := `{"recipient":"杭州市接口测试医院","purpose":"发热门诊防护","urgency":"urgent","address":"杭州市西湖区","contact":"张主任 13800001111",
			"lines":[{"item_code":"MASK-N95","quantity":2000},{"item_code":"MASK-KN95","quantity":3000},{"item_code":"GLOVES-NIT","quantity":500}]}`
		r = xihu.postJSON("/api/v1/requests", body)
		if r.Status != http.StatusCreated {
			t.Fatalf("POST /api/v1/requests: %v", r)
		}
		var created struct{ ID int64 }
		decodeReply(t, r, &created)
		if r.location() != "/api/v1/requests/"+strconv.FormatInt(created.ID, 10) {
			t.Errorf("Location %q", r.location())
		}
		r = s.token(auth.Approver).get(r.location())
		var got struct {
			Recipient struct {
				ID   int64  `json:"id"`
				Name string `json:"name"`
			} `json:"recipient"`
			Urgency string `json:"urgency"`
			Status  string `json:"status"`
			Lines   []struct {
				Item struct {
					Code string `json:"code"`
				} `json:"item"`
				Quantity int64 `json:"quantity"`
				Open     int64 `json:"open"`
			} `json:"lines"`
		}
		decodeReply(t, r, &got)
		if r.Status != http.StatusOK || got.Recipient.ID != rc.ID || got.Urgency != "urgent" || got.Status != "open" || len(got.Lines) != 3 {
			t.Fatalf("GET request: %v", r)
		}
		for i, want := range []struct {
			code string
			qty  int64
		}{{"MASK-N95", 2000}, {"MASK-KN95", 3000}, {"GLOVES-NIT", 500}} {
			if l := got.Lines[i]; l.Item.Code != want.code || l.Quantity != want.qty || l.Open != want.qty {
				t.Errorf("line %d: %+v, want %s × %d", i+1, l, want.code, want.qty)
			}
		}

		// By id works the same; a name that is not exactly the registered one does not.
		byID := fmt.Sprintf(`{"recipient_id":%d,"purpose":"补充","address":"杭州","contact":"张","lines":[{"item_code":"MASK-N95","quantity":1}]}`, rc.ID)
		if r := xihu.postJSON("/api/v1/requests", byID); r.Status != http.StatusCreated {
			t.Errorf("by recipient id: %v", r)
		}
		for what, bad := range map[string]string{
			"part of the name":   `{"recipient":"接口测试医院","purpose":"x","address":"x","contact":"x","lines":[{"item_code":"MASK-N95","quantity":1}]}`,
			"no recipient":       `{"purpose":"x","address":"x","contact":"x","lines":[{"item_code":"MASK-N95","quantity":1}]}`,
			"no such id":         `{"recipient_id":987654,"purpose":"x","address":"x","contact":"x","lines":[{"item_code":"MASK-N95","quantity":1}]}`,
			"id and name differ": fmt.Sprintf(`{"recipient_id":%d,"recipient":"别的医院","purpose":"x","address":"x","contact":"x","lines":[{"item_code":"MASK-N95","quantity":1}]}`, rc.ID),
			"no purpose":         `{"recipient":"杭州市接口测试医院","address":"x","contact":"x","lines":[{"item_code":"MASK-N95","quantity":1}]}`,
			"no lines":           `{"recipient":"杭州市接口测试医院","purpose":"x","address":"x","contact":"x","lines":[]}`,
			"one item twice":     `{"recipient":"杭州市接口测试医院","purpose":"x","address":"x","contact":"x","lines":[{"item_code":"MASK-N95","quantity":1},{"item_code":"mask-n95","quantity":2}]}`,
			"unknown item code":  `{"recipient":"杭州市接口测试医院","purpose":"x","address":"x","contact":"x","lines":[{"item_code":"N95","quantity":1}]}`,
			"unknown urgency":    `{"recipient":"杭州市接口测试医院","purpose":"x","urgency":"yesterday","address":"x","contact":"x","lines":[{"item_code":"MASK-N95","quantity":1}]}`,
		} {
			refused(t, what, xihu.postJSON("/api/v1/requests", bad), http.StatusBadRequest)
		}

		// Idempotency.
		list := func() int {
			rs, err := db.ListRequests(ctx, "", 100000)
			if err != nil {
				t.Fatal(err)
			}
			return len(rs)
		}
		before := list()
		for i := range 2 {
			r := xihu.postJSON("/api/v1/requests", byID, "Idempotency-Key", "req-7")
			if want := []int{http.StatusCreated, http.StatusOK}[i]; r.Status != want {
				t.Errorf("keyed request, try %d: %v, want %d", i+1, r, want)
			}
		}
		if n := list(); n != before+1 {
			t.Errorf("two keyed posts made %d requests, want 1", n-before)
		}

		if r := s.token(auth.Warehouse).postJSON("/api/v1/requests", byID); r.Status != http.StatusForbidden {
			t.Errorf("the warehouse submits a request: %v", r)
		}
		if r := xihu.get("/api/v1/requests/987654"); r.Status != http.StatusNotFound {
			t.Errorf("a request that does not exist: %v", r)
		}
	})
}

// The recipient's system signs for a dispatch with the one-time token: no
// account, a photo in base64 up to 5 MB, and the token signs once.
func TestGoodsAPISignDispatch(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSociety(t, db, 0, web.Config{})
		ctx := context.Background()
		lots, err := db.Lots(ctx, mustItem(t, db, "MASK-SURG"), 0)
		if err != nil || len(lots) == 0 {
			t.Fatalf("demo surgical masks: %v %v", lots, err)
		}
		d := &store.Dispatch{Mode: stock.PointToPoint, Recipient: "杭州市西溪医院",
			Doc: &stock.Doc{WarehouseID: lots[0].WarehouseID, Lines: []stock.Line{{LotID: lots[0].ID, Quantity: 100}}}}
		secret, err := db.CreateDispatch(ctx, audit.System, d)
		if err != nil {
			t.Fatal(err)
		}
		sys := s.anon()
		path := "/api/v1/sign/" + secret
		r := sys.get(path)
		var v struct {
			DocNo     string `json:"doc_no"`
			Recipient string `json:"recipient"`
			Signed    bool   `json:"signed"`
			SignedBy  string `json:"signed_by"`
			Lines     []struct {
				LotID int64  `json:"lot_id"`
				Item  string `json:"item"`
				Sent  int64  `json:"sent"`
			} `json:"lines"`
		}
		decodeReply(t, r, &v)
		if r.Status != http.StatusOK || v.Signed || v.Recipient != "杭州市西溪医院" || len(v.Lines) != 1 || v.Lines[0].LotID != lots[0].ID ||
			v.Lines[0].Sent != 100 || !strings.Contains(v.Lines[0].Item, "医用外科口罩") {
			t.Fatalf("GET %s: %v", path, r)
		}

		var img bytes.Buffer
		if err := png.Encode(&img, image.NewGray(image.Rect(0, 0, 8, 8))); err != nil {
			t.Fatal(err)
		}
		photo := base64.StdEncoding.EncodeToString(img.Bytes())
		lot := strconv.FormatInt(lots[0].ID, 10)
		sign := func(received, reason, photo string) string {
			return `{"signer":"张护士长","note":"一箱外包装破损","photo":"` + photo + `","lines":[{"lot_id":` + lot + `,"received":` + received + `,"reason":"` + reason + `"}]}`
		}
		for what, bad := range map[string]string{
			"shortfall without reason": sign("90", "", photo),
			"more than sent":           sign("101", "", photo),
			"not base64":               sign("100", "", "not base64!"),
			"not an image":             sign("100", "", base64.StdEncoding.EncodeToString([]byte("just some text, not a photo"))),
			"photo over 5 MB":          sign("100", "", base64.StdEncoding.EncodeToString(append(img.Bytes(), make([]byte, 5<<20)...))),
			"no received":              `{"signer":"张护士长","lines":[{"lot_id":` + lot + `}]}`,
			"no signer":                `{"signer":"","lines":[{"lot_id":` + lot + `,"received":100}]}`,
			"no lines":                 `{"signer":"张护士长","lines":[]}`,
		} {
			refused(t, "sign: "+what, sys.postJSON(path, bad), http.StatusBadRequest)
		}
		if r := sys.postJSON(path, sign("90", "一箱受潮", "data:image/png;base64,"+photo)); r.Status != http.StatusOK {
			t.Fatalf("sign: %v", r)
		}
		if r := sys.get(path); !strings.Contains(r.Body, `"signed":true`) || !strings.Contains(r.Body, "张护士长") {
			t.Errorf("after signing: %v", r)
		}
		dv, err := db.DispatchDetail(ctx, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if dv.SignedBy != "张护士长" {
			t.Errorf("dispatch after signing: signed by %q", dv.SignedBy)
		}
		refused(t, "signing twice", sys.postJSON(path, sign("100", "", photo)), http.StatusConflict)
		if r := sys.postJSON("/api/v1/sign/sign_nonsense", sign("100", "", photo)); r.Status != http.StatusNotFound {
			t.Errorf("a made-up token: %v", r)
		}
	})
}

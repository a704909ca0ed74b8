package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"boai"
	"boai/internal/goods"
	"boai/internal/i18n"
	"boai/internal/stock"
)

// cutoff is the daily cut-off of the available-and-arriving list.
func (s *Server) cutoff() time.Duration {
	if s.cfg.Cutoff == 0 {
		return 16 * time.Hour
	}
	return s.cfg.Cutoff
}

type goodsData struct {
	Query      string
	All        bool // retired items shown too
	Items      []goods.Item
	Categories []goods.Category
	Values     url.Values // the new-item form
}

// goodsPage is the catalogue with its type-to-search box: items are
// found by code, name or specification, never picked from a long list.
func (s *Server) goodsPage(w http.ResponseWriter, r *http.Request) {
	p, err := s.buildGoods(r, url.Values{})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "goods", p)
}

func (s *Server) buildGoods(r *http.Request, v url.Values) (*page, error) {
	q := r.URL.Query().Get("q")
	all := r.URL.Query().Get("all") != ""
	items, err := s.db.CatalogueSearch(r.Context(), q, all, 50)
	if err != nil {
		return nil, err
	}
	cats, err := s.db.Categories(r.Context())
	if err != nil {
		return nil, err
	}
	p := s.page(r, "goods.title")
	p.Data = goodsData{Query: q, All: all, Items: items, Categories: cats, Values: v}
	return p, nil
}

// itemCreate adds an item to the catalogue (admins).
func (s *Server) itemCreate(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, boai.Errorf(boai.EINVALID, "表单无法读取 / unreadable form"))
		return
	}
	v := r.PostForm
	cat, _ := strconv.ParseInt(v.Get("category"), 10, 64)
	size, _ := strconv.ParseInt(strings.TrimSpace(v.Get("pack_size")), 10, 64)
	it := &goods.Item{CategoryID: cat, Code: v.Get("code"), Name: v.Get("name"), NameEn: strings.TrimSpace(v.Get("name_en")), Spec: v.Get("spec"),
		Unit: v.Get("unit"), PackUnit: v.Get("pack_unit"), PackSize: size, MedicalGrade: v.Get("medical") != ""}
	if err := s.db.CreateItem(r.Context(), actor(r), it); err != nil {
		p, perr := s.buildGoods(r, v)
		if perr != nil {
			s.fail(w, r, perr)
			return
		}
		s.formError(w, r, "goods", p, err)
		return
	}
	http.Redirect(w, r, "/goods?flash=item_saved&q="+url.QueryEscape(it.Code), http.StatusSeeOther)
}

// itemUpdate changes an item's English name, medical-grade flag or
// whether it is offered (admins).
func (s *Server) itemUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.db.UpdateItem(r.Context(), actor(r), id, r.PostFormValue("name_en"), r.PostFormValue("medical") != "", r.PostFormValue("active") != ""); err != nil {
		p, perr := s.buildGoods(r, url.Values{})
		if perr != nil {
			s.fail(w, r, perr)
			return
		}
		s.formError(w, r, "goods", p, err)
		return
	}
	http.Redirect(w, r, "/goods?all=1&flash=item_saved", http.StatusSeeOther)
}

type apiItem struct {
	ID           int64  `json:"id"`
	Code         string `json:"code"`
	Label        string `json:"label"`
	Unit         string `json:"unit"`
	PackUnit     string `json:"pack_unit,omitempty"`
	PackSize     int64  `json:"pack_size,omitempty"`
	MedicalGrade bool   `json:"medical_grade"`
}

// apiItems answers the item picker: GET /api/v1/items?q=口罩.
func (s *Server) apiItems(w http.ResponseWriter, r *http.Request) {
	items, err := s.db.SearchItems(r.Context(), r.URL.Query().Get("q"), 20)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]apiItem, len(items))
	for i, it := range items {
		out[i] = apiItem{it.ID, it.Code, it.Label(), it.Unit, it.PackUnit, it.PackSize, it.MedicalGrade}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": out})
}

// goodsList is the list for the day asked (default: the next one after the
// cut-off): as kept at the cut-off when it was, compiled now otherwise.
func (s *Server) goodsList(r *http.Request) (*stock.List, bool, error) {
	day := r.URL.Query().Get("day")
	if day == "" {
		day = stock.CutoffDay(s.db.Now(), s.cutoff(), s.cfg.Location)
	} else if _, err := time.Parse("2006-01-02", day); err != nil {
		return nil, false, boai.Errorf(boai.EINVALID, "日期格式应为 YYYY-MM-DD / day: use YYYY-MM-DD")
	}
	if l, err := s.db.SavedList(r.Context(), day); err == nil {
		return l, true, nil
	} else if boai.ErrorCode(err) != boai.ENOTFOUND {
		return nil, false, err
	}
	l, err := s.db.CompileList(r.Context(), day)
	return l, false, err
}

type goodsListData struct {
	List  *stock.List
	Saved bool // as kept at the cut-off, not compiled just now
}

func (s *Server) goodsListPage(w http.ResponseWriter, r *http.Request) {
	l, saved, err := s.goodsList(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.page(r, "goodslist.title")
	p.Data = goodsListData{List: l, Saved: saved}
	s.render(w, r, "goods_list", p)
}

func (s *Server) goodsListXLSX(w http.ResponseWriter, r *http.Request) {
	l, _, err := s.goodsList(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lang := s.page(r, "goodslist.title").Lang
	t := func(k string) string { return i18n.T(lang, k) }
	x := excelize.NewFile()
	defer x.Close()
	sw, err := x.NewStreamWriter("Sheet1")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	_ = sw.SetRow("A1", []any{t("goodslist.title") + " " + l.ForDay})
	_ = sw.SetRow("A2", []any{t("goods.code"), t("goods.item"), t("goods.unit"), t("goods.warehouse"), t("col.designation"),
		t("goods.target"), t("goods.available"), t("goods.expected")})
	for i, ln := range l.Lines {
		cell, _ := excelize.CoordinatesToCellName(1, i+3)
		_ = sw.SetRow(cell, []any{ln.ItemCode, ln.Item, ln.Unit, ln.Warehouse, t("designation." + ln.DesignationKind),
			ln.DesignationTarget, ln.Available, ln.Expected})
	}
	if err := sw.Flush(); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="goods-list-%s.xlsx"`, l.ForDay))
	_ = x.Write(w)
}

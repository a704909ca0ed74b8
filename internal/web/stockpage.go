package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"boai"
	"boai/internal/goods"
	"boai/internal/stock"
	"boai/internal/store"
)

// The stock page: an item's lots in every warehouse (earliest expiry
// first), its stock card in one warehouse, and the two documents staff
// write by hand: a transfer between warehouses and an adjustment with a
// reason. Every change of stock is one of these documents.

type stockData struct {
	Query      string
	Item       *goods.Item
	Lots       []stock.Lot
	First      int64 // the lot to send first: earliest expiry, general stock
	Warehouses []stock.Warehouse
	WhName     map[int64]string
	Warehouse  int64
	Card       []store.CardLine
	Reasons    []string
}

func (s *Server) stockPage(w http.ResponseWriter, r *http.Request) {
	p, err := s.buildStock(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "goods_stock", p)
}

func (s *Server) buildStock(r *http.Request) (*page, error) {
	ctx := r.Context()
	q := strings.TrimSpace(r.FormValue("item"))
	whs, err := s.db.Warehouses(ctx)
	if err != nil {
		return nil, err
	}
	d := stockData{Query: q, Warehouses: whs, WhName: map[int64]string{}, Reasons: stock.AdjustReasons}
	for _, w := range whs {
		d.WhName[w.ID] = w.Name
	}
	if q != "" {
		code, _, _ := strings.Cut(q, " ")
		it, err := s.db.ItemByCode(ctx, strings.ToUpper(code))
		if boai.ErrorCode(err) == boai.ENOTFOUND {
			return nil, boai.Errorf(boai.EINVALID, "请从候选列表中选择物资（“%s”不是物资编码）/ pick the item from the list (%q is not an item code)", q, q)
		} else if err != nil {
			return nil, err
		}
		d.Item = it
		if d.Lots, err = s.db.Lots(ctx, it.ID, 0); err != nil {
			return nil, err
		}
		if picks := stock.SuggestPick(d.Lots, 1, ""); len(picks) > 0 {
			d.First = picks[0].LotID
		}
		d.Warehouse, _ = strconv.ParseInt(r.FormValue("warehouse"), 10, 64)
		if d.Warehouse == 0 && len(d.Lots) > 0 {
			d.Warehouse = d.Lots[0].WarehouseID
		}
		if d.Warehouse != 0 {
			if d.Card, err = s.db.StockCard(ctx, it.ID, d.Warehouse); err != nil {
				return nil, err
			}
		}
	}
	p := s.page(r, "stock.title")
	p.Data = d
	return p, nil
}

// stockDoc records a transfer or an adjustment of one lot.
func (s *Server) stockDoc(w http.ResponseWriter, r *http.Request) {
	lotID, _ := strconv.ParseInt(r.PostFormValue("lot"), 10, 64)
	qty, qerr := strconv.ParseInt(strings.TrimSpace(r.PostFormValue("quantity")), 10, 64)
	err := func() error {
		if qerr != nil || qty == 0 {
			return boai.Errorf(boai.EINVALID, "数量应为非零整数 / the quantity must be a whole number, not zero")
		}
		lots, err := s.lotsOfForm(r)
		if err != nil {
			return err
		}
		lot, ok := lots[lotID]
		if !ok {
			return boai.Errorf(boai.EINVALID, "请选择批次 / choose the lot")
		}
		d := &stock.Doc{Kind: r.PostFormValue("kind"), WarehouseID: lot.WarehouseID, Note: r.PostFormValue("note")}
		switch d.Kind {
		case stock.Transfer:
			d.ToWarehouse, _ = strconv.ParseInt(r.PostFormValue("to"), 10, 64)
			if qty < 0 {
				return boai.Errorf(boai.EINVALID, "调拨数量须大于零 / a transfer moves a positive quantity")
			}
			d.Lines = []stock.Line{{LotID: lotID, Quantity: qty}}
		case stock.Adjustment:
			d.Reason = r.PostFormValue("reason")
			d.Lines = []stock.Line{{LotID: lotID, Delta: qty}}
		default:
			return boai.Errorf(boai.EINVALID, "未知单据类型 / unknown document kind")
		}
		if err := d.Validate(); err != nil {
			return err
		}
		a := actor(r)
		d.CreatedBy, d.CreatedAt = a.Username, s.db.Now()
		return s.db.RecordDoc(r.Context(), a, d)
	}()
	if err != nil {
		p, perr := s.buildStock(r)
		if perr != nil {
			s.fail(w, r, perr)
			return
		}
		s.formError(w, r, "goods_stock", p, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/goods/stock?item=%s&flash=stock_recorded", urlQueryEscape(r.PostFormValue("item"))), http.StatusSeeOther)
}

func (s *Server) lotsOfForm(r *http.Request) (map[int64]stock.Lot, error) {
	code, _, _ := strings.Cut(strings.TrimSpace(r.PostFormValue("item")), " ")
	it, err := s.db.ItemByCode(r.Context(), strings.ToUpper(code))
	if err != nil {
		return nil, boai.Errorf(boai.EINVALID, "请选择物资 / choose the item")
	}
	ls, err := s.db.Lots(r.Context(), it.ID, 0)
	if err != nil {
		return nil, err
	}
	out := map[int64]stock.Lot{}
	for _, l := range ls {
		out[l.ID] = l
	}
	return out, nil
}

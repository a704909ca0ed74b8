package web

import (
	"io"
	"net/http"
	"strconv"

	"boai"
	"boai/internal/stock"
	"boai/internal/store"
)

// The recipient signs for goods on a phone through the one-time link
// printed on the dispatch note: no account, the link is the key.

func (s *Server) signForm(w http.ResponseWriter, r *http.Request) {
	if !s.verifyLimiter.allow("sign:"+clientIP(r), s.db.Now()) {
		s.fail(w, r, boai.Errorf(boai.ETOOMANY, "请求过于频繁，请稍后再试 / too many requests, try again shortly"))
		return
	}
	v, err := s.db.DispatchForSigning(r.Context(), r.PathValue("token"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.page(r, "sign.title")
	p.Data = v
	s.render(w, r, "public_sign", p)
}

func (s *Server) sign(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	if !s.verifyLimiter.allow("sign:"+clientIP(r), s.db.Now()) {
		s.fail(w, r, boai.Errorf(boai.ETOOMANY, "请求过于频繁，请稍后再试 / too many requests, try again shortly"))
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 10<<20)
	if err := r.ParseMultipartForm(10 << 20); err != nil && err != http.ErrNotMultipart {
		s.fail(w, r, boai.Errorf(boai.EINVALID, "表单过大或无法读取（照片不超过 8 MB）/ form too large or unreadable (photo 8 MB at most)"))
		return
	}
	v, err := s.db.DispatchForSigning(r.Context(), token)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var got []stock.Received
	for _, l := range v.Lines {
		id := strconv.FormatInt(l.LotID, 10)
		n, err := strconv.ParseInt(r.FormValue("received_"+id), 10, 64)
		if err != nil {
			s.renderSign(w, r, v, boai.Errorf(boai.EINVALID, "请填写每项的实收数量 / give the received quantity of each line"))
			return
		}
		got = append(got, stock.Received{LotID: l.LotID, Received: n, Reason: r.FormValue("reason_" + id)})
	}
	var photo []byte
	if f, _, err := r.FormFile("photo"); err == nil {
		photo, _ = io.ReadAll(io.LimitReader(f, 8<<20+1))
		f.Close()
	}
	if err := s.db.SignDispatch(r.Context(), token, r.FormValue("signer"), got, r.FormValue("note"), photo); err != nil {
		if boai.ErrorCode(err) == boai.EINVALID {
			s.renderSign(w, r, v, err)
			return
		}
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/sign/"+token+"?flash=signed", http.StatusSeeOther)
}

func (s *Server) renderSign(w http.ResponseWriter, r *http.Request, v *store.SignView, err error) {
	p := s.page(r, "sign.title")
	p.Data, p.Error = v, boai.ErrorMessage(err)
	s.renderStatus(w, r, http.StatusBadRequest, "public_sign", p)
}

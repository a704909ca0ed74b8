package allocation

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"boai"
)

// Recipient classes, highest priority first: the default order the task
// force allocates in. A society may configure its own (see Rank).
var DefaultClasses = []string{"treatment_hospital", "hospital", "district_hq", "community_checkpoint", "other"}

// Recipient is a requesting unit.
type Recipient struct {
	ID      int64
	Name    string // full name: allocations are published by it
	Class   string
	Contact string
	Phone   string
	Address string
}

// Validate checks a recipient.
func (r *Recipient) Validate(classes []string) error {
	r.Name = strings.TrimSpace(r.Name)
	switch {
	case r.Name == "" || utf8.RuneCountInString(r.Name) > 100:
		return boai.Errorf(boai.EINVALID, "请填写受助单位全称（最多 100 字）/ the recipient's full name is required")
	case !slices.Contains(classes, r.Class):
		return boai.Errorf(boai.EINVALID, "未知的单位类别 %q / unknown recipient class", r.Class)
	}
	return nil
}

// Urgencies of a request.
var Urgencies = []string{"normal", "urgent", "critical"}

// AllocRequest is a request for goods, in one form: several lines.
type AllocRequest struct {
	ID          int64
	RecipientID int64
	Purpose     string
	Urgency     string
	Address     string
	Contact     string
	Status      string
	SubmittedAt time.Time
	Lines       []RequestLine
}

// RequestLine is one item asked for, and how much of it has been met.
type RequestLine struct {
	ID        int64
	ItemID    int64
	Quantity  int64
	Fulfilled int64
}

// Open is what is still asked for.
func (l RequestLine) Open() int64 { return max(0, l.Quantity-l.Fulfilled) }

// Validate checks a request as submitted.
func (r *AllocRequest) Validate() error {
	r.Purpose, r.Address, r.Contact = strings.TrimSpace(r.Purpose), strings.TrimSpace(r.Address), strings.TrimSpace(r.Contact)
	if r.Urgency == "" {
		r.Urgency = "normal"
	}
	switch {
	case r.RecipientID <= 0:
		return boai.Errorf(boai.EINVALID, "请选择申请单位 / choose the requesting unit")
	case r.Purpose == "":
		return boai.Errorf(boai.EINVALID, "请写明用途 / the purpose is required")
	case r.Address == "" || r.Contact == "":
		return boai.Errorf(boai.EINVALID, "请填写送货地址和联系人 / delivery address and contact are required")
	case !slices.Contains(Urgencies, r.Urgency):
		return boai.Errorf(boai.EINVALID, "未知的紧急程度 / unknown urgency")
	case len(r.Lines) == 0:
		return boai.Errorf(boai.EINVALID, "至少申请一项物资 / ask for at least one item")
	}
	seen := map[int64]bool{}
	for i, l := range r.Lines {
		if l.ItemID <= 0 || l.Quantity <= 0 {
			return boai.Errorf(boai.EINVALID, "第 %d 行：请选择物资并填写数量 / line %d: item and quantity", i+1, i+1)
		}
		if seen[l.ItemID] {
			return boai.Errorf(boai.EINVALID, "第 %d 行：同一物资请合并为一行 / line %d: one line per item", i+1, i+1)
		}
		seen[l.ItemID] = true
	}
	return nil
}

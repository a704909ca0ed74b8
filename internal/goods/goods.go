// Package goods is the relief-goods catalogue: categories and items with
// their units and pack units, and the rule that similar items (N95 and
// KN95) are distinct records, never merged and never shown alike.
package goods

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"boai"
)

// Category groups items, e.g. 医用防护 (medical protection), 生活物资.
type Category struct {
	ID     int64
	Code   string
	Name   string
	NameEn string
}

// Item is one kind of goods. Code and Name identify it; Spec tells apart
// what the name alone would not (型号, 规格).
type Item struct {
	ID           int64
	CategoryID   int64
	Code         string // e.g. "MASK-N95"
	Name         string // e.g. "N95 医用防护口罩"
	NameEn       string
	Spec         string // e.g. "GB 19083-2010, 独立包装"
	Unit         string // the counting unit: 只, 件, 瓶, 袋, 条
	PackUnit     string // the carton: 箱; empty when goods are not packed
	PackSize     int64  // units per pack, e.g. 20 只 per 箱
	MedicalGrade bool   // a medical-grade check is required at intake
	Active       bool
}

var codeRE = regexp.MustCompile(`^[A-Z0-9][A-Z0-9-]{1,31}$`)

// Validate normalises and checks an item before it is stored.
func (it *Item) Validate() error {
	it.Code = strings.ToUpper(strings.TrimSpace(it.Code))
	it.Name = strings.TrimSpace(it.Name)
	it.Spec = strings.TrimSpace(it.Spec)
	it.Unit = strings.TrimSpace(it.Unit)
	it.PackUnit = strings.TrimSpace(it.PackUnit)
	switch {
	case !codeRE.MatchString(it.Code):
		return boai.Errorf(boai.EINVALID, "物资编码须为 2–32 位大写字母、数字或连字符 / item code: 2–32 of A-Z, 0-9, '-'")
	case it.Name == "" || utf8.RuneCountInString(it.Name) > 60:
		return boai.Errorf(boai.EINVALID, "请填写物资名称（最多 60 字）/ item name is required (60 characters at most)")
	case it.Unit == "":
		return boai.Errorf(boai.EINVALID, "请填写计量单位，如“只”“件” / the counting unit is required")
	case it.PackUnit != "" && it.PackSize < 2:
		return boai.Errorf(boai.EINVALID, "每%s数量须至少为 2 / a pack holds at least 2 units", it.PackUnit)
	case it.PackUnit == "" && it.PackSize != 0:
		return boai.Errorf(boai.EINVALID, "有包装数量时须填写包装单位 / a pack size needs a pack unit")
	case it.CategoryID <= 0:
		return boai.Errorf(boai.EINVALID, "请选择物资类别 / category is required")
	}
	return nil
}

// Label is how every list, document and export names the item: its name
// and, when there is one, its specification. Two items never share a
// label, so N95 can never be read as KN95.
func (it *Item) Label() string {
	if it.Spec == "" {
		return it.Name
	}
	return it.Name + "（" + it.Spec + "）"
}

// Quantity writes qty units the way warehouse staff count them: in packs
// with the unit total, "4 箱 (80 只)", or "4 箱 + 5 只 (85 只)" for a part
// pack, or just "85 只" for goods without a pack unit.
func (it *Item) Quantity(qty int64) string {
	if it.PackUnit == "" || it.PackSize < 2 || qty < it.PackSize && qty > -it.PackSize {
		return fmt.Sprintf("%d %s", qty, it.Unit)
	}
	packs, rest := qty/it.PackSize, qty%it.PackSize
	if rest == 0 {
		return fmt.Sprintf("%d %s (%d %s)", packs, it.PackUnit, qty, it.Unit)
	}
	if rest < 0 {
		rest = -rest
	}
	return fmt.Sprintf("%d %s + %d %s (%d %s)", packs, it.PackUnit, rest, it.Unit, qty, it.Unit)
}

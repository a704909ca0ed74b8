package goodsimport

import (
	"fmt"

	"github.com/xuri/excelize/v2"

	"boai"
)

// sheetNames name the template's data sheet for each kind.
var sheetNames = map[Kind]string{InKind: "物资捐赠登记表", Requests: "调拨申请清单"}

// groupingNotes explain, on the notes sheet, which rows make one record.
var groupingNotes = map[Kind][]string{
	InKind: {
		"每行一种物资。捐赠方、接收日期和定向都相同的各行，合为一笔捐赠（一张接收单）。",
		"One item per row. Rows with the same donor, date received and designation make one donation (one intake).",
		"导入后物资处于“待签收”状态，按接收流程由卸货、分拣、医用查验和清点各方签收。",
		"Imported donations await the receiving sign-off like any other intake.",
	},
	Requests: {
		"每行一种物资。申请单位、用途、紧急程度和送货地址都相同的各行，合为一份申请；同一申请中每种物资只写一行。",
		"One item per row. Rows with the same requesting unit, purpose, urgency and address make one request, with one row per item.",
		"申请单位须先登记为受助单位，名称须完全一致。",
		"The requesting unit must be registered first, under exactly the same name.",
	},
}

// dropLists are the choices offered in cells of some columns.
var dropLists = map[Field][]string{
	FieldDonorKind: {"单位", "个人"},
	FieldEvidence:  {"发票", "报关单", "协议"},
	FieldUrgency:   {"一般", "紧急", "特急"},
}

// Template returns an empty register of the given kind as XLSX: the
// header row the parser reads, with drop-down lists and cell formats, and
// a notes sheet saying what goes in each column.
func Template(kind Kind) ([]byte, error) {
	cols, ok := Columns[kind]
	if !ok {
		return nil, boai.Errorf(boai.EINVALID, "未知的文件类型 / unknown kind of file")
	}
	f := excelize.NewFile()
	defer f.Close()
	data := sheetNames[kind]
	if err := f.SetSheetName("Sheet1", data); err != nil {
		return nil, err
	}
	head, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Color: []string{"F2DCDB"}, Pattern: 1},
		Alignment: &excelize.Alignment{WrapText: true, Vertical: "center"}})
	if err != nil {
		return nil, err
	}
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49}) // "@": codes and numbers kept as written
	if err != nil {
		return nil, err
	}
	dateFmt := "yyyy-mm-dd"
	date, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	if err != nil {
		return nil, err
	}
	const lastRow = 2000
	for i, c := range cols {
		name, _ := excelize.ColumnNumberToName(i + 1)
		label := c.Zh + " (" + c.En + ")"
		if c.Required {
			label = c.Zh + "* (" + c.En + ")"
		}
		if err := f.SetCellStr(data, name+"1", label); err != nil {
			return nil, err
		}
		if err := f.SetColWidth(data, name, name, float64(max(12, len([]rune(c.Zh))*3+4))); err != nil {
			return nil, err
		}
		rng := fmt.Sprintf("%s2:%s%d", name, name, lastRow)
		switch c.Field {
		case FieldCode, FieldBatch, FieldEvidenceRef, FieldPhone:
			err = f.SetCellStyle(data, name+"2", fmt.Sprintf("%s%d", name, lastRow), text)
		case FieldProduced, FieldExpires, FieldDate:
			err = f.SetCellStyle(data, name+"2", fmt.Sprintf("%s%d", name, lastRow), date)
		}
		if err != nil {
			return nil, err
		}
		if list, ok := dropLists[c.Field]; ok {
			dv := excelize.NewDataValidation(true)
			dv.Sqref = rng
			if err := dv.SetDropList(list); err != nil {
				return nil, err
			}
			if err := f.AddDataValidation(data, dv); err != nil {
				return nil, err
			}
		}
	}
	last, _ := excelize.ColumnNumberToName(len(cols))
	if err := f.SetCellStyle(data, "A1", last+"1", head); err != nil {
		return nil, err
	}
	if err := f.SetRowHeight(data, 1, 32); err != nil {
		return nil, err
	}
	if err := f.SetPanes(data, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return nil, err
	}

	notes := "填写说明 Notes"
	if _, err := f.NewSheet(notes); err != nil {
		return nil, err
	}
	row := 1
	put := func(vals ...any) error {
		cell, _ := excelize.CoordinatesToCellName(1, row)
		row++
		return f.SetSheetRow(notes, cell, &vals)
	}
	for _, line := range groupingNotes[kind] {
		if err := put(line); err != nil {
			return nil, err
		}
	}
	row++
	if err := put("列 Column", "必填 Required", "说明 Notes", "示例 Example"); err != nil {
		return nil, err
	}
	if err := f.SetCellStyle(notes, fmt.Sprintf("A%d", row-1), fmt.Sprintf("D%d", row-1), head); err != nil {
		return nil, err
	}
	for _, c := range cols {
		req := ""
		if c.Required {
			req = "是 yes"
		}
		if c.Field == FieldItem || c.Field == FieldCode {
			req = "二选一 one of the two"
		}
		if err := put(c.Zh+" ("+c.En+")", req, c.Hint, c.Example); err != nil {
			return nil, err
		}
	}
	for col, w := range map[string]float64{"A": 24, "B": 14, "C": 90, "D": 32} {
		if err := f.SetColWidth(notes, col, col, w); err != nil {
			return nil, err
		}
	}
	f.SetActiveSheet(0)
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

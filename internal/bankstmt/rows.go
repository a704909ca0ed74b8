package bankstmt

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"

	"boai"
)

// ReadRows reads a CSV or XLSX file as Parse does (UTF-8 with or without
// BOM, UTF-16 with BOM, else GB18030; comma, tab or semicolon; XLSX told
// apart by content) and returns its cells, trimmed and unwrapped as Parse
// cleans them, for registers other than bank statements.
//
// rows[i] is line i+1 of a CSV file or row i+1 of the sheet, so callers
// can name rows as a spreadsheet shows them; blank lines, and the lines a
// quoted cell continues on, are empty rows. Of a workbook, the first sheet
// with a non-blank cell is read. XLSX cells are read as stored, not as
// displayed: numbers unrounded, dates as Excel serial numbers (which
// ParseTime reads), except that in a workbook saved with the 1904 date
// system date-formatted cells come as "2006-01-02" (with " 15:04:05" when
// they hold a time), since their serials count from another day.
func ReadRows(b []byte) ([][]string, error) {
	if err := sniffUnsupported(b); err != nil {
		return nil, err
	}
	if bytes.HasPrefix(b, []byte("PK\x03\x04")) {
		return readWorkbookRows(b)
	}
	text, _, err := decode(b)
	if err != nil {
		return nil, err
	}
	// The delimiter under which some row of the first ones splits into the
	// most cells: the header row, whatever its words.
	delim, best := ',', 0
	for _, d := range []rune{',', '\t', ';'} {
		t, _ := readRecords(text, d, headerScanRows)
		for _, row := range t.rows {
			if n := filled(row); n > best {
				delim, best = d, n
			}
		}
	}
	tab, err := readRecords(text, delim, -1)
	if err != nil {
		return nil, err
	}
	var rows [][]string
	for i, rec := range tab.rows {
		for len(rows) < tab.lines[i]-1 {
			rows = append(rows, nil)
		}
		rows = append(rows, rec)
	}
	return rows, nil
}

// filled counts the non-empty cells of a row.
func filled(row []string) int {
	n := 0
	for _, c := range row {
		if c != "" {
			n++
		}
	}
	return n
}

func readWorkbookRows(b []byte) (rows [][]string, err error) {
	// excelize is not hardened against hostile files; an upload must not
	// take the process down.
	defer func() {
		if p := recover(); p != nil {
			rows, err = nil, &boai.Error{Code: boai.EINVALID, Message: "无法读取 XLSX 文件 / cannot read the XLSX file", Err: fmt.Errorf("excelize panic: %v", p)}
		}
	}()
	f, epoch, err := openWorkbook(b)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	for _, sheet := range f.GetSheetList() {
		cells, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, &boai.Error{Code: boai.EINVALID, Message: "无法读取 XLSX 文件 / cannot read the XLSX file", Err: fmt.Errorf("sheet %q: %w", sheet, err)}
		}
		nonBlank := false
		for _, row := range cells {
			for j, c := range row {
				row[j] = cleanCell(c)
				nonBlank = nonBlank || row[j] != ""
			}
		}
		if !nonBlank {
			continue
		}
		if epoch.Equal(excel1904) {
			dates1904(f, sheet, cells)
		}
		return cells, nil
	}
	return nil, boai.Errorf(boai.EINVALID, "工作簿中没有数据 / the workbook has no data")
}

// dates1904 rewrites the date-formatted serials of a 1904-system sheet
// as calendar dates.
func dates1904(f *excelize.File, sheet string, rows [][]string) {
	isDate := map[int]bool{} // style index -> date format
	for i, row := range rows {
		for j, c := range row {
			if c == "" || !isDecimal(c) {
				continue
			}
			name, err := excelize.CoordinatesToCellName(j+1, i+1)
			if err != nil {
				continue
			}
			idx, err := f.GetCellStyle(sheet, name)
			if err != nil {
				continue
			}
			date, ok := isDate[idx]
			if !ok {
				date = dateStyle(f, idx)
				isDate[idx] = date
			}
			if !date {
				continue
			}
			d, err := parseDateTime(c, excel1904)
			if err != nil {
				continue
			}
			row[j] = fmt.Sprintf("%04d-%02d-%02d", d.year, d.month, d.day)
			if d.sec != 0 {
				row[j] += fmt.Sprintf(" %02d:%02d:%02d", d.sec/3600, d.sec/60%60, d.sec%60)
			}
		}
	}
}

// dateStyle reports whether style idx shows numbers as dates: a built-in
// date format, or a custom one with a year or day outside quotes and
// brackets.
func dateStyle(f *excelize.File, idx int) bool {
	st, err := f.GetStyle(idx)
	if err != nil || st == nil {
		return false
	}
	if st.CustomNumFmt == nil || *st.CustomNumFmt == "" {
		n := st.NumFmt
		return n >= 14 && n <= 22 || n >= 27 && n <= 36 || n >= 45 && n <= 47 || n >= 50 && n <= 58
	}
	var b strings.Builder
	quoted, bracket := false, false
	for _, r := range *st.CustomNumFmt {
		switch {
		case r == '"':
			quoted = !quoted
		case quoted:
		case r == '[':
			bracket = true
		case r == ']':
			bracket = false
		case !bracket:
			b.WriteRune(r)
		}
	}
	return strings.ContainsAny(strings.ToLower(b.String()), "yd")
}

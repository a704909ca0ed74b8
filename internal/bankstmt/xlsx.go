package bankstmt

import (
	"bytes"
	"errors"
	"fmt"
	"time"

	"github.com/xuri/excelize/v2"

	"boai"
)

// unzipLimit caps the unpacked size of an uploaded workbook, against zip
// bombs; 100,000 statement rows unpack to well under 100 MiB.
const unzipLimit = 512 << 20

// readXLSX reads the first sheet of the workbook that has a header row.
// Cells are read as stored, not as displayed: display formats can round
// amounts ("#,##0") or write dates as "11-30-26", while stored dates are
// Excel serials that ParseTime reads exactly.
func readXLSX(b []byte, m Mapping) (tab *table, hdr header, err error) {
	// excelize is not hardened against hostile files; an upload must not
	// take the process down.
	defer func() {
		if p := recover(); p != nil {
			tab, err = nil, &boai.Error{Code: boai.EINVALID, Message: "无法读取 XLSX 文件 / cannot read the XLSX file", Err: fmt.Errorf("excelize panic: %v", p)}
		}
	}()
	f, epoch, err := openWorkbook(b)
	if err != nil {
		return nil, header{}, err
	}
	defer func() {
		if tab == nil {
			f.Close()
		}
	}()
	var firstErr error
	for _, sheet := range f.GetSheetList() {
		rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, header{}, &boai.Error{Code: boai.EINVALID, Message: "无法读取 XLSX 文件 / cannot read the XLSX file", Err: fmt.Errorf("sheet %q: %w", sheet, err)}
		}
		lines := make([]int, len(rows))
		for i, row := range rows {
			lines[i] = i + 1 // GetRows keeps empty rows, so index is row-1
			for j, c := range row {
				row[j] = cleanCell(c)
			}
		}
		h, err := pickHeader(rows, m)
		if err != nil {
			if firstErr == nil || errors.Is(firstErr, errNoHeader) {
				firstErr = err
			}
			continue
		}
		t := &table{rows: rows, lines: lines, epoch: epoch, close: func() { f.Close() }}
		t.alt = func(row, col int) (v string) {
			defer func() {
				if recover() != nil {
					v = ""
				}
			}()
			name, err := excelize.CoordinatesToCellName(col+1, row+1)
			if err != nil {
				return ""
			}
			v, _ = f.GetCellValue(sheet, name)
			return cleanCell(v)
		}
		return t, h, nil
	}
	if firstErr == nil {
		firstErr = errNoHeader
	}
	return nil, header{}, firstErr
}

// openWorkbook opens an uploaded workbook, bounded against zip bombs, and
// tells where its serial dates count from. Callers recover from excelize
// panics themselves.
func openWorkbook(b []byte) (*excelize.File, time.Time, error) {
	f, err := excelize.OpenReader(bytes.NewReader(b), excelize.Options{UnzipSizeLimit: unzipLimit})
	if err != nil {
		return nil, time.Time{}, &boai.Error{Code: boai.EINVALID, Message: "无法读取 XLSX 文件 / cannot read the XLSX file", Err: err}
	}
	epoch := excel1900
	if p, err := f.GetWorkbookProps(); err == nil && p.Date1904 != nil && *p.Date1904 {
		epoch = excel1904
	}
	return f, epoch, nil
}

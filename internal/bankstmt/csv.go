package bankstmt

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"

	"boai"
)

// readCSV decodes b, picks the delimiter under which a header row appears
// and reads every record.
func readCSV(b []byte, m Mapping) (*table, header, string, error) {
	text, enc, err := decode(b)
	if err != nil {
		return nil, header{}, "", err
	}
	// Try each delimiter on the first rows only; title lines make counting
	// delimiters unreliable, finding the header is not.
	delim, best := rune(0), 0
	for _, d := range []rune{',', '\t', ';'} {
		t, _ := readRecords(text, d, headerScanRows)
		if i, n := findHeader(t.rows, m); i >= 0 && n > best {
			delim, best = d, n
		}
	}
	if delim == 0 {
		return nil, header{}, enc, errNoHeader
	}
	tab, err := readRecords(text, delim, -1)
	if err != nil {
		return nil, header{}, enc, err
	}
	hdr, err := pickHeader(tab.rows, m)
	if err != nil {
		return nil, header{}, enc, err
	}
	return tab, hdr, enc, nil
}

// decode returns b as UTF-8 text and the encoding it was in: UTF-8 with or
// without BOM, UTF-16 with BOM (Excel's "Unicode text"), else GB18030, the
// superset of the GBK most Chinese banks still export.
func decode(b []byte) (string, string, error) {
	var (
		dec []byte
		enc string
		err error
	)
	switch {
	case bytes.HasPrefix(b, []byte("\xef\xbb\xbf")):
		return string(b[3:]), "utf-8-bom", nil
	case bytes.HasPrefix(b, []byte("\xff\xfe")):
		enc = "utf-16le"
		dec, err = unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder().Bytes(b)
	case bytes.HasPrefix(b, []byte("\xfe\xff")):
		enc = "utf-16be"
		dec, err = unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder().Bytes(b)
	case utf8.Valid(b):
		return string(b), "utf-8", nil
	default:
		enc = "gb18030"
		dec, err = simplifiedchinese.GB18030.NewDecoder().Bytes(b)
	}
	if err != nil {
		return "", enc, &boai.Error{Code: boai.EINVALID, Message: "无法识别文件编码 / cannot decode the file as " + enc, Err: err}
	}
	return string(dec), enc, nil
}

// readRecords reads up to limit records (all if limit < 0) with cleaned
// cells and the line each starts on.
func readRecords(text string, delim rune, limit int) (*table, error) {
	r := csv.NewReader(strings.NewReader(text))
	r.Comma = delim
	r.LazyQuotes = true
	r.FieldsPerRecord = -1
	tab := &table{epoch: excel1900}
	for limit < 0 || len(tab.rows) < limit {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return tab, &boai.Error{Code: boai.EINVALID, Message: "CSV 格式错误 / malformed CSV", Err: err}
		}
		line, _ := r.FieldPos(0)
		for i, c := range rec {
			rec[i] = cleanCell(c)
		}
		tab.rows = append(tab.rows, rec)
		tab.lines = append(tab.lines, line)
	}
	return tab, nil
}

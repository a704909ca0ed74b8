package bankstmt

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"

	"boai"
)

func TestReadRowsCSV(t *testing.T) {
	const text = "物资捐赠登记表\n\n捐赠方,物资名称,数量\n某公司,\"N95 医用防护口罩\n（独立包装）\",=\"0200\"\n\n某集团,KN95 防护口罩,'100\n"
	want := [][]string{
		{"物资捐赠登记表"},
		nil,
		{"捐赠方", "物资名称", "数量"},
		{"某公司", "N95 医用防护口罩\n（独立包装）", "0200"},
		nil, // the quoted cell's second line
		nil,
		{"某集团", "KN95 防护口罩", "100"},
	}
	gbk, _ := simplifiedchinese.GB18030.NewEncoder().String(text)
	utf16, _ := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String(strings.ReplaceAll(text, ",", "\t"))
	for name, b := range map[string]string{
		"utf-8": text, "bom": "\ufeff" + text, "gb18030": gbk, "utf-16 tab": utf16,
		"semicolon": strings.ReplaceAll(text, ",", ";"),
	} {
		got, err := ReadRows([]byte(b))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: got %q\nwant %q", name, got, want)
		}
	}
}

func TestReadRowsXLSX(t *testing.T) {
	f := xlsxFile(t, map[string][][]any{
		"空白": {},
		"登记表": {
			{"物资捐赠登记表"},
			{},
			{"捐赠方", "数量", "有效期"},
			{" 某公司 ", 2000, time.Date(2028, 1, 31, 0, 0, 0, 0, time.UTC)},
		},
		"说明": {{"不读"}},
	}, "空白", "登记表", "说明")
	got, err := ReadRows(xlsxBytes(t, f))
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"物资捐赠登记表"}, nil, {"捐赠方", "数量", "有效期"}, {"某公司", "2000", "46783"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	if d, err := ParseTime(got[3][2], "", nil); err != nil || d.Format("2006-01-02") != "2028-01-31" {
		t.Errorf("serial %s reads as %v, %v", got[3][2], d, err)
	}
}

// In a 1904-system workbook date cells come as dates, numbers as numbers.
func TestReadRowsXLSX1904(t *testing.T) {
	f := xlsxFile(t, map[string][][]any{"S": {{"有效期", "数量"}}}, "S")
	date1904 := true
	if err := f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &date1904}); err != nil {
		t.Fatal(err)
	}
	if err := f.SetSheetRow("S", "A2", &[]any{time.Date(2028, 1, 31, 0, 0, 0, 0, time.UTC), 2000}); err != nil {
		t.Fatal(err)
	}
	got, err := ReadRows(xlsxBytes(t, f))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"2028-01-31", "2000"}; !reflect.DeepEqual(got[1], want) {
		t.Errorf("row 2 = %q, want %q", got[1], want)
	}
}

func TestReadRowsRefuses(t *testing.T) {
	for name, b := range map[string]string{
		"empty": "  \n", "xls": "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "html": "<html><table>",
		"broken zip": "PK\x03\x04garbage",
	} {
		if _, err := ReadRows([]byte(b)); boai.ErrorCode(err) != boai.EINVALID {
			t.Errorf("%s: err = %v, want invalid", name, err)
		}
	}
}

package workflow

import (
	"bytes"
	"image"
	"image/png"
	"math"
	"strings"
	"testing"

	"github.com/factdesk/factdesk/models"
)

func TestParseHexColor(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"#1F5FBF", "#1f5fbf", true}, {" #abc ", "#aabbcc", true}, {"", "", true},
		{"1f5fbf", "", false}, {"#12345", "", false}, {"#gggggg", "", false}, {"red", "", false}, {"#1f5fbf;}", "", false},
	} {
		if got, ok := ParseHexColor(tc.in); got != tc.want || ok != tc.ok {
			t.Errorf("ParseHexColor(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestContrastRatio(t *testing.T) {
	t.Parallel()
	// Reference values from the WCAG 2 definition.
	for _, tc := range []struct {
		a, b string
		want float64
	}{
		{"#000000", "#ffffff", 21}, {"#ffffff", "#ffffff", 1}, {"#777777", "#ffffff", 4.48}, {"#767676", "#ffffff", 4.54},
	} {
		if got := ContrastRatio(tc.a, tc.b); math.Abs(got-tc.want) > 0.05 {
			t.Errorf("ContrastRatio(%s, %s) = %.2f, want %.2f", tc.a, tc.b, got, tc.want)
		}
	}
	if bad := contrastProblems(DefaultBrandColors); len(bad) != 0 {
		t.Errorf("the default colours fail their own check: %v", bad)
	}
	bad := contrastProblems(brandColors("#ffff00", "#ffffff", "#aaaaaa"))
	if len(bad) != 2 || bad[0].Field != "header_text_color" || bad[1].Field != "link_color" || !strings.Contains(bad[0].Message, "4.5:1") {
		t.Errorf("pale colours: %v, want both refused", bad)
	}
}

func TestCheckLogo(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	png.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 40, 20)))
	l, msg := checkLogo(buf.Bytes())
	if msg != "" || l.ContentType != "image/png" || len(l.SHA256) != 64 {
		t.Fatalf("checkLogo(png) = %+v, %q", l, msg)
	}
	for name, b := range map[string][]byte{
		"svg":   []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`),
		"html":  []byte("<html><body>hi</body></html>"),
		"empty": {},
		"huge":  append(buf.Bytes(), make([]byte, MaxLogoBytes)...),
	} {
		if _, msg := checkLogo(b); msg == "" {
			t.Errorf("checkLogo(%s) accepted it", name)
		}
	}
	var wide bytes.Buffer
	png.Encode(&wide, image.NewGray(image.Rect(0, 0, maxLogoSide+1, 1)))
	if _, msg := checkLogo(wide.Bytes()); !strings.Contains(msg, "pixels") {
		t.Errorf("a logo wider than %d px: %q", maxLogoSide, msg)
	}
}

func brandColors(header, text, link string) models.BrandColors {
	return models.BrandColors{Header: header, HeaderText: text, Link: link}
}

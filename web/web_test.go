package web

import (
	"strings"
	"testing"
	"time"
)

func TestLoadParsesEveryPage(t *testing.T) {
	t.Parallel()
	v, err := Load()
	if err != nil {
		t.Fatalf("Load() = %v", err)
	}
	for _, p := range Pages {
		if _, ok := v.pages[p]; !ok {
			t.Errorf("page %q not loaded", p)
		}
	}
	if _, err := v.Render("nope", "layout", nil); err == nil {
		t.Errorf("Render(unknown page) = nil error")
	}
}

func TestAssetsAreVersioned(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"app.css", "app.js", "htmx.min.js"} {
		if u := Asset(name); !strings.HasPrefix(u, "/static/"+name+"?v=") || len(u) < len("/static/"+name+"?v=")+12 {
			t.Errorf("Asset(%q) = %q, want a content-hashed URL", name, u)
		}
	}
}

func TestCharts(t *testing.T) {
	t.Parallel()
	h := HBarChart("x", "t", "d", []Bar{{Label: "a", Value: 10}, {Label: "b", Value: 5}, {Label: "c", Value: 0}})
	if h.Bars[0].W <= h.Bars[1].W || h.Bars[1].W != h.Bars[0].W/2 || h.Bars[2].W != 0 {
		t.Errorf("HBarChart widths = %v, %v, %v; want proportional to 10, 5, 0", h.Bars[0].W, h.Bars[1].W, h.Bars[2].W)
	}
	empty := VBarChart("y", "t", "d", make([]Bar, 30))
	if !empty.Empty || len(empty.Bars) != 30 {
		t.Errorf("VBarChart of zeros: Empty=%v bars=%d", empty.Empty, len(empty.Bars))
	}
	v := VBarChart("y", "t", "d", []Bar{{Value: 4}, {Value: 2}})
	if v.Bars[0].H != 2*v.Bars[1].H || v.Bars[0].Y+v.Bars[0].H != v.AxisY {
		t.Errorf("VBarChart heights = %v, %v; want bars standing on the axis in proportion", v.Bars[0].H, v.Bars[1].H)
	}
}

func TestHumanDuration(t *testing.T) {
	t.Parallel()
	for d, want := range map[time.Duration]string{
		30 * time.Second: "under a minute", 5 * time.Minute: "5 min", 3 * time.Hour: "3 h",
		90 * time.Minute: "1 h 30 min", 72 * time.Hour: "3.0 days",
	} {
		if got := HumanDuration(d); got != want {
			t.Errorf("HumanDuration(%s) = %q, want %q", d, got, want)
		}
	}
}

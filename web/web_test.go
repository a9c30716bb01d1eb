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
	h := HBarChart("x", "t", "d", "Name", []Bar{{Label: "a", Value: 10}, {Label: "b", Value: 5}, {Label: "c", Value: 0}})
	for _, l := range []Layout{h.Wide, h.Narrow} {
		if r := l.Rects; r[0].W <= r[1].W || r[1].W != r[0].W/2 || r[2].W != 0 {
			t.Errorf("HBarChart widths (layout %g) = %v, %v, %v; want proportional to 10, 5, 0", l.Width, r[0].W, r[1].W, r[2].W)
		}
	}
	if len(h.Rows) != 3 || h.Rows[1][0] != "b" || h.Rows[1][1] != "5" {
		t.Errorf("HBarChart table = %v, want a row per bar", h.Rows)
	}
	empty := VBarChart("y", "t", "d", "Day", "Claims", make([]Bar, 30), 7, 14)
	if !empty.Empty || len(empty.Rows) != 30 || len(empty.Wide.Rects) != 0 {
		t.Errorf("VBarChart of zeros: Empty=%v rows=%d rects=%d", empty.Empty, len(empty.Rows), len(empty.Wide.Rects))
	}
	v := VBarChart("y", "t", "d", "Day", "Claims", []Bar{{Label: "1 Jan", Value: 4}, {Label: "2 Jan", Value: 2}}, 1, 1)
	r := v.Narrow.Rects
	if len(r) != 2 || r[0].H != 2*r[1].H || r[0].Y+r[0].H != r[1].Y+r[1].H {
		t.Fatalf("VBarChart bars = %+v; want two bars standing on the axis in proportion", r)
	}
	// Stacked: the layers of one point sit on each other.
	st := StackedChart("s", "t", "d", "Week", "Claims", []string{"w1", "w2"},
		[]Series{{Name: "New", Values: []float64{3, 1}}, {Name: "Done", Values: []float64{1, 4}}}, 1, 1)
	if sr := st.Wide.Rects; len(sr) != 4 || sr[0].Y != sr[1].Y+sr[1].H {
		t.Errorf("StackedChart rects = %+v; want the second layer on top of the first", sr)
	}
	if st.Head[2] != "Done" || st.Rows[1][2] != "4" {
		t.Errorf("StackedChart table = %v %v", st.Head, st.Rows)
	}
	// A line leaves out the points without data, and the table says so.
	lc := LineChart("l", "t", "d", "Week", "Hours", []string{"w1", "w2", "w3"},
		[]Series{{Name: "Median", Values: []float64{2, 0, 5.5}}}, []bool{true, false, true}, 1, 1)
	if len(lc.Wide.Dots) != 2 || lc.Rows[1][1] != "–" || lc.Rows[2][1] != "5.5" {
		t.Errorf("LineChart dots=%d rows=%v; want two points and a dash for the gap", len(lc.Wide.Dots), lc.Rows)
	}
}

// TestChartTextFits checks every label of the narrow and wide layouts lies
// inside the drawing, estimating a character at 0.6 of the font size, so
// nothing is clipped or overflows at phone width.
func TestChartTextFits(t *testing.T) {
	t.Parallel()
	days := make([]Bar, 30)
	for i := range days {
		days[i] = Bar{Label: time.Date(2026, 11, 2+i, 0, 0, 0, 0, time.UTC).Format("2 Jan"), Value: int64(i % 4)}
	}
	weeks := []string{"8 Sep", "15 Sep", "22 Sep", "29 Sep", "6 Oct", "13 Oct", "20 Oct", "27 Oct", "3 Nov", "10 Nov", "17 Nov", "24 Nov"}
	vals := make([]float64, 12)
	ok := make([]bool, 12)
	for i := range vals {
		vals[i], ok[i] = float64(i*37%500), true
	}
	charts := []Chart{
		VBarChart("d", "t", "d", "Day", "Claims confirmed", days, 7, 14),
		LineChart("l", "t", "d", "Week starting", "Time to confirm (hours)", weeks, []Series{{Name: "Median", Values: vals}}, ok, 2, 4),
		HBarChart("h", "t", "d", "Name", []Bar{{Label: "A checker with a rather long name", Value: 12}, {Label: "Bo", Value: 1200}}),
	}
	for _, c := range charts {
		for _, l := range []Layout{c.Wide, c.Narrow} {
			var spans [][2]float64
			for _, tx := range l.Texts {
				if tx.Rotate {
					continue
				}
				w := float64(len([]rune(tx.S))) * fontSize * 0.6
				x0 := tx.X
				switch tx.Anchor {
				case "middle":
					x0 -= w / 2
				case "end":
					x0 -= w
				}
				if x0 < 0 || x0+w > l.Width || tx.Y > l.Height || tx.Y < fontSize {
					t.Errorf("chart %s (width %g): %q spans x %.0f–%.0f at y %.0f, outside the drawing", c.ID, l.Width, tx.S, x0, x0+w, tx.Y)
				}
				if tx.Class == "chart-label" && tx.Y > l.Height-40 && tx.Anchor == "middle" {
					spans = append(spans, [2]float64{x0, x0 + w})
				}
			}
			for i := 1; i < len(spans); i++ {
				if spans[i][0] < spans[i-1][1]+4 {
					t.Errorf("chart %s (width %g): axis labels %d and %d overlap", c.ID, l.Width, i-1, i)
				}
			}
		}
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

// TestFetchFailureWords: every failure class a source check stores reads
// as words, not as its code.
func TestFetchFailureWords(t *testing.T) {
	t.Parallel()
	for _, class := range []string{"timeout", "canceled", "dns", "refused", "blocked", "tls", "too_large", "redirect", "http", "http_status"} {
		if got := FetchFailure(class); strings.Contains(got, "_") || strings.Contains(got, "("+class+")") {
			t.Errorf("FetchFailure(%q) = %q", class, got)
		}
	}
	if got := FetchFailure("martian"); !strings.Contains(got, "martian") {
		t.Errorf("an unknown class should still be named: %q", got)
	}
}

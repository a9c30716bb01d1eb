package web

import (
	"fmt"
	"math"
	"strconv"
)

// The charts are drawn on the server as SVG: they need no script, work
// under the strict content security policy (geometry is in attributes, not
// inline styles), and read out to screen readers through their title,
// description and a table of the same numbers.
//
// Every chart is laid out twice, for a wide and a narrow box, and the
// stylesheet shows the one that fits its container (a container query), so
// its text is never drawn smaller than the font size: an SVG scaled down
// to a phone would shrink 12 px labels to 6.

// Chart text is 13 units, so a layout shown at 92% of its width still
// reads at 12 px.
const (
	fontSize    = 13.0
	wideWidth   = 600.0
	narrowWidth = 300.0
)

// Bar is one bar of a chart.
type Bar struct {
	Label string
	Value int64
	// Class colours the bar through the stylesheet.
	Class string
}

// Series is one line of a line chart, or one layer of a stacked chart:
// a value per point of the chart's X axis.
type Series struct {
	Name   string
	Class  string
	Values []float64
}

// Text, Rect, Line and Path are what a layout draws.
type Text struct {
	X, Y   float64
	Anchor string // start, middle or end
	Class  string
	S      string
	// Rotate turns the text by -90° around its point, for a Y axis title.
	Rotate bool
}

type Rect struct {
	X, Y, W, H float64
	Class      string
	Title      string
}

type Line struct {
	X1, Y1, X2, Y2 float64
	Class          string
}

type Path struct {
	D     string
	Class string
}

// Layout is a chart drawn for one width.
type Layout struct {
	Width, Height float64
	Texts         []Text
	Rects         []Rect
	Lines         []Line
	Paths         []Path
	// Dots are data points (a line chart's), drawn as small circles.
	Dots []Rect
}

// ViewBox is the SVG viewBox attribute.
func (l Layout) ViewBox() string { return fmt.Sprintf("0 0 %g %g", l.Width, l.Height) }

// Chart is a chart with both its layouts and its numbers.
type Chart struct {
	ID          string
	Title       string
	Description string
	Wide        Layout
	Narrow      Layout
	// Legend names the series of a multi-series chart.
	Legend []Series
	// Head and Rows are the numbers as a table.
	Head  []string
	Rows  [][]string
	Empty bool
}

// HBarChart lays bars out horizontally, one per row with its label on the
// left; good for named categories (states, checkers). labelHead heads the
// labels' column of the table.
func HBarChart(id, title, desc, labelHead string, bars []Bar) Chart {
	c := Chart{ID: id, Title: title, Description: desc, Head: []string{labelHead, "Claims"}, Empty: true}
	for _, b := range bars {
		c.Rows = append(c.Rows, []string{b.Label, strconv.FormatInt(b.Value, 10)})
		if b.Value > 0 {
			c.Empty = false
		}
	}
	c.Wide = hbars(bars, wideWidth, 150)
	c.Narrow = hbars(bars, narrowWidth, 100)
	return c
}

func hbars(bars []Bar, width, labelW float64) Layout {
	const rowH, gap, valueW = 24.0, 8.0, 44.0
	l := Layout{Width: width, Height: math.Max(float64(len(bars))*(rowH+gap)+gap, rowH+2*gap)}
	var max int64
	for _, b := range bars {
		max = maxOf(max, b.Value)
	}
	span := width - labelW - valueW
	maxChars := int((labelW-10)/(fontSize*0.6)) - 1
	for i, b := range bars {
		y := gap + float64(i)*(rowH+gap)
		w := 0.0
		if max > 0 {
			w = span * float64(b.Value) / float64(max)
		}
		if b.Value > 0 && w < 2 {
			w = 2
		}
		l.Texts = append(l.Texts, Text{X: labelW - 8, Y: y + rowH/2 + 4.5, Anchor: "end", Class: "chart-label", S: truncate(maxChars, b.Label)})
		l.Rects = append(l.Rects, Rect{X: labelW, Y: y, W: w, H: rowH, Class: "bar " + b.Class, Title: fmt.Sprintf("%s: %d", b.Label, b.Value)})
		l.Texts = append(l.Texts, Text{X: labelW + w + 6, Y: y + rowH/2 + 4.5, Class: "chart-value", S: strconv.FormatInt(b.Value, 10)})
	}
	return l
}

// VBarChart lays bars out as columns over time, with a value axis and a
// label on every every-th bar (counted from the last) so the dates do not
// collide.
func VBarChart(id, title, desc, xTitle, yTitle string, bars []Bar, everyWide, everyNarrow int) Chart {
	c := Chart{ID: id, Title: title, Description: desc, Head: []string{xTitle, yTitle}, Empty: true}
	series := Series{Name: yTitle, Class: "", Values: make([]float64, len(bars))}
	labels := make([]string, len(bars))
	for i, b := range bars {
		c.Rows = append(c.Rows, []string{b.Label, strconv.FormatInt(b.Value, 10)})
		series.Values[i] = float64(b.Value)
		labels[i] = b.Label
		if b.Value > 0 {
			c.Empty = false
		}
	}
	class := ""
	if len(bars) > 0 {
		class = bars[0].Class
	}
	series.Class = class
	c.Wide = stackedBars(labels, []Series{series}, wideWidth, everyWide, xTitle, yTitle)
	c.Narrow = stackedBars(labels, []Series{series}, narrowWidth, everyNarrow, xTitle, yTitle)
	return c
}

// StackedChart stacks series per point of the X axis: claims per state
// per week.
func StackedChart(id, title, desc, xTitle, yTitle string, labels []string, series []Series, everyWide, everyNarrow int) Chart {
	c := Chart{ID: id, Title: title, Description: desc, Legend: series, Head: []string{xTitle}, Empty: true}
	for _, s := range series {
		c.Head = append(c.Head, s.Name)
	}
	for i, label := range labels {
		row := []string{label}
		for _, s := range series {
			row = append(row, formatNumber(s.Values[i]))
			if s.Values[i] > 0 {
				c.Empty = false
			}
		}
		c.Rows = append(c.Rows, row)
	}
	c.Wide = stackedBars(labels, series, wideWidth, everyWide, xTitle, yTitle)
	c.Narrow = stackedBars(labels, series, narrowWidth, everyNarrow, xTitle, yTitle)
	return c
}

// LineChart draws each series as a line with dots; a point whose valid is
// false (a week without data) is left out, and reads "–" in the table.
func LineChart(id, title, desc, xTitle, yTitle string, labels []string, series []Series, valid []bool, everyWide, everyNarrow int) Chart {
	c := Chart{ID: id, Title: title, Description: desc, Legend: series, Head: []string{xTitle}, Empty: true}
	for _, s := range series {
		c.Head = append(c.Head, s.Name)
	}
	for i, label := range labels {
		row := []string{label}
		for _, s := range series {
			if valid[i] {
				row = append(row, formatNumber(s.Values[i]))
				c.Empty = false
			} else {
				row = append(row, "–")
			}
		}
		c.Rows = append(c.Rows, row)
	}
	c.Wide = lines(labels, series, valid, wideWidth, everyWide, xTitle, yTitle)
	c.Narrow = lines(labels, series, valid, narrowWidth, everyNarrow, xTitle, yTitle)
	return c
}

// plot is the frame of an X/Y chart: margins, the value axis with its
// ticks and titles, and the X labels.
type plot struct {
	l                        Layout
	left, right, top, bottom float64
	max                      float64
}

func newPlot(width float64, max float64, whole bool, xTitle, yTitle string) *plot {
	p := &plot{l: Layout{Width: width, Height: 240}, top: 14, bottom: 46, right: 22}
	p.max = niceMax(max, whole)
	ticks := []float64{0, p.max / 2, p.max}
	tickW := 0.0
	for _, t := range ticks {
		tickW = math.Max(tickW, float64(len(formatNumber(t)))*fontSize*0.6)
	}
	p.left = 22 + tickW + 6
	for _, t := range ticks {
		y := p.y(t)
		p.l.Lines = append(p.l.Lines, Line{X1: p.left, X2: width - p.right, Y1: y, Y2: y, Class: "grid"})
		p.l.Texts = append(p.l.Texts, Text{X: p.left - 6, Y: y + 4.5, Anchor: "end", Class: "chart-label", S: formatNumber(t)})
	}
	plotMid := p.top + (p.l.Height-p.top-p.bottom)/2
	p.l.Texts = append(p.l.Texts, Text{X: 14, Y: plotMid, Anchor: "middle", Class: "axis-title", S: yTitle, Rotate: true})
	p.l.Texts = append(p.l.Texts, Text{X: p.left + (width-p.right-p.left)/2, Y: p.l.Height - 6, Anchor: "middle", Class: "axis-title", S: xTitle})
	p.l.Lines = append(p.l.Lines, Line{X1: p.left, X2: width - p.right, Y1: p.y(0), Y2: p.y(0), Class: "axis"})
	return p
}

func (p *plot) y(v float64) float64 {
	h := p.l.Height - p.top - p.bottom
	if p.max <= 0 {
		return p.top + h
	}
	return p.top + h - h*v/p.max
}

// xLabels writes every every-th label under its slot, counted from the
// last so the newest point is always named.
func (p *plot) xLabels(labels []string, every int, x func(int) float64) {
	if every < 1 {
		every = 1
	}
	for i, label := range labels {
		if (len(labels)-1-i)%every == 0 {
			p.l.Texts = append(p.l.Texts, Text{X: x(i), Y: p.y(0) + 17, Anchor: "middle", Class: "chart-label", S: label})
		}
	}
}

func stackedBars(labels []string, series []Series, width float64, every int, xTitle, yTitle string) Layout {
	max := 0.0
	for i := range labels {
		sum := 0.0
		for _, s := range series {
			sum += s.Values[i]
		}
		max = math.Max(max, sum)
	}
	p := newPlot(width, max, true, xTitle, yTitle)
	n := float64(len(labels))
	if n == 0 {
		return p.l
	}
	slot := (width - p.right - p.left) / n
	x := func(i int) float64 { return p.left + slot*(float64(i)+0.5) }
	for i, label := range labels {
		base := 0.0
		for _, s := range series {
			v := s.Values[i]
			if v <= 0 {
				continue
			}
			top := p.y(base + v)
			title := fmt.Sprintf("%s: %s", label, formatNumber(v))
			if len(series) > 1 {
				title = fmt.Sprintf("%s, %s: %s", label, s.Name, formatNumber(v))
			}
			p.l.Rects = append(p.l.Rects, Rect{X: x(i) - slot*0.35, Y: top, W: slot * 0.7, H: p.y(base) - top, Class: "bar " + s.Class, Title: title})
			base += v
		}
	}
	p.xLabels(labels, every, x)
	return p.l
}

func lines(labels []string, series []Series, valid []bool, width float64, every int, xTitle, yTitle string) Layout {
	max := 0.0
	for _, s := range series {
		for i, v := range s.Values {
			if valid[i] {
				max = math.Max(max, v)
			}
		}
	}
	p := newPlot(width, max, false, xTitle, yTitle)
	n := float64(len(labels))
	if n == 0 {
		return p.l
	}
	slot := (width - p.right - p.left) / n
	x := func(i int) float64 { return p.left + slot*(float64(i)+0.5) }
	for _, s := range series {
		d := ""
		for i, v := range s.Values {
			if !valid[i] {
				continue
			}
			cmd := "L"
			if d == "" {
				cmd = "M"
			}
			d += fmt.Sprintf("%s%.1f %.1f ", cmd, x(i), p.y(v))
			p.l.Dots = append(p.l.Dots, Rect{X: x(i), Y: p.y(v), Class: "dot " + s.Class, Title: fmt.Sprintf("%s, %s: %s", labels[i], s.Name, formatNumber(v))})
		}
		if d != "" {
			p.l.Paths = append(p.l.Paths, Path{D: d, Class: "line " + s.Class})
		}
	}
	p.xLabels(labels, every, x)
	return p.l
}

// niceMax rounds a chart's top value up to a round number, so the axis
// ticks (0, half, top) are round too; for whole numbers (counts of claims)
// the half is whole as well.
func niceMax(v float64, whole bool) float64 {
	steps := []float64{1, 2, 5, 10}
	if whole {
		v = math.Max(v, 2)
		steps = []float64{1, 2, 4, 6, 8, 10}
	}
	if v <= 0 {
		return 1
	}
	exp := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range steps {
		if v <= m*exp {
			return m * exp
		}
	}
	return 10 * exp
}

func formatNumber(v float64) string {
	if v == math.Trunc(v) {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'f', 1, 64)
}

func maxOf(a, b int64) int64 { return max(a, b) }

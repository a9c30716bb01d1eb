package web

import (
	"fmt"
	"math"
)

// The charts are drawn on the server as SVG: they need no script, work
// under the strict content security policy (geometry is in attributes, not
// inline styles), and read out to screen readers through their title and
// description.

// Bar is one bar of a chart.
type Bar struct {
	Label string
	Value int64
	// Class colours the bar through the stylesheet.
	Class string
}

// PlacedBar is a bar with its geometry in the chart's coordinates.
type PlacedBar struct {
	Bar
	X, Y, W, H     float64
	LabelX, LabelY float64
	ValueX, ValueY float64
	ShowLabel      bool
}

// Chart is a laid-out bar chart.
type Chart struct {
	ID          string
	Title       string
	Description string
	Width       float64
	Height      float64
	Horizontal  bool
	Bars        []PlacedBar
	Max         int64
	// AxisY is where the baseline of a vertical chart sits.
	AxisY float64
	Empty bool
}

// ViewBox is the SVG viewBox attribute.
func (c Chart) ViewBox() string { return fmt.Sprintf("0 0 %g %g", c.Width, c.Height) }

// HBarChart lays bars out horizontally, one per row with its label on the
// left; good for named categories (states, checkers).
func HBarChart(id, title, desc string, bars []Bar) Chart {
	const rowH, gap, labelW, valueW, width = 26.0, 8.0, 150.0, 50.0, 640.0
	c := Chart{ID: id, Title: title, Description: desc, Width: width, Horizontal: true}
	c.Height = math.Max(float64(len(bars))*(rowH+gap)+gap, rowH+2*gap)
	for _, b := range bars {
		if b.Value > c.Max {
			c.Max = b.Value
		}
	}
	c.Empty = c.Max == 0
	span := width - labelW - valueW
	for i, b := range bars {
		y := gap + float64(i)*(rowH+gap)
		w := 0.0
		if c.Max > 0 {
			w = span * float64(b.Value) / float64(c.Max)
		}
		if b.Value > 0 && w < 2 {
			w = 2
		}
		c.Bars = append(c.Bars, PlacedBar{
			Bar: b, X: labelW, Y: y, W: w, H: rowH,
			LabelX: labelW - 8, LabelY: y + rowH/2 + 5,
			ValueX: labelW + w + 6, ValueY: y + rowH/2 + 5, ShowLabel: true,
		})
	}
	return c
}

// VBarChart lays bars out as columns over time; every seventh label is
// shown so thirty days stay legible at phone width.
func VBarChart(id, title, desc string, bars []Bar) Chart {
	const width, height, top, bottom, left, right = 640.0, 220.0, 20.0, 30.0, 10.0, 10.0
	c := Chart{ID: id, Title: title, Description: desc, Width: width, Height: height, AxisY: height - bottom}
	for _, b := range bars {
		if b.Value > c.Max {
			c.Max = b.Value
		}
	}
	c.Empty = c.Max == 0
	n := float64(len(bars))
	if n == 0 {
		return c
	}
	slot := (width - left - right) / n
	plotH := height - top - bottom
	for i, b := range bars {
		h := 0.0
		if c.Max > 0 {
			h = plotH * float64(b.Value) / float64(c.Max)
		}
		x := left + float64(i)*slot
		c.Bars = append(c.Bars, PlacedBar{
			Bar: b, X: x + slot*0.15, Y: c.AxisY - h, W: slot * 0.7, H: h,
			LabelX: x + slot/2, LabelY: height - 10,
			ValueX: x + slot/2, ValueY: c.AxisY - h - 4,
			ShowLabel: (len(bars)-1-i)%7 == 0,
		})
	}
	return c
}

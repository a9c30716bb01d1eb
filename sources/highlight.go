package sources

import (
	"unicode/utf8"

	"github.com/factdesk/factdesk/archive/anchor"
)

// MaxShownTextBytes caps the readable text a capture viewer puts in a page
// (the desk's and the public archived copy): the quote and what surrounds
// it, not a whole book. The text itself is kept and searched in full.
const MaxShownTextBytes = 256 << 10

// Highlighted is a capture's readable text cut around the quoted passage,
// ready for a viewer to escape and show. The captured HTML never reaches a
// viewer: only this text does.
type Highlighted struct {
	// Before, Quote and After are the shown text split around the
	// highlighted passage (Quote empty: nothing to highlight).
	Before, Quote, After string
	// CutBefore and CutAfter count the bytes of text left out either side.
	CutBefore, CutAfter int
	// QuoteMoved says the highlight is where the quote's place is now (the
	// page changed), not the exact quote.
	QuoteMoved bool
}

// Highlight cuts text, the readable text of capture c, into what comes
// before, at and after the quote's anchor in it, keeping at most
// MaxShownTextBytes around the quote.
func Highlight(text string, c CaptureView) Highlighted {
	var h Highlighted
	a := c.Anchor
	if a == nil && c.Reanchor != nil && c.Reanchor.Status != anchor.Missing {
		a, h.QuoteMoved = &c.Reanchor.Anchor, true
	}
	start, end := 0, 0
	if a != nil {
		var err error
		if start, end, err = a.ByteRange(text); err != nil {
			start, end, a = 0, 0, nil
		}
	}
	from, to := 0, len(text)
	if len(text) > MaxShownTextBytes {
		from = max(0, (start+end)/2-MaxShownTextBytes/2)
		to = min(len(text), from+MaxShownTextBytes)
		from = max(0, to-MaxShownTextBytes)
		for from > 0 && !utf8.RuneStart(text[from]) {
			from++
		}
		for to < len(text) && !utf8.RuneStart(text[to]) {
			to--
		}
		start, end = max(start, from), min(end, to)
	}
	h.CutBefore, h.CutAfter = from, len(text)-to
	if a == nil || start >= end {
		h.Before, h.QuoteMoved = text[from:to], false
		return h
	}
	h.Before, h.Quote, h.After = text[from:start], text[start:end], text[end:to]
	return h
}

package extract

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// WriteText writes candidates for people: one block per sentence with a
// marker ("*" check-worthy, "-" not), score, type, offsets, the sentence, and
// the claimant and cues indented below. It is the text format of
// `factdesk extract`.
func WriteText(w io.Writer, cs []Candidate) error {
	bw := bufio.NewWriter(w)
	for i, c := range cs {
		if i > 0 {
			bw.WriteByte('\n')
		}
		mark := "-"
		if c.Checkworthy {
			mark = "*"
		}
		fmt.Fprintf(bw, "%s %.2f %-25s [%d:%d] %s\n", mark, c.Score, c.Type, c.Start, c.End, oneLine(c.Text))
		if c.Claimant != "" {
			fmt.Fprintf(bw, "    claimant: %s\n", c.Claimant)
		}
		if len(c.Cues) > 0 {
			fmt.Fprintf(bw, "    cues: %s\n", strings.Join(c.Cues, "; "))
		}
	}
	return bw.Flush()
}

// oneLine folds the line breaks a sentence may span so each sentence stays
// on one output line.
func oneLine(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}

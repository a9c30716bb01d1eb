package workflow

import (
	"fmt"
	"strings"
)

// Mermaid renders the table as a Mermaid state diagram. The README embeds
// this output, and a test keeps the two equal.
func Mermaid() string {
	var b strings.Builder
	b.WriteString("stateDiagram-v2\n")
	b.WriteString("    [*] --> new\n")
	for _, t := range Table {
		for _, from := range t.From {
			fmt.Fprintf(&b, "    %s --> %s: %s\n", from, t.To, t.Action)
		}
	}
	b.WriteString("    confirmed --> [*]\n")
	return b.String()
}

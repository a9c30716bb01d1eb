package jobs

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
)

func TestRiverInfoBecomesDebug(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	inner := slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo})
	log := slog.New(quiet{inner}).With("component", "river")
	log.Info("Producer job counts")
	log.Warn("Retry policy returned invalid next retry")
	if got := buf.String(); strings.Contains(got, "Producer job counts") || !strings.Contains(got, "level=WARN") {
		t.Fatalf("at info level the log reads %q, want River's info hidden and its warning kept", got)
	}
	buf.Reset()
	debug := slog.New(quiet{slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})})
	if !debug.Enabled(context.Background(), slog.LevelInfo) {
		t.Fatal("a debug handler does not take River's info lines")
	}
	debug.Info("Producer job counts")
	if got := buf.String(); !strings.Contains(got, "level=DEBUG") {
		t.Fatalf("at debug level the log reads %q, want the line at DEBUG", got)
	}
}

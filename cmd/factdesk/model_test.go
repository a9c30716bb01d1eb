package main

import (
	"io"
	"strings"
	"testing"
)

func TestModelUsage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		want string
	}{
		{nil, "usage:"},
		{[]string{"fit"}, "usage:"},
		{[]string{"train"}, "--out FILE is required"},
		{[]string{"eval", "--bogus"}, "flag provided but not defined"},
		{[]string{"eval", "--data", t.TempDir()}, "holds no checkworthiness/ folder"},
	}
	for _, tt := range tests {
		err := runModel(tt.args, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("runModel(%q) = %v, want an error containing %q", tt.args, err, tt.want)
		}
	}
}

package safehttp_test

import (
	"errors"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/factdesk/factdesk/safehttp"
)

func TestReadLimited(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name          string
		body          string
		maxBytes      int64
		want          string
		wantTruncated bool
	}{
		{"empty", "", 10, "", false},
		{"under", "hello", 10, "hello", false},
		{"exact", "hello", 5, "hello", false},
		{"over by one", "hello!", 5, "hello", true},
		{"far over", strings.Repeat("a", 10000), 3, "aaa", true},
		{"zero limit", "x", 0, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, truncated, err := safehttp.ReadLimited(strings.NewReader(tt.body), tt.maxBytes)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want || truncated != tt.wantTruncated {
				t.Errorf("ReadLimited(%d) = %q, %v; want %q, %v", tt.maxBytes, got, truncated, tt.want, tt.wantTruncated)
			}
		})
	}
}

func TestReadLimitedErrors(t *testing.T) {
	t.Parallel()

	boom := errors.New("boom")
	if _, _, err := safehttp.ReadLimited(iotest.ErrReader(boom), 10); !errors.Is(err, boom) {
		t.Errorf("ReadLimited(failing reader) error = %v, want %v", err, boom)
	}
	if _, _, err := safehttp.ReadLimited(strings.NewReader("x"), -1); err == nil {
		t.Error("ReadLimited(-1) error = nil, want an error")
	}
}

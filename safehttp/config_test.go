package safehttp_test

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/factdesk/factdesk/safehttp"
)

func TestParseCIDRs(t *testing.T) {
	t.Parallel()

	tests := []struct {
		in      string
		want    []string
		wantErr string
	}{
		{in: "", want: nil},
		{in: "127.0.0.0/8,::1/128", want: []string{"127.0.0.0/8", "::1/128"}},
		{in: " 10.0.0.0/8 , 192.168.0.0/16 ,", want: []string{"10.0.0.0/8", "192.168.0.0/16"}},
		{in: "10.1.2.3/8", want: []string{"10.0.0.0/8"}},
		{in: "10.0.0.5", want: []string{"10.0.0.5/32"}},
		{in: "fd00::1", want: []string{"fd00::1/128"}},
		{in: "10.0.0.0/8,nope", wantErr: `entry 2 "nope"`},
		{in: "10.0.0.0/33", wantErr: `entry 1 "10.0.0.0/33"`},
		{in: "0177.0.0.1/8", wantErr: `entry 1`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := safehttp.ParseCIDRs(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseCIDRs(%q) error = %v, want it to contain %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseCIDRs(%q): %v", tt.in, err)
			}
			var want []netip.Prefix
			for _, s := range tt.want {
				want = append(want, netip.MustParsePrefix(s))
			}
			if !slices.Equal(got, want) {
				t.Errorf("ParseCIDRs(%q) = %v, want %v", tt.in, got, want)
			}
		})
	}
}

// Package testtools finds the outside programs the archive tests check
// their output with (warcio.js, unzip) and the browser tests' axe-core. A missing tool fails the test when
// FACTDESK_REQUIRE_TOOLS=1, as CI sets after scripts/install-test-tools.sh,
// so CI can never pass by not running the check; elsewhere it skips with
// the command that installs it.
package testtools

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func missing(t testing.TB, what, install string) {
	t.Helper()
	if os.Getenv("FACTDESK_REQUIRE_TOOLS") == "1" {
		t.Fatalf("%s is required (FACTDESK_REQUIRE_TOOLS=1); install it with: %s", what, install)
	}
	t.Skipf("%s not installed (run %s; CI sets FACTDESK_REQUIRE_TOOLS=1 so this fails there)", what, install)
}

// Need returns the path of program name.
func Need(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		missing(t, name, "scripts/install-test-tools.sh")
	}
	return p
}

// WarcioNodePath returns a NODE_PATH under which require("warcio") works:
// $FACTDESK_WARCIO_NODE_PATH, or npm's global module directory.
func WarcioNodePath(t testing.TB) string {
	t.Helper()
	Need(t, "node")
	if d := npmModule(os.Getenv("FACTDESK_WARCIO_NODE_PATH"), "warcio", "package.json"); d != "" {
		return d
	}
	missing(t, "warcio (npm)", "scripts/install-test-tools.sh")
	return ""
}

// AxeScript returns the source of axe-core's browser bundle (axe.min.js),
// for the browser tests to inject into pages: from the node_modules
// directory $FACTDESK_AXE_NODE_PATH, or npm's global module directory.
func AxeScript(t testing.TB) string {
	t.Helper()
	if d := npmModule(os.Getenv("FACTDESK_AXE_NODE_PATH"), "axe-core", "axe.min.js"); d != "" {
		b, err := os.ReadFile(filepath.Join(d, "axe-core", "axe.min.js"))
		if err == nil && len(b) > 0 {
			return string(b)
		}
	}
	missing(t, "axe-core (npm)", "scripts/install-test-tools.sh")
	return ""
}

// npmModule returns the first of dir and npm's global module directory
// that holds module/file, or "".
func npmModule(dir, module, file string) string {
	dirs := []string{dir}
	if npm, err := exec.LookPath("npm"); err == nil {
		if out, err := exec.Command(npm, "root", "-g").Output(); err == nil {
			dirs = append(dirs, strings.TrimSpace(string(out)))
		}
	}
	for _, d := range dirs {
		if d == "" {
			continue
		}
		if _, err := os.Stat(filepath.Join(d, module, file)); err == nil {
			return d
		}
	}
	return ""
}

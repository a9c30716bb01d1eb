#!/usr/bin/env bash
# Vendors htmx into web/static so the binary embeds it and neither the build
# nor the server needs npm or a CDN. Run it by hand to upgrade htmx, check the
# dashboard (go test ./handlers/web/ ./e2e/), and commit the copied file.
#
#   scripts/vendor-htmx.sh            # latest 2.x
#   HTMX_VERSION=2.0.4 scripts/vendor-htmx.sh
set -euo pipefail

version="${HTMX_VERSION:-2}"
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cd "$work"
npm init -y >/dev/null
npm install --no-audit --no-fund --ignore-scripts "htmx.org@${version}" >/dev/null
installed="$(node -p 'require("htmx.org/package.json").version')"
cp node_modules/htmx.org/dist/htmx.min.js "$root/web/static/htmx.min.js"
echo "$installed" > "$root/web/static/htmx.version"
echo "vendored htmx $installed into web/static/htmx.min.js"

#!/usr/bin/env bash
# Vendors Swagger UI (swagger-ui-dist) into handlers/api/docs so the binary
# embeds the browsable API docs at /api/docs and neither the build nor the
# server needs npm or a CDN. Run it by hand to upgrade, check the page
# (go test -run 'TestAPIDocs' ./handlers/api/ ./e2e/), and commit the files.
#
#   scripts/vendor-swagger-ui.sh                 # the pinned version
#   SWAGGER_UI_VERSION=5.35.0 scripts/vendor-swagger-ui.sh
set -euo pipefail

version="${SWAGGER_UI_VERSION:-5.35.0}"
root="$(cd "$(dirname "$0")/.." && pwd)"
dest="$root/handlers/api/docs"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cd "$work"
npm init -y >/dev/null
npm install --no-audit --no-fund --ignore-scripts "swagger-ui-dist@${version}" >/dev/null
dist=node_modules/swagger-ui-dist
installed="$(node -p 'require("swagger-ui-dist/package.json").version')"
# The source maps are not shipped, so the bundle must not point at them.
sed '/^\/\/# sourceMappingURL=/d' "$dist/swagger-ui-bundle.js" > "$dest/swagger-ui-bundle.js"
sed '/sourceMappingURL=/d' "$dist/swagger-ui.css" > "$dest/swagger-ui.css"
cp "$dist/swagger-ui-bundle.js.LICENSE.txt" "$dest/swagger-ui-bundle.js.LICENSE.txt"
cp "$dist/LICENSE" "$dest/LICENSE"
cp "$dist/NOTICE" "$dest/NOTICE"
echo "$installed" > "$dest/swagger-ui.version"
echo "vendored swagger-ui-dist $installed into handlers/api/docs"

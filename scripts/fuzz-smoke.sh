#!/usr/bin/env bash
# fuzz-smoke.sh runs every Go fuzz target in the module for a short time, so
# CI keeps exercising them beyond their seed corpora in testdata/fuzz/.
# A failing input is written to the package's testdata/fuzz/<Target>/;
# commit it with the fix so it stays a regression test.
#
# Usage: scripts/fuzz-smoke.sh [fuzztime]   (default 10s per target)
set -euo pipefail

fuzztime="${1:-${FUZZTIME:-10s}}"
cd "$(dirname "$0")/.."

# go test -fuzz takes one target in one package at a time, so find them all.
mapfile -t targets < <(
	grep -rlE --include='*_test.go' '^func Fuzz[A-Za-z0-9_]*\(f \*testing\.F\)' . |
		while read -r file; do
			dir="./$(dirname "${file#./}")"
			grep -oE '^func Fuzz[A-Za-z0-9_]*' "$file" | sed "s|^func |$dir |"
		done | sort -u
)
if [ "${#targets[@]}" -eq 0 ]; then
	echo "fuzz-smoke: no fuzz targets found" >&2
	exit 1
fi

failed=0
for entry in "${targets[@]}"; do
	pkg="${entry% *}"
	name="${entry#* }"
	echo "== $pkg $name ($fuzztime)"
	if ! go test -run '^$' -fuzz "^${name}\$" -fuzztime "$fuzztime" "$pkg"; then
		failed=1
	fi
done
exit "$failed"

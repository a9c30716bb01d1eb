#!/usr/bin/env bash
# Installs the outside tools the archive tests verify their files with:
# openssl (a real RFC 3161 timestamp authority and `openssl ts -verify`),
# unzip, and warcio.js, Webrecorder's WARC reader, as an independent parser
# of the WARC files factdesk writes (Debian has no python3-warcio and PyPI is
# not reachable from CI, npm is), and axe-core, which the browser tests
# inject into every page to check its accessibility. Safe to run again. CI runs it, then sets
# FACTDESK_REQUIRE_TOOLS=1 so a missing tool fails the tests instead of
# skipping them.
set -euo pipefail

WARCIO_VERSION=2.4.11
AXE_VERSION=4.14.1

need_apt=()
command -v openssl >/dev/null 2>&1 || need_apt+=(openssl)
command -v unzip >/dev/null 2>&1 || need_apt+=(unzip)
command -v node >/dev/null 2>&1 || need_apt+=(nodejs)
command -v npm >/dev/null 2>&1 || need_apt+=(npm)
if [ "${#need_apt[@]}" -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

root="$(npm root -g)"
if [ "$(node -p "try { require('$root/warcio/package.json').version } catch (e) { '' }")" != "$WARCIO_VERSION" ]; then
  npm install -g --no-fund --no-audit "warcio@$WARCIO_VERSION" >/dev/null
fi
node -e "require('$root/warcio')"
if [ "$(node -p "try { require('$root/axe-core/package.json').version } catch (e) { '' }")" != "$AXE_VERSION" ]; then
  npm install -g --no-fund --no-audit "axe-core@$AXE_VERSION" >/dev/null
fi
test -s "$root/axe-core/axe.min.js"
echo "test tools: $(openssl version), unzip $(unzip -v | head -n1 | awk '{print $2}'), node $(node --version), warcio $WARCIO_VERSION, axe-core $AXE_VERSION"

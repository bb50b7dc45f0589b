#!/usr/bin/env bash
# npm test: unit, e2e (real MariaDB + Redis) and browser (Chromium) suites.
# Starts the local stack when it is down and builds what the suites run against.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

[ -d node_modules ] || npm ci --no-audit --no-fund
# Chromium, and CJK fonts so zh-CN pages are measured with real glyphs
if [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || ! fc-list 2>/dev/null | grep -qi "noto.*cjk"; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
  else
    echo "Chromium or CJK fonts missing: sudo apt-get install -y chromium fonts-noto-cjk" >&2
    exit 1
  fi
fi
bash scripts/stack.sh up
# the relay's e2e suite also runs against a Redis Cluster
bash scripts/stack.sh cluster
npm run build --silent
mkdir -p dist
status=0
npx jest --ci --forceExit --json --outputFile=dist/jest-results.json "$@" || status=$?
# the plain closing line: "Tests: N passed, N failed"
node -e '
  const r = require("./dist/jest-results.json");
  console.log(`Tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed`);
' 2>/dev/null || true
exit $status

#!/usr/bin/env bash
# npm run demo: installs what is missing, brings the stack up, migrates, builds the console and
# serves it with demo data at http://127.0.0.1:${PORT:-3000}. Safe to run again.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
bash scripts/stack.sh up
mkdir -p .stack
if [ -z "${MASTER_KEY:-}" ] && [ ! -s .stack/master.key ]; then
  node -e "process.stdout.write(require('crypto').randomBytes(32).toString('base64'))" >.stack/master.key
  chmod 600 .stack/master.key
fi
npm run build --silent
npm run migrate --silent
node dist/server/cli/seed-demo.js
# a few live sessions on the demo tenants, stopped together with the console
node dist/server/cli/demo-workload.js &
workload=$!
# the relay: two local fake providers, relay users with keys, and agent-like traffic
node dist/server/cli/relay-demo.js &
relay=$!
trap 'kill $workload $relay 2>/dev/null || true' EXIT INT TERM
export DEMO=true
echo "SessionOps console: http://127.0.0.1:${PORT:-3000}  (user admin)"
node dist/server/main.js

#!/usr/bin/env bash
# npm run bench: benchmarks that print ratios against a floor measured in the same run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund
bash scripts/stack.sh up
npm run build --silent
npx jest --config bench/jest.config.js --verbose=false "$@"

#!/usr/bin/env bash
# Generates the console's API types from the server's OpenAPI document.
#   write: refresh web/src/api/openapi.json and web/src/api/schema.ts
#   check: fail when the committed files differ from what the server describes
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
npx tsc -p tsconfig.build.json --outDir dist/openapi-build >/dev/null
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp" dist/openapi-build' EXIT
node dist/openapi-build/server/cli/openapi.js "$tmp/openapi.json" "$tmp/schema.ts"
case "${1:-check}" in
  write)
    cp "$tmp/openapi.json" web/src/api/openapi.json
    cp "$tmp/schema.ts" web/src/api/schema.ts
    echo "API types written to web/src/api/"
    ;;
  check)
    if ! diff -q "$tmp/schema.ts" web/src/api/schema.ts >/dev/null 2>&1 || ! diff -q "$tmp/openapi.json" web/src/api/openapi.json >/dev/null 2>&1; then
      echo "web/src/api/ is out of date with the server's OpenAPI document; run: npm run api:types" >&2
      diff -u web/src/api/schema.ts "$tmp/schema.ts" | head -40 >&2 || true
      exit 1
    fi
    echo "API types match the server's OpenAPI document"
    ;;
  *) echo "usage: $0 write|check" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# Browser tests: a production build served by `next start`, driven by Debian's Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1 CHECKPOINT_DISABLE=1
npx --no-install next build
node scripts/precompress.mjs
npx --no-install playwright test "$@"

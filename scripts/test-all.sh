#!/usr/bin/env bash
# The whole suite: type check, unit/integration tests on a real SQLite file and on PostgreSQL, then a production
# build driven by Debian's Chromium. Needs the packages listed in the README (chromium, oathtool,
# zbar-tools, librsvg2-bin, python3-pyotp, postgresql, nginx).
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1 CHECKPOINT_DISABLE=1

missing=()
for tool in oathtool zbarimg rsvg-convert nginx "${CHROMIUM_PATH:-/usr/bin/chromium}"; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
/usr/bin/python3 -c "import pyotp" 2>/dev/null || missing+=("python3-pyotp")
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=("postgresql")
if [ ${#missing[@]} -gt 0 ]; then
  echo "Missing test tools: ${missing[*]}" >&2
  echo "Install them with: sudo apt-get install -y chromium oathtool zbar-tools librsvg2-bin python3-pyotp openssl postgresql nginx" >&2
  exit 1
fi

echo "== Type check"
npx --no-install tsc --noEmit
echo "== Unit and integration tests (vitest, SQLite)"
npx --no-install vitest run --reporter=default --reporter=json --outputFile.json=.tmp/vitest-report.json
echo "== Unit and integration tests (vitest, PostgreSQL: a throwaway cluster the test setup starts and stops)"
TEST_DATABASE=postgres npx --no-install vitest run --reporter=default --reporter=json --outputFile.json=.tmp/vitest-pg-report.json
echo "== Browser tests (next build + next start + Chromium)"
bash scripts/e2e.sh
node scripts/test-summary.mjs .tmp/vitest-report.json .tmp/vitest-pg-report.json .tmp/playwright-report.json

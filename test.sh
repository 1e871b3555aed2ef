#!/usr/bin/env bash
# Runs every test project and prints "N passed, N failed, N skipped" summed from the TRX results.
# First sets up what the tests need besides .NET: `npm ci` in every test folder with a package-lock.json whose
# node_modules is missing or older than the lock file (the Cosmos DB emulator), and one line naming what to install
# when Node.js or Chromium (the dashboard's browser tests) is missing.
# Usage: ./test.sh [extra dotnet test arguments]    ./test.sh --setup-only  (the set-up, no tests)
set -uo pipefail
cd "$(dirname "$0")"

missing=()
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
[ -x /usr/bin/chromium ] || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  echo "test.sh: ${missing[*]} missing, so some tests will fail; install with: sudo apt-get install ${missing[*]}" >&2
fi

# Node packages of test servers, pinned by package-lock.json; npm leaves node_modules/.package-lock.json behind.
setup_failed=0
while IFS= read -r lock; do
  dir=$(dirname "$lock")
  [ "$lock" -nt "$dir/node_modules/.package-lock.json" ] || continue
  echo "test.sh: npm ci in $dir"
  if ! (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error); then
    echo "test.sh: npm ci failed in $dir; the tests that need it will fail" >&2
    setup_failed=1
  fi
done < <(find tests -name package-lock.json -not -path '*/node_modules/*' 2>/dev/null | sort)

if [ "${1:-}" = "--setup-only" ]; then
  exit "$setup_failed"
fi

results="TestResults"
rm -rf "$results"
dotnet test PrivateFlows.sln --logger "trx" --results-directory "$results" "$@"
status=$?

passed=0; failed=0; skipped=0; files=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  files=$((files + 1))
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  get() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' || echo 0; }
  total=$(get total); executed=$(get executed); p=$(get passed); f=$(get failed); e=$(get error); t=$(get timeout); a=$(get aborted)
  passed=$((passed + p))
  failed=$((failed + f + e + t + a))
  skipped=$((skipped + total - executed))
done

if [ "$files" -eq 0 ] || [ $((passed + failed)) -eq 0 ]; then
  echo "no test results found" >&2
  failed=$((failed + 1))
fi
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # The build or a test host broke before any result was written.
  failed=1
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$status" -eq 0 ]

#!/usr/bin/env bash
# The one test command: installs what the suite needs, runs every test, ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")"

# Installs a Debian package the tests need when it is missing (as root), or says how to.
need_package() { # package, what it is for, the command that shows it is there
  local package=$1 purpose=$2
  shift 2
  "$@" >/dev/null 2>&1 && return 0
  if [ "$(id -u)" = 0 ]; then
    echo "Installing Debian's $package for $purpose..."
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package" >/dev/null \
      || { echo "Could not install $package"; echo "0 passed, 1 failed"; exit 1; }
  else
    echo "$package is missing: run 'sudo apt-get install $package' once, or run ./test.sh as root."
    echo "0 passed, 1 failed"
    exit 1
  fi
}

need_package chromium "the browser tests" command -v chromium
# The PostgreSQL tests start Debian's PostgreSQL themselves (tools/test-postgres.sh) and stop it when they end.
need_package postgresql "the PostgreSQL tests" sh -c 'ls /usr/lib/postgresql/*/bin/pg_ctl'

if [ -f tools/package.json ] && [ ! -d tools/node_modules ]; then
  (cd tools && npm ci --no-audit --no-fund --loglevel=error) || { echo "npm ci failed"; echo "0 passed, 1 failed"; exit 1; }
fi

dotnet tool restore >/dev/null
results=$(mktemp -d)
dotnet build EasySpace.sln -v q -nologo >"$results/build.log" 2>&1 || { cat "$results/build.log"; echo "0 passed, 1 failed"; exit 1; }

# Every test on SQLite (the default store); then, when no arguments narrow the run, every test that does not name its
# store again on PostgreSQL, the browser tests included.
dotnet test EasySpace.sln --no-build --logger "trx;LogFileName=sqlite.trx" --results-directory "$results" "$@"
status=$?
if [ $# -eq 0 ]; then
  echo "The same tests on PostgreSQL:"
  EASYSPACE_TEST_STORE=postgres dotnet test EasySpace.sln --no-build --logger "trx;LogFileName=postgres.trx" --results-directory "$results" \
    --filter "Store!=Named"
  pg_status=$?
  [ $status -eq 0 ] && status=$pg_status
fi
# A test process that was killed leaves its PostgreSQL running: stop any such leftover.
for leftover in "${TMPDIR:-/tmp}"/easyspace-test-pg-*; do [ -d "$leftover" ] && tools/test-postgres.sh stop "$leftover"; done

passed=0
failed=0
trxs=$(find "$results" -name '*.trx')
[ -z "$trxs" ] && failed=1   # no test ran
for trx in $trxs; do
  counters=$(grep -o '<Counters [^>]*>' "$trx")
  passed=$((passed + $(sed -E 's/.* passed="([0-9]+)".*/\1/' <<<"$counters")))
  failed=$((failed + $(sed -E 's/.* failed="([0-9]+)".*/\1/' <<<"$counters")))
done
# A pass whose test process died writes no results: the line must not say "0 failed" then.
[ $status -ne 0 ] && [ $failed -eq 0 ] && failed=1
rm -rf "$results"
echo "$passed passed, $failed failed"
exit $status

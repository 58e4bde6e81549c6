#!/usr/bin/env bash
# Runs every Hotline test: the module tests once, and the host integration tests twice, on SQLite and on PostgreSQL.
# Installs what is missing (Debian's PostgreSQL and python3-aiosmtpd), idempotently, and starts a private PostgreSQL on loopback for the run.
# Ends with one line of totals: "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
results="$root/TestResults"
rm -rf "$results"
mkdir -p "$results"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# --- what the tests need -------------------------------------------------------------------------------------------------
missing=()
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || missing+=(postgresql)
/usr/bin/python3 -c "import aiosmtpd" >/dev/null 2>&1 || missing+=(python3-aiosmtpd)   # the SMTP server the e-mail tests talk to
[ -x /usr/bin/chromium ] || missing+=(chromium)                                         # the browser the end-to-end tests drive
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing+=(fonts-noto-cjk)            # Chinese glyphs in screenshots
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
command -v dotnet >/dev/null || { echo "The .NET SDK (dotnet) is required."; exit 1; }
command -v npm >/dev/null || { echo "Node.js and npm are required (the web console is built with Vite)."; exit 1; }

# --- a private PostgreSQL on 127.0.0.1 ------------------------------------------------------------------------------------
pg_port=${HOTLINE_TEST_PG_PORT:-55432}
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
pg_data=${TMPDIR:-/tmp}/hotline-test-pg-$pg_port
pg_started_here=0
run_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
if ! "$pg_bin/pg_isready" -h 127.0.0.1 -p "$pg_port" -q; then
  rm -rf "$pg_data"
  mkdir -p "$pg_data"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$pg_data"
  run_pg "$pg_bin/initdb" -D "$pg_data" -A trust -U postgres -E UTF8 >/dev/null
  # fsync off: test databases are thrown away; durability is measured by the benchmarks, not here.
  run_pg "$pg_bin/pg_ctl" -D "$pg_data" -l "$pg_data/server.log" -w -o \
    "-p $pg_port -k $pg_data -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c max_connections=300" start >/dev/null
  pg_started_here=1
fi
stop_pg() { [ "$pg_started_here" = 1 ] && run_pg "$pg_bin/pg_ctl" -D "$pg_data" -m fast stop >/dev/null 2>&1; }
trap stop_pg EXIT

# --- build and style ------------------------------------------------------------------------------------------------------
# The build also installs the web console's packages (npm ci, when package-lock.json changed) and builds it with Vite.
extra_failed=0
extra_passed=0
if ! dotnet build Hotline.sln -nologo -v quiet; then
  echo "Build failed."
  echo "0 passed, 1 failed"
  exit 1
fi
if dotnet format Hotline.sln --verify-no-changes --no-restore >"$results/format.log" 2>&1; then
  extra_passed=$((extra_passed + 1))
else
  echo "dotnet format --verify-no-changes found style drift:"; cat "$results/format.log"
  extra_failed=$((extra_failed + 1))
fi

# --- tests ----------------------------------------------------------------------------------------------------------------
status=0
run_tests() { # name, project, [VAR=value...] [-- dotnet test arguments...]
  local name=$1 project=$2; shift 2
  local vars=()
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do vars+=("$1"); shift; done
  [ "${1:-}" = "--" ] && shift
  echo "== $name"
  env "${vars[@]}" dotnet test "$project" --no-build --nologo --logger "trx;LogFileName=$name.trx" --results-directory "$results" "$@" \
    || status=1
}
for module in Knowledge Routing Feedback Intake; do
  run_tests "$module" "tests/$module.Tests/Hotline.$module.Tests.csproj"
done
# The browser tests (Category=Browser: real Chromium; screenshots in TestResults/screenshots) run once, with the SQLite run.
run_tests "Console-sqlite" tests/Console.Tests/Hotline.Console.Tests.csproj HOTLINE_TEST_DB=sqlite
run_tests "Console-postgres" tests/Console.Tests/Hotline.Console.Tests.csproj HOTLINE_TEST_DB=postgres \
  "HOTLINE_TEST_PG=Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=postgres;Maximum Pool Size=20" -- \
  --filter "Category!=Browser"

# The web console's component tests (Vitest, jsdom); counted from its JSON report.
echo "== web (vitest)"
if (cd src/Console/web && npx vitest run --reporter=default --reporter=json --outputFile.json="$results/vitest.json"); then :; else status=1; fi
vitest_count() { node -e "try{const r=require(process.argv[1]);console.log(r[process.argv[2]]??0)}catch{console.log(0)}" "$results/vitest.json" "$1"; }
extra_passed=$((extra_passed + $(vitest_count numPassedTests)))
extra_failed=$((extra_failed + $(vitest_count numFailedTests)))
[ -f "$results/vitest.json" ] || extra_failed=$((extra_failed + 1))   # the suite did not even start

[ -f "$results/fuzz-summary.txt" ] && cat "$results/fuzz-summary.txt"   # how many malformed inputs the fuzz run tried

# --- totals ---------------------------------------------------------------------------------------------------------------
sum() { grep -ho "<Counters [^>]*" "$results"/*.trx 2>/dev/null | grep -o " $1=\"[0-9]*\"" | grep -o "[0-9]*" | awk '{s+=$1} END {print s+0}'; }
passed=$(( $(sum passed) + extra_passed ))
failed=$(( $(sum failed) + extra_failed ))
total=$(( $(sum total) + extra_passed + extra_failed ))
skipped=$(( total - passed - failed ))
[ "$failed" -gt 0 ] && status=1
echo "$passed passed, $failed failed, $skipped skipped"
exit $status

#!/usr/bin/env bash
# etwcat as a library, used as another project would use it: a build is installed into a
# temporary prefix, examples/ is built against it with find_package(etwcat), and read_etl must
# print the process starts that `etwcat dump` shows for a real capture. Quiet unless it fails.
# Usage: examples.sh BUILD                 the Linux build (its etwcat gives the expected lines)
#        examples.sh --windows WIN BUILD   the mingw build: examples cross-built, the live one
#                                          included; read_etl.exe runs under Wine (WINEPREFIX
#                                          set by the caller)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source_dir=$(cd "$here/../.." && pwd)
corpus=${ETWCAT_CORPUS:-$here/../../../shared/corpus}
wine=${WINE:-/usr/lib/wine/wine64}
# A kernel trace (the seed's Process group) with 18 process starts, verified by hand against
# dump: the first is 13540 VsDebugConsole.exe.
capture=perfview/diaghub/diaghub.kernel.1.etl
expected_count=18
expected_first="13540 VsDebugConsole.exe"

quiet() {
  local log
  log=$(mktemp)
  if ! "$@" >"$log" 2>&1; then cat "$log" >&2; rm -f "$log"; return 1; fi
  rm -f "$log"
}
fail() {
  echo "examples: $*" >&2
  exit 1
}

if [ "${1:-}" = --windows ]; then
  windows=true installed=$2 linux=$3
else
  windows=false installed=$1 linux=$1
fi
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# Install, then configure examples/ against the install only. Warnings are errors: the public
# headers must compile cleanly in someone else's project.
quiet cmake --install "$installed" --prefix "$scratch/prefix"
flags="-Wall -Wextra -Wpedantic -Werror"
if $windows; then
  # The toolchain confines find_package to the mingw root: name the package's folder instead.
  config=$(dirname "$(find "$scratch/prefix" -name etwcatConfig.cmake)")
  quiet cmake -S "$source_dir/examples" -B "$scratch/examples" -G Ninja \
    -DCMAKE_TOOLCHAIN_FILE="$source_dir/cmake/mingw-w64.cmake" -Detwcat_DIR="$config" \
    -DCMAKE_CXX_FLAGS="$flags"
  run_read_etl() { "$wine" "$scratch/examples/read_etl.exe" "$@" | tr -d '\r'; }
  what="Windows build, read_etl.exe under Wine"
else
  quiet cmake -S "$source_dir/examples" -B "$scratch/examples" -G Ninja \
    -DCMAKE_PREFIX_PATH="$scratch/prefix" -DCMAKE_CXX_FLAGS="$flags"
  run_read_etl() { "$scratch/examples/read_etl" "$@"; }
  what="Linux build"
fi
quiet cmake --build "$scratch/examples"
if ! $windows; then
  # Without ETW the live example says so and exits 2.
  set +e
  "$scratch/examples/process_monitor" >/dev/null 2>"$scratch/monitor.err"
  code=$?
  set -e
  if [ "$code" != 2 ] || ! grep -q "live tracing needs Windows" "$scratch/monitor.err"; then
    fail "process_monitor without ETW: exit $code, $(cat "$scratch/monitor.err")"
  fi
fi

if [ ! -f "$corpus/$capture" ]; then
  echo "examples ($what): built against the install; no corpus (\$ETWCAT_CORPUS or" \
    "../shared/corpus): read_etl not run"
  exit 0
fi
# What dump shows: each Process/Start's ProcessID and ImageFileName (EventData's ProcessID, the
# last one in the line: the header's comes first, under Execution).
"$linux/etwcat" dump "$corpus/$capture" >"$scratch/dump.jsonl" 2>"$scratch/dump.err" ||
  fail "etwcat dump $capture failed: $(cat "$scratch/dump.err")"
sed -n 's/.*"EventName":"Process\/Start".*"EventData":{.*"ProcessID":\([0-9]*\),.*"ImageFileName":"\([^"]*\)".*/\1 \2/p' \
  "$scratch/dump.jsonl" >"$scratch/dump.txt"
run_read_etl "$corpus/$capture" >"$scratch/read_etl.txt" || fail "read_etl $capture failed"
count=$(wc -l <"$scratch/dump.txt")
first=$(head -n1 "$scratch/dump.txt")
if [ "$count" != "$expected_count" ] || [ "$first" != "$expected_first" ]; then
  fail "dump of $capture: $count process starts, the first \"$first\";" \
    "expected $expected_count, the first \"$expected_first\""
fi
diff "$scratch/dump.txt" "$scratch/read_etl.txt" >&2 || fail "read_etl differs from dump (< dump, > read_etl)"
echo "examples ($what): built against the install; read_etl printed dump's $count process starts"

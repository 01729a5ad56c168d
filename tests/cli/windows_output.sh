#!/usr/bin/env bash
# The Windows build, run under Wine, writes the same bytes as the Linux build: standard output
# is binary (no CR before each LF), and -o FILE and - (standard input) work there too.
# Usage: windows_output.sh path/to/linux/etwcat path/to/etwcat.exe   (WINEPREFIX set by caller)
set -u
linux=$1
windows=$2
wine=${WINE:-/usr/lib/wine/wine64}
corpus=${ETWCAT_CORPUS:-$(dirname "$0")/../../../shared/corpus}
if [ ! -d "$corpus" ]; then
  echo "no corpus (\$ETWCAT_CORPUS or ../shared/corpus): Windows output checks skipped"
  exit 0
fi
passed=0
failed=0
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# same NAME ARGS...: stdout of both builds must be byte for byte equal.
same() {
  local name=$1
  shift
  "$linux" "$@" >"$scratch/linux" 2>/dev/null
  WINEDEBUG=-all "$wine" "$windows" "$@" >"$scratch/windows" 2>/dev/null
  if [ -s "$scratch/linux" ] && cmp -s "$scratch/linux" "$scratch/windows"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL $name: Linux $(wc -c <"$scratch/linux") bytes, Windows $(wc -c <"$scratch/windows") bytes" \
      "($(grep -c $'\r' "$scratch/windows") lines with CR)"
  fi
}

same "jsonl" dump "$corpus/tx/HTTP_Server.etl"
same "text" dump --format text --utc "$corpus/perfview/SelfDescribingSingleEvent.etl"
same "summary" dump --summary "$corpus/tx/WsRm01.etl" "$corpus/perfview/primitive-types.etl"
same "providers" providers --kernel

# -o FILE: the Windows build writes the same bytes into the file.
"$linux" dump "$corpus/tx/WsRm01.etl" >"$scratch/linux"
WINEDEBUG=-all "$wine" "$windows" dump -o "$scratch/out.jsonl" "$corpus/tx/WsRm01.etl" 2>/dev/null
if cmp -s "$scratch/linux" "$scratch/out.jsonl" && [ "$(ls -A "$scratch" | wc -l)" = 3 ]; then
  passed=$((passed + 1))
else
  failed=$((failed + 1))
  echo "FAIL -o under Windows: $(ls -A "$scratch")"
fi
# Standard input: a file, and a pipe (copied to a temporary file as it is read).
WINEDEBUG=-all "$wine" "$windows" dump - <"$corpus/tx/WsRm01.etl" >"$scratch/windows" 2>/dev/null
cmp -s "$scratch/linux" "$scratch/windows" && passed=$((passed + 1)) ||
  { failed=$((failed + 1)); echo "FAIL standard input (a file) under Windows"; }
"$linux" dump "$corpus/perfview/net.4.5.2.x64.etl" >"$scratch/linux" 2>/dev/null
cat "$corpus/perfview/net.4.5.2.x64.etl" |
  WINEDEBUG=-all "$wine" "$windows" dump - >"$scratch/windows" 2>/dev/null
cmp -s "$scratch/linux" "$scratch/windows" && passed=$((passed + 1)) ||
  { failed=$((failed + 1)); echo "FAIL standard input (a pipe) under Windows"; }

echo "Windows output: $passed passed, $failed failed"
[ "$failed" = 0 ]

#!/usr/bin/env bash
# dump --follow on a capture that grows while etwcat reads it: a writer appends a corpus file in
# pieces that cut its buffers; after the last piece, SIGTERM (as Ctrl-C) ends etwcat cleanly, and it
# has printed every event of the file. Usage: follow_test.sh path/to/etwcat
set -u
etwcat=$1
. "$(dirname "$0")/corpus.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0
failed=0
check() {  # NAME WANT GOT
  if [ "$2" = "$3" ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    printf 'FAIL %s: want %s, got %s\n' "$1" "$2" "$3"
  fi
}

for name in tx/HTTP_Server.etl perfview/net.4.5.2.x64.etl; do
  source="$corpus/$name"
  growing="$work/growing.etl"
  : >"$growing"  # the session creates the file before its first buffer
  "$etwcat" dump --follow "$growing" >"$work/followed.jsonl" 2>"$work/err" &
  reader=$!
  size=$(wc -c <"$source")
  piece=50000  # buffers are 8-64 KB: most pieces end inside one
  at=0
  while [ "$at" -lt "$size" ]; do
    tail -c +$((at + 1)) "$source" | head -c "$piece" >>"$growing"
    at=$((at + piece))
    sleep 0.02
  done
  # Wait until the output stops growing, then Ctrl-C.
  last=-1
  for _ in $(seq 1 100); do
    now=$(wc -c <"$work/followed.jsonl")
    [ "$now" = "$last" ] && break
    last=$now
    sleep 0.5
  done
  # A background job of a script ignores SIGINT (no job control): SIGTERM asks the same.
  kill -TERM "$reader"
  wait "$reader"
  code=$?
  check "$name: exit after Ctrl-C" 0 "$code"
  check "$name: nothing on stderr" "" "$(cat "$work/err")"
  # Every event of the file, the same events as the merged dump. They come in buffer order,
  # not time order, so schemas in the trace and process starts may be met later than in the
  # merged dump: events are compared by what identifies them — header fields and payload.
  identify='
import json, sys
for line in sys.stdin:
    s = json.loads(line)["System"]
    x = s["Execution"]
    print(s["Provider"]["Guid"], s.get("EventID"), s.get("Opcode", {}).get("Value"),
          s["TimeCreated"]["SystemTime"], x["ProcessorID"],
          x.get("ProcessID") if not x.get("Attributed") else None,
          x.get("ThreadID") if not x.get("Attributed") else None)'
  "$etwcat" dump "$source" 2>/dev/null | python3 -c "$identify" | sort >"$work/whole.sorted"
  python3 -c "$identify" <"$work/followed.jsonl" | sort >"$work/followed.sorted"
  check "$name: events" "$(wc -l <"$work/whole.sorted")" "$(wc -l <"$work/followed.sorted")"
  check "$name: same events" "$(md5sum <"$work/whole.sorted")" "$(md5sum <"$work/followed.sorted")"
done

# Refusals: two files, and standard input.
"$etwcat" dump --follow "$corpus/tx/HTTP_Server.etl" "$corpus/tx/Process.etl" >/dev/null 2>"$work/err"
check "two files: exit" 2 $?
check "two files: message" "etwcat: --follow reads one file (not standard input), as it grows" "$(cat "$work/err")"
cat "$corpus/tx/HTTP_Server.etl" | "$etwcat" dump --follow - >/dev/null 2>&1
check "standard input: exit" 2 $?

echo "follow: $passed passed, $failed failed"
[ "$failed" = 0 ]

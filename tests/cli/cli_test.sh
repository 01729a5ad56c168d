#!/usr/bin/env bash
# The CLI as users run it: exact stdout, one-line stderr, exit codes.
# Usage: cli_test.sh path/to/etwcat
set -u
etwcat=$1
passed=0
failed=0

# expect NAME EXIT_CODE EXPECTED_STDOUT EXPECTED_STDERR -- ARGS...
# "*" as expected text means "anything".
expect() {
  local name=$1 code=$2 want_out=$3 want_err=$4
  shift 5
  local out err rc
  out=$("$etwcat" "$@" 2>/tmp/etwcat-cli-err.$$)
  rc=$?
  err=$(cat /tmp/etwcat-cli-err.$$)
  rm -f /tmp/etwcat-cli-err.$$
  local ok=1
  [ "$rc" = "$code" ] || ok=0
  [ "$want_out" = "*" ] || [ "$out" = "$want_out" ] || ok=0
  [ "$want_err" = "*" ] || [ "$err" = "$want_err" ] || ok=0
  if [ $ok = 1 ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    printf 'FAIL %s: etwcat %s\n  exit %s (want %s)\n  stdout: %s\n  stderr: %s\n' \
      "$name" "$*" "$rc" "$code" "$out" "$err"
  fi
}

expect "parse kernel-file" 0 \
  '{"Name":"Microsoft-Windows-Kernel-File","Guid":"{EDD08927-9CC4-4E65-B970-C2560FB5C289}","Level":10,"MatchAnyKeyword":"0x42","MatchAllKeyword":"0x1337","EventIds":[1,2,3],"ExcludeEventIds":false}' \
  '' -- providers --parse "Microsoft-Windows-Kernel-File:10:1,2,3:0x42:0x1337"
expect "parse name hash" 0 \
  '{"Name":"MyCompany.MyComponent","Guid":"{CE5FA4EA-AB00-5402-8B76-9F76AC858FB5}","Level":255,"MatchAnyKeyword":"0xFFFFFFFFFFFFFFFF","MatchAllKeyword":"0x0","EventIds":[],"ExcludeEventIds":false}' \
  '' -- providers --parse "*MyCompany.MyComponent"
expect "parse unknown name" 2 '' \
  'etwcat: provider "Nope:300": unknown provider name "Nope" (not in the built-in table; give its GUID, or *Nope for an EventSource/TraceLogging provider)' \
  -- providers --parse "Nope:300"
expect "parse bad level" 2 '' \
  'etwcat: provider "Microsoft-Windows-Kernel-File:300": level "300" is neither a number (0-255) nor a level name (critical, error, warning, information, verbose)' \
  -- providers --parse "Microsoft-Windows-Kernel-File:300"
expect "unknown option" 2 '' \
  "etwcat: The following argument was not expected: --bogus
Run \`etwcat --help\` for usage." -- providers --bogus
expect "bad format" 2 '' '*' -- providers --format xml
expect "no subcommand" 2 '' '*' --
expect "version" 0 'etwcat 0.1.0' '' -- --version
expect "help lists commands" 0 '*' '' -- --help
help=$("$etwcat" --help)
for word in start stop live dump providers; do
  case "$help" in *"$word"*) passed=$((passed + 1)) ;; *) failed=$((failed + 1)); echo "FAIL help lacks $word" ;; esac
done
for sub in start stop live; do
  expect "$sub pending" 2 '' "etwcat $sub: not available yet in this version" -- "$sub"
done

listing=$("$etwcat" providers)
lines=$(printf '%s\n' "$listing" | wc -l)
first=$(printf '%s\n' "$listing" | head -1)
if [ "$lines" -ge 30 ] && [ "${first%% *}" = "Microsoft-Windows-Kernel-Process" ]; then
  passed=$((passed + 1))
else
  failed=$((failed + 1)); echo "FAIL providers listing: $lines lines, first: $first"
fi
expect "kernel jsonl first line" 0 '*' '' -- providers --kernel --format jsonl
k=$("$etwcat" providers --kernel --format jsonl | head -1)
[ "$k" = '{"Name":"Process","Value":"0x1","Description":"process start/end"}' ] \
  && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL kernel jsonl: $k"; }
# A closed pipe is not an error.
"$etwcat" providers --format jsonl | head -1 >/dev/null
[ "${PIPESTATUS[0]}" = 0 ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL broken pipe exit ${PIPESTATUS[0]}"; }

# dump, on real captures when there are any.
corpus=${ETWCAT_CORPUS:-$(dirname "$0")/../../../shared/corpus}
if [ -d "$corpus" ]; then
  lines=$("$etwcat" dump "$corpus/tx/HTTP_Server.etl" | wc -l)
  [ "$lines" = 2042 ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL dump HTTP_Server: $lines lines"; }
  second=$("$etwcat" dump "$corpus/tx/HTTP_Server.etl" | sed -n 2p)
  want='{"System":{"Provider":{"Name":"Microsoft-Windows-HttpService","Guid":"{DD5EF90A-6398-47A4-AD34-4DCECDEF795F}"},"EventID":21,"Version":0,"Level":{"Value":4,"Name":"Information"},"Task":{"Value":4},"Opcode":{"Value":28},"Keywords":{"Mask":"0x8000000000000010"},"Channel":{"Value":16},"EventName":"EventID(21)","TimeCreated":{"SystemTime":"2011-01-23T22:07:27.2257591Z"},"Correlation":{"ActivityID":"{00000100-0000-0003-193D-42FB30BBCB01}"},"Execution":{"ProcessID":0,"ThreadID":0,"ProcessorID":3,"KernelTime":677443,"UserTime":0}},"RawData":"1020E90380FAFFFF1C00000017000050000000002001489800000FFF00005EFE0A78109D000000001C000000170093CD000000002001489800000FFF00005EFE0A50E41000000000"}'
  [ "$second" = "$want" ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL dump HTTP_Server event 2: $second"; }
  expect "dump empty file" 1 '' "etwcat: $corpus/etwanalyzer/EmptyETL.etl: offset 0x0: empty file (0 bytes), not an ETL file" \
    -- dump "$corpus/etwanalyzer/EmptyETL.etl"
  expect "dump text smallEtlFile" 0 \
    '2016-08-17T23:30:22.0379266Z Windows Kernel EventTrace pid=2092 tid=2256 cpu=0 version=2 opcode=0 raw_size=366
2016-08-17T23:30:22.0688637Z Microsoft-Windows-DotNETRuntimeRundown EventID(154) pid=688 tid=4336 cpu=0 id=154 version=2 level=Information task=2 opcode=36 keywords=0x20000008 raw_size=584' \
    '' -- dump --format text "$corpus/perfview/smallEtlFile.etl"
  summary=$("$etwcat" dump --summary --format jsonl "$corpus/tx/HTTP_Server.etl" | grep '"EventName":"EventID(2)"')
  [ "$summary" = '{"Provider":"Microsoft-Windows-HttpService","EventName":"EventID(2)","Count":291,"First":"2011-01-23T22:07:27.2266291Z","Last":"2011-01-23T22:07:56.4894400Z"}' ] \
    && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL summary: $summary"; }
  tmp=$(mktemp)
  "$etwcat" dump -o "$tmp" "$corpus/perfview/diaghub/diaghub.etl" "$corpus/perfview/diaghub/diaghub.kernel.1.etl" \
    "$corpus/perfview/diaghub/diaghub.user_paged.1.etl" "$corpus/perfview/diaghub/diaghub.user_injected.1.etl"
  n=$(wc -l < "$tmp"); rm -f "$tmp"
  [ "$n" = 100753 ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL diaghub -o: $n lines"; }
  name=$("$etwcat" dump "$corpus/perfview/SelfDescribingSingleEvent.etl" | grep -c '"Provider":{"Name":"MySource"')
  [ "$name" = 1 ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL TraceLogging provider name: $name"; }
else
  echo "no corpus (\$ETWCAT_CORPUS or ../shared/corpus): dump checks skipped"
fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]

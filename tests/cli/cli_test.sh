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
  'etwcat: provider "Nope:300": unknown provider name "Nope" (not among the built-in providers; give its GUID, or *Nope for an EventSource/TraceLogging provider)' \
  -- providers --parse "Nope:300"
expect "parse bad level" 2 '' \
  'etwcat: provider "Microsoft-Windows-Kernel-File:300": level "300" is neither a number (0-255) nor a level name (critical, error, warning, information, verbose)' \
  -- providers --parse "Microsoft-Windows-Kernel-File:300"
expect "parse empty string" 2 '' \
  'etwcat: provider "": empty provider string (give Name[:Level[:EventIDs[:MatchAnyKeyword[:MatchAllKeyword]]]])' \
  -- providers --parse ""
expect "parse as text" 0 \
  'Name:             Microsoft-Windows-Kernel-File
Guid:             {EDD08927-9CC4-4E65-B970-C2560FB5C289}
Level:            10
MatchAnyKeyword:  0x42
MatchAllKeyword:  0x1337
EventIds:         1,2,3' \
  '' -- providers --format text --parse "Microsoft-Windows-Kernel-File:10:1,2,3:0x42:0x1337"
expect "parse as text, exclude list" 0 \
  'Name:             Microsoft-Windows-DNS-Client
Guid:             {1C95126E-7EEA-49A9-A3FE-A378B03DDB4D}
Level:            4 (information)
MatchAnyKeyword:  0xFFFFFFFFFFFFFFFF
MatchAllKeyword:  0x0
ExcludeEventIds:  3008,3020,3021,3022' \
  '' -- providers --parse "Microsoft-Windows-DNS-Client:info:!3008,3020-3022" --format text
expect "parse with explicit jsonl" 0 \
  '{"Name":"Microsoft-Windows-Kernel-File","Guid":"{EDD08927-9CC4-4E65-B970-C2560FB5C289}","Level":255,"MatchAnyKeyword":"0xFFFFFFFFFFFFFFFF","MatchAllKeyword":"0x0","EventIds":[],"ExcludeEventIds":false}' \
  '' -- providers --format jsonl --parse "Microsoft-Windows-Kernel-File"
expect "parse with kernel" 2 '' \
  'etwcat: providers: --parse, --kernel, --system, --etl and --details cannot be combined (each is its own listing)' \
  -- providers --kernel --parse "Microsoft-Windows-Kernel-File"
expect "parse event ID out of range" 2 '' \
  'etwcat: provider "Microsoft-Windows-Kernel-File::70000": event ID "70000" in "70000" is out of range (0-65535)' \
  -- providers --parse "Microsoft-Windows-Kernel-File::70000"
expect "parse event ID not a number" 2 '' \
  'etwcat: provider "Microsoft-Windows-Kernel-File::7x": event ID "7x" in "7x" is not a number (0-65535)' \
  -- providers --parse "Microsoft-Windows-Kernel-File::7x"
expect "unknown option" 2 '' \
  "etwcat: providers: unknown option \"--bogus\"
Run \`etwcat --help\` for usage." -- providers --bogus
expect "bad format" 2 '' '*' -- providers --format xml
expect "no subcommand" 2 '' '*' --
expect "version" 0 'etwcat 0.1.0' '' -- --version
expect "help lists commands" 0 '*' '' -- --help
help=$("$etwcat" --help)
for word in start stop live sessions dump providers; do
  case "$help" in *"$word"*) passed=$((passed + 1)) ;; *) failed=$((failed + 1)); echo "FAIL help lacks $word" ;; esac
done
# The live commands: their help on every system; elsewhere than Windows, exit 2 and say why.
no_etw='live tracing needs Windows (ETW); on this system read .etl files with `etwcat dump`'
for sub in live start stop sessions; do
  sub_help=$("$etwcat" "$sub" --help)
  case "$sub_help" in "Usage: etwcat $sub"*|*"
Usage: etwcat $sub"*) passed=$((passed + 1)) ;; *) failed=$((failed + 1)); echo "FAIL $sub --help" ;; esac
done
for option in --provider --kernel --system --stack --pid --exe --duration --max-events --etl \
  --buffer-size --min-buffers --max-buffers --flush-timer --clock --attach --name --force \
  --queue-size --format --output --summary --manifest; do
  case "$("$etwcat" live --help)" in *"$option"*) passed=$((passed + 1)) ;; *) failed=$((failed + 1)); echo "FAIL live --help lacks $option" ;; esac
done
for option in --provider --kernel --system --output --mode --max-size --realtime --force; do
  case "$("$etwcat" start --help)" in *"$option"*) passed=$((passed + 1)) ;; *) failed=$((failed + 1)); echo "FAIL start --help lacks $option" ;; esac
done
# (This script runs the Linux build.)
expect "live elsewhere" 2 '' "etwcat live: $no_etw" -- live -p Microsoft-Windows-Kernel-Process --duration 5s
expect "start elsewhere" 2 '' "etwcat start: $no_etw" -- start ci -p Microsoft-Windows-Kernel-Process -o ci.etl
expect "stop elsewhere" 2 '' "etwcat stop: $no_etw" -- stop ci
expect "sessions elsewhere" 2 '' "etwcat sessions: $no_etw" -- sessions
expect "stop needs a name" 2 '' 'etwcat: name is required
Run `etwcat --help` for usage.' -- stop

# Every provider of the built-in schemas (968 of the Windows 11 set alone), by name.
listing=$("$etwcat" providers)
lines=$(printf '%s\n' "$listing" | wc -l)
kp=$(printf '%s\n' "$listing" | grep '^Microsoft-Windows-Kernel-Process ' | tr -s ' ')
if [ "$lines" -ge 968 ] && [ "$kp" = 'Microsoft-Windows-Kernel-Process {22FB2CD6-0E7B-422B-A0C7-2FAD1FD0E716} built-in, well-known' ]; then
  passed=$((passed + 1))
else
  failed=$((failed + 1)); echo "FAIL providers listing: $lines lines, Kernel-Process: $kp"
fi
sorted=$(printf '%s\n' "$listing" | awk '{print tolower($1)}' | LC_ALL=C sort -c 2>&1 && echo sorted)
[ "$sorted" = sorted ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL providers listing order: $sorted"; }
expect "providers pattern" 0 'Microsoft-Windows-Kernel-Process          {22FB2CD6-0E7B-422B-A0C7-2FAD1FD0E716}  built-in, well-known
Microsoft-Windows-Kernel-Processor-Power  {0F67E49F-FE51-4E9F-B490-6F2948CC6027}  built-in' '' -- providers kernel-PROC
expect "providers glob" 0 '{"Name":"Microsoft-Windows-Kernel-Process","Guid":"{22FB2CD6-0E7B-422B-A0C7-2FAD1FD0E716}","Sources":["built-in","well-known"]}' '' \
  -- providers --format jsonl '*kernel-process'
expect "providers by GUID part" 0 'Microsoft-Windows-Kernel-Process  {22FB2CD6-0E7B-422B-A0C7-2FAD1FD0E716}  built-in, well-known' '' -- providers 22fb2cd6-0e7b
expect "providers no match" 1 '' 'etwcat: no provider matches "NoSuchProvider"' -- providers NoSuchProvider
# --details: the declarations and the events with their templates.
details=$("$etwcat" providers --details Microsoft-Windows-Kernel-Process)
printf '%s\n' "$details" | grep -qx '  0x0000000000000010   WINEVENT_KEYWORD_PROCESS' &&
  printf '%s\n' "$details" | grep -A6 '^  1 v0  ProcessStart/Start' | grep -q '^      ImageName  *UnicodeString -> string$' &&
  passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL providers --details Kernel-Process"; }
expect "details ambiguous" 1 '' 'etwcat: providers --details: "kernel-proc" matches 2 providers: Microsoft-Windows-Kernel-Process, Microsoft-Windows-Kernel-Processor-Power' \
  -- providers --details kernel-proc
system=$("$etwcat" providers --system --format jsonl | grep SystemProcessProviderGuid | grep -o '{"Name":"SYSTEM_PROCESS_KW_LOADER","Mask":"0x1000"}')
[ -n "$system" ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL providers --system"; }
# Keyword names in provider strings, through the same database.
expect "parse keyword names" 0 \
  '{"Name":"Microsoft-Windows-Kernel-Process","Guid":"{22FB2CD6-0E7B-422B-A0C7-2FAD1FD0E716}","Level":4,"MatchAnyKeyword":"0x50","MatchAllKeyword":"0x0","EventIds":[],"ExcludeEventIds":false}' \
  '' -- providers --parse "Microsoft-Windows-Kernel-Process:4:: WINEVENT_KEYWORD_PROCESS|WINEVENT_KEYWORD_IMAGE"
expect "parse unknown keyword" 2 '' \
  'etwcat: provider "Microsoft-Windows-Kernel-Process:::NOPE": MatchAnyKeyword "NOPE": "NOPE" is not a keyword of Microsoft-Windows-Kernel-Process (its keywords: WINEVENT_KEYWORD_PROCESS, WINEVENT_KEYWORD_THREAD, WINEVENT_KEYWORD_IMAGE, WINEVENT_KEYWORD_CPU_PRIORITY, WINEVENT_KEYWORD_OTHER_PRIORITY, WINEVENT_KEYWORD_PROCESS_FREEZE, WINEVENT_KEYWORD_JOB, WINEVENT_KEYWORD_ENABLE_PROCESS_TRACING_CALLBACKS, WINEVENT_KEYWORD_JOB_IO, WINEVENT_KEYWORD_WORK_ON_BEHALF, WINEVENT_KEYWORD_JOB_SILO)' \
  -- providers --parse "Microsoft-Windows-Kernel-Process:::NOPE"
expect "kernel jsonl first line" 0 '*' '' -- providers --kernel --format jsonl
k=$("$etwcat" providers --kernel --format jsonl | head -1)
[ "$k" = '{"Name":"Process","Value":"0x1","Logman":"process","Description":"process start/end"}' ] \
  && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL kernel jsonl: $k"; }
# The logman column names every flag logman has a name for; FileIoInit stays blank, since
# "fileio" here is FileIo.
k=$("$etwcat" providers --kernel | grep -E '^(CSwitch|Profile|FileIo|FileIoInit) ')
[ "$k" = 'CSwitch          0x00000010  cswitch           context switches
Profile          0x01000000  profile           sampled CPU profile
FileIo           0x02000000  fileiocompletion  file I/O (completion)
FileIoInit       0x04000000  -                 file I/O start (logman: fileio)' ] \
  && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL kernel text: $k"; }
# A closed pipe is not an error.
"$etwcat" providers --format jsonl | head -1 >/dev/null
[ "${PIPESTATUS[0]}" = 0 ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL broken pipe exit ${PIPESTATUS[0]}"; }

# dump, on real captures when there are any.
corpus=${ETWCAT_CORPUS:-$(dirname "$0")/../../../shared/corpus}
if [ -d "$corpus" ]; then
  lines=$("$etwcat" dump "$corpus/tx/HTTP_Server.etl" | wc -l)
  [ "$lines" = 2042 ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL dump HTTP_Server: $lines lines"; }
  second=$("$etwcat" dump --no-builtin-schemas "$corpus/tx/HTTP_Server.etl" | sed -n 2p)
  want='{"System":{"Provider":{"Name":"Microsoft-Windows-HttpService","Guid":"{DD5EF90A-6398-47A4-AD34-4DCECDEF795F}"},"EventID":21,"Version":0,"Level":{"Value":4,"Name":"Information"},"Task":{"Value":4},"Opcode":{"Value":28},"Keywords":{"Mask":"0x8000000000000010"},"Channel":{"Value":16},"EventName":"EventID(21)","TimeCreated":{"SystemTime":"2011-01-23T22:07:27.2257591Z"},"Correlation":{"ActivityID":"{00000100-0000-0003-193D-42FB30BBCB01}"},"Execution":{"ProcessID":0,"ThreadID":0,"ProcessorID":3,"KernelTime":677443,"UserTime":0}},"RawData":"1020E90380FAFFFF1C00000017000050000000002001489800000FFF00005EFE0A78109D000000001C000000170093CD000000002001489800000FFF00005EFE0A50E41000000000"}'
  [ "$second" = "$want" ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL dump HTTP_Server event 2: $second"; }
  # With no options, the built-in schemas decode it as its own manifest does.
  want=$("$etwcat" dump --manifest "$corpus/tx/HTTP_Server.man" "$corpus/tx/HTTP_Server.etl" | md5sum)
  got=$("$etwcat" dump "$corpus/tx/HTTP_Server.etl" | md5sum)
  [ "$got" = "$want" ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL built-in schemas differ from HTTP_Server.man"; }
  decoded=$("$etwcat" dump --summary --format jsonl "$corpus/tx/HTTP_Server.etl" | head -1 | grep -o '"Decoded":[0-9]*')
  [ "$decoded" = '"Decoded":2042' ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL built-in schemas decode HTTP_Server: $decoded"; }
  expect "dump empty file" 1 '' "etwcat: $corpus/etwanalyzer/EmptyETL.etl: offset 0x0: empty file (0 bytes), not an ETL file" \
    -- dump "$corpus/etwanalyzer/EmptyETL.etl"
  # The log-file header decodes with the built-in layout; the CLR event needs its manifest.
  # Text: three header lines (file, facts, legend), then one line per event.
  small=$("$etwcat" dump --format text --utc "$corpus/perfview/smallEtlFile.etl" | sed -n 4p)
  case "$small" in
    '2016-08-17 23:30:22.0379266Z Windows Kernel EventTrace 2092/2256 cpu=0 BufferSize=65536 '*' PointerSize=4 '*' SessionName=PerfWatsonGCHeapETLSession688 LogFileName=ReloggedFile.ETL')
      passed=$((passed + 1)) ;;
    *) failed=$((failed + 1)); echo "FAIL dump text smallEtlFile header: $small" ;;
  esac
  clr=$("$etwcat" dump --format text --utc --wide --manifest "$corpus/../provider-data/microsoft-perfview/ClrEtwAll.man" "$corpus/perfview/smallEtlFile.etl" | tail -1)
  [ "$clr" = '2016-08-17 23:30:22.0688637Z DotNETRuntimeRundown Loader/ModuleDCStop 688/4336 cpu=0 id=154 ModuleID=0x17BD0128 AssemblyID=0x13D66240 ModuleFlags=Manifest Reserved1=0 ModuleILPath="D:\\PROGRAM FILES (X86)\\MICROSOFT VISUAL STUDIO 15.0\\COMMON7\\IDE\\EXTENSIONS\\FRH4KDOG.VTE\\Microsoft.VisualStudio.Services.Client.dll" ModuleNativePath="" ClrInstanceID=39 ManagedPdbSignature={DB98EAE8-8ABC-40A8-B375-433FE44CAF70} ManagedPdbAge=1 ManagedPdbBuildPath=D:\v2.0\A1\_work\4\obj\Release.AnyCPU\Vssf.InteractiveClient\MS.VS.Services.Client\Microsoft.VisualStudio.Services.Client.pdb NativePdbSignature={00000000-0000-0000-0000-000000000000} NativePdbAge=0 NativePdbBuildPath=""' ] \
    && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL smallEtlFile with the CLR manifest: $clr"; }
  summary=$("$etwcat" dump --no-builtin-schemas --summary --format jsonl "$corpus/tx/HTTP_Server.etl" | grep '"EventName":"EventID(2)"')
  [ "$summary" = '{"Type":"Event","Provider":"Microsoft-Windows-HttpService","EventName":"EventID(2)","Count":291,"Decoded":0,"First":"2011-01-23T22:07:27.2266291Z","Last":"2011-01-23T22:07:56.4894400Z"}' ] \
    && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL summary: $summary"; }
  # With its manifest: events 2 (Parse) and 12 (FastSend) all decode.
  summary=$("$etwcat" dump --summary --format jsonl --manifest "$corpus/tx/HTTP_Server.man" "$corpus/tx/HTTP_Server.etl" | grep -E '"EventName":"HTTP Request Trace Task/(Parse|FastSend)"' | sed 's/,"First".*//')
  [ "$summary" = '{"Type":"Event","Provider":"Microsoft-Windows-HttpService","EventName":"HTTP Request Trace Task/FastSend","Count":289,"Decoded":289
{"Type":"Event","Provider":"Microsoft-Windows-HttpService","EventName":"HTTP Request Trace Task/Parse","Count":291,"Decoded":291' ] \
    && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL summary with manifest: $summary"; }
  # Rows in natural order, text and JSON alike: EventID(2) before EventID(10) (unnamed events,
  # without the built-in schemas).
  order=$("$etwcat" dump --no-builtin-schemas --summary --format text "$corpus/tx/HTTP_Server.etl" | grep -o 'EventID([0-9]*)' | tr '\n' ' ')
  [ "$order" = 'EventID(1) EventID(2) EventID(3) EventID(4) EventID(5) EventID(8) EventID(9) EventID(10) EventID(12) EventID(21) EventID(22) EventID(51) ' ] \
    && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL summary text order: $order"; }
  order=$("$etwcat" dump --no-builtin-schemas --summary --format jsonl "$corpus/tx/HTTP_Server.etl" | grep -o 'EventID([0-9]*)' | tr '\n' ' ')
  [ "$order" = 'EventID(1) EventID(2) EventID(3) EventID(4) EventID(5) EventID(8) EventID(9) EventID(10) EventID(12) EventID(21) EventID(22) EventID(51) ' ] \
    && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL summary jsonl order: $order"; }
  # The three JSON shapes say which they are, in their first member.
  types=$("$etwcat" dump --no-builtin-schemas --summary --format jsonl "$corpus/tx/HTTP_Server.etl" | sed 's/^{"Type":"\([A-Za-z]*\)".*/\1/' | uniq -c | tr -s ' \n' ' ')
  [ "$types" = ' 1 File 13 Event 4 Process 1 Total ' ] \
    && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL summary types: $types"; }
  tl=$("$etwcat" dump "$corpus/perfview/SelfDescribingSingleEvent.etl" | grep '"Name":"MySource"')
  [ "$tl" = '{"System":{"Provider":{"Name":"MySource","Guid":"{A61EA624-4944-55FC-C2A8-37838829438D}"},"EventID":3,"Version":0,"Level":{"Value":5,"Name":"Verbose"},"Task":{"Value":0},"Opcode":{"Value":0},"Keywords":{"Mask":"0x0"},"Channel":{"Value":11},"EventName":"TestEvent","TimeCreated":{"SystemTime":"2022-04-20T21:27:16.5904094Z"},"Execution":{"ProcessID":111592,"ThreadID":52284,"ProcessorID":1,"KernelTime":1,"UserTime":2}},"EventData":{"a":{"b":"Hello","c":"World!"}}}' ] \
    && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL TraceLogging struct: $tl"; }
  wpp=$("$etwcat" dump --format jsonl --tmf "$corpus/findneedle-wpp/tmf" "$corpus/findneedle-wpp/wppstr-sample.etl" | grep -o '"Message":"[^"]*"')
  [ "$wpp" = '"Message":"strtrace name=alpha id=0 tag=END"
"Message":"strtrace name=bravo id=1 tag=END"
"Message":"strtrace name=charlie id=2 tag=END"
"Message":"widetrace user=root role=admin"' ] \
    && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL wpp messages: $wpp"; }
  expect "missing manifest" 2 '' '*' -- dump --manifest /nonexistent/x.man "$corpus/tx/HTTP_Server.etl"
  raw=$("$etwcat" dump --raw "$corpus/perfview/primitive-types.etl" | grep -c '"EventData".*"RawData"')
  [ "$raw" = 7 ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL --raw: $raw"; }
  tmp=$(mktemp)
  "$etwcat" dump -o "$tmp" "$corpus/perfview/diaghub/diaghub.etl" "$corpus/perfview/diaghub/diaghub.kernel.1.etl" \
    "$corpus/perfview/diaghub/diaghub.user_paged.1.etl" "$corpus/perfview/diaghub/diaghub.user_injected.1.etl"
  n=$(wc -l < "$tmp"); rm -f "$tmp"
  [ "$n" = 100753 ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL diaghub -o: $n lines"; }
  name=$("$etwcat" dump "$corpus/perfview/SelfDescribingSingleEvent.etl" | grep -c '"Provider":{"Name":"MySource"')
  [ "$name" = 1 ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL TraceLogging provider name: $name"; }
  # Without --manifest the built-in table names the CLR's private provider.
  n=$("$etwcat" dump "$corpus/perfview/net.4.5.2.x64.etl" 2>/dev/null | grep -c '"Provider":{"Name":"Microsoft-Windows-DotNETRuntimePrivate","Guid":"{763FD754-7086-4DFE-95EB-C01A46FAF4CA}"}')
  [ "$n" = 1627 ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL DotNETRuntimePrivate named: $n"; }

  # --- #9: the command-line contract: never destroy data, never report success after a failure.
  scratch=$(mktemp -d)
  wsrm="$corpus/tx/WsRm01.etl"
  # 1. An output that is an input (same file, a symlink, a hard link) is refused, untouched.
  cp "$wsrm" "$scratch/copy.etl"
  ln -s copy.etl "$scratch/link.etl"
  ln "$scratch/copy.etl" "$scratch/hard.etl"
  for out in copy link hard; do
    expect "#9 -o names the input ($out)" 2 '' \
      "etwcat: -o $scratch/$out.etl: that is the input $scratch/copy.etl; refusing to overwrite it" \
      -- dump -o "$scratch/$out.etl" "$scratch/copy.etl"
  done
  cp "$corpus/tx/HTTP_Server.man" "$scratch/copy.man"
  expect "#9 -o names a --manifest" 2 '' \
    "etwcat: -o $scratch/copy.man: that is the input $scratch/copy.man; refusing to overwrite it" \
    -- dump --manifest "$scratch/copy.man" -o "$scratch/copy.man" "$wsrm"
  expect "#9 -o names a file of a --manifest folder" 2 '' \
    "etwcat: -o $scratch/copy.man: that is the input $scratch/copy.man; refusing to overwrite it" \
    -- dump --manifest "$scratch" -o "$scratch/copy.man" "$wsrm"
  cmp -s "$corpus/tx/HTTP_Server.man" "$scratch/copy.man" && passed=$((passed + 1)) ||
    { failed=$((failed + 1)); echo "FAIL #9 the manifest was changed by -o"; }
  rm "$scratch/copy.man"
  cmp -s "$wsrm" "$scratch/copy.etl" && passed=$((passed + 1)) ||
    { failed=$((failed + 1)); echo "FAIL #9 the input was changed by -o"; }
  # A run that fails leaves an existing output as it was, and no temporary file beside it.
  echo old > "$scratch/out.jsonl"
  expect "#9 failed run (missing input)" 2 '' "etwcat: $scratch/none.etl: No such file or directory" \
    -- dump -o "$scratch/out.jsonl" "$wsrm" "$scratch/none.etl"
  expect "#9 failed run (full device)" 2 '' "etwcat: cannot write /dev/full: No space left on device" \
    -- dump -o /dev/full "$wsrm"
  [ "$(cat "$scratch/out.jsonl")" = old ] && [ "$(ls -A "$scratch" | wc -l)" = 4 ] &&
    passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL #9 failed run left: $(ls -A "$scratch")"; }
  expect "#9 -o replaces at the end" 0 '' '' -- dump -o "$scratch/out.jsonl" "$wsrm"
  [ "$(wc -l < "$scratch/out.jsonl")" = 71 ] && [ "$(ls -A "$scratch" | wc -l)" = 4 ] &&
    passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL #9 -o result: $(ls -A "$scratch")"; }
  # 2. Write errors say so and exit 2; a closed pipe does not.
  "$etwcat" dump "$wsrm" >/dev/full 2>"$scratch/err"
  rc=$?
  [ "$rc" = 2 ] && [ "$(cat "$scratch/err")" = "etwcat: cannot write standard output: No space left on device" ] &&
    passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL #9 >/dev/full: exit $rc, $(cat "$scratch/err")"; }
  "$etwcat" providers >/dev/full 2>"$scratch/err"
  rc=$?
  [ "$rc" = 2 ] && [ "$(cat "$scratch/err")" = "etwcat: cannot write standard output: No space left on device" ] &&
    passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL #9 providers >/dev/full: exit $rc, $(cat "$scratch/err")"; }
  "$etwcat" dump "$corpus/perfview/net.4.5.2.x64.etl" 2>"$scratch/err" | head -1 >/dev/null
  rc=${PIPESTATUS[0]}
  # Reading stops at the closed pipe: nothing to say.
  [ "$rc" = 0 ] && [ ! -s "$scratch/err" ] && passed=$((passed + 1)) ||
    { failed=$((failed + 1)); echo "FAIL #9 | head: exit $rc, $(cat "$scratch/err")"; }
  # 3. A repeatable option takes one value per use: files before, between and after it.
  man="$corpus/tx/HTTP_Server.man"
  http="$corpus/tx/HTTP_Server.etl"
  want=$("$etwcat" dump --summary --format jsonl --manifest "$man" "$http" "$wsrm" | md5sum)
  for order in "--manifest $man $http $wsrm --summary" "$http --manifest $man $wsrm --summary" \
               "$http $wsrm --summary --manifest $man" "--summary --manifest=$man $http $wsrm"; do
    # shellcheck disable=SC2086
    got=$("$etwcat" dump --format jsonl $order | md5sum)
    [ "$got" = "$want" ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL #9 option order: dump $order"; }
  done
  n=$("$etwcat" dump --summary --format jsonl --manifest "$man" "$http" "$wsrm" | grep -c '"File"')
  [ "$n" = 2 ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL #9 two files after --manifest: $n"; }
  # 4. The same file twice is read once, and said so.
  n=$("$etwcat" dump "$scratch/copy.etl" "$scratch/link.etl" 2>"$scratch/err" | wc -l)
  [ "$n" = 71 ] && [ "$(cat "$scratch/err")" = "etwcat: $scratch/link.etl is the same file as $scratch/copy.etl: read once" ] &&
    passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL #9 same file twice: $n lines, $(cat "$scratch/err")"; }
  # 7. An unknown command or option is named, with the nearest one.
  expect "#9 unknown command" 2 '' 'etwcat: unknown command "dunp"; did you mean "dump"?
Run `etwcat --help` for usage.' -- dunp x.etl
  expect "#9 unknown word" 2 '' 'etwcat: unknown command "bogus" (the commands are: providers dump live start stop sessions)
Run `etwcat --help` for usage.' -- bogus
  expect "#9 unknown option" 2 '' 'etwcat: unknown option "-v"; did you mean "--version"?
Run `etwcat --help` for usage.' -- -v
  # 8. Files that cannot be opened: the OS's reason, no offset.
  expect "#9 folder" 2 '' "etwcat: $scratch: Is a directory" -- dump "$scratch"
  expect "#9 missing file" 2 '' "etwcat: $scratch/nonexistent.etl: No such file or directory" \
    -- dump "$scratch/nonexistent.etl"
  # 9. Cut inside the first buffer: a truncated ETL file.
  head -c 100 "$http" > "$scratch/cut.etl"
  expect "#9 cut in the first buffer" 1 '' "etwcat: $scratch/cut.etl: offset 0x64: truncated ETL file: it ends after 100 bytes, inside its first 8192-byte buffer, before the end of the log-file header record" \
    -- dump "$scratch/cut.etl"
  # 10. Standard input, a pipe, /dev/stdin: the same events as the file; -o - is stdout.
  net="$corpus/perfview/net.4.5.2.x64.etl"
  # providers --etl: per provider counts that add up to the file's 179,474 records (SOURCES.txt).
  counts=$("$etwcat" providers --etl "$net" --format jsonl)
  sum=$(printf '%s\n' "$counts" | grep '"Type":"Provider"' | grep -o '"Events":[0-9]*' | awk -F: '{s += $2} END {print s}')
  records=$(printf '%s\n' "$counts" | grep '"Type":"Total"' | grep -o '"Records":[0-9]*')
  [ "$sum" = 179474 ] && [ "$records" = '"Records":179474' ] && passed=$((passed + 1)) ||
    { failed=$((failed + 1)); echo "FAIL providers --etl counts: $sum, $records"; }
  clr=$(printf '%s\n' "$counts" | grep '"Name":"Microsoft-Windows-DotNETRuntimePrivate"' | grep -o '"Events":[0-9]*')
  [ "$clr" = '"Events":1627' ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL providers --etl CLR private: $clr"; }
  want=$("$etwcat" dump "$net" 2>/dev/null | md5sum)
  got=$(cat "$net" | "$etwcat" dump - 2>/dev/null | md5sum)
  [ "$got" = "$want" ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL #9 compressed capture from a pipe"; }
  got=$("$etwcat" dump -o - <(cat "$net") 2>/dev/null | md5sum)
  [ "$got" = "$want" ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL #9 <(cat f) with -o -"; }
  got=$("$etwcat" dump /dev/stdin < "$net" 2>/dev/null | md5sum)
  [ "$got" = "$want" ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL #9 /dev/stdin"; }
  dh="$corpus/perfview/diaghub"
  # System.Source names each input as given: drop it, the names differ here.
  want=$("$etwcat" dump "$dh/diaghub.etl" "$dh/diaghub.kernel.1.etl" | sed 's/,"Source":"[^"]*"}/}/' | md5sum)
  got=$("$etwcat" dump - <(cat "$dh/diaghub.kernel.1.etl") < "$dh/diaghub.etl" | sed 's/,"Source":"[^"]*"}/}/' | md5sum)
  [ "$got" = "$want" ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL #9 a merge of pipes"; }
  expect "#9 summary names standard input" 0 '*' '' -- dump --summary - < "$wsrm"
  "$etwcat" dump --summary --format jsonl - < "$wsrm" | grep -q '"File":"(standard input)"' &&
    passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL #9 standard input's name"; }
  # 14. Exit codes: 1 for events the logger lost and for decode errors, each said on stderr.
  expect "#9 lost events" 1 '*' "etwcat: $corpus/airbus-etl-parser/AMSITrace.etl: the session lost 3 events and 0 buffers while logging (the file's header says so)" \
    -- dump "$corpus/airbus-etl-parser/AMSITrace.etl"
  # A template longer than the payload: HTTP_Server's 2 events 21 (72 bytes) read with 80.
  cat > "$scratch/too-long.man" <<'EOF'
<instrumentationManifest xmlns="http://schemas.microsoft.com/win/2004/08/events">
 <instrumentation><events>
  <provider name="Too-Long" guid="{DD5EF90A-6398-47A4-AD34-4DCECDEF795F}" symbol="T">
   <events><event value="21" version="0" template="t"/></events>
   <templates><template tid="t"><data name="a" inType="win:Binary" length="80"/></template></templates>
  </provider>
 </events></instrumentation>
</instrumentationManifest>
EOF
  expect "#9 decode errors" 1 '*' "etwcat: 2 events did not fit their schema (System.DecodeError says where); they keep RawData" \
    -- dump --summary --manifest "$scratch/too-long.man" "$http"
  # Bytes left over after the last field are no error (DecodeWarning, Surplus): Windows 7's
  # Kernel-Network writes 4 bytes more than SystemEvents.man describes, in all its events.
  system_events="$corpus/../provider-data/microsoft-Tx/SystemEvents.man"
  expect "surplus is no error" 0 '*' '' \
    -- dump --summary --manifest "$system_events" "$corpus/tx/KernelNetwork.etl"
  "$etwcat" dump --summary --manifest "$system_events" "$corpus/tx/KernelNetwork.etl" | head -1 |
    grep -q '"Events":8924,"Decoded":8924,"Surplus":8923,"DecodeErrors":0}' &&
    passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL surplus counted apart in the summary"; }
  # Found in review: outputs that are not plain files, signals, limits, odd words.
  printf 'precious\n' > "$scratch/log"
  "$etwcat" dump -o /dev/stdout "$wsrm" >> "$scratch/log"
  [ "$(head -1 "$scratch/log")" = precious ] && [ "$(wc -l < "$scratch/log")" = 72 ] &&
    passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL #9 -o /dev/stdout >> log: $(head -c 80 "$scratch/log")"; }
  cp "$wsrm" "$scratch/self.etl"
  "$etwcat" dump "$scratch/self.etl" >> "$scratch/self.etl" 2>"$scratch/err"
  rc=$?
  [ "$rc" = 2 ] && [ "$(cat "$scratch/err")" = "etwcat: standard output is the input $scratch/self.etl; refusing to write into it" ] &&
    cmp -s "$wsrm" "$scratch/self.etl" && passed=$((passed + 1)) ||
    { failed=$((failed + 1)); echo "FAIL #9 >> its own input: exit $rc, $(cat "$scratch/err")"; }
  (ulimit -f 50; "$etwcat" dump -o "$scratch/limited.jsonl" "$net" 2>"$scratch/err")
  rc=$?
  [ "$rc" = 2 ] && [ "$(cat "$scratch/err")" = "etwcat: cannot write $scratch/limited.jsonl: File too large" ] &&
    [ -z "$(ls -A "$scratch" | grep limited)" ] && passed=$((passed + 1)) ||
    { failed=$((failed + 1)); echo "FAIL #9 file-size limit: exit $rc, $(cat "$scratch/err"), $(ls -A "$scratch")"; }
  # Ignored signals stay ignored (nohup): the run completes, with status 0 (the capture is
  # intact and every payload decodes, two with bytes left over).
  (trap '' HUP; "$etwcat" dump -o "$scratch/nohup.jsonl" "$net" 2>/dev/null & pid=$!; kill -HUP "$pid"; wait "$pid")
  rc=$?
  [ "$rc" = 0 ] && [ "$(wc -l < "$scratch/nohup.jsonl")" = 179474 ] && passed=$((passed + 1)) ||
    { failed=$((failed + 1)); echo "FAIL #9 SIGHUP under nohup: exit $rc"; }
  expect "#9 a foreign stream fails at once" 1 '' "etwcat: /dev/zero: offset 0x0: not an ETL file: first buffer size 0 is outside 104..16777216" \
    -- dump /dev/zero
  expect "#9 a lone dash" 2 '' 'etwcat: unknown option "-"
Run `etwcat --help` for usage.' -- -
  expect "#9 unknown option of a command" 2 '' 'etwcat: dump: unknown option "--fromat"; did you mean "--format"?
Run `etwcat --help` for usage.' -- dump --fromat jsonl "$wsrm"
  "$etwcat" --version >/dev/full 2>"$scratch/err"
  rc=$?
  [ "$rc" = 2 ] && [ "$(cat "$scratch/err")" = "etwcat: cannot write standard output: No space left on device" ] &&
    passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL #9 --version >/dev/full: exit $rc"; }
  rm -rf "$scratch"
else
  echo "no corpus (\$ETWCAT_CORPUS or ../shared/corpus): dump checks skipped"
fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]

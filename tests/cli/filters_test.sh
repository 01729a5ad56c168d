#!/usr/bin/env bash
# dump's filters and process attribution on real captures. Every expected count is computed
# here, independently, by Python over the unfiltered JSON lines; etwcat's filtered output must
# have exactly that many lines. Usage: filters_test.sh path/to/etwcat
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

http="$corpus/tx/HTTP_Server.etl"
man="$corpus/tx/HTTP_Server.man"
x86="$corpus/perfview/net.4.5.x86.etl"
x64="$corpus/perfview/net.4.5.2.x64.etl"
"$etwcat" dump --manifest "$man" "$http" >"$work/http.jsonl" 2>/dev/null
"$etwcat" dump "$x86" >"$work/x86.jsonl" 2>/dev/null
"$etwcat" dump "$x64" >"$work/x64.jsonl" 2>/dev/null
start_x64=$("$etwcat" dump --summary "$x64" 2>/dev/null | python3 -c '
import json, sys
for line in sys.stdin:
    o = json.loads(line)
    if o["Type"] == "File":
        print(o["StartTime"])')

# The expected counts, one "name count" line each, from the unfiltered output.
python3 - "$work" "$start_x64" >"$work/expected" <<'EOF'
import datetime, fnmatch, json, re, sys
work, start_x64 = sys.argv[1], sys.argv[2]

def events(name):
    with open(f"{work}/{name}.jsonl") as f:
        return [json.loads(line) for line in f]

def when(text):  # "2020-07-29T00:07:00.6521099Z" -> 100 ns ticks
    day, frac = text[:-1].split(".")
    t = datetime.datetime.strptime(day, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=datetime.timezone.utc)
    return int(t.timestamp()) * 10_000_000 + int(frac.ljust(7, "0"))

def count(name, evs, keep):
    print(name, sum(1 for e in evs if keep(e)))

def sys_(e): return e["System"]
def pid(e): return sys_(e)["Execution"].get("ProcessID")
def data(e, k):
    d = e.get("EventData", {})
    for key, v in d.items():
        if key.lower() == k.lower():
            return v
    return None

http = events("http")
count("id2", http, lambda e: sys_(e).get("EventID") == 2)
count("id_ranges", http, lambda e: "EventID" in sys_(e) and 1 <= sys_(e)["EventID"] <= 10 and sys_(e)["EventID"] != 5)
count("id_exclude", http, lambda e: sys_(e).get("EventID") not in (2, 3))
count("level4", http, lambda e: "Level" not in sys_(e) or sys_(e)["Level"]["Value"] in range(0, 5))

x86 = events("x86")
count("provider_name", x86, lambda e: sys_(e)["Provider"].get("Name") == "Microsoft-Windows-DotNETRuntime")
count("provider_glob", x86, lambda e: fnmatch.fnmatchcase(sys_(e)["Provider"].get("Name", "").lower(), "*dotnet*"))
count("provider_guid", x86, lambda e: sys_(e)["Provider"]["Guid"] == "{E13C0D23-CCBC-4E12-931B-D9CC2EEE27E4}")
count("two_providers", x86, lambda e: sys_(e)["Provider"].get("Name") in ("Microsoft-Windows-DotNETRuntime", "Windows Kernel"))
count("event_glob", x86, lambda e: sys_(e).get("EventName", "").lower().startswith("gc/"))
count("keywords", x86, lambda e: "Keywords" not in sys_(e) or int(sys_(e)["Keywords"]["Mask"], 16) == 0 or int(sys_(e)["Keywords"]["Mask"], 16) & 0x1)

x64 = events("x64")
count("pid", x64, lambda e: pid(e) in (4, 2004))
count("pid_range", x64, lambda e: pid(e) is not None and 1000 <= pid(e) <= 3000)
count("tid", x64, lambda e: sys_(e)["Execution"].get("ThreadID") == 44)
count("process", x64, lambda e: fnmatch.fnmatchcase(sys_(e)["Execution"].get("ProcessName", "").lower(), "svchost*"))
count("process_and_event", x64, lambda e: sys_(e)["Execution"].get("ProcessName", "").lower() == "system" and sys_(e).get("EventName") == "PerfInfo/Sample")
times = sorted(when(sys_(e)["TimeCreated"]["SystemTime"]) for e in x64)
mid = times[len(times) // 2]
since_text = datetime.datetime.fromtimestamp(mid // 10_000_000, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S") + "." + str(mid % 10_000_000).rjust(7, "0") + "Z"
print("since_text", since_text)
count("since", x64, lambda e: when(sys_(e)["TimeCreated"]["SystemTime"]) >= mid)
count("until", x64, lambda e: when(sys_(e)["TimeCreated"]["SystemTime"]) <= mid)
start = when(start_x64)
count("since_offset", x64, lambda e: when(sys_(e)["TimeCreated"]["SystemTime"]) >= start + 15_000_000)
count("window", x64, lambda e: start + 10_000_000 <= when(sys_(e)["TimeCreated"]["SystemTime"]) <= start + 20_000_000)
count("where_equal", x64, lambda e: data(e, "ImageFileName") == "svchost.exe")
count("where_regex", x64, lambda e: isinstance(data(e, "FileName"), str) and re.search(r"\.dll$", data(e, "FileName"), re.I))
count("where_greater", x64, lambda e: isinstance(data(e, "TransferSize"), int) and data(e, "TransferSize") > 8192)
count("where_two", x64, lambda e: isinstance(data(e, "TransferSize"), int) and 4096 <= data(e, "TransferSize") <= 65536 and data(e, "DiskNumber") == 0)
count("where_hex", x64, lambda e: data(e, "Flags") == "0x70")

# Attribution: the process names follow Process/Start and rundown events in time order, and
# every event that has a ProcessID under a name has the name those events gave.
names, wrong, named, with_pid = {}, 0, 0, 0
for e in x64:
    s = sys_(e)
    if s.get("EventName") in ("Process/Start", "Process/DCStart", "Process/Stop", "Process/DCStop", "Process/Defunct"):
        names[e["EventData"]["ProcessID"]] = e["EventData"]["ImageFileName"]
    x = s["Execution"]
    if "ProcessID" in x and x["ProcessID"] != 0xFFFFFFFF:
        with_pid += 1
    if "ProcessName" in x:
        named += 1
        if names.get(x["ProcessID"]) != x["ProcessName"]:
            wrong += 1
print("wrong_names", wrong)
print("named", named)
print("with_pid", with_pid)
print("events", len(x64))
EOF
want() { awk -v k="$1" '$1 == k { print $2 }' "$work/expected"; }
lines() { "$etwcat" dump "$@" 2>/dev/null | wc -l | tr -d ' '; }

# The issue's own figure, and the same count computed from the full output.
check "id 2 (291)" 291 "$(lines --id 2 --manifest "$man" "$http")"
check "id 2" "$(want id2)" "$(lines --id 2 --manifest "$man" "$http")"
check "id ranges" "$(want id_ranges)" "$(lines --id 1-10,!5 --manifest "$man" "$http")"
check "id exclude" "$(want id_exclude)" "$(lines --id '!2,!3' --manifest "$man" "$http")"
check "level" "$(want level4)" "$(lines --level information --manifest "$man" "$http")"
check "provider name" "$(want provider_name)" "$(lines --provider Microsoft-Windows-DotNETRuntime "$x86")"
check "provider glob" "$(want provider_glob)" "$(lines --provider '*DotNET*' "$x86")"
check "provider guid" "$(want provider_guid)" "$(lines --provider '{e13c0d23-ccbc-4e12-931b-d9cc2eee27e4}' "$x86")"
check "two providers" "$(want two_providers)" \
  "$(lines --provider Microsoft-Windows-DotNETRuntime --provider 'Windows Kernel' "$x86")"
check "event glob" "$(want event_glob)" "$(lines --event 'gc/*' "$x86")"
check "keywords" "$(want keywords)" "$(lines --keywords 0x1 "$x86")"
check "pid" "$(want pid)" "$(lines --pid 4,2004 "$x64")"
check "pid range" "$(want pid_range)" "$(lines --pid 1000-3000 "$x64")"
check "tid" "$(want tid)" "$(lines --tid 44 "$x64")"
check "process" "$(want process)" "$(lines --process 'svchost*' "$x64")"
check "process and event" "$(want process_and_event)" \
  "$(lines --process System --event PerfInfo/Sample "$x64")"
since_text=$(awk '$1 == "since_text" { print $2 }' "$work/expected")
check "since" "$(want since)" "$(lines --since "$since_text" "$x64")"
check "until" "$(want until)" "$(lines --until "$since_text" "$x64")"
check "since offset" "$(want since_offset)" "$(lines --since +1500ms "$x64")"
check "window" "$(want window)" "$(lines --since +1s --until +2s "$x64")"
check "where =" "$(want where_equal)" "$(lines --where ImageFileName=svchost.exe "$x64")"
check "where ~" "$(want where_regex)" "$(lines --where 'FileName~\.DLL$' "$x64")"
check "where >" "$(want where_greater)" "$(lines --where 'TransferSize>8192' "$x64")"
check "where, twice" "$(want where_two)" \
  "$(lines --where 'TransferSize>=4096' --where 'EventData.TransferSize<=65536' --where DiskNumber=0 "$x64")"
check "where hex" "$(want where_hex)" "$(lines --where Flags=0x70 "$x64")"

# --skip and --limit cut the filtered stream.
check "skip and limit" "$(sed -n 11,15p "$work/x64.jsonl" | md5sum)" \
  "$("$etwcat" dump --skip 10 --limit 5 "$x64" 2>/dev/null | md5sum)"
check "limit after filter" "$(grep '"EventID":2,' "$work/http.jsonl" | head -3 | md5sum)" \
  "$("$etwcat" dump --id 2 --limit 3 --manifest "$man" "$http" 2>/dev/null | md5sum)"

# Attribution: names agree with the process events; the share with a process ID grew.
check "process names" 0 "$(want wrong_names)"
named=$(want named)
with_pid=$(want with_pid)
total=$(want events)
[ "$named" -gt 100000 ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL named: $named"; }
[ "$with_pid" -gt $((total * 9 / 10)) ] && passed=$((passed + 1)) ||
  { failed=$((failed + 1)); echo "FAIL with a ProcessID: $with_pid of $total"; }
echo "x64: $with_pid of $total events with a ProcessID, $named with a ProcessName"

# Mistakes in a filter: exit 2, one line naming the option.
err=$("$etwcat" dump --id 5-x "$http" 2>&1 >/dev/null)
check "bad --id" 'etwcat: --id "5-x": "5-x" is not a number or range (give numbers, ranges like 5-9, and !N to leave one out)' "$err"
err=$("$etwcat" dump --since yesterday "$http" 2>&1 >/dev/null)
check "bad --since exit" 1 "$(printf '%s\n' "$err" | wc -l | tr -d ' ')"
"$etwcat" dump --where 'Size' "$http" >/dev/null 2>&1
check "bad --where" 2 $?
"$etwcat" dump --where 'Size>big' "$http" >/dev/null 2>&1
check "where > needs a number" 2 $?

echo "filters: $passed passed, $failed failed"
[ "$failed" = 0 ]

#!/usr/bin/env bash
# The output formats on real captures: --format csv, json and xml read back with Python's csv,
# json and xml.etree modules and compared, event for event, with the JSON lines of the same
# run; --fields against the values Python takes from the full JSON lines; System.Source with
# several inputs; the usage errors of --fields.
# Usage: formats_test.sh path/to/etwcat
set -u
etwcat=$1
passed=0
failed=0

. "$(dirname "$0")/corpus.sh"
if ! command -v python3 >/dev/null; then
  echo "formats: no python3: skipped"
  exit 0
fi
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# ok NAME COMMAND...: passes when COMMAND exits 0; otherwise shows what it printed.
ok() {
  local name=$1 out
  shift
  if out=$("$@" 2>&1); then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    printf 'FAIL %s\n%s\n' "$name" "$out"
  fi
}

# expect NAME EXIT_CODE STDERR_PART -- ARGS...: the exit code, and stderr holding STDERR_PART.
expect() {
  local name=$1 code=$2 want_err=$3 rc
  shift 4
  "$etwcat" "$@" >"$scratch/out" 2>"$scratch/err"
  rc=$?
  if [ "$rc" = "$code" ] && grep -qF -- "$want_err" "$scratch/err"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    printf 'FAIL %s: etwcat %s\n  exit %s (want %s)\n  stderr: %s\n' "$name" "$*" "$rc" "$code" \
      "$(cat "$scratch/err")"
  fi
}

# The checks, in Python: each reads the JSON lines of a run and the same run in another format.
cat >"$scratch/check.py" <<'EOF'
import csv, json, re, sys
import xml.etree.ElementTree as ET

EV = "{http://schemas.microsoft.com/win/2004/08/events/event}"
TRACE = "{http://schemas.microsoft.com/win/2004/08/events/trace}"
ETW = "{urn:etwcat}"
CSV_COLUMNS = [
    ("TimeCreated", "System.TimeCreated.SystemTime"), ("ProviderName", "System.Provider.Name"),
    ("ProviderGuid", "System.Provider.Guid"), ("EventID", "System.EventID"),
    ("Version", "System.Version"), ("Level", "System.Level.Value"),
    ("Task", "System.Task.Value"), ("Opcode", "System.Opcode.Value"),
    ("Keywords", "System.Keywords.Mask"), ("EventName", "System.EventName"),
    ("ProcessID", "System.Execution.ProcessID"), ("ThreadID", "System.Execution.ThreadID"),
    ("ProcessName", "System.Execution.ProcessName"),
    ("Attributed", "System.Execution.Attributed"),
    ("ProcessorID", "System.Execution.ProcessorID"),
    ("ActivityID", "System.Correlation.ActivityID")]
CSV_SOURCE = ("Source", "System.Source")
CSV_TAIL = [("EventData", "EventData"), ("DecodeError", "System.DecodeError")]
MISSING = object()


def fail(message):
    print(message)
    sys.exit(1)


def events(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def at(obj, path):
    """The value at a dotted path (or its list of steps); EventData names ignore ASCII case,
    as etwcat's do."""
    steps = path.split(".") if isinstance(path, str) else path
    for i, step in enumerate(steps):
        if type(obj) is dict:
            if step in obj:
                obj = obj[step]
                continue
            if i > 0 and steps[0] == "EventData":
                obj = next((v for k, v in obj.items() if k.lower() == step.lower()), MISSING)
            else:
                obj = MISSING
        elif type(obj) is list and step.isdigit() and int(step) < len(obj):
            obj = obj[int(step)]
        else:
            obj = MISSING
        if obj is MISSING:
            return MISSING
    return obj


def same_text(text, value):
    """A cell or XML text against the JSON value it stands for."""
    if value is MISSING:
        return text == ""
    if isinstance(value, str):
        return text == value
    if type(value) is int:
        return text == str(value)
    try:
        return json.loads(text) == value
    except ValueError:
        return False


NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_clean(s):
    # What XML 1.0 cannot hold, etwcat writes as U+FFFD.
    return NOT_XML.sub("\ufffd", s)


def check_csv(evs, path, several=""):
    with open(path, "rb") as f:
        first = f.readline()
    if not first.endswith(b"\r\n"):
        fail("the header row does not end in CRLF: %r" % first[-20:])
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    columns = CSV_COLUMNS + ([CSV_SOURCE] if several else []) + CSV_TAIL
    if rows[0] != [name for name, _ in columns]:
        fail("header %s" % rows[0])
    if len(rows) - 1 != len(evs):
        fail("%d data rows, %d JSON lines" % (len(rows) - 1, len(evs)))
    steps = [(name, p.split(".")) for name, p in columns]
    for n, (row, ev) in enumerate(zip(rows[1:], evs), 1):
        if len(row) != len(columns):
            fail("row %d has %d cells" % (n, len(row)))
        for (name, p), cell in zip(steps, row):
            if not same_text(cell, at(ev, p)):
                fail("row %d %s: %r, JSON %r" % (n, name, cell, at(ev, p)))
    print("%d rows" % len(evs))


def check_json(evs, path):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    if not isinstance(doc, list) or len(doc) != len(evs):
        fail("%s elements, %d JSON lines" % (len(doc) if isinstance(doc, list) else "no", len(evs)))
    for n, (a, b) in enumerate(zip(doc, evs)):
        if a != b:
            fail("element %d differs from line %d" % (n, n + 1))


SYSTEM_ORDER = ["Provider", "EventID", "Version", "Level", "Task", "Opcode", "Keywords",
                "TimeCreated", "EventRecordID", "Correlation", "Execution", "Channel",
                "Computer", "Security"]
ATTRIBUTES = {"Provider": {"Name", "Guid"}, "TimeCreated": {"SystemTime"},
              "Correlation": {"ActivityID", "RelatedActivityID"},
              "Execution": {"ProcessID", "ThreadID", "ProcessorID", "KernelTime", "UserTime",
                            "ProcessorTime"},
              "Security": {"UserID"}}
AFTER_SYSTEM = [EV + "EventData", EV + "BinaryEventData", EV + "RenderingInfo",
                TRACE + "ExtendedTracingInfo", ETW + "ExtendedData", ETW + "Surplus",
                ETW + "RawData"]


def check_event_data(element, value, where):
    """<Data>/<ComplexData> children against a JSON object (named) or array (unnamed)."""
    children = list(element)
    items = list(value.items()) if isinstance(value, dict) else [(None, v) for v in value]
    if len(children) != len(items):
        fail("%s: %d children for %d members" % (where, len(children), len(items)))
    for child, (name, v) in zip(children, items):
        if child.get("Name") != name:
            fail("%s: Name %r, JSON %r" % (where, child.get("Name"), name))
        if isinstance(v, (dict, list)):
            if child.tag != EV + "ComplexData":
                fail("%s.%s: %s for a struct or array" % (where, name, child.tag))
            check_event_data(child, v, "%s.%s" % (where, name))
        else:
            text = child.text or ""
            want = xml_clean(v) if isinstance(v, str) else v
            if child.tag != EV + "Data" or not same_text(text, want):
                fail("%s.%s: %r, JSON %r" % (where, name, text, v))


def check_event_values(el, system, ev, where):
    """System and EventData of one Event against its JSON line."""
    s = ev["System"]
    x = lambda name: system.find(EV + name)
    checks = [
        (x("Provider").get("Guid"), s["Provider"]["Guid"]),
        (x("Provider").get("Name"), s["Provider"].get("Name")),
        (x("EventID").text, str(s.get("EventID", 0))),
        (x("Execution").get("ProcessorID"), str(s["Execution"]["ProcessorID"])),
        (x("Execution").get("ProcessID"), str(at(ev, "System.Execution.ProcessID"))
         if "ProcessID" in s["Execution"] else None),
        (system.findtext(ETW + "EventName"), s.get("EventName")),
        (system.findtext(ETW + "ProcessName"), s["Execution"].get("ProcessName")),
        (system.findtext(ETW + "Source"), s.get("Source")),
        (system.findtext(ETW + "DecodeError"), s.get("DecodeError")),
    ]
    for name in ("Version", "Level", "Task", "Opcode"):
        v = s.get(name)
        checks.append((x(name).text if x(name) is not None else None,
                       None if v is None else str(v["Value"] if isinstance(v, dict) else v)))
    if "Keywords" in s:
        checks.append((x("Keywords").text, s["Keywords"]["Mask"]))
    if "TimeCreated" in s:
        checks.append((x("TimeCreated").get("SystemTime"), s["TimeCreated"]["SystemTime"]))
    for got, want in checks:
        if got != (xml_clean(want) if isinstance(want, str) else want):
            fail("%s: %r, JSON %r" % (where, got, want))
    data = el.find(EV + "EventData")
    if "EventData" in ev:
        if data is None:
            fail("%s: no EventData" % where)
        check_event_data(data, ev["EventData"], where + " EventData")
    elif "RawData" in ev and el.findtext(EV + "BinaryEventData") != ev["RawData"]:
        fail("%s: BinaryEventData is not the RawData" % where)


def check_xml(evs, path, values="values"):
    """The Event shape of every Event; with "values", each against its JSON line."""
    deep = values == "values"
    evs = iter(evs)
    count = 0
    last = None
    for _, el in ET.iterparse(path):  # element ends: the root's is the last
        last = el
        if el.tag != EV + "Event":
            continue
        count += 1
        ev = next(evs, None)
        if ev is None:
            fail("more Events than JSON lines")
        where = "Event %d" % count
        children = list(el)
        if not children or children[0].tag != EV + "System":
            fail("%s: System is not first" % where)
        rest = [c.tag for c in children[1:]]
        if any(t not in AFTER_SYSTEM for t in rest) or rest != sorted(rest, key=AFTER_SYSTEM.index):
            fail("%s: children %s" % (where, rest))
        if rest.count(EV + "EventData") + rest.count(EV + "BinaryEventData") > 1:
            fail("%s: two payloads" % where)
        system = children[0]
        names = [c.tag[len(EV):] for c in system if c.tag.startswith(EV)]
        if names != sorted(names, key=SYSTEM_ORDER.index):
            fail("%s: System children out of order: %s" % (where, names))
        tail = [c.tag for c in system][len(names):]
        if any(not t.startswith(ETW) for t in tail):
            fail("%s: schema elements after etwcat's: %s" % (where, tail))
        for required in ("Provider", "EventID", "Execution", "Computer"):
            if required not in names:
                fail("%s: no %s" % (where, required))
        for c in system:
            if not c.tag.startswith(EV):
                continue
            allowed = ATTRIBUTES.get(c.tag[len(EV):], set())
            if not set(c.attrib) <= allowed:
                fail("%s: %s has attributes %s" % (where, c.tag, sorted(c.attrib)))
        if deep:
            check_event_values(el, system, ev, where)
        el.clear()
    if last is None or last.tag != "Events" or len(last) != count:
        fail("the root is not <Events> holding only the Events")
    if next(evs, None) is not None:
        fail("fewer Events (%d) than JSON lines" % count)
    print("%d events" % count)


def check_fields(evs, selected, selected_csv, fields):
    paths = fields.split(",")
    sel = events(selected)
    with open(selected_csv, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    if len(sel) != len(evs) or len(rows) - 1 != len(evs):
        fail("%d jsonl lines, %d csv rows, %d full lines" % (len(sel), len(rows) - 1, len(evs)))
    if rows[0] != paths:
        fail("csv header %s" % rows[0])
    found = dict.fromkeys(paths, 0)
    steps = [p.split(".") for p in paths]
    for n, (ev, got, row) in enumerate(zip(evs, sel, rows[1:]), 1):
        values = [at(ev, st) for st in steps]
        want = {p: v for p, v in zip(paths, values) if v is not MISSING}
        if got != want or list(got) != list(want):
            fail("line %d: %s, want %s" % (n, got, want))
        for p, v, cell in zip(paths, values, row):
            if not same_text(cell, v):
                fail("csv row %d %s: %r, want %r" % (n, p, cell, v))
            found[p] += v is not MISSING
    if 0 in found.values():
        fail("a field that no event has says little: %s" % found)
    print(found)


def check_sources(evs, names):
    names = names.split("\n")
    seen = set()
    for n, ev in enumerate(evs, 1):
        s = ev["System"]
        if list(s)[-1] != "Source" or s["Source"] not in names:
            fail("line %d: System ends %s" % (n, list(s)[-1]))
        seen.add(s["Source"])
    if seen != set(names):
        fail("sources seen: %s" % seen)


def check_no_source(evs):
    for n, ev in enumerate(evs, 1):
        if "Source" in ev["System"]:
            fail("line %d has a Source with one input" % n)


# check.py JSONL CHECK:ARG:ARG… …: the JSON lines are read once for all the checks.
evs = events(sys.argv[1])
for spec in sys.argv[2:]:
    name, *args = spec.split("|")
    globals()["check_" + name](evs, *args)
EOF
check() { python3 "$scratch/check.py" "$@"; }

# dump_as NAME FORMAT ARGS...: the run into $scratch/NAME.FORMAT (its exit code must be 0).
dump_as() {
  local name=$1 format=$2
  shift 2
  "$etwcat" dump --format "$format" -o "$scratch/$name.$format" "$@" 2>"$scratch/dump-err" ||
    { echo "FAIL etwcat dump --format $format $*: $(cat "$scratch/dump-err")"; failed=$((failed + 1)); }
}

http=("$corpus/tx/HTTP_Server.etl" --manifest "$corpus/tx/HTTP_Server.man")
net=("$corpus/perfview/net.4.5.x86.etl")
for format in jsonl csv json xml; do
  dump_as http "$format" "${http[@]}"
  [ "$format" = json ] || dump_as net "$format" "${net[@]}"
done
for format in jsonl json; do dump_as kn "$format" "$corpus/tx/KernelNetwork.etl"; done
n=$(wc -l <"$scratch/http.jsonl")
[ "$n" = 2042 ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL HTTP_Server: $n lines"; }

# The formats against the JSON lines, value for value; --fields against the full lines.
fields=System.EventID,System.Execution.ProcessID,System.Execution.ProcessName,EventData.FileName,System.Provider.Name,System.TimeCreated.SystemTime,System.Level,EventData.imagefilename,System.Execution.Attributed
dump_as fields jsonl "${net[@]}" --fields="$fields"
dump_as fields csv "${net[@]}" --fields="$fields"
ok "HTTP_Server: csv, json, xml" check "$scratch/http.jsonl" "csv|$scratch/http.csv" \
  "json|$scratch/http.json" "xml|$scratch/http.xml" no_source
ok "json.tool HTTP_Server" python3 -m json.tool "$scratch/http.json" /dev/null
ok "KernelNetwork: json" check "$scratch/kn.jsonl" "json|$scratch/kn.json"
# The big capture: every csv cell, the shape of every Event (their values: the smaller runs).
ok "net.4.5.x86: csv, xml, --fields jsonl and csv" check "$scratch/net.jsonl" "csv|$scratch/net.csv" \
  "xml|$scratch/net.xml|shape" "fields|$scratch/fields.jsonl|$scratch/fields.csv|$fields" no_source
# A field asked for is there even when the full line leaves it out: Source with one input.
got=$("$etwcat" dump "${http[@]}" --fields=System.Source,System.EventID |
  python3 -c 'import json, sys; print(*sorted({json.loads(l)["System.Source"] for l in sys.stdin}))')
[ "$got" = "${http[0]}" ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL --fields System.Source, one input: $got"; }
# A single field with jq, the way a script would take it.
if command -v jq >/dev/null; then
  want=$(jq -c '.System.Execution.ProcessID // empty' "$scratch/net.jsonl" | md5sum)
  got=$("$etwcat" dump "${net[@]}" --fields=System.Execution.ProcessID | jq -c '.["System.Execution.ProcessID"] // empty' | md5sum)
  [ "$got" = "$want" ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL --fields ProcessID against jq"; }
fi

# No events: still documents.
none=(--event 'NoSuchEvent*' "${http[@]}")
got=$("$etwcat" dump --format json "${none[@]}")
[ "$got" = "[]" ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL json, no events: $got"; }
got=$("$etwcat" dump --format csv "${none[@]}" | wc -l)
[ "$got" = 1 ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL csv, no events: $got lines"; }
"$etwcat" dump --format xml -o "$scratch/none.xml" "${none[@]}"
: >"$scratch/none.jsonl"
ok "xml, no events" check "$scratch/none.jsonl" "xml|$scratch/none.xml"

# Two inputs: each event names its file, as given, last in System; csv and xml say it too.
two=("$corpus/tx/HTTP_Server.etl" "$corpus/tx/WsRm01.etl")
for format in jsonl csv xml; do dump_as two "$format" "${two[@]}"; done
ok "two inputs: Source in jsonl, csv and xml" check "$scratch/two.jsonl" \
  "sources|$(printf '%s\n' "${two[@]}" | head -c -1)" "csv|$scratch/two.csv|several" "xml|$scratch/two.xml"

# --fields usage errors: the bad path named, the valid ones listed; exit 2.
expect "--fields unknown System path" 2 '"System.Execution.PID"; System fields are System, System.Provider' \
  -- dump "${http[@]}" --fields=System.EventID,System.Execution.PID
expect "--fields unknown System path lists ProcessID" 2 'System.Execution.ProcessID' \
  -- dump "${http[@]}" --fields=System.Bogus
expect "--fields unknown root" 2 '"Bogus"' -- dump "${http[@]}" --fields=Bogus
expect "--fields with xml" 2 '--fields: not with --format xml' \
  -- dump --format xml "${http[@]}" --fields=System.EventID

echo "formats: $passed passed, $failed failed"
[ "$failed" = 0 ]

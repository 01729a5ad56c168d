#!/usr/bin/env bash
# A file whose buffers name many processors is read in one pass with one open file: a real
# capture's header buffer and 2,000 copies of its data buffer, each on another processor, gives
# every copy's events in time order (equal times in file order), with 64 file descriptors allowed.
# (Each processor's reader once walked every buffer header, and each opened the file again.)
# Usage: many_processors_test.sh path/to/etwcat
set -u
etwcat=$1
. "$(dirname "$0")/corpus.sh"
python3 - "$etwcat" "$corpus/perfview/primitive-types.etl" <<'EOF_PY'
import json, os, struct, subprocess, sys, tempfile, time

etwcat, source = sys.argv[1], sys.argv[2]
data = open(source, "rb").read()
# Buffers: the log-file header's, then one data buffer (flag 0x20: ProcessorIndex is a u16).
header_size, = struct.unpack_from("<I", data, 0)
body_size, = struct.unpack_from("<I", data, header_size)
flags, = struct.unpack_from("<H", data, header_size + 0x34)
assert flags & 0x20 and header_size + body_size == len(data), "not the expected layout"
copies = 2000
out = bytearray(data[:header_size])
for processor in range(copies):
    b = bytearray(data[header_size:])
    struct.pack_into("<H", b, 0x28, processor)
    out += b
failed = 0
def check(name, ok):
    global failed
    if not ok:
        failed += 1
        print("FAIL", name)
with tempfile.TemporaryDirectory() as folder:
    def run(name, content):
        path = os.path.join(folder, name)
        open(path, "wb").write(content)
        began = time.monotonic()
        done = subprocess.run(["bash", "-c", 'ulimit -n 64 && exec "$0" dump "$1"', etwcat, path],
                              capture_output=True, text=True)
        return done, time.monotonic() - began
    one, _ = run("one.etl", data)
    base, _ = run("header.etl", data[:header_size])
    per_copy = len(one.stdout.splitlines()) - len(base.stdout.splitlines())
    many, took = run("many.etl", out)
    lines = many.stdout.splitlines()
    events = len(lines) - len(base.stdout.splitlines())
    print(f"{len(out)} bytes, {copies} processors: {events} events ({per_copy} per copy), "
          f"exit {many.returncode}, {len(many.stderr.splitlines())} lines on stderr, {took:.2f} s")
    check("every copy's events", per_copy > 0 and events == copies * per_copy)
    check("exit 0", many.returncode == 0)
    check("nothing on stderr", many.stderr == "")
    # The copies' events interleave by time; the copies of one event come in file order.
    cpus = [json.loads(l)["System"]["Execution"].get("ProcessorID") for l in lines[-events:]]
    check("in time order, then file order", cpus == [p for _ in range(per_copy) for p in range(copies)])
print(f"many_processors: {4 - failed} passed, {failed} failed")
sys.exit(1 if failed else 0)
EOF_PY

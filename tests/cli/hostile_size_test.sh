#!/usr/bin/env bash
# Memory is taken on what the input is, not on what it claims: a 395 KB file made of a real
# capture's header buffer and 64 copies of its compressed buffer, each on another processor and
# each claiming to unpack to 16 MB, is read in a few MB (it took 1 GB when the claim was
# believed), with every copy's events and one warning per buffer. The same with each copy's
# stream damaged: more room mends no damage, so none is taken (it took 1 GB as well).
# Usage: hostile_size_test.sh path/to/etwcat
set -u
etwcat=$1
. "$(dirname "$0")/corpus.sh"
python3 - "$etwcat" "$corpus/perfview/SelfDescribingSingleEvent.etl" <<'EOF_PY'
import os, resource, struct, subprocess, sys, tempfile

etwcat, source = sys.argv[1], sys.argv[2]
data = open(source, "rb").read()
# Buffers: the log-file header's (1,024 bytes), then a compressed one (flag 0x40) of processor 0.
header_size, = struct.unpack_from("<I", data, 0)
packed_size, = struct.unpack_from("<I", data, header_size)
flags, = struct.unpack_from("<H", data, header_size + 0x34)
assert flags & 0x40, "the second buffer is not compressed"
packed = data[header_size:header_size + packed_size]
copies = 64
out = bytearray(data[:header_size])
for processor in range(copies):
    b = bytearray(packed)
    struct.pack_into("<H", b, 0x28, processor)   # ProcessorIndex (flag 0x20: a full u16)
    struct.pack_into("<I", b, 0x30, 16 << 20)    # Offset: "unpacks to 16 MB"
    out += b
failed = 0
with tempfile.TemporaryDirectory() as folder:
    hostile = os.path.join(folder, "hostile.etl")
    open(hostile, "wb").write(out)
    # The events of the header buffer alone, and with one honest copy, for comparison.
    def events_of(name, content):
        path = os.path.join(folder, name)
        open(path, "wb").write(content)
        return len(subprocess.run([etwcat, "dump", path], capture_output=True).stdout.splitlines())
    base = events_of("header.etl", data[:header_size])
    per_copy = events_of("honest.etl", data[:header_size] + packed) - base
    run = subprocess.run([etwcat, "dump", hostile], capture_output=True, text=True)
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    events = len(run.stdout.splitlines()) - base
    warnings = [l for l in run.stderr.splitlines() if "its header says 16777144; only those read" in l]
    print(f"{len(out)} bytes, {copies} buffers claiming 16 MB: {events} events "
          f"({per_copy} per copy), {len(warnings)} warnings, exit {run.returncode}, "
          f"peak RSS {peak_mb:.1f} MB")
    # The second half of every copy's stream overwritten: flag words of all matches, whose
    # offsets point before the output's start.
    damaged = bytearray(data[:header_size])
    for processor in range(copies):
        b = bytearray(out[header_size + processor * packed_size:
                          header_size + (processor + 1) * packed_size])
        half = 72 + (packed_size - 72) // 2
        b[half:] = b"\xff" * (packed_size - half)
        damaged += b
    damaged_path = os.path.join(folder, "damaged.etl")
    open(damaged_path, "wb").write(damaged)
    peak_path = os.path.join(folder, "peak")
    hurt = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", peak_path, etwcat, "dump",
                           damaged_path], capture_output=True, text=True)
    damaged_mb = int(open(peak_path).read().split()[-1]) / 1024
    skipped = [l for l in hurt.stderr.splitlines() if "compressed buffer damaged" in l]
    print(f"the same with damaged streams: {len(skipped)} buffers reported damaged, "
          f"exit {hurt.returncode}, peak RSS {damaged_mb:.1f} MB")
    checks = [
        ("every copy's events", events == copies * per_copy and per_copy > 0),
        ("one warning per buffer", len(warnings) == copies),
        ("exit 1 (damage reported)", run.returncode == 1),
        ("peak RSS under 64 MB", peak_mb < 64),
        ("each damaged stream reported", len(skipped) == copies),
        ("damaged: exit 1", hurt.returncode == 1),
        ("damaged: peak RSS under 64 MB", damaged_mb < 64),
    ]
    for name, ok in checks:
        if not ok:
            failed += 1
            print("FAIL", name)
print(f"hostile_size: {len(checks) - failed} passed, {failed} failed")
sys.exit(1 if failed else 0)
EOF_PY

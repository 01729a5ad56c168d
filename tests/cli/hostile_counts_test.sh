#!/usr/bin/env bash
# Counts are taken on what the input holds, not on what it claims: in a real capture's
# TRACE_EVENT_INFO and EVENT_MAP_INFO blobs (MetaData records), PropertyCount,
# TopLevelPropertyCount and EntryCount are set to 2^32-1. The run keeps every event, reports
# blobs as bad (each MetaData event's DecodeError names its count; exit 1), and its peak memory
# is no more than that of the honest file.
# Usage: hostile_counts_test.sh path/to/etwcat
set -u
etwcat=$1
. "$(dirname "$0")/corpus.sh"
python3 - "$etwcat" "$corpus/perfview/net.4.5.x86.etl" <<'EOF_PY'
import os, struct, subprocess, sys, tempfile, uuid

etwcat, source = sys.argv[1], sys.argv[2]
data = bytearray(open(source, "rb").read())
metadata = uuid.UUID("bbccf6c1-6cd1-48c4-80ff-839482e37671").bytes_le  # MetaData events
# Walks the records of every (uncompressed) buffer: the header type is byte 2 of a record's
# first dword when byte 3 has 0xC0; the kernel's headers keep their size at 4, others at 0.
def records(buf_at, buf_size):
    end = min(buf_at + struct.unpack_from("<I", data, buf_at + 0x30)[0], buf_at + buf_size)
    at = buf_at + 72
    while at + 8 <= end:
        marker, = struct.unpack_from("<I", data, at)
        if marker == 0xFFFFFFFF:
            return
        kind = data[at + 2]
        size, = struct.unpack_from("<H", data, at + (4 if kind in (1, 2, 3, 4, 0x10, 0x11) else 0))
        if size < 8:
            return
        yield at, kind, size
        at += (size + 7) & ~7
changed = {"info": 0, "map": 0}
at = 0
while at + 72 <= len(data):
    size, = struct.unpack_from("<I", data, at)
    for r, kind, rsize in records(at, size):
        if kind not in (0x12, 0x13, 0x0A, 0x14) or data[r + 0x18:r + 0x28] != metadata:
            continue
        header = 0x50 if kind in (0x12, 0x13) else 0x30
        opcode = data[r + 0x2D] if kind in (0x12, 0x13) else data[r + 4]
        payload = r + header
        if opcode == 32 and rsize - header >= 0x70:    # EventInfo: TRACE_EVENT_INFO
            struct.pack_into("<II", data, payload + 0x64, 0xFFFFFFFF, 0xFFFFFFFF)
            changed["info"] += 1
        elif opcode == 33 and rsize - header >= 16 + 16:  # EventMapInfo: GUID, EVENT_MAP_INFO
            struct.pack_into("<I", data, payload + 16 + 8, 0xFFFFFFFF)
            changed["map"] += 1
    at += size

failed = 0
def check(name, ok):
    global failed
    if not ok:
        failed += 1
        print("FAIL", name)
with tempfile.TemporaryDirectory() as folder:
    hostile = os.path.join(folder, "hostile.etl")
    open(hostile, "wb").write(data)
    def measured(path):
        # Peak memory from /usr/bin/time, not from this process's children: a child forked
        # from this Python starts with its memory.
        peak = os.path.join(folder, "peak")
        child = subprocess.Popen(["/usr/bin/time", "-f", "%M", "-o", peak, etwcat, "dump", path],
                                 stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        lines = bad = 0
        for line in child.stdout:
            lines += 1
            bad += b"does not fit in the" in line
        code = child.wait()
        return lines, bad, code, int(open(peak).read().split()[-1]) / 1024
    honest_lines, _, _, honest_mb = measured(source)
    lines, bad, code, mb = measured(hostile)
    print(f"{changed['info']} TRACE_EVENT_INFO and {changed['map']} EVENT_MAP_INFO blobs claiming "
          f"2^32-1: {lines} events (honest {honest_lines}), exit {code}, {bad} events naming "
          f"the count; peak RSS {mb:.1f} MB (honest {honest_mb:.1f} MB)")
    check("blobs changed", changed["info"] > 0 and changed["map"] > 0)
    check("every event kept", lines == honest_lines)
    check("each blob reported", bad == changed["info"] + changed["map"])
    check("exit 1 (damage reported)", code == 1)
    check("no more memory than the honest file", mb <= honest_mb * 1.05 + 2)
print(f"hostile_counts: {5 - failed} passed, {failed} failed")
sys.exit(1 if failed else 0)
EOF_PY

#!/usr/bin/env bash
# etwcat on a terminal and off it: text with colors by default on a terminal (jsonl and no
# colors when piped, none with NO_COLOR), and the progress line on a terminal's stderr for a
# large input (off with --quiet, when stderr is no terminal, and when the events scroll on
# that same terminal). Terminals are pseudo-terminals from python3's pty module.
# Usage: terminal_test.sh path/to/etwcat
set -u
etwcat=$1
passed=0
failed=0
corpus=${ETWCAT_CORPUS:-$(dirname "$0")/../../../shared/corpus}
if [ ! -d "$corpus" ] || ! command -v python3 >/dev/null; then
  echo "no corpus (\$ETWCAT_CORPUS or ../shared/corpus) or no python3: terminal checks skipped"
  exit 0
fi
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# run.py OUT ERR -- COMMAND...: runs COMMAND with stdout on a terminal ("tty") or a pipe
# ("pipe"), stderr on that same terminal ("same"), a terminal of its own ("tty") or a file
# ("file"); writes what each received to $scratch/out and $scratch/err.
cat >"$scratch/run.py" <<'EOF'
import os, pty, select, subprocess, sys
out_mode, err_mode = sys.argv[1], sys.argv[2]
command = sys.argv[4:]
scratch = os.environ["SCRATCH"]
readers, captured, close_after = {}, {"out": [], "err": []}, []
def terminal(name):
    master, slave = pty.openpty()
    readers[master] = name
    close_after.append(slave)
    return slave
stdout = terminal("out") if out_mode == "tty" else subprocess.PIPE
if err_mode == "same":
    stderr = subprocess.STDOUT if out_mode != "tty" else stdout
elif err_mode == "tty":
    stderr = terminal("err")
else:
    stderr = subprocess.PIPE
child = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=stdout, stderr=stderr)
for fd in close_after:
    os.close(fd)
if child.stdout:
    readers[child.stdout.fileno()] = "out"
if child.stderr:
    readers[child.stderr.fileno()] = "err"
while readers:
    ready, _, _ = select.select(list(readers), [], [], 60)
    if not ready:
        break
    for fd in ready:
        try:
            data = os.read(fd, 1 << 20)
        except OSError:  # a terminal's master reads EIO once the child has closed it
            data = b""
        if data:
            captured[readers[fd]].append(data)
        else:
            del readers[fd]
code = child.wait()
for name, data in captured.items():
    with open(os.path.join(scratch, name), "wb") as f:
        f.write(b"".join(data))
sys.exit(code)
EOF
run() { SCRATCH=$scratch python3 "$scratch/run.py" "$@"; }

check() {  # check NAME CONDITION...: counts the condition's outcome
  local name=$1
  shift
  if "$@"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    printf 'FAIL %s\n  stdout: %s\n  stderr: %s\n' "$name" "$(head -c 300 "$scratch/out" | cat -v)" \
      "$(head -c 300 "$scratch/err" | cat -v)"
  fi
}
has() { grep -q -a -e "$2" "$scratch/$1"; }
lacks() { ! grep -q -a -e "$2" "$scratch/$1"; }
esc=$'\x1b\['
progress='etwcat: [0-9.]*/[0-9.]* MB [0-9]*%, [0-9,]* events'

# A trace that takes a second or so to read: two captures, and a copy of one (a file named
# twice is read once). The progress threshold is lowered below its size (the corpus has no
# 50 MB file).
cp "$corpus/perfview/net.4.5.2.x64.etl" "$scratch/x64-copy.etl"
big=("$corpus/perfview/net.4.5.2.x64.etl" "$corpus/perfview/net.4.5.2.x86.etl" "$scratch/x64-copy.etl")
export ETWCAT_PROGRESS_MIN_BYTES=1000000
unset NO_COLOR

# 1. On a terminal, no --format: text with colors; the progress line on stderr when stderr is a
#    terminal that does not show the events, erased at the end.
run tty tty -- "$etwcat" dump "${big[@]}"
rc=$?
check "terminal: exit 0" [ "$rc" = 0 ]
check "terminal: text, not jsonl" lacks out '"System"'
check "terminal: the trace header" has out '^# \[3\] .*x64-copy.etl: '
check "terminal: colored event lines" has out "${esc}36mDotNETRuntime${esc}0m"
check "terminal: progress on stderr" has err "$progress, [0-9,]*/s"
check "terminal: progress redrawn in place" has err $'\r'"etwcat: "
check "terminal: progress erased at the end" has err $'\r  *\r'

# 2. Piped: jsonl by default, no colors; no progress on a file. --summary prints no events, so
#    the runs that need only the progress line are quick.
run pipe file -- "$etwcat" dump "$corpus/tx/HTTP_Server.etl"
check "piped: jsonl" bash -c 'head -1 "$1" | grep -q "^{\"System\":{\"Provider\":{\"Name\":\"Windows Kernel\""' _ "$scratch/out"
check "piped: no colors" lacks out $'\x1b'
run pipe file -- "$etwcat" dump --format text "$corpus/tx/HTTP_Server.etl"
check "piped text: the header" has out '^# time (local), provider, event'
check "piped text: no colors" lacks out $'\x1b'
run pipe file -- "$etwcat" dump --summary "${big[@]}"
check "stderr a file: no progress" lacks err 'events'
run pipe tty -- "$etwcat" dump --summary "${big[@]}"
check "stderr a terminal, stdout not: progress (etwcat dump big.etl | less)" has err "$progress"

# 3. NO_COLOR on a terminal: text, no colors.
NO_COLOR=1 run tty tty -- "$etwcat" dump "$corpus/tx/HTTP_Server.etl"
check "NO_COLOR: still text" has out '^# time (local), provider, event'
check "NO_COLOR: no colors" lacks out $'\x1b'
NO_COLOR= run tty tty -- "$etwcat" dump "$corpus/tx/HTTP_Server.etl"
check "NO_COLOR empty: colors" has out "${esc}36mHttpService${esc}0m"

# 4. --quiet, and -q: no progress.
run pipe tty -- "$etwcat" dump --summary --quiet "${big[@]}"
check "--quiet: no progress" lacks err 'events'
check "--quiet: the summary all the same" has out '"Type":"Total"'
run pipe tty -- "$etwcat" dump -q -o "$scratch/out.jsonl" "${big[@]}"
check "-q with -o: no progress" lacks err 'events'

# 5. One terminal for both: the events scrolling there are the progress; with --summary they
#    are not printed, and the line shows.
run tty same -- "$etwcat" dump "${big[@]}"
check "one terminal: the events" has out 'GCAllocationTick'
check "one terminal: no progress among the events" lacks out "$progress"
run tty same -- "$etwcat" dump --summary "${big[@]}"
check "one terminal, --summary: progress" has out "$progress"

# 6. Below the threshold (the default, 50 MB): no progress.
ETWCAT_PROGRESS_MIN_BYTES= run pipe tty -- "$etwcat" dump --summary "${big[@]}"
check "small input: no progress" lacks err 'events'

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]

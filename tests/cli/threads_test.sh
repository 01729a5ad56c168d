#!/usr/bin/env bash
# `dump --threads 2` prints what `--threads 1` prints, byte for byte, with the same messages and
# exit code, for every capture of the corpus as JSON lines, text and --summary; a reader that
# goes away ends a two-thread run at once; --threads 0 is refused.
# Usage: threads_test.sh path/to/etwcat
set -u
etwcat=$1
. "$(dirname "$0")/corpus.sh"
failed=0
fail() {
  echo "FAIL: $*"
  failed=$((failed + 1))
}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

files=0
written=0  # runs that printed something (a capture may hold no events)
while IFS= read -r -d '' file; do
  files=$((files + 1))
  for mode in "--format jsonl" "--format text --utc" "--summary"; do
    # shellcheck disable=SC2086  # the mode is several words
    "$etwcat" dump --threads 1 $mode "$file" >"$work/one.out" 2>"$work/one.err"
    one=$?
    # shellcheck disable=SC2086
    "$etwcat" dump --threads 2 $mode "$file" >"$work/two.out" 2>"$work/two.err"
    two=$?
    [ "$one" = "$two" ] || fail "$file $mode: exit $one with one thread, $two with two"
    cmp -s "$work/one.out" "$work/two.out" || fail "$file $mode: the output differs"
    cmp -s "$work/one.err" "$work/two.err" || fail "$file $mode: the messages differ"
    [ -s "$work/one.out" ] && written=$((written + 1))
  done
done < <(find "$corpus" -name '*.etl' -print0 | sort -z)
[ "$files" -ge 30 ] || fail "only $files captures found"
[ "$written" -ge 90 ] || fail "only $written runs printed anything"

# Several inputs merged, and a header filter.
big=$corpus/perfview/net.4.5.x86.etl
other=$corpus/perfview/net.4.5.2.x64.etl
for args in "$big $other" "--id 1 $big" "--limit 5000 $other"; do
  # shellcheck disable=SC2086
  a=$("$etwcat" dump --threads 1 $args | md5sum)
  # shellcheck disable=SC2086
  b=$("$etwcat" dump --threads 2 $args | md5sum)
  [ "$a" = "$b" ] || fail "dump $args: the output differs"
done

# The reader of the output goes away after one line: the run ends (no hang), as with one thread.
first=$(timeout 60 "$etwcat" dump --threads 2 "$big" | head -n 1)
case $first in
  '{"System":'*) ;;
  *) fail "head -n 1 gave: ${first:0:80}" ;;
esac
timeout 60 "$etwcat" dump --threads 2 "$big" 2>"$work/pipe.err" | head -n 1 >/dev/null
status=${PIPESTATUS[0]}
[ "$status" = 0 ] || fail "a closed pipe: exit $status, $(cat "$work/pipe.err")"

# --threads 0 is not a count.
"$etwcat" dump --threads 0 "$big" >/dev/null 2>"$work/zero.err"
status=$?
[ "$status" = 2 ] || fail "--threads 0: exit $status"
grep -q '^etwcat: --threads: Value 0 not in range 1 to 256$' "$work/zero.err" ||
  fail "--threads 0: $(cat "$work/zero.err")"

echo "$files captures, 3 modes each, $written runs with output"
[ "$failed" = 0 ] && echo "all passed"
exit $((failed != 0))

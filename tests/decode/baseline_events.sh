#!/usr/bin/env bash
# etwcat against PerfView/TraceEvent's *.baseline.txt files: every COUNT line and every EVENT
# field agrees, or differs for a reason scripts/compare-baseline names and checks. Decoded with
# the CLR manifest PerfView ships (2016); the .NET 8 captures have events newer than it, whose
# COUNT lines are pinned here. With ETWCAT_CLR_MANIFEST set to a current ClrEtwAll.man (from
# dotnet/runtime, src/coreclr/vm/), all six are checked with it too, with no COUNT line differing.
# Usage: [ETWCAT_CLR_MANIFEST=ClrEtwAll.man] baseline_events.sh path/to/etwcat
set -u
etwcat=$1
here=$(dirname "$0")
corpus=${ETWCAT_CORPUS:-$here/../../../shared/corpus}
manifest=$corpus/../provider-data/microsoft-perfview/ClrEtwAll.man
if [ ! -d "$corpus/perfview" ] || [ ! -f "$manifest" ]; then
  echo "no corpus (\$ETWCAT_CORPUS or ../shared/corpus): baseline checks skipped"
  exit 0
fi
compare() { python3 "$here/../../scripts/compare-baseline" --etwcat "$etwcat" "$@"; }
rt=Microsoft-Windows-DotNETRuntime
failed=0
# FILE:FIELDS THAT AGREE TODAY (a regression guard: a lost value map or field shows here first).
# 25, 30 and 30 of them are CLR-Private GC/PerHeapHistory fields of the built-in layout.
for pair in net.4.5.x86:2735 net.4.5.2.x64:2282 net.4.5.2.x86:2355 primitive-types:65; do
  name=${pair%%:*}
  compare --min-agree "${pair#*:}" "$corpus/perfview/$name.baseline.txt" \
    "$corpus/perfview/$name.etl" -- --manifest "$manifest" >/tmp/etwcat-baseline.$$ ||
    { cat /tmp/etwcat-baseline.$$; failed=1; }
done
compare --min-agree 188 --expect-different $rt/GC/FitBucketInfo --expect-different $rt/GC/GlobalHeapHistory \
  --expect-different $rt/GC/LOHCompact --expect-different $rt/GC/MarkWithType \
  --expect-different $rt/GC/PerHeapHistory \
  "$corpus/perfview/gcevents.baseline.txt" "$corpus/perfview/gcevents.etl" \
  -- --manifest "$manifest" >/tmp/etwcat-baseline.$$ || { cat /tmp/etwcat-baseline.$$; failed=1; }
compare --min-agree 168 --expect-different ${rt}Rundown/GC/SettingsRundown \
  --expect-different ${rt}Rundown/TieredCompilationRundown/SettingsDCStart \
  "$corpus/perfview/gcrundownevents.baseline.txt" "$corpus/perfview/gcrundownevents.etl" \
  -- --manifest "$manifest" >/tmp/etwcat-baseline.$$ || { cat /tmp/etwcat-baseline.$$; failed=1; }
if [ -n "${ETWCAT_CLR_MANIFEST:-}" ]; then
  for name in net.4.5.x86 net.4.5.2.x64 net.4.5.2.x86 primitive-types gcevents gcrundownevents; do
    compare "$corpus/perfview/$name.baseline.txt" "$corpus/perfview/$name.etl" \
      -- --manifest "$ETWCAT_CLR_MANIFEST" >/tmp/etwcat-baseline.$$ ||
      { cat /tmp/etwcat-baseline.$$; failed=1; }
  done
  [ $failed = 0 ] && echo "6 baselines with $ETWCAT_CLR_MANIFEST: every COUNT line equal or named"
fi
rm -f /tmp/etwcat-baseline.$$
[ $failed = 0 ] && echo "6 baselines: COUNT and EVENT lines agree or differ for a named reason"
exit $failed

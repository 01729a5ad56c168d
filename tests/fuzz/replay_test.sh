#!/usr/bin/env bash
# Runs a fuzz target's replay program on the inputs fuzzing found (regressions/TARGET, kept in
# the tree) and on seeds cut from the corpus, as scripts/fuzz starts from them. Any crash or
# sanitizer report fails the test.
# Usage: replay_test.sh PROGRAM TARGET
set -euo pipefail
program=$1
target=$2
here=$(cd "$(dirname "$0")" && pwd)
corpus=${ETWCAT_CORPUS:-$here/../../../shared/corpus}
inputs=("$here/regressions/$target")
if [ -d "$corpus" ]; then
  seeds=$(mktemp -d)
  trap 'rm -rf "$seeds"' EXIT
  mapfile -t files < <(find "$corpus" -type f \( -name '*.etl' -o -name '*.man' -o -name '*.tmf' \) | sort)
  # Manifests: the public ones beside the corpus, of the Windows set every 20th (for time).
  if [ -d "$corpus/../provider-data" ]; then
    mapfile -t -O "${#files[@]}" files < <(find "$corpus/../provider-data" -type f -name '*.man' | sort)
    mapfile -t -O "${#files[@]}" files < <(find "$corpus/../provider-data" -type f -name '*.xml' | sort | awk 'NR % 20 == 1')
  fi
  "$(dirname "$program")/etwcat_fuzz_seeds" "$seeds" "${files[@]}" >/dev/null
  [ -d "$seeds/$target" ] && inputs+=("$seeds/$target")
else
  echo "no corpus (\$ETWCAT_CORPUS or ../shared/corpus): regression inputs only"
fi
"$program" "${inputs[@]}"

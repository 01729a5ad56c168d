# Sourced by the CLI tests: sets $corpus to the real captures, $ETWCAT_CORPUS or
# ../shared/corpus beside the source tree, or ends the test as skipped when there are none.
corpus=${ETWCAT_CORPUS:-$(dirname "${BASH_SOURCE[0]}")/../../../shared/corpus}
if [ ! -d "$corpus" ]; then
  echo "no corpus (\$ETWCAT_CORPUS or ../shared/corpus): skipped"
  exit 0
fi

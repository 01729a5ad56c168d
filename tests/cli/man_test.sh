#!/usr/bin/env bash
# The man pages against the code, so that a page that falls behind fails:
# - every man/*.1 renders with `groff -ww -man -Tutf8` without a warning;
# - every subcommand that `etwcat --help` lists has its page man/etwcat-SUB.1, and every
#   man/etwcat-SUB.1 is about a subcommand that exists;
# - every long option `etwcat SUB --help` lists appears in that page (as \-\-name or --name),
#   and every long option the page documents (the tags of its OPTIONS and FILTERS lists)
#   is one that `etwcat SUB --help` lists.
# Usage: man_test.sh path/to/etwcat
set -u
etwcat=$1
man_dir=$(cd "$(dirname "$0")/../../man" && pwd)
passed=0
failed=0

pass() { passed=$((passed + 1)); }
fail() {
  failed=$((failed + 1))
  printf 'FAIL %s\n' "$*"
}

# Long options as words, from roff source or plain text: \- is a hyphen.
long_options() { sed 's/\\-/-/g' | grep -oE -- '--[A-Za-z0-9]+(-[A-Za-z0-9]+)*' | sort -u; }

# The long options of `etwcat SUB --help`: the first column of its option lines
# ("  -p,--provider SPEC ...", "  --raw   Also ..."), not the options its descriptions mention.
help_options() {
  sed -nE 's/^ {1,8}(-[A-Za-z0-9],)?(--[A-Za-z0-9][A-Za-z0-9-]*).*/\2/p' | sort -u
}

# The long options a page documents: the tag lines (the line after .TP) in its OPTIONS and
# FILTERS sections.
documented_options() {
  awk '
    /^\.SH/ {
      section = $0
      sub(/^\.SH[ \t]+/, "", section)
      gsub(/"/, "", section)
      listing = (section == "OPTIONS" || section == "FILTERS")
      tag = 0
      next
    }
    !listing { next }
    /^\.TP/ { tag = 1; next }
    tag { print; tag = 0 }
  ' "$1" | long_options
}

# 1. Every page renders without a warning.
if command -v groff >/dev/null 2>&1; then
  for page in "$man_dir"/*.1; do
    [ -e "$page" ] || { fail "no man pages in man/"; break; }
    name=$(basename "$page")
    warnings=$(groff -ww -man -Tutf8 "$page" 2>&1 >/dev/null)
    status=$?
    if [ $status -eq 0 ] && [ -z "$warnings" ]; then
      pass
    else
      fail "$name: groff -ww -man -Tutf8 (exit $status): $(printf '%s\n' "$warnings" | head -3)"
    fi
  done
else
  echo "man: groff not found: pages not rendered"
fi

# 2. The subcommands and their pages.
subcommands=$("$etwcat" --help | awk '/^Subcommands:/ { listing = 1; next }
                                      listing && /^  [a-z]/ { print $1 }')
if [ -z "$subcommands" ]; then
  fail "etwcat --help lists no subcommands"
fi
for sub in $subcommands; do
  if [ -f "$man_dir/etwcat-$sub.1" ]; then
    pass
  else
    fail "etwcat $sub has no man page man/etwcat-$sub.1"
  fi
done
for page in "$man_dir"/etwcat-*.1; do
  [ -e "$page" ] || continue
  name=$(basename "$page")
  sub=${name#etwcat-}
  sub=${sub%.1}
  if ! printf '%s\n' $subcommands | grep -qxF -- "$sub"; then
    fail "$name: etwcat --help lists no subcommand \"$sub\""
    continue
  fi
  help_text=$("$etwcat" "$sub" --help 2>&1)
  if [ $? -ne 0 ] || [ -z "$help_text" ]; then
    fail "$name: etwcat $sub --help failed: $help_text"
    continue
  fi
  in_help=$(printf '%s\n' "$help_text" | help_options)
  in_page=$(long_options <"$page")
  documented=$(documented_options "$page")

  # 3. What --help lists, the page mentions.
  missing=$(comm -23 <(printf '%s\n' "$in_help") <(printf '%s\n' "$in_page") | tr '\n' ' ')
  if [ -z "$in_help" ]; then
    fail "$name: no options found in etwcat $sub --help"
  elif [ -z "$missing" ]; then
    pass
  else
    fail "$name: options of etwcat $sub --help that the page does not mention: $missing"
  fi

  # 4. What the page documents, --help lists.
  extra=$(comm -13 <(printf '%s\n' "$in_help") <(printf '%s\n' "$documented") | grep . | tr '\n' ' ')
  if [ -z "$documented" ]; then
    fail "$name: no options documented (no .TP tags under OPTIONS)"
  elif [ -z "$extra" ]; then
    pass
  else
    fail "$name: options the page documents that etwcat $sub --help does not list: $extra"
  fi
done

echo "man: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

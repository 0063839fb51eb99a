# The start of every CLI test script (tests/cli*.cmake), which is run as
#   sh SCRIPT KZ CORPUS_DIR ARG
# (ARG: what the file's own prelude takes from $3).
set -u
kz=$1
corpus=$2
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
# run CMD...: stdout in $tmp/out, stderr in $tmp/err, status in $rc
run() { "$@" >"$tmp/out" 2>"$tmp/err"; rc=$?; }

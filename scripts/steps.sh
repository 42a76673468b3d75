# Sourced by scripts/test and scripts/check: runs named steps, keeps how long
# each took and prints the breakdown (and the tests' tally) when the script
# ends, passed or not.

# ccache: paths relative to the checkout and no build directory in the hash,
# so that a fresh clone in another folder (CI) reuses what an earlier clone
# compiled. (Debug info of such a hit names the earlier clone's folder.)
export CCACHE_BASEDIR=$PWD CCACHE_NOHASHDIR=true

step_names=()
step_seconds=()
tests_passed=0
tests_failed=0

step() {
  local name=$1
  shift
  local start=$SECONDS
  echo "== $name: ${STEP_SHOWN:-$*}"
  local rc=0
  "$@" || rc=$?
  step_names+=("$name")
  step_seconds+=($((SECONDS - start)))
  return $rc
}

# Runs ctest with the given arguments and adds its tally.
ctest_step() {
  local name=$1
  shift
  local log
  log=$(mktemp)
  local rc=0
  STEP_SHOWN="$*" step "$name" \
    bash -c 'set -o pipefail; "$@" | tee "$0"' "$log" "$@" || rc=$?
  local summary
  summary=$(grep -E '[0-9]+% tests passed, [0-9]+ tests failed out of [0-9]+' "$log" | tail -n 1 || true)
  if [[ $summary =~ ([0-9]+)\ tests\ failed\ out\ of\ ([0-9]+) ]]; then
    tests_failed=$((tests_failed + BASH_REMATCH[1]))
    tests_passed=$((tests_passed + BASH_REMATCH[2] - BASH_REMATCH[1]))
  elif [ $rc -ne 0 ]; then
    tests_failed=$((tests_failed + 1))
  fi
  rm -f "$log"
  return $rc
}

print_steps() {
  local rc=$?
  echo
  if [ $rc -ne 0 ] && [ $tests_failed -eq 0 ]; then
    # A step failed before or besides the tests: never end on "0 failed".
    echo "a step failed (exit $rc); it is counted as one failure"
    tests_failed=1
  fi
  echo "step          seconds"
  local i
  for i in "${!step_names[@]}"; do
    printf '%-13s %7d\n' "${step_names[$i]}" "${step_seconds[$i]}"
  done
  printf '%-13s %7d\n' total "$SECONDS"
  echo "tests: $tests_passed passed, $tests_failed failed"
}
trap print_steps EXIT

#!/usr/bin/env sh
# Run pytest with the wall clock of it and of every process it starts shifted to an instant
# (libfaketime), to catch tests that depend on the hour they run at:
#   sh scripts/pytest-at.sh '2027-03-29 02:00:00 UTC' .venv/bin/python [pytest arguments]
set -eu
at=$1 python=$2
shift 2
sh "$(dirname "$0")/ensure-faketime.sh"
target=$(date -d "$at" +%s)
# One fixed offset for every process: faketime's 'start at' form restarts the clock in each
# new process (pytest's workers, a test's scheduler processes), so their clocks would differ.
offset=$(printf '%+d' $((target - $(date +%s))))
# -m: the library for threaded programs (the single-threaded one can deadlock them). Not
# --exclude-monotonic: with it, Python's time.sleep() fails (EINVAL). NO_FAKE_STAT: file
# times stay real, else every .pyc file looks stale.
export NO_FAKE_STAT=1
shifted="faketime -m -f $offset"
# A pass that silently ran at the real time would prove nothing: Python must see the shift.
$shifted "$python" -c "import sys, time; sys.exit(abs(time.time() - $target) > 600)" || {
    echo "pytest-at: Python does not see the shifted time ($at): is libfaketime working?" >&2
    exit 1
}
echo "pytest-at: the wall clock reads $($shifted date -u '+%a %Y-%m-%d %H:%M UTC')" >&2
exec $shifted "$python" -m pytest "$@"

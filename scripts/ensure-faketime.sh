#!/usr/bin/env sh
# Make sure Debian's faketime (libfaketime) is there for `make test-faketime`, the second
# pass of the unit and service tests at an awkward instant (issue 14, item 9).
# As root, install it from Debian's packages when it is missing; otherwise say so and fail:
# a time-shifted pass that silently ran at the real time would prove nothing.
set -eu
if command -v faketime >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "ensure-faketime: faketime is missing: install it with: sudo apt-get install faketime" >&2
    exit 1
fi
echo "ensure-faketime: installing faketime from Debian's packages..." >&2
# Another install may hold dpkg's lock (ensure-chromium.sh): wait for it instead of failing.
apt-get -o DPkg::Lock::Timeout=300 update -qq
DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq \
    --no-install-recommends faketime >/dev/null
command -v faketime >/dev/null

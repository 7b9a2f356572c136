#!/usr/bin/env sh
# Make sure Debian's Chromium is there for the browser tests (tests/browser).
# As root, install it from Debian's packages when it is missing; otherwise do nothing:
# the browser tests then skip with a loud message (or fail under CI=true).
# Never `playwright install`: it downloads a browser build of its own.
set -eu
if command -v chromium >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" != "0" ]; then
    echo "ensure-chromium: chromium is missing and you are not root: the browser tests will be skipped." >&2
    echo "ensure-chromium: install it with: sudo apt-get install chromium" >&2
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "ensure-chromium: chromium is missing and there is no apt-get: install Chromium yourself." >&2
    exit 0
fi
echo "ensure-chromium: installing chromium from Debian's packages..." >&2
# A failed install does not stop `make test`: pytest then says loudly what is missing.
if apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends chromium >/dev/null; then
    echo "ensure-chromium: $(chromium --version 2>/dev/null | tail -n 1)" >&2
else
    echo "ensure-chromium: installing chromium failed; the browser tests cannot run." >&2
fi
exit 0

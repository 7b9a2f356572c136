#!/usr/bin/env sh
# Make sure the Nu HTML Checker can run for tests/web/test_markup.py: Java from Debian's
# packages (as root, when missing) and vnu.jar from the npm registry's vnu-jar package, kept
# in .venv/vnu/. Its install script is skipped: all it does is download a Java runtime of its
# own, and Java comes from Debian here. When either is missing the markup test skips with a
# loud message (or fails under CI=true).
set -eu
VERSION=26.9.27
PREFIX=.venv/vnu
PACKAGE=$PREFIX/node_modules/vnu-jar

say() { echo "ensure-vnu: $*" >&2; }

as_root_apt() {  # as_root_apt PACKAGE: install a Debian package when we may
    if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
        say "$1 is needed and cannot be installed here: sudo apt-get install $1"
        return 1
    fi
    say "installing $1 from Debian's packages..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends "$1" >/dev/null
}

if ! command -v java >/dev/null 2>&1; then
    as_root_apt default-jre-headless || say "no Java: the HTML checker cannot run."
fi
if grep -qs "\"version\": *\"$VERSION\"" "$PACKAGE/package.json" \
        && [ -f "$PACKAGE/build/dist/vnu.jar" ]; then
    exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
    as_root_apt npm || { say "no npm: the HTML checker cannot be installed."; exit 0; }
fi
say "installing vnu-jar $VERSION from the npm registry into $PREFIX..."
# A failed install does not stop `make test`: pytest then says loudly what is missing.
npm install --prefix "$PREFIX" --ignore-scripts --no-audit --no-fund --silent \
    "vnu-jar@$VERSION" || say "installing vnu-jar failed; the HTML checker cannot run."
exit 0

#!/usr/bin/env bash
# Prepares the real servers and readers the tests use: Node.js and npm, maildev from npm (this folder's
# package-lock.json), LibreOffice and poppler (to open the XLSX reports), PostgreSQL (the store of several nodes;
# the tests start a throw-away cluster of their own with initdb and pg_ctl, never the system's). It installs with apt-get when run as
# root and only what is missing, so it is quick the second time. .ci/run calls it; the test fixtures call it too
# when what they need is missing, so `dotnet test Connector.sln` on a fresh clone passes. `dotnet build` installs nothing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

# One preparation at a time: test assemblies run in parallel and may all find maildev missing.
exec 9>"$here/.prepare.lock"
flock 9

apt_install() {
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        apt-get install -y -qq --no-install-recommends "$@" >/dev/null \
            || { apt-get update -qq && apt-get install -y -qq --no-install-recommends "$@" >/dev/null; }
    else
        echo "prepare.sh: $* missing; install it (apt-get install $*) or run this script as root" >&2
        return 1
    fi
}

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then apt_install nodejs npm; fi
if [ ! -f "$here/node_modules/maildev/package.json" ]; then (cd "$here" && npm ci --no-audit --no-fund --loglevel=error); fi
if ! command -v soffice >/dev/null 2>&1; then apt_install libreoffice-calc-nogui poppler-utils; fi
if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
    apt_install postgresql
    # The package starts a cluster of its own; the tests do not use it.
    if command -v pg_ctlcluster >/dev/null 2>&1; then pg_lsclusters -h 2>/dev/null | while read -r version name _; do pg_ctlcluster "$version" "$name" stop || true; done; fi
fi

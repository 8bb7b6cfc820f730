#!/usr/bin/env bash
# Make sure the Debian packages the tests need are installed: Chromium (driven by Playwright
# in the browser tests) and the PostgreSQL server (a throwaway cluster per test session).
# Quick when everything is present; installs what is missing when run as root.
set -euo pipefail

missing=()

if path="$(command -v chromium 2>/dev/null)"; then
    echo "found: chromium ($path)"
else
    missing+=(chromium)
fi

if path="$(command -v chromedriver 2>/dev/null)"; then
    echo "found: chromium-driver ($path)"
else
    missing+=(chromium-driver)
fi

initdb_path=""
for candidate in /usr/lib/postgresql/*/bin/initdb; do
    if [ -x "$candidate" ]; then
        initdb_path="$candidate"
    fi
done
if [ -n "$initdb_path" ]; then
    echo "found: postgresql ($initdb_path)"
else
    missing+=(postgresql)
fi

if [ "${#missing[@]}" -eq 0 ]; then
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "missing: ${missing[*]}" >&2
    echo "install them with: sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
echo "installing: ${missing[*]} (apt-get update, then apt-get install)"
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

status=0
for package in "${missing[@]}"; do
    if dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        echo "installed: $package"
    else
        echo "failed to install: $package" >&2
        status=1
    fi
done
exit "$status"

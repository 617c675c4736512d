#!/usr/bin/env bash
# Installs Debian's chromium when it is missing (CI runs as root on a Debian machine). The
# @org/cli workbench tests drive it headless through playwright-core (no browser download); they
# fail, not skip, when it is missing. CHROMIUM_PATH points them at another executable.
set -euo pipefail
chromium=${CHROMIUM_PATH:-/usr/bin/chromium}
if [ -x "$chromium" ]; then
  echo "chromium: $("$chromium" --version 2>/dev/null || echo "$chromium")"
  exit 0
fi
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
/usr/bin/chromium --version

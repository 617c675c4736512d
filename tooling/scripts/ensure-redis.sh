#!/usr/bin/env bash
# Installs Debian's redis-server when it is missing (CI runs as root on a Debian machine).
# The @org/token-store-redis tests start their own servers on free 127.0.0.1 ports; their
# global setup makes the same check, so a plain `npm test` works without this step too.
set -euo pipefail
if command -v redis-server >/dev/null 2>&1 || [ -x /usr/bin/redis-server ]; then
  echo "redis-server: $(redis-server --version 2>/dev/null || /usr/bin/redis-server --version)"
  exit 0
fi
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y redis-server
redis-server --version

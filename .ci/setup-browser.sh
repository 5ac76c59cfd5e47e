#!/usr/bin/env bash
# Debian's chromium for tests/test_browser.py (driven by Playwright's Python package through
# executable_path=/usr/bin/chromium; `playwright install` is never used). Idempotent, no prompts.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
if [ -x /usr/bin/chromium ]; then
  echo "chromium already installed: $(/usr/bin/chromium --version 2>/dev/null || echo unknown version)"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "setup-browser.sh must run as root (apt-get)" >&2
  exit 1
fi
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
/usr/bin/chromium --version

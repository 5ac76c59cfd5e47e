#!/usr/bin/env bash
# Install the triple-store server that tests/test_push.py starts privately: Virtuoso (Debian's
# virtuoso-opensource). Oxigraph needs no system package: its server comes from pip (`oxigraph`,
# dev extra). Idempotent, root, no prompt.
#
# Why the care: the package asks for a DBA password through debconf and its postinst tries to start
# a system-wide daemon on ports 8890/1111. The tests run their own instance (own ini, own ports,
# fresh database with dba/dba), so we answer the questions with a blank password (the package then
# disables its daemon) and keep invoke-rc.d from starting anything while the package installs.
set -euo pipefail

if command -v virtuoso-t >/dev/null 2>&1; then
  echo "virtuoso-t already installed: $(command -v virtuoso-t)"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "setup-triplestores.sh: must run as root (apt-get install virtuoso-opensource)" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive

# No service may start during the install: a temporary policy-rc.d (exit 101 = "action forbidden"),
# unless the system (e.g. a Docker image) already has one.
policy=/usr/sbin/policy-rc.d
made_policy=""
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod 755 "$policy"
  made_policy=1
fi
cleanup() { if [ -n "$made_policy" ]; then rm -f "$policy"; fi; }
trap cleanup EXIT

debconf-set-selections <<'EOF'
virtuoso-opensource-7 virtuoso-opensource-7/dba-password password
virtuoso-opensource-7 virtuoso-opensource-7/dba-password-again password
EOF

apt-get update -qq
apt-get install -y -qq --no-install-recommends virtuoso-opensource >/dev/null

command -v virtuoso-t >/dev/null || { echo "virtuoso-t missing after install" >&2; exit 1; }
echo "installed $(virtuoso-t -? 2>&1 | head -n 2 | tail -n 1)"

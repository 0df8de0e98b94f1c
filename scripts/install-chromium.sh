#!/usr/bin/env bash
# Installs Debian's chromium and chromium-driver for the console's browser tests (issue 12), only when missing.
# Selenium drives these system binaries; nothing is downloaded by Selenium Manager or a browser installer.
set -euo pipefail

log() { echo "install-chromium: $*" >&2; }

if [[ -x /usr/bin/chromium && -x /usr/bin/chromedriver ]]; then
  exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
  log "ERROR: chromium/chromedriver not found; install them ('sudo apt-get install chromium chromium-driver') or run this as root"
  exit 1
fi
log "installing chromium and chromium-driver with apt-get ..."
apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
[[ -x /usr/bin/chromium && -x /usr/bin/chromedriver ]] || { log "ERROR: apt-get ran but /usr/bin/chromium or /usr/bin/chromedriver is missing"; exit 1; }

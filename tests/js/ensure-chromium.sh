#!/bin/sh
# Makes sure Debian's Chromium is at /usr/bin/chromium for the status-page browser test.
# A test tool's own browser download does not work on the project's machines; Debian's package does.
# Exit 0: Chromium is there. Exit 3: it is missing and cannot be installed here (the test then skips and says why).
set -u
browser=/usr/bin/chromium
[ -x "$browser" ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "Chromium is not installed at $browser and this system has no apt-get; install Chromium to run the browser test." >&2
  exit 3
fi
if [ "$(id -u)" -eq 0 ]; then sudo=""; elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo -n"; else
  echo "Chromium is not installed at $browser and installing it needs root (run: sudo apt-get install -y chromium)." >&2
  exit 3
fi
echo "Installing Debian's chromium package for the browser test..." >&2
DEBIAN_FRONTEND=noninteractive $sudo apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >&2
[ -x "$browser" ] && exit 0
echo "apt-get could not install chromium; see the output above." >&2
exit 3

#!/usr/bin/env bash
# Installs the Debian packages Qt's xcb plugin needs to open a real window.
# As root it installs them; otherwise it prints the exact command to run.
# Headless use (tests, CLI, offscreen screenshots) needs none of them.
set -eu
command -v dpkg-query >/dev/null 2>&1 || exit 0   # not Debian-like: nothing we can check
pkgs="libegl1 libgl1 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 \
libxcb-image0 libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 \
libxcb-xkb1 libfontconfig1 libdbus-1-3"
missing=""
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
  echo "Installing system libraries for Qt:$missing"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing
else
  echo "Stakewatch's window needs these system libraries. Run:" >&2
  echo "  sudo apt-get install -y$missing" >&2
fi

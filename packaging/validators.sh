#!/usr/bin/env bash
# Installs the tools `make package-check` validates the desktop entry and AppStream
# metadata with (desktop-file-validate, appstreamcli). As root it installs the missing
# Debian packages; otherwise it prints the exact command to run.
set -eu
missing=""
command -v desktop-file-validate >/dev/null 2>&1 || missing="$missing desktop-file-utils"
command -v appstreamcli >/dev/null 2>&1 || missing="$missing appstream"
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing validators:$missing"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
else
  echo "make package-check needs:$missing. Run:" >&2
  echo "  sudo apt-get install -y$missing" >&2
  exit 1
fi

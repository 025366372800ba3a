#!/bin/sh
# Install Stakewatch from this unpacked folder: for you (~/.local, the default) or for
# everyone (--system: /usr/local, as root). --uninstall removes what this installs; your
# data (~/.local/share/Stakewatch) is never touched. The app also runs from here as it is:
# ./stakewatch/stakewatch
set -eu

app_id=io.github.stakewatch.Stakewatch
here=$(cd "$(dirname "$0")" && pwd)
prefix="${HOME:-}/.local"
action=install

usage() {
  echo "usage: install.sh [--system | --prefix=DIR] [--uninstall]"
  echo "  (default prefix: ~/.local; --system: /usr/local)"
}

for arg in "$@"; do
  case "$arg" in
    --system) prefix=/usr/local ;;
    --prefix=*) prefix=${arg#--prefix=} ;;
    --uninstall) action=uninstall ;;
    -h|--help) usage; exit 0 ;;
    *) echo "error: unknown option $arg" >&2; usage >&2; exit 2 ;;
  esac
done
case "$prefix" in
  /*) ;;
  *) echo "error: the prefix must be an absolute path (got '$prefix')" >&2; exit 2 ;;
esac

lib="$prefix/lib/stakewatch"
bin="$prefix/bin/stakewatch"
share="$prefix/share"

refresh_caches() {
  # Only a cache that exists is refreshed: a new one would hide icons others add later.
  # (No mime types are declared, so there is no desktop database to update.)
  if [ -f "$share/icons/hicolor/icon-theme.cache" ] && command -v gtk-update-icon-cache >/dev/null 2>&1; then
    gtk-update-icon-cache -q -t "$share/icons/hicolor" 2>/dev/null || true
  fi
}

remove() {
  rm -rf "$lib"
  if [ -L "$bin" ]; then rm -f "$bin"; fi
  rm -f "$share/applications/$app_id.desktop" "$share/metainfo/$app_id.metainfo.xml"
  for icon in "$share"/icons/hicolor/*/apps/"$app_id".*; do
    if [ -e "$icon" ]; then rm -f "$icon"; fi
  done
}

if [ "$action" = uninstall ]; then
  remove
  refresh_caches
  echo "Stakewatch removed from $prefix (your data folder is kept)."
  exit 0
fi

[ -x "$here/stakewatch/stakewatch" ] || { echo "error: run install.sh from the unpacked folder" >&2; exit 2; }
remove  # a clean copy: no file of an older version stays behind
mkdir -p "$prefix/lib" "$prefix/bin" "$share/applications" "$share/metainfo"
cp -R "$here/stakewatch" "$lib"
ln -s "$lib/stakewatch" "$bin"
# The entry names the installed executable by its full path: ~/.local/bin is not on every
# desktop session's PATH.
while IFS= read -r line; do
  case "$line" in
    Exec=*) printf 'Exec="%s"\n' "$lib/stakewatch" ;;
    *) printf '%s\n' "$line" ;;
  esac
done < "$here/share/applications/$app_id.desktop" > "$share/applications/$app_id.desktop"
cp "$here/share/metainfo/$app_id.metainfo.xml" "$share/metainfo/"
for icon in "$here"/share/icons/hicolor/*/apps/"$app_id".*; do
  size_dir=$(basename "$(dirname "$(dirname "$icon")")")
  mkdir -p "$share/icons/hicolor/$size_dir/apps"
  cp "$icon" "$share/icons/hicolor/$size_dir/apps/"
done
refresh_caches
echo "Stakewatch installed in $lib"
echo "Start it from your applications menu, or run: $bin"
case ":$PATH:" in
  *":$prefix/bin:"*) ;;
  *) echo "($prefix/bin is not on your PATH)" ;;
esac

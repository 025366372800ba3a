#!/bin/sh
# Install Stakewatch from this unpacked folder: for you (~/.local, the default) or for
# everyone (--system: /usr/local, as root). Every file it writes is listed in a manifest
# (PREFIX/lib/stakewatch/.install-manifest); --uninstall removes exactly those, and an
# install refuses, before changing anything, to overwrite a file it did not install. Your
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
# A line break (or another control character) in a path cannot be listed in the manifest
# or written in a desktop entry.
if printf '%s' "$prefix" | LC_ALL=C grep -q '[[:cntrl:]]' || [ "$(printf '%s\nx' "$prefix" | wc -l)" -ne 1 ]; then
  echo "error: the prefix holds a line break or a control character" >&2; exit 2
fi

lib="$prefix/lib/stakewatch"
bin="$prefix/bin/stakewatch"
share="$prefix/share"
manifest="$lib/.install-manifest"
apps="$share/applications/$app_id.desktop"
meta="$share/metainfo/$app_id.metainfo.xml"

refresh_caches() {
  # Only a cache that exists is refreshed: a new one would hide icons others add later.
  # (No mime types are declared, so there is no desktop database to update.)
  if [ -f "$share/icons/hicolor/icon-theme.cache" ] && command -v gtk-update-icon-cache >/dev/null 2>&1; then
    gtk-update-icon-cache -q -t "$share/icons/hicolor" 2>/dev/null || true
  fi
}

# The manifest: one "f PATH" line per file or link written, one "d PATH" per folder made.
listed() {  # is $1 a file a previous install wrote?
  [ -f "$manifest" ] && grep -qxF "f $1" "$manifest"
}

remove_listed() {
  [ -f "$manifest" ] || return 0
  list=$(cat "$manifest")
  # Only what lies under this prefix: a manifest edited (or planted) to name another
  # file, or to climb out with '..', removes nothing outside it.
  printf '%s\n' "$list" | sed -n 's/^f //p' | while IFS= read -r f; do
    case "$f" in "$prefix"/*/../*|*/../*) continue ;; "$prefix"/*) ;; *) continue ;; esac
    if [ -f "$f" ] || [ -L "$f" ]; then rm -f "$f"; fi
  done
  rm -f "$manifest"
  # The folders it made, deepest first (a child sorts after its parent), if now empty.
  printf '%s\n' "$list" | sed -n 's/^d //p' | sort -r | while IFS= read -r d; do
    case "$d" in */../*) continue ;; "$prefix"/*) ;; *) continue ;; esac
    rmdir "$d" 2>/dev/null || true
  done
}

# Every file this install writes, by target path (one a line) beside its source.
targets() {
  (cd "$here/stakewatch" && find . \( -type f -o -type l \) -print) | sed 's|^\./||' | while IFS= read -r rel; do
    printf '%s\n' "$lib/$rel"
  done
  printf '%s\n' "$bin" "$apps" "$meta"
  for icon in "$here"/share/icons/hicolor/*/apps/"$app_id".*; do
    [ -e "$icon" ] || continue
    size_dir=$(basename "$(dirname "$(dirname "$icon")")")
    printf '%s\n' "$share/icons/hicolor/$size_dir/apps/$(basename "$icon")"
  done
}

if [ "$action" = uninstall ]; then
  if [ ! -f "$manifest" ]; then
    echo "Nothing to remove: no Stakewatch install manifest in $lib."
    exit 0
  fi
  remove_listed
  refresh_caches
  echo "Stakewatch removed from $prefix (your data folder is kept)."
  exit 0
fi

[ -x "$here/stakewatch/stakewatch" ] || { echo "error: run install.sh from the unpacked folder" >&2; exit 2; }

# Refuse, before changing anything, to overwrite what another program or the user put there.
foreign=$(targets | while IFS= read -r t; do
  if { [ -e "$t" ] || [ -L "$t" ]; } && ! listed "$t"; then printf '  %s\n' "$t"; fi
done)
if [ -e "$lib" ] && [ ! -d "$lib" ]; then foreign="  $lib
$foreign"; fi
if [ -n "$foreign" ]; then
  echo "error: install.sh did not install these files and will not overwrite them; remove them or give another --prefix:" >&2
  printf '%s\n' "$foreign" >&2
  exit 2
fi

remove_listed  # a clean copy: no file of an older version stays behind
made=""
make_dir() {  # mkdir -p, listing each folder it makes (uninstall removes it if empty)
  [ -d "$1" ] && return 0
  make_dir "$(dirname "$1")"
  mkdir "$1"
  if [ -f "$manifest" ]; then printf 'd %s\n' "$1" >> "$manifest"; else made="${made}d $1
"; fi
}
make_dir "$lib"
printf '%s' "$made" > "$manifest"
note() { printf 'f %s\n' "$1" >> "$manifest"; }
copy() {  # copy $1 to $2, listed first: an install cut short is still undone whole
  make_dir "$(dirname "$2")"
  note "$2"
  cp -P "$1" "$2"
}
files=$(cd "$here/stakewatch" && find . \( -type f -o -type l \) -print | sed 's|^\./||')
printf '%s\n' "$files" | while IFS= read -r rel; do
  copy "$here/stakewatch/$rel" "$lib/$rel"
done
make_dir "$prefix/bin"
note "$bin"
ln -s "$lib/stakewatch" "$bin"

# Exec= as the Desktop Entry spec reads it: the path in double quotes with ", `, $ and \
# backslash-escaped, then (the string escaping, undone first by a reader) every backslash
# doubled; a % is a field code unless doubled.
exec_path=$(printf '%s' "$lib/stakewatch" | sed -e 's/[\\"`$]/\\&/g' -e 's/\\/\\\\/g' -e 's/%/%%/g')
make_dir "$share/applications"
note "$apps"
# The entry names the installed executable by its full path: ~/.local/bin is not on every
# desktop session's PATH.
while IFS= read -r line; do
  case "$line" in
    Exec=*) printf 'Exec="%s"\n' "$exec_path" ;;
    *) printf '%s\n' "$line" ;;
  esac
done < "$here/share/applications/$app_id.desktop" > "$apps"
copy "$here/share/metainfo/$app_id.metainfo.xml" "$meta"
for icon in "$here"/share/icons/hicolor/*/apps/"$app_id".*; do
  [ -e "$icon" ] || continue
  size_dir=$(basename "$(dirname "$(dirname "$icon")")")
  copy "$icon" "$share/icons/hicolor/$size_dir/apps/$(basename "$icon")"
done
refresh_caches
echo "Stakewatch installed in $lib"
echo "Start it from your applications menu, or run: $bin"
case ":$PATH:" in
  *":$prefix/bin:"*) ;;
  *) echo "($prefix/bin is not on your PATH)" ;;
esac

#!/usr/bin/env bash
# The Debian package as a new user meets it, on a clean Debian 12 root made by debootstrap:
#   apt install ./remap_*.deb  →  `remap --help`  →  the desktop entry's command under Xvfb
#   →  screenshot of the welcome state  →  one click on "Start with the built-in sketches"
#   →  wait until a model trains (read back with the packaged `remap session status`)
#   →  screenshot  →  start again: the last session reopens  →  apt remove  →  the user's
#   data directory is still there.
# Screenshots and logs go to out/package-check/. Needs root, debootstrap, Xvfb, openbox, xdotool,
# ImageMagick and Debian's mirror (apt fetches WebKitGTK), so it is not part of `make test`.
#
# usage: sudo scripts/package-check.sh [out/package/remap_<version>_amd64.deb]
set -euo pipefail
cd "$(dirname "$0")/.."

deb=${1:-$(ls out/package/remap_*_amd64.deb 2>/dev/null | tail -1)}
[ -f "$deb" ] || { echo "package-check: no .deb; run make package first" >&2; exit 1; }
root=${PACKAGE_CHECK_ROOT:-/var/tmp/remap-package-check}
apt_cache=/var/cache/remap-package-check/apt
out=out/package-check
display=:77
user=ada
mkdir -p "$out"
rm -f "$out"/*.png "$out"/*.log

cleanup() {
  set +e
  [ -n "${app_pid:-}" ] && kill "$app_pid" 2>/dev/null
  [ -n "${wm_pid:-}" ] && kill "$wm_pid" 2>/dev/null
  [ -n "${xvfb_pid:-}" ] && kill "$xvfb_pid" 2>/dev/null
  for m in var/cache/apt/archives tmp/.X11-unix dev/pts dev sys proc; do umount -l "$root/$m" 2>/dev/null; done
}
trap cleanup EXIT

step() { printf '\n== %s\n' "$*"; }
in_root() { chroot "$root" "$@"; }
# Starts the menu entry's command as the user, waits for its window, screenshots the screen.
start_app() {
  as_user sh -c "$exec_line" >"$out/$1" 2>&1 &
  app_pid=$!
  for _ in $(seq 60); do
    DISPLAY=$display xdotool search --name '^REMAP$' >/dev/null 2>&1 && break
    sleep 1
  done
  sleep 8 # the WebView paints after the window maps
  DISPLAY=$display import -window root "$out/$2"
}
as_user() { chroot --userspec="$user:$user" "$root" env -i HOME="/home/$user" USER="$user" \
  PATH=/usr/local/bin:/usr/bin:/bin DISPLAY="$display" LANG=C.UTF-8 "$@"; }

step "a fresh Debian 12 root in $root"
rm -rf "$root"
debootstrap --variant=minbase bookworm "$root" http://deb.debian.org/debian >"$out/debootstrap.log"
mount -t proc proc "$root/proc"
mount --rbind /sys "$root/sys"
mount --rbind /dev "$root/dev"
mkdir -p "$root/tmp/.X11-unix" && mount --bind /tmp/.X11-unix "$root/tmp/.X11-unix"
# Downloaded .debs are kept between runs (the root itself is always new).
mkdir -p "$apt_cache" && mount --bind "$apt_cache" "$root/var/cache/apt/archives"
in_root useradd --create-home --shell /bin/bash "$user"

step "apt install ./$(basename "$deb")"
cp "$deb" "$root/tmp/"
in_root apt-get update -qq
DEBIAN_FRONTEND=noninteractive in_root apt-get install -y -q --no-install-recommends \
  "./tmp/$(basename "$deb")" | tee "$out/apt-install.log" | tail -3
in_root dpkg -L remap | grep -E '^/usr/(bin|share/applications|share/icons)/' | tee "$out/files.log"

step "remap --help from the package"
as_user remap --help | tee "$out/remap-help.log" | head -5

step "the menu entry"
desktop=$(ls "$root"/usr/share/applications/*.desktop)
cat "$desktop"
exec_line=$(sed -n 's/^Exec=//p' "$desktop")

step "start it as the menu would ($exec_line) under Xvfb"
Xvfb "$display" -screen 0 1920x1080x24 -nolisten tcp >"$out/xvfb.log" 2>&1 &
xvfb_pid=$!
sleep 1
# A window manager, as on a desktop: it is what maximises the window.
DISPLAY=$display openbox >"$out/openbox.log" 2>&1 &
wm_pid=$!
sleep 1
start_app app.log 1-welcome.png
window=$(DISPLAY=$display xdotool search --name '^REMAP$' | head -1)
echo "window $window: $(DISPLAY=$display xdotool getwindowgeometry "$window" | tr '\n' ' ')"

step "one click: Start with the built-in sketches"
# Where the button is: the largest patch of the accent orange in the screenshot.
read -r x y < <(convert "$out/1-welcome.png" -fuzz 3% -fill black +opaque '#e66101' -fill white -opaque '#e66101' \
  -define connected-components:verbose=true -define connected-components:area-threshold=200 \
  -connected-components 8 null: | awk '/srgb\(255,255,255\)/ { print $4, $3 }' | sort -rn | head -1 |
  awk '{ split($2, c, ","); printf "%d %d\n", c[1], c[2] }')
echo "clicking at $x,$y"
DISPLAY=$display xdotool mousemove "$x" "$y" click 1

step "wait until a model trains"
status=""
for _ in $(seq 180); do
  status=$(as_user remap session status Sketches --json 2>/dev/null || true)
  grep -qE '"status": ?"(running|done)"' <<<"$status" && break
  sleep 2
done
echo "$status" | head -8 | tee "$out/session-status.log"
grep -qE '"status": ?"(running|done)"' <<<"$status" || { echo "package-check: no model started training" >&2; exit 1; }
sleep 20
DISPLAY=$display import -window root "$out/2-training.png"

step "a second start reopens the last session"
kill "$app_pid"; wait "$app_pid" 2>/dev/null || true
start_app app-2.log 3-reopened.png

step "apt remove keeps the user's data"
kill "$app_pid"; wait "$app_pid" 2>/dev/null || true; app_pid=""
DEBIAN_FRONTEND=noninteractive in_root apt-get remove -y -q --purge remap | tail -1
! in_root test -e /usr/bin/remap-app || { echo "package-check: remap-app still installed" >&2; exit 1; }
data="$root/home/$user/.local/share/remap"
ls -la "$data" | tee "$out/data-after-remove.log"
[ -f "$data/remap.db" ] || ls "$data" | grep -q . || { echo "package-check: data directory gone" >&2; exit 1; }
step "package-check passed; screenshots in $out/"

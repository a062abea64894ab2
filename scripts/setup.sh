#!/usr/bin/env bash
# Installs whatever REMAP needs to build, run and test on Debian/Ubuntu, and nothing that is
# already there. Safe to run again: when everything is present it only checks and returns.
set -euo pipefail
cd "$(dirname "$0")/.."

# System packages: WebKitGTK/GTK for the Tauri window, Xvfb, WebKitWebDriver and xdotool (real
# mouse drags) and PyGObject's GTK (a drag source that drops files on the window) for headless
# end-to-end tests, the Vulkan loader and Mesa's software Vulkan driver for the wgpu path,
# PostgreSQL for the persistence tests, Slurm (controller, node daemon, client) and munge for the
# single-node cluster of the scale-out tests (scripts/slurm.sh).
packages=(
  build-essential pkg-config curl file
  libwebkit2gtk-4.1-dev libgtk-3-dev librsvg2-dev libsoup-3.0-dev libxdo-dev
  xvfb xauth webkit2gtk-driver imagemagick xdotool python3-gi gir1.2-gtk-3.0
  libvulkan1 mesa-vulkan-drivers
  postgresql
  slurmctld slurmd slurm-client munge
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

command -v cargo >/dev/null || { echo "setup: cargo not found; install Rust stable with rustup first" >&2; exit 1; }
command -v npm >/dev/null || { echo "setup: npm not found; install Node.js 20 or newer first" >&2; exit 1; }

# tauri-driver bridges WebDriver clients to WebKitWebDriver for the end-to-end tests.
if ! [ -x "${CARGO_HOME:-$HOME/.cargo}/bin/tauri-driver" ]; then
  cargo install tauri-driver --version 2.1.0 --locked
fi

# Front-end packages, exactly as locked.
if [ ! -d ui/node_modules ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
  (cd ui && npm ci --no-audit --no-fund)
fi

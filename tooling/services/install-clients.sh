#!/usr/bin/env bash
# Install (only if missing) the independent command-line clients the
# integration tests use to cross-check the servers, from Debian's packages:
#   kcat, mosquitto-clients, redis-tools, postgresql-client, mariadb-client,
#   chromium, protobuf-compiler (protoc, for the protobuf interop tests)
# Quiet and idempotent: when everything is installed it returns in well under
# a second without touching apt. Extra package names can be passed as args.
set -euo pipefail

pkgs=(kcat mosquitto-clients redis-tools postgresql-client mariadb-client chromium protobuf-compiler "$@")

missing=()
for p in "${pkgs[@]}"; do
  if [[ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)" != installed ]]; then
    missing+=("$p")
  fi
done
if ((${#missing[@]} == 0)); then
  echo "[install-clients] all present: ${pkgs[*]}"
  exit 0
fi

sudo=()
if [[ $EUID -ne 0 ]]; then
  command -v sudo >/dev/null 2>&1 || { echo "[install-clients] need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  sudo=(sudo)
fi

echo "[install-clients] installing: ${missing[*]}"
log="$(mktemp -t install-clients.XXXXXX.log)"
export DEBIAN_FRONTEND=noninteractive
apt_opts=(-y -qq -o Dpkg::Use-Pty=0 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold --no-install-recommends)
# Refresh the package lists only if an install fails (or they were never fetched).
if ! compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null; then
  "${sudo[@]}" apt-get update -qq >>"$log" 2>&1 || true
fi
if ! "${sudo[@]}" apt-get install "${apt_opts[@]}" "${missing[@]}" >>"$log" 2>&1; then
  "${sudo[@]}" apt-get update -qq >>"$log" 2>&1 || true
  if ! "${sudo[@]}" apt-get install "${apt_opts[@]}" "${missing[@]}" >>"$log" 2>&1; then
    echo "[install-clients] apt-get install failed; last lines of $log:" >&2
    tail -n 40 "$log" >&2
    exit 1
  fi
fi
rm -f "$log"
echo "[install-clients] done"

#!/usr/bin/env bash
# Unpacks Debian's atftpd (the bench's RFC 7440 peer) into .cache/peers/atftpd without installing it:
# the atftpd package Conflicts with tftpd-hpa (both ship /usr/sbin/in.tftpd), and the bench needs both.
#   scripts/fetch-atftpd.sh      → prints the path of the atftpd binary
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
dest=$here/.cache/peers/atftpd
bin=$dest/usr/sbin/atftpd
if [ ! -x "$bin" ]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  if ! (cd "$tmp" && apt-get download -qq atftpd >/dev/null 2>&1); then
    echo "fetch-atftpd: apt-get download atftpd failed (run apt-get update, or check the Debian mirror)" >&2
    exit 1
  fi
  mkdir -p "$dest"
  dpkg -x "$tmp"/atftpd_*.deb "$dest"
fi
if ! "$bin" --help >/dev/null 2>&1 && ! ldd "$bin" >/dev/null 2>&1; then
  echo "fetch-atftpd: $bin does not run (libwrap0 missing? scripts/test-deps.sh installs it)" >&2
  exit 1
fi
echo "$bin"

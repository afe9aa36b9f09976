#!/usr/bin/env bash
# Puts the iPXE binaries pbxboot serves (undionly.kpxe, ipxe.efi, snponly.efi)
# into the images dir with a SHA256SUMS, taken from Debian's `ipxe` package.
#   scripts/fetch-ipxe.sh [DIR]      (default images/ipxe; IMAGES_IPXE_DIR also works)
# Idempotent: files already present with the same content are left untouched.
# Source: `apt-get download ipxe` unpacked with dpkg -x (no install, no root
# needed); when that fails (offline), /usr/lib/ipxe of an installed package.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
dest=${1:-${IMAGES_IPXE_DIR:-$here/images/ipxe}}
files=(undionly.kpxe ipxe.efi snponly.efi)
mkdir -p "$dest"
# Test files run in parallel and each may fetch: one at a time per destination.
exec 9>"$dest/.fetch.lock"
flock 9

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
src=""
if command -v apt-get >/dev/null && (cd "$tmp" && apt-get download -qq ipxe >/dev/null 2>&1); then
  deb=$(ls "$tmp"/ipxe_*.deb | head -n1)
  dpkg -x "$deb" "$tmp/root"
  src="$tmp/root/usr/lib/ipxe"
  echo "fetch-ipxe: using $(basename "$deb")" >&2
elif [ -d /usr/lib/ipxe ]; then
  src=/usr/lib/ipxe
  echo "fetch-ipxe: apt-get download failed; using installed /usr/lib/ipxe" >&2
else
  echo "fetch-ipxe: cannot get Debian's ipxe package (apt-get download ipxe failed and /usr/lib/ipxe is missing); apt-get install ipxe" >&2
  exit 1
fi

mkdir -p "$dest"
for f in "${files[@]}"; do
  if [ ! -f "$src/$f" ]; then echo "fetch-ipxe: $f missing from $src" >&2; exit 1; fi
  if [ -f "$dest/$f" ] && cmp -s "$src/$f" "$dest/$f"; then continue; fi
  # copy then rename: a server reading the dir never sees a half-written file
  cp "$src/$f" "$dest/.$f.tmp" && mv -f "$dest/.$f.tmp" "$dest/$f"
  echo "fetch-ipxe: $dest/$f" >&2
done
(cd "$dest" && sha256sum "${files[@]}" > .SHA256SUMS.tmp && mv -f .SHA256SUMS.tmp SHA256SUMS)
(cd "$dest" && sha256sum -c --quiet SHA256SUMS)

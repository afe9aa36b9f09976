#!/usr/bin/env bash
# Builds the pbxboot test image: Debian's kernel + a busybox initramfs holding
# the node agent and the NIC drivers QEMU machines use (e1000, virtio-net).
#   scripts/build-test-image.sh [OUTDIR]     (default images/test/out)
# Output: vmlinuz, initrd.img, SHA256SUMS. Needs linux-image-amd64 and
# busybox-static installed, or apt-get download to reach a Debian mirror.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$here/images/test/out}
mkdir -p "$out"
# Test files run in parallel and each builds the image: one build at a time per output dir.
exec 9>"$out/.build.lock"
flock 9
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fetch_deb() { # fetch_deb PACKAGE → unpacked into $tmp/deb-PACKAGE
  (cd "$tmp" && apt-get download -qq "$1" >/dev/null) || {
    echo "build-test-image: apt-get download $1 failed; apt-get install $1" >&2; exit 1; }
  dpkg -x "$tmp/$1"_*.deb "$tmp/deb-$1"
}

# Kernel: the installed one (newest) or the package linux-image-amd64 depends on.
kroot=/
kver=${KERNEL_VERSION:-$(ls /lib/modules 2>/dev/null | sort -V | tail -n 1)}
if [ -z "$kver" ] || [ ! -f "/boot/vmlinuz-$kver" ]; then
  kpkg=$(apt-cache depends linux-image-amd64 | sed -n 's/.*Depends: \(linux-image-[0-9].*\)/\1/p' | head -n 1)
  [ -n "$kpkg" ] || { echo "build-test-image: cannot find Debian's kernel package (apt-get install linux-image-amd64)" >&2; exit 1; }
  fetch_deb "$kpkg"
  kroot="$tmp/deb-$kpkg/"
  kver=$(ls "$kroot/lib/modules" | head -n 1)
fi
kmod="$kroot/lib/modules/$kver"
[ -f "$kroot/boot/vmlinuz-$kver" ] || { echo "build-test-image: no kernel at $kroot/boot/vmlinuz-$kver" >&2; exit 1; }

# Static busybox (the dynamic one would need libc in the initramfs).
bb=/bin/busybox
if ! [ -x "$bb" ] || ldd "$bb" >/dev/null 2>&1; then
  fetch_deb busybox-static
  bb="$tmp/deb-busybox-static/bin/busybox"
fi

root="$tmp/root"
mkdir -p "$root"/{bin,sbin,etc,proc,sys,dev,run,tmp,lib/modules,etc/pbxboot}
cp "$bb" "$root/bin/busybox"
cp "$here/images/test/init" "$root/init"
cp "$here/images/agent/pbxboot-agent.sh" "$root/bin/pbxboot-agent.sh"
chmod 755 "$root/init" "$root/bin/pbxboot-agent.sh"
ln -s busybox "$root/bin/sh"
# Test image: no Asterisk; start/reload default to no-ops (pbxboot.start= overrides).
printf 'START_CMD=""\nRELOAD_CMD=""\n' > "$root/etc/pbxboot/agent.conf"

# NIC drivers with their dependencies, in load order, from modules.dep.
# Debian builds e1000 (QEMU's default NIC) and virtio_net as modules (=m).
declare -A seen=()
order=()
add_mod() { # add_mod RELPATH
  local rel=$1 dep deps
  [ -n "${seen[$rel]:-}" ] && return 0
  seen[$rel]=1
  deps=$(grep -E "^$rel:" "$kmod/modules.dep" | cut -d: -f2-)
  for dep in $deps; do add_mod "$dep"; done
  order+=("$rel")
}
for m in e1000 e1000e virtio_pci virtio_net; do
  rel=$(grep -E "/$m\.ko(\.xz|\.zst)?:" "$kmod/modules.dep" | cut -d: -f1 | head -n 1)
  [ -n "$rel" ] || { echo "build-test-image: module $m not in $kmod/modules.dep" >&2; exit 1; }
  add_mod "$rel"
done
: > "$root/lib/modules/load-order"
for rel in "${order[@]}"; do
  name=$(basename "$rel"); name=${name%.xz}; name=${name%.zst}
  case "$rel" in
    *.xz) xz -dc "$kmod/$rel" > "$root/lib/modules/$name" ;;
    *.zst) zstd -qdc "$kmod/$rel" > "$root/lib/modules/$name" ;;
    *) cp "$kmod/$rel" "$root/lib/modules/$name" ;;
  esac
  echo "$name" >> "$root/lib/modules/load-order"
done

cp "$kroot/boot/vmlinuz-$kver" "$out/.vmlinuz.$$" && mv -f "$out/.vmlinuz.$$" "$out/vmlinuz"
(cd "$root" && find . -print0 | cpio --null -o -H newc --quiet | gzip -1) > "$out/.initrd.$$"
mv -f "$out/.initrd.$$" "$out/initrd.img"
(cd "$out" && sha256sum vmlinuz initrd.img > .SHA256SUMS.$$ && mv -f .SHA256SUMS.$$ SHA256SUMS)
echo "build-test-image: $out (kernel $kver, modules: $(tr '\n' ' ' < "$root/lib/modules/load-order"))" >&2

#!/usr/bin/env bash
# Builds the diskless Asterisk node image: a debootstrapped Debian 12 root with
# Debian's kernel, the pbxboot node agent and an operator-supplied Asterisk,
# packed as rootfs.squashfs, plus a small busybox initramfs that fetches it over
# HTTP. Output (default images/asterisk-node/out): vmlinuz, initrd.img,
# rootfs.squashfs, SHA256SUMS. Recipe and profile: images/asterisk-node/README.md.
#
#   ASTERISK_PKG=/path/asterisk_22.deb | /path/dir-of-debs | /path/asterisk-build-tree \
#     scripts/build-image.sh [OUTDIR]
# Env: SUITE (bookworm), MIRROR (http://deb.debian.org/debian), EXTRA_PKGS (space
# separated, e.g. Asterisk's runtime libraries for a build tree), DRY_RUN=1
# (check inputs and print the plan, build nothing). Needs root, debootstrap,
# squashfs-tools, cpio, busybox-static.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$here/images/asterisk-node/out}
suite=${SUITE:-bookworm}
mirror=${MIRROR:-http://deb.debian.org/debian}
die() { echo "build-image: $*" >&2; exit 1; }

# ---- inputs first: fail in a second, not after a 10-minute debootstrap -------
# Asterisk is not in Debian 12, so the operator brings it.
if [ -z "${ASTERISK_PKG:-}" ]; then
  die "ASTERISK_PKG is not set. Asterisk is not packaged in Debian 12: point ASTERISK_PKG at
  - an asterisk .deb (e.g. one you built with 'make deb' or from a vendor), or
  - a directory of .debs (installed together, dependencies from the Debian mirror), or
  - an Asterisk source tree where 'make' has run (installed with 'make install DESTDIR=...';
    list its runtime libraries in EXTRA_PKGS, e.g. EXTRA_PKGS='libedit2 libjansson4 libxml2 libsqlite3-0 libssl3 libsrtp2-1 liburiparser1 libpq5 libuuid1').
  Example: ASTERISK_PKG=\$HOME/asterisk_22.10.1_amd64.deb scripts/build-image.sh"
fi
[ -e "$ASTERISK_PKG" ] || die "ASTERISK_PKG=$ASTERISK_PKG does not exist"
if [ -f "$ASTERISK_PKG" ]; then
  case "$ASTERISK_PKG" in *.deb) kind=deb ;; *) die "ASTERISK_PKG=$ASTERISK_PKG is a file but not a .deb" ;; esac
elif compgen -G "$ASTERISK_PKG/*.deb" >/dev/null; then
  kind=debdir
elif [ -f "$ASTERISK_PKG/Makefile" ] && [ -x "$ASTERISK_PKG/main/asterisk" ]; then
  kind=tree
else
  die "ASTERISK_PKG=$ASTERISK_PKG is neither a .deb, a directory of .debs, nor a built Asterisk source tree (no main/asterisk: run ./configure && make there first)"
fi
[ "$(id -u)" = 0 ] || die "needs root (debootstrap, chroot, mknod)"
for tool in debootstrap mksquashfs cpio; do
  command -v "$tool" >/dev/null || die "$tool missing: apt-get install debootstrap squashfs-tools cpio"
done
bb=/bin/busybox
[ -x "$bb" ] && ! ldd "$bb" >/dev/null 2>&1 || die "static busybox missing: apt-get install busybox-static"

pkgs="systemd-sysv udev kmod busybox-static ca-certificates iproute2 procps linux-image-amd64 ${EXTRA_PKGS:-}"
echo "build-image: Asterisk from $ASTERISK_PKG ($kind); Debian $suite from $mirror; out $out" >&2
echo "build-image: root packages: $pkgs" >&2
if [ "${DRY_RUN:-}" = 1 ]; then
  echo "build-image: DRY_RUN=1: inputs are fine; would debootstrap, install Asterisk and the agent, write $out/{vmlinuz,initrd.img,rootfs.squashfs,SHA256SUMS}" >&2
  exit 0
fi

work=$(mktemp -d /var/tmp/pbxboot-image.XXXXXX)
root="$work/root"
cleanup() {
  for m in dev/pts dev proc sys; do umount -l "$root/$m" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# ---- root filesystem ---------------------------------------------------------
debootstrap --variant=minbase --include="$(echo "$pkgs" | tr -s ' ' ',' | sed 's/,$//')" "$suite" "$root" "$mirror"
mount --bind /dev "$root/dev"
mount --bind /dev/pts "$root/dev/pts"
mount -t proc proc "$root/proc"
mount -t sysfs sysfs "$root/sys"
in_root() { chroot "$root" /usr/bin/env DEBIAN_FRONTEND=noninteractive "$@"; }
printf '#!/bin/sh\nexit 101\n' > "$root/usr/sbin/policy-rc.d" # no daemons start in the chroot
chmod +x "$root/usr/sbin/policy-rc.d"

case "$kind" in
  deb | debdir)
    mkdir -p "$root/tmp/asterisk-debs"
    if [ "$kind" = deb ]; then cp "$ASTERISK_PKG" "$root/tmp/asterisk-debs/"; else cp "$ASTERISK_PKG"/*.deb "$root/tmp/asterisk-debs/"; fi
    # apt resolves the package's dependencies from the Debian mirror.
    in_root sh -c 'apt-get install -y --no-install-recommends /tmp/asterisk-debs/*.deb'
    rm -rf "$root/tmp/asterisk-debs"
    ;;
  tree)
    make -C "$ASTERISK_PKG" install DESTDIR="$root"
    in_root sh -c 'getent passwd asterisk >/dev/null || useradd --system --home-dir /var/lib/asterisk --shell /usr/sbin/nologin asterisk'
    ;;
esac
[ -x "$root/usr/sbin/asterisk" ] || die "Asterisk not found at /usr/sbin/asterisk in the image after installing $ASTERISK_PKG"

# The agent starts Asterisk once /etc/asterisk holds the node's rendered files,
# so Asterisk must not start by itself at boot.
if [ -f "$root/lib/systemd/system/asterisk.service" ] || [ -f "$root/etc/systemd/system/asterisk.service" ]; then
  in_root systemctl disable asterisk.service >/dev/null 2>&1 || true
  start='systemctl start asterisk.service'
else
  start='/usr/sbin/asterisk'
fi
install -D -m 755 "$here/images/agent/pbxboot-agent.sh" "$root/usr/local/sbin/pbxboot-agent"
install -D -m 644 "$here/images/asterisk-node/pbxboot-agent.service" "$root/etc/systemd/system/pbxboot-agent.service"
in_root systemctl enable pbxboot-agent.service serial-getty@ttyS0.service
mkdir -p "$root/etc/pbxboot"
cat > "$root/etc/pbxboot/agent.conf" <<CONF
# pbxboot agent defaults for the Asterisk node image (kernel command line overrides).
START_CMD='$start'
# core restart gracefully: no new calls, restart when the last call ends.
RELOAD_CMD='/usr/sbin/asterisk -rx "core restart gracefully"'
DHCP=always
CONF
rm -rf "$root/etc/asterisk"/* # the bundle is the only configuration
echo pbxboot-node > "$root/etc/hostname"
passwd -R "$root" -l root >/dev/null
: > "$root/etc/machine-id" # a fresh id each boot
rm -f "$root/usr/sbin/policy-rc.d"
in_root apt-get clean
rm -rf "$root/var/lib/apt/lists"/* "$root/tmp"/*

kver=$(ls "$root/lib/modules" | sort -V | tail -n 1)
[ -f "$root/boot/vmlinuz-$kver" ] || die "no kernel in the image"
for m in dev/pts dev proc sys; do umount -l "$root/$m"; done

# ---- initramfs: busybox, NIC/storage-less netroot drivers, the agent -----------
ird="$work/initrd"
mkdir -p "$ird"/{bin,lib/modules,etc}
cp "$bb" "$ird/bin/busybox"
ln -s busybox "$ird/bin/sh"
install -m 755 "$here/images/asterisk-node/init" "$ird/init"
install -m 755 "$here/images/agent/pbxboot-agent.sh" "$ird/bin/pbxboot-agent.sh"
kmod="$root/lib/modules/$kver"
declare -A seen=()
order=()
add_mod() {
  local rel=$1 dep
  [ -n "${seen[$rel]:-}" ] && return 0
  seen[$rel]=1
  for dep in $(grep -E "^$rel:" "$kmod/modules.dep" | cut -d: -f2-); do add_mod "$dep"; done
  order+=("$rel")
}
# Common server and VM NICs, then what the netroot needs (loop, squashfs, overlay).
for m in e1000 e1000e igb igc ixgbe i40e ice bnxt_en tg3 r8169 vmxnet3 virtio_pci virtio_net mlx5_core loop squashfs overlay; do
  rel=$(grep -E "/$m\.ko(\.xz|\.zst)?:" "$kmod/modules.dep" | cut -d: -f1 | head -n 1)
  [ -n "$rel" ] && add_mod "$rel"
done
: > "$ird/lib/modules/load-order"
for rel in "${order[@]}"; do
  name=$(basename "$rel"); name=${name%.xz}; name=${name%.zst}
  case "$rel" in
    *.xz) xz -dc "$kmod/$rel" > "$ird/lib/modules/$name" ;;
    *.zst) zstd -qdc "$kmod/$rel" > "$ird/lib/modules/$name" ;;
    *) cp "$kmod/$rel" "$ird/lib/modules/$name" ;;
  esac
  echo "$name" >> "$ird/lib/modules/load-order"
done
# Firmware some of those NICs load at probe time (bnx2x/ice/... ) lives in
# firmware-* packages (non-free-firmware): add them with EXTRA_PKGS if needed.
[ -d "$root/lib/firmware" ] && cp -a "$root/lib/firmware" "$ird/lib/" 2>/dev/null || true

mkdir -p "$out"
cp "$root/boot/vmlinuz-$kver" "$out/.vmlinuz.tmp"
(cd "$ird" && find . -print0 | cpio --null -o -H newc --quiet | gzip -9) > "$out/.initrd.tmp"
rm -rf "$root/boot"/* # the kernel travels separately
mksquashfs "$root" "$out/.rootfs.tmp" -comp zstd -noappend -quiet
mv -f "$out/.vmlinuz.tmp" "$out/vmlinuz"
mv -f "$out/.initrd.tmp" "$out/initrd.img"
mv -f "$out/.rootfs.tmp" "$out/rootfs.squashfs"
(cd "$out" && sha256sum vmlinuz initrd.img rootfs.squashfs > SHA256SUMS)
echo "build-image: done: $out (kernel $kver)" >&2
cat "$out/SHA256SUMS" >&2

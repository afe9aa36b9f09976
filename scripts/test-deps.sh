#!/usr/bin/env bash
# Installs the Debian packages the test suite and benchmarks use, when missing.
# Package services are never started: a DHCP/TFTP daemon on the host's real
# interfaces is exactly what the tests must not create (policy-rc.d = 101).
set -euo pipefail
pkgs=(
  postgresql            # store contract suite: throwaway clusters via initdb + pg_ctl
  busybox-static        # udhcpc (DHCP client), used inside network namespaces
  isc-dhcp-client       # dhclient
  isc-dhcp-relay        # dhcrelay: clients on a second subnet
  dnsmasq-base          # peer DHCP/TFTP server (bench, proxy-mode test)
  kea-admin             # perfdhcp (bench)
  kea-dhcp4-server      # peer DHCP server (bench), run by hand inside a namespace with a memfile lease file
  libwrap0              # atftpd's library: atftpd itself is unpacked by scripts/fetch-atftpd.sh, since
                        # its package Conflicts with tftpd-hpa (both ship /usr/sbin/in.tftpd)
  tftp-hpa atftp        # TFTP clients
  tftpd-hpa             # peer TFTP server (bench)
  gcc                   # the TFTP bench's delay line (bench/udp-delay-relay.c), compiled on first use
  iproute2 tcpdump      # namespaces, veth, bridges
  qemu-system-x86 ipxe-qemu ovmf ipxe  # real PXE clients
  cpio xz-utils linux-image-amd64      # test image
  chromium              # dashboard browser test (driven by playwright-core, no browser download)
  radvd                 # e2e: router advertisement (lifetime 0) that ends iPXE's IPv6 wait
  zsh                   # CLI: the generated zsh completion script is loaded and exercised
)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "test-deps: missing Debian packages: ${missing[*]} (run as root, or apt-get install them)" >&2
    exit 1
  fi
  echo "test-deps: installing ${missing[*]}" >&2
  prc=/usr/sbin/policy-rc.d
  created=0
  if [ ! -e "$prc" ]; then printf '#!/bin/sh\nexit 101\n' > "$prc"; chmod +x "$prc"; created=1; fi
  trap '[ $created = 1 ] && rm -f "$prc"' EXIT
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq || true
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # A packaged daemon that did start anyway must not listen on the host.
  for svc in tftpd-hpa isc-dhcp-relay dnsmasq radvd kea-dhcp4-server; do
    service "$svc" stop >/dev/null 2>&1 || true
  done
fi

# atftpd, the bench's windowsize peer, unpacked beside the project (not installed: see above).
"$(dirname "$0")/fetch-atftpd.sh" >/dev/null || echo "test-deps: atftpd unavailable; only the TFTP bench needs it" >&2

# The npm dependencies, on a fresh clone (npm ci builds better-sqlite3: allowScripts).
cd "$(dirname "$0")/.."
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "test-deps: npm ci" >&2
  npm ci --no-audit --no-fund
fi
# The optional native UDP addon (normally built by npm ci's postinstall).
[ -f native/udp-io/build/Release/udp_io.node ] || node scripts/build-native.mjs

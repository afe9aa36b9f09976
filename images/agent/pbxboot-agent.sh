#!/bin/sh
# pbxboot node agent (POSIX sh + busybox): network up, fetch and verify the
# node's bundle, install it, start Asterisk, phone home, heartbeat, follow changes.
#
# Kernel command line (from the iPXE script pbxboot renders):
#   pbxboot.url=http://S:P      server base URL (required)
#   pbxboot.node=ID             node id (required)
#   pbxboot.token=T             one-time boot token (required)
#   pbxboot.dir=/etc/asterisk   where bundle files are installed
#   pbxboot.start=CMD           run once after the first install (default $START_CMD or no-op)
#   pbxboot.reload=CMD          run after a changed bundle is installed (default $RELOAD_CMD or no-op)
#   pbxboot.interval=30         seconds between heartbeats / bundle polls
#   pbxboot.iface=eth0          NIC to configure (default: every NIC until one gets a lease)
#   pbxboot.onfail=retry|reboot what to do when the server refuses the token
# Values with spaces use kernel quoting: pbxboot.start="asterisk -g".
# An image sets its own defaults in /etc/pbxboot/agent.conf (sh: START_CMD=..., RELOAD_CMD=...,
# DHCP=auto|always: auto skips DHCP when the NIC already has an address).
# Environment (tests): PBXBOOT_CMDLINE_FILE (default /proc/cmdline), PBXBOOT_STATE
# (default /run/pbxboot), PBXBOOT_RESOLV (default /etc/resolv.conf).
#
# Protocol (the server side lives in pbxboot's HTTP routes):
#   POST $url/v1/boot/$node/events?token=T   body {"stage":S,"detail":{k:"v",...}}
#        every detail carries "uptime" (seconds since the kernel started, for stage splits).
#        stages: agent.start, net.up, bundle.fetched, bundle.installed, asterisk.started,
#        ready, heartbeat, bundle.changed, asterisk.reloaded, failed (detail.reason).
#   GET  $url/v1/boot/$node/bundle?token=T   (If-None-Match: <etag> when polling)
#        200 + ETag: the bundle; 304: unchanged; 401/403/410: token refused.
# Bundle format: a POSIX ustar archive of regular files at top level, names matching
#   [A-Za-z0-9._-]+ (no directories, no links). Member SHA256SUMS (sha256sum format,
#   "<hex>  <name>") lists every other member; a member not listed, or a listed file that
#   is missing or differs, rejects the whole bundle. Member MANIFEST (optional, listed in
#   SHA256SUMS, not installed) holds key=value lines: node=ID, token=T (credential for the
#   events and polls after the one-time boot token is spent), interval=N.
#   Every other member is installed into pbxboot.dir (atomic rename per file); files a
#   previous bundle installed and the new one lacks are removed.
#   ETag: the response's ETag header; absent, the agent uses "sha256(SHA256SUMS)".
set -u

self=$0
case "$self" in /*) ;; *) self="$(pwd)/$self" ;; esac

# Run a busybox applet when busybox exists (the test image has nothing else; the
# Asterisk image may have GNU tools whose flags and exit codes differ).
bb() { if command -v busybox >/dev/null 2>&1; then busybox "$@"; else "$@"; fi; }

# timeout(1) execs a program, so these are words, not the bb function.
if command -v busybox >/dev/null 2>&1; then WGET="busybox wget" TO="busybox timeout"; else WGET=wget TO=timeout; fi

log() { echo "pbxboot-agent: $*" >&2; }

# ---- udhcpc calls this file back as its event script -------------------------
udhcpc_event() {
  case "$1" in
    deconfig) bb ifconfig "$interface" 0.0.0.0 up ;;
    bound | renew)
      bb ifconfig "$interface" "$ip" netmask "${subnet:-255.255.255.0}" up
      if [ -n "${router:-}" ]; then
        while bb route del default dev "$interface" 2>/dev/null; do :; done
        for r in $router; do bb route add default gw "$r" dev "$interface"; break; done
      fi
      if [ -n "${dns:-}" ]; then
        rc=${PBXBOOT_RESOLV:-/etc/resolv.conf}
        : >"$rc.pbx"
        for d in $dns; do echo "nameserver $d" >>"$rc.pbx"; done
        mv -f "$rc.pbx" "$rc" 2>/dev/null || true
      fi
      ;;
  esac
  return 0
}
# udhcpc runs its -s script as `script EVENT` with $interface set in the environment.
if [ -n "${interface:-}" ]; then
  case "${1:-}" in deconfig | bound | renew | leasefail | nak) udhcpc_event "$1"; exit 0 ;; esac
fi

# ---- configuration ----------------------------------------------------------
URL="" NODE="" TOKEN="" DIR=/etc/asterisk INTERVAL=30 IFACE="" ONFAIL=retry
START_CMD="" RELOAD_CMD="" DHCP=auto STATE=${PBXBOOT_STATE:-/run/pbxboot} HTTP_TIMEOUT=30
# shellcheck disable=SC1091
[ -r /etc/pbxboot/agent.conf ] && . /etc/pbxboot/agent.conf

# Split the kernel command line into words the way the kernel does (double
# quotes group, and are dropped), one per line.
split_cmdline() {
  bb awk '{ s = s $0 " " } END {
    n = length(s); w = ""; q = 0
    for (i = 1; i <= n; i++) {
      c = substr(s, i, 1)
      if (c == "\"") { q = !q; continue }
      if (!q && (c == " " || c == "\t")) { if (w != "") print w; w = ""; continue }
      w = w c
    }
    if (w != "") print w
  }'
}
CMDLINE_FILE=${PBXBOOT_CMDLINE_FILE:-/proc/cmdline}
while IFS= read -r word; do
  v=${word#*=}
  case "$word" in
    pbxboot.url=*) URL=${v%/} ;;
    pbxboot.node=*) NODE=$v ;;
    pbxboot.token=*) TOKEN=$v ;;
    pbxboot.dir=*) DIR=$v ;;
    pbxboot.start=*) START_CMD=$v ;;
    pbxboot.reload=*) RELOAD_CMD=$v ;;
    pbxboot.interval=*) INTERVAL=$v ;;
    pbxboot.iface=*) IFACE=$v ;;
    pbxboot.onfail=*) ONFAIL=$v ;;
  esac
done <<EOF
$(split_cmdline <"$CMDLINE_FILE")
EOF

if [ -z "$URL" ] || [ -z "$NODE" ] || [ -z "$TOKEN" ]; then
  log "pbxboot.url, pbxboot.node and pbxboot.token must be on the kernel command line; not netbooted by pbxboot?"
  exit 2
fi
case "$INTERVAL" in '' | *[!0-9]*) INTERVAL=30 ;; esac
mkdir -p "$STATE" "$DIR"

uptime_s() { read -r u _ </proc/uptime && echo "$u"; }

# JSON string body: backslash, quote and control characters escaped.
json_str() { printf '%s' "$1" | tr '\n\r\t' '   ' | sed 's/\\/\\\\/g; s/"/\\"/g'; }

# post_event STAGE [key=value ...] — best effort, three tries; never fatal.
post_event() {
  stage=$1
  shift
  detail="\"uptime\":\"$(uptime_s)\""
  for kv in "$@"; do detail="$detail,\"$(json_str "${kv%%=*}")\":\"$(json_str "${kv#*=}")\""; done
  body="{\"stage\":\"$(json_str "$stage")\",\"detail\":{$detail}}"
  n=0
  while [ $n -lt 3 ]; do
    if $TO "$HTTP_TIMEOUT" $WGET -q -O /dev/null --header 'Content-Type: application/json' \
      --post-data "$body" "$URL/v1/boot/$NODE/events?token=$TOKEN" 2>/dev/null; then
      return 0
    fi
    n=$((n + 1))
    sleep "$n"
  done
  log "event $stage not delivered"
  return 1
}

# ---- network ----------------------------------------------------------------
has_ipv4() { bb ip -4 addr show dev "$1" 2>/dev/null | grep -q 'inet '; }

net_up() {
  ifs=$IFACE
  if [ -z "$ifs" ]; then
    for p in /sys/class/net/*; do
      n=${p##*/}
      [ "$n" = lo ] && continue
      [ -e "$p/device" ] || continue # physical NICs only (no bridges/tunnels)
      ifs="$ifs $n"
    done
  fi
  # DHCP=always (the Asterisk image): the initramfs got the address but left no
  # udhcpc behind to renew the lease, so ask again and keep udhcpc running.
  if [ "$DHCP" != always ]; then
    for n in $ifs; do
      if has_ipv4 "$n"; then echo "$n"; return 0; fi
    done
  fi
  for n in $ifs; do
    bb ip link set "$n" up
    # Stays in the background after the lease to renew it; -n: give up after the tries.
    if bb udhcpc -i "$n" -n -t 8 -T 2 -A 3 -x "hostname:$NODE" -s "$self" -p "$STATE/udhcpc.$n.pid" >&2; then
      echo "$n"
      return 0
    fi
  done
  return 1
}

# ---- bundle -----------------------------------------------------------------
# fetch_bundle OUT ETAG → 0 fetched (ETag in $STATE/etag.new), 3 not modified,
# 4 token refused, 1 other failure. busybox wget has no HEAD: a conditional GET.
fetch_bundle() {
  out=$1
  etag=$2
  hdrs="$STATE/headers"
  rm -f "$out" "$STATE/etag.new"
  if [ -n "$etag" ]; then
    $TO "$HTTP_TIMEOUT" $WGET -S -q -O "$out" --header "If-None-Match: $etag" \
      "$URL/v1/boot/$NODE/bundle?token=$TOKEN" 2>"$hdrs"
  else
    $TO "$HTTP_TIMEOUT" $WGET -S -q -O "$out" "$URL/v1/boot/$NODE/bundle?token=$TOKEN" 2>"$hdrs"
  fi
  rc=$?
  if [ $rc -ne 0 ]; then
    rm -f "$out"
    if grep -q 'HTTP/1\.[01] 304' "$hdrs"; then return 3; fi
    if grep -qE 'HTTP/1\.[01] (401|403|410)' "$hdrs"; then return 4; fi
    log "bundle fetch failed: $(grep -E 'HTTP/|wget:' "$hdrs" | tail -n 1)"
    return 1
  fi
  grep -i '^ *etag:' "$hdrs" | tail -n 1 | sed 's/^ *[Ee][Tt][Aa][Gg]: *//; s/\r$//' >"$STATE/etag.new"
  return 0
}

# verify_bundle TAR DIR → unpacked and checked in DIR, or 1 with a reason on stdout.
verify_bundle() {
  tarf=$1
  st=$2
  rm -rf "$st" && mkdir -p "$st"
  names=$(bb tar -tf "$tarf" 2>/dev/null) || { echo "not a tar archive"; return 1; }
  for n in $names; do
    case "$n" in
      . | .. | *[!A-Za-z0-9._-]*) echo "bad member name: $n"; return 1 ;;
    esac
  done
  (cd "$st" && bb tar -xf "$tarf") || { echo "unpack failed"; return 1; }
  [ -f "$st/SHA256SUMS" ] || { echo "no SHA256SUMS"; return 1; }
  for n in $names; do
    [ "$n" = SHA256SUMS ] && continue
    [ -f "$st/$n" ] && [ ! -L "$st/$n" ] || { echo "not a regular file: $n"; return 1; }
    grep -q "^[0-9a-f]\{64\}  $n\$" "$st/SHA256SUMS" || { echo "not in SHA256SUMS: $n"; return 1; }
  done
  (cd "$st" && bb sha256sum -c SHA256SUMS >/dev/null 2>&1) || { echo "checksum mismatch"; return 1; }
  return 0
}

# install_bundle DIR → copies every listed file except MANIFEST into $DIR.
install_bundle() {
  st=$1
  : >"$STATE/installed.new"
  while read -r _sum name; do
    [ "$name" = MANIFEST ] && continue
    cp "$st/$name" "$DIR/.$name.pbxnew" && mv -f "$DIR/.$name.pbxnew" "$DIR/$name" || return 1
    echo "$name" >>"$STATE/installed.new"
  done <"$st/SHA256SUMS"
  if [ -f "$STATE/installed" ]; then
    while read -r old; do
      grep -qx "$old" "$STATE/installed.new" || rm -f "$DIR/$old"
    done <"$STATE/installed"
  fi
  mv -f "$STATE/installed.new" "$STATE/installed"
  if [ -f "$st/MANIFEST" ]; then
    cp "$st/MANIFEST" "$STATE/MANIFEST"
    t=$(sed -n 's/^token=//p' "$st/MANIFEST" | tail -n 1)
    [ -n "$t" ] && TOKEN=$t
    i=$(sed -n 's/^interval=//p' "$st/MANIFEST" | tail -n 1)
    case "$i" in '' | *[!0-9]*) ;; *) INTERVAL=$i ;; esac
  fi
  return 0
}

# etag_of DIR → header ETag if the server sent one, else "sha256(SHA256SUMS)".
etag_of() {
  e=$(cat "$STATE/etag.new" 2>/dev/null)
  [ -n "$e" ] || e="\"$(bb sha256sum <"$1/SHA256SUMS" | cut -d' ' -f1)\""
  echo "$e"
}

run_cmd() { [ -n "$1" ] || return 0; log "running: $1"; sh -c "$1"; }

refused() {
  post_event failed reason="token refused by server" >/dev/null 2>&1
  if [ "$ONFAIL" = reboot ]; then
    log "token refused; rebooting in 10 s for a fresh one"
    sleep 10
    bb reboot -f
  fi
}

# ---- main -------------------------------------------------------------------
log "node $NODE, server $URL"
delay=1
until nic=$(net_up); do
  log "no DHCP lease yet; retrying in ${delay}s"
  sleep "$delay"
  [ $delay -lt 30 ] && delay=$((delay * 2))
done
addr=$(bb ip -4 addr show dev "$nic" | sed -n 's/.*inet \([0-9.]*\).*/\1/p' | head -n 1)
log "network up on $nic ($addr)"
post_event net.up iface="$nic" ip="$addr"

# First bundle: retry with capped backoff; the server may still be rendering.
delay=1
while :; do
  fetch_bundle "$STATE/bundle.tar" ""
  rc=$?
  if [ $rc -eq 0 ]; then
    if why=$(verify_bundle "$STATE/bundle.tar" "$STATE/stage"); then break; fi
    log "bundle rejected: $why"
    post_event failed reason="bundle rejected: $why"
  elif [ $rc -eq 4 ]; then
    log "server refused the boot token"
    refused
  fi
  sleep "$delay"
  [ $delay -lt 60 ] && delay=$((delay * 2))
done
post_event bundle.fetched bytes="$(wc -c <"$STATE/bundle.tar" | tr -d ' ')"
ETAG=$(etag_of "$STATE/stage")
if ! install_bundle "$STATE/stage"; then
  post_event failed reason="cannot write $DIR"
  exit 1
fi
post_event bundle.installed dir="$DIR" files="$(wc -l <"$STATE/installed" | tr -d ' ')" etag="$ETAG"

if ! run_cmd "$START_CMD"; then
  post_event failed reason="start command failed: $START_CMD"
  exit 1
fi
[ -n "$START_CMD" ] && post_event asterisk.started
post_event ready ip="$addr" etag="$ETAG"
log "ready"

# Heartbeat and follow the bundle: a changed ETag means re-rendered files.
while :; do
  sleep "$INTERVAL"
  post_event heartbeat etag="$ETAG" >/dev/null 2>&1
  fetch_bundle "$STATE/bundle.tar" "$ETAG"
  rc=$?
  [ $rc -eq 4 ] && { log "poll refused (token)"; continue; }
  [ $rc -eq 0 ] || continue
  if ! why=$(verify_bundle "$STATE/bundle.tar" "$STATE/stage"); then
    post_event failed reason="changed bundle rejected: $why"
    continue
  fi
  new=$(etag_of "$STATE/stage")
  [ "$new" = "$ETAG" ] && continue
  install_bundle "$STATE/stage" || { post_event failed reason="cannot write $DIR"; continue; }
  ETAG=$new
  post_event bundle.changed etag="$ETAG"
  if run_cmd "$RELOAD_CMD"; then
    [ -n "$RELOAD_CMD" ] && post_event asterisk.reloaded etag="$ETAG"
  else
    post_event failed reason="reload command failed: $RELOAD_CMD"
  fi
done

#!/usr/bin/env bash
# Installs pbxboot from this checkout as a systemd service: builds it, copies the
# runtime into /opt/pbxboot, creates the pbxboot user, /etc/pbxboot and the unit.
# Does not start it unless --start. DESTDIR=/some/dir stages the files there
# instead (no user, no chown, no systemctl): for packaging and for checking.
# The CLI is linked as /usr/local/bin/pbxboot.
set -euo pipefail
usage() { echo "usage: [DESTDIR=dir] $0 [--no-build] [--start]   (in a checkout where npm ci has run)" >&2; exit 2; }
start=0 build=1
for a in "$@"; do case "$a" in --start) start=1 ;; --no-build) build=0 ;; *) usage ;; esac; done

src=$(cd "$(dirname "$0")/.." && pwd)
dest=${DESTDIR:-}
prefix=$dest/opt/pbxboot
etc=$dest/etc/pbxboot
unitdir=$dest/etc/systemd/system
staged=0; [ -n "$dest" ] && staged=1
if [ $staged = 0 ] && [ "$(id -u)" != 0 ]; then echo "install-service: run as root (or set DESTDIR to stage)" >&2; exit 1; fi
command -v node >/dev/null || { echo "install-service: node (>= 20) is not installed" >&2; exit 1; }
node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' || { echo "install-service: node >= 20 required, found $(node -v)" >&2; exit 1; }

if [ $build = 1 ]; then
  echo "install-service: building in $src" >&2
  (cd "$src" && npm run build >/dev/null)
fi
[ -f "$src/dist/cli/run.js" ] || { echo "install-service: $src/dist is missing: npm ci && npm run build" >&2; exit 1; }

echo "install-service: installing the runtime into $prefix" >&2
mkdir -p "$prefix"
rm -rf "$prefix/dist"
cp -r "$src/dist" "$src/bin" "$src/public" "$src/templates" "$src/package.json" "$src/package-lock.json" "$src/README.md" "$prefix/"
# Production dependencies only; better-sqlite3's native build is approved in package.json.
(cd "$prefix" && npm ci --omit=dev --no-audit --no-fund >/dev/null)

mkdir -p "$etc" "$unitdir"
if [ ! -e "$etc/pbxboot.yaml" ]; then
  node "$prefix/bin/pbxboot.js" init "$etc/pbxboot.yaml" >/dev/null
  echo "install-service: wrote $etc/pbxboot.yaml (edit interface, dhcp.mode, tenants)" >&2
fi
if [ ! -e "$etc/env" ]; then
  cat > "$etc/env" <<'EOF'
# pbxboot environment (systemd EnvironmentFile): secrets that must not sit in the unit.
# PBXBOOT_ + the config key in upper snake case overrides pbxboot.yaml.
#PBXBOOT_STATE_DB=postgres://pbxboot:CHANGE-ME@db.example.net/pbxboot
#PBXBOOT_PBX_DB=postgres://pbxboot:CHANGE-ME@db.example.net/pbx
#PBXBOOT_INTERFACE=eth1
#PBXBOOT_HTTP_HOST=0.0.0.0
EOF
  chmod 0640 "$etc/env"
fi
install -m 0644 "$src/scripts/pbxboot.service" "$unitdir/pbxboot.service"
mkdir -p "$dest/usr/local/bin"
ln -sf /opt/pbxboot/bin/pbxboot.js "$dest/usr/local/bin/pbxboot"

if [ $staged = 1 ]; then
  echo "install-service: staged under $dest (no user, no systemctl)" >&2
  exit 0
fi
if ! id pbxboot >/dev/null 2>&1; then
  useradd --system --home-dir /var/lib/pbxboot --no-create-home --shell /usr/sbin/nologin --user-group pbxboot
fi
chown -R root:root "$prefix"
chown root:pbxboot "$etc" "$etc/pbxboot.yaml" "$etc/env"
chmod 0750 "$etc"; chmod 0640 "$etc/pbxboot.yaml" "$etc/env"
systemctl daemon-reload
if command -v systemd-analyze >/dev/null; then systemd-analyze verify "$unitdir/pbxboot.service"; fi
if [ $start = 1 ]; then
  systemctl enable --now pbxboot
  systemctl --no-pager status pbxboot || true
else
  echo "install-service: installed. Edit /etc/pbxboot/pbxboot.yaml and /etc/pbxboot/env, then: systemctl enable --now pbxboot" >&2
fi

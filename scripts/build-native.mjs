// Builds the optional native UDP addon (native/udp-io: TFTP pump and GSO sends, DHCP batched sockets) with node-gyp;
// run by `npm ci` (postinstall).
// Never fails the install: without the addon pbxboot sends every datagram through node:dgram, only slower.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = join(repo, 'native/udp-io');
if (process.platform !== 'linux') {
  console.error('build-native: the addon is Linux-only (recvmmsg, UDP GSO); skipping');
  process.exit(0);
}
// npm passes its own node-gyp to lifecycle scripts; otherwise use the one in node_modules or npm's bundled copy.
const candidates = [
  process.env.npm_config_node_gyp,
  (() => {
    try {
      return createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js');
    } catch {
      return undefined;
    }
  })(),
  join(dirname(process.execPath), '../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js'),
].filter((p) => p && existsSync(p));
if (candidates.length === 0) {
  console.error('build-native: node-gyp not found; DHCP and TFTP use node:dgram (slower)');
  process.exit(0);
}
// Build against the running Node's own headers (Debian ships them) so node-gyp never downloads any.
const headers = join(dirname(process.execPath), '..');
const nodedir = process.env.npm_config_nodedir || (existsSync(join(headers, 'include/node/node_api.h')) ? headers : null);
const r = spawnSync(process.execPath, [candidates[0], 'rebuild', ...(nodedir ? [`--nodedir=${nodedir}`] : [])], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
if (r.status !== 0) {
  console.error(`build-native: native/udp-io did not build (needs g++, make, python3 and Node headers); DHCP and TFTP use node:dgram.\n${(r.stderr ?? '').split('\n').slice(-8).join('\n')}`);
  process.exit(0);
}
console.error('build-native: native/udp-io built');

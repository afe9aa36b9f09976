// Memory growth of the DHCP server (issue 9 item 5): RSS of the pbxboot DHCP child after it loaded N bound leases
// from its state DB (preloaded through SqlLeaseStore), and of kea-dhcp4 after loading the same N from its memfile.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SqlLeaseStore } from '../src/dhcp/lease-sql.js';
import type { Lease } from '../src/dhcp/leases.js';
import { intToIp, ipToInt } from '../src/dhcp/pool.js';
import { migrate } from '../src/store/migrate.js';
import { openSqlite } from '../src/store/sqlite.js';
import type { Netns } from '../test/helpers/netns.js';
import { startServer } from '../test/dhcp/helpers/lab.js';
import { startKea } from './dhcp-kea.js';
import { buildDist } from './build-dist.js';

// Room for 100,000+ leases: 10.64.0.0/10 minus the server's own address.
const pool = { subnet: '10.64.0.0/10', range: { start: '10.64.1.0', end: '10.127.255.254' }, leaseSeconds: 3600 };
const macOf = (i: number) => `02:${[(i >>> 24) & 255, (i >>> 16) & 255, (i >>> 8) & 255, i & 255, 1].map((x) => x.toString(16).padStart(2, '0')).join(':')}`;

function leases(n: number, now: number): Lease[] {
  const first = ipToInt(pool.range.start);
  return Array.from({ length: n }, (_, i) => ({ ip: intToIp(first + i), mac: macOf(i), state: 'bound' as const, expiresAt: now + 3600_000, clientId: `01${macOf(i).replace(/:/g, '')}`, hostname: `n${i}`, updatedAt: now }));
}

/** RSS (KiB, /proc VmRSS as for Kea) of a fresh pbxboot DHCP child whose state DB holds n bound leases. */
export async function pbxbootRssKb(srv: Netns, dir: string, n: number): Promise<{ rssKb: number }> {
  const file = join(dir, `mem-${n}-${Date.now()}.sqlite`);
  const db = openSqlite(file);
  await migrate(db, 'state');
  const store = new SqlLeaseStore(db);
  const all = leases(n, Date.now());
  for (let i = 0; i < all.length; i += 5000) await store.putMany(all.slice(i, i + 5000));
  await db.close();
  // Without the event log: at rest it buffers nothing. RSS from /proc after a settle, not the child's SIGUSR2
  // report (which twice did not answer within 10 s with 10,000 preloaded leases on the loaded machine).
  await buildDist();
  const s = await startServer(srv, { mode: 'server', address: '10.64.0.1', pools: [pool], autoEnroll: true, quiet: true, sqlite: file }, { build: 'dist' });
  try {
    await new Promise((r) => setTimeout(r, 1000));
    return { rssKb: Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${s.proc.pid}/status`, 'utf8'))?.[1] ?? NaN) };
  } finally {
    await s.stop();
  }
}

/** The same for kea-dhcp4: a memfile (CSV, Kea 2.2's lease4 header) with n leases, read at start. */
export async function keaRssKb(srv: Netns, dir: string, n: number): Promise<number> {
  const tag = `mem-${n}-${Date.now()}`;
  const now = Math.floor(Date.now() / 1000);
  const rows = leases(n, Date.now()).map((l) => `${l.ip},${l.mac},${l.clientId!.replace(/(..)(?!$)/g, '$1:')},3600,${now + 3600},1,0,0,${l.hostname},0,`);
  writeFileSync(join(dir, `kea-leases4-${tag}.csv`), `address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname,state,user_context\n${rows.join('\n')}\n`);
  const k = await startKea(srv, dir, pool, tag);
  try {
    await new Promise((r) => setTimeout(r, 300));
    return k.rssKb();
  } finally {
    await k.stop();
  }
}

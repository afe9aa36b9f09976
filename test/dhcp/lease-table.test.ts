// The lease table's renewals: the REQUEST after an OFFER, and every renewal, update the client's entry.
import t from 'tap';
import { LeaseTable } from '../../src/dhcp/lease-table.js';
import { parsePool } from '../../src/dhcp/pool.js';

const A = '52:54:00:00:00:0a';
const B = '52:54:00:00:00:0b';

t.test('a renewal updates the lease in place: new expiry and client details, one entry, one address', async (t) => {
  let now = 1_000_000;
  const pool = parsePool({ subnet: '10.0.0.0/24', range: { start: '10.0.0.10', end: '10.0.0.20' }, leaseSeconds: 60 });
  const lt = new LeaseTable([pool], { now: () => now });
  lt.offer(A, '10.0.0.10');
  const first = lt.bind(A, '10.0.0.10', 60, { hostname: 'pbx01' });
  t.match(first, { ip: '10.0.0.10', mac: A, state: 'bound', expiresAt: now + 60_000, hostname: 'pbx01', clientId: null });
  now += 30_000;
  const renewed = lt.bind(A, '10.0.0.10', 60, { clientId: '01aa', hostname: 'pbx01-b' });
  t.match(renewed, { ip: '10.0.0.10', mac: A, state: 'bound', expiresAt: now + 60_000, hostname: 'pbx01-b', clientId: '01aa' });
  t.equal(first.expiresAt, 1_060_000, 'a lease handed out earlier is a copy, not changed by the renewal');
  t.equal(lt.size, 1);
  t.same([...lt.bound()], [['10.0.0.10', A]]);
  t.equal(lt.view(pool, A, null).current, '10.0.0.10', 'the client still holds its address');
  t.equal(lt.ownership(pool, B, '10.0.0.10'), 'other', 'and nobody else may take it');

  // released, then bound again: bound once more, same single entry
  lt.release(A, '10.0.0.10');
  t.equal(lt.bound().size, 0);
  t.match(lt.bind(A, '10.0.0.10', 60), { state: 'bound', hostname: null });
  t.same([...lt.bound()], [['10.0.0.10', A]]);

  // the client moves to another address: the old one is free again
  lt.bind(A, '10.0.0.11', 60);
  t.same([...lt.bound()], [['10.0.0.11', A]]);
  t.equal(lt.ownership(pool, B, '10.0.0.10'), 'free');

  // a declined address is not renewed in place: it stays declined until the hold passes, then another client binds
  lt.decline('10.0.0.12');
  t.equal(lt.ownership(pool, A, '10.0.0.12'), 'other');
  now += 600_001;
  t.equal(lt.ownership(pool, B, '10.0.0.12'), 'free');
  lt.bind(A, '10.0.0.11', 3600);
  t.match(lt.bind(B, '10.0.0.12', 60), { mac: B, state: 'bound' });
  t.same([...lt.bound()].sort(), [['10.0.0.11', A], ['10.0.0.12', B]]);
});

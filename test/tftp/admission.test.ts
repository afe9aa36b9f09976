// Admission policy: per-client token bucket and capped transfer slots with a FIFO queue (clock injected).
import t from 'tap';
import { ClientRateLimiter, TransferSlots } from '../../src/tftp/admission.js';

t.test('rate limiter: burst, refill, one log line per burst of refusals, per client', async (t) => {
  const r = new ClientRateLimiter({ perSecond: 2, burst: 3 });
  t.same([0, 0, 0].map(() => r.check('10.0.0.1', 0).allowed), [true, true, true], 'burst of 3');
  t.same(r.check('10.0.0.1', 0), { allowed: false, firstDenial: true });
  t.same(r.check('10.0.0.1', 100), { allowed: false, firstDenial: false });
  t.same(r.check('10.0.0.2', 100), { allowed: true }, 'other clients unaffected');
  t.same(r.check('10.0.0.1', 600), { allowed: true }, 'refilled at 2/s');
  t.same(r.check('10.0.0.1', 600), { allowed: false, firstDenial: true });
  r.prune(10_000);
  t.same(r.check('10.0.0.1', 10_000), { allowed: true });
});

t.test('slots: cap, FIFO queue, drop when full, stale entries expire', async (t) => {
  const s = new TransferSlots<string>({ maxActive: 2, maxQueued: 2, maxWaitMs: 1000 });
  t.match(s.request('a', 0), { kind: 'run', item: 'a' });
  t.match(s.request('b', 0), { kind: 'run', item: 'b' });
  t.match(s.request('c', 0), { kind: 'queued', position: 1 });
  t.match(s.request('d', 0), { kind: 'queued', position: 2 });
  t.match(s.request('e', 0), { kind: 'dropped' });
  t.same(s.release(10), { run: ['c'], expired: [] });
  t.equal(s.running, 2);
  t.same(s.release(2000), { run: [], expired: ['d'] }, 'd waited too long');
  t.equal(s.running, 1);
  t.match(s.request('f', 2000), { kind: 'run', item: 'f' });
});

t.test('slots: a retransmitted request keeps its place and its wait starts over; stale ones behind it still expire', async (t) => {
  const s = new TransferSlots<string>({ maxActive: 1, maxQueued: 10, maxWaitMs: 1000 });
  t.match(s.request('a', 0), { kind: 'run' });
  t.match(s.request('b', 0), { kind: 'queued', position: 1 });
  t.match(s.request('c', 100), { kind: 'queued', position: 2 });
  t.ok(s.touch('b', 900), 'b retransmitted at 900 ms');
  t.notOk(s.touch('zz', 900), 'unknown items are not queued');
  t.same(s.release(1500), { run: ['b'], expired: ['c'] }, 'b runs (waited 600 ms since its retry), c is stale');
  t.equal(s.waiting, 0);
});

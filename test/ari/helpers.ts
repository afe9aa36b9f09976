// Shared helpers for the ARI daemon tests: a supervisor wired to recorders, and polling.
import type { Node } from '../../src/cluster/nodes.js';
import type { BootEventInput } from '../../src/events/event.js';
import { Supervisor, type SupervisorOptions } from '../../src/supervisor/supervisor.js';

export const daemonArgv = [process.execPath, '--import', 'tsx', 'src/ari/daemon.ts'];

export function node(id: string): Node {
  return { id, name: id, macs: [], ip: '127.0.0.1', tenant: 't', weight: 1, state: 'active', reason: null, profile: 'default', cordoned: false, allowNetboot: true, bootOnce: false, createdAt: 0, updatedAt: 0, lastBootAt: null };
}

export interface Recorded {
  events: BootEventInput[];
  states: { node: string; agent: string; busy: boolean }[];
  connected: string[];
  failed: { node: string; reason: string }[];
}

export function recordingSupervisor(o: Partial<SupervisorOptions> & Pick<SupervisorOptions, 'credentials'>): { sup: Supervisor; rec: Recorded } {
  const rec: Recorded = { events: [], states: [], connected: [], failed: [] };
  const sup = new Supervisor({
    sink: { emit: (e) => rec.events.push(e) },
    graceMs: 60_000,
    daemonArgv,
    onAgentState: (n, agent, busy) => rec.states.push({ node: n, agent, busy }),
    onConnected: (n) => void rec.connected.push(n),
    onFailed: (n, reason) => void rec.failed.push({ node: n, reason }),
    restartBackoff: { initialMs: 100, maxMs: 1000 },
    clientBackoff: { initialMs: 100, maxMs: 400 },
    ariRetry: { delay: 20, maxDelay: 50, maxRetries: 3 },
    ...o,
  });
  return { sup, rec };
}

export async function until(what: string, cond: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

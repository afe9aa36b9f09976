// The DHCP server's view of the node inventory (BootDirectory): lookups by MAC,
// and recording unknown PXE clients as `discovered` (enrolled when enroll=auto).
import type { Config } from '../config/schema.js';
import type { BootDirectory, BootNode } from '../dhcp/policy.js';
import type { ClientFacts } from '../dhcp/facts.js';
import type { Node } from '../cluster/nodes.js';
import type { NodesRepo } from '../store/nodes-repo.js';

const view = (n: Node): BootNode => ({ id: n.id, name: n.name, state: n.state, allowNetboot: n.allowNetboot, ip: n.ip });

export interface DirectoryOptions {
  /** how long an answer is kept at most: the backstop for a change made by another process on the same database */
  ttlMs?: number;
  /** MACs kept at most (a flood of made-up MACs must not grow it) */
  maxEntries?: number;
  now?: () => number;
}

/**
 * Every DHCP packet asks for its MAC; without a cache that was two SQL queries a packet (the node, then its MACs).
 * Answers, unknown MACs included, are kept until this process changes a node (NodesRepo.version moves) or for
 * ttlMs; a cached answer comes back synchronously, so the packet needs no promise.
 */
export function nodeDirectory(nodes: NodesRepo, config: Pick<Config, 'enroll' | 'tenants'>, opts: DirectoryOptions = {}): BootDirectory {
  const ttlMs = opts.ttlMs ?? 10_000;
  const maxEntries = opts.maxEntries ?? 100_000;
  const now = opts.now ?? Date.now;
  const cache = new Map<string, { node: BootNode | null; at: number }>();
  let version = nodes.version;
  const fresh = (): void => {
    if (nodes.version !== version) (cache.clear(), (version = nodes.version));
  };
  const read = async (mac: string): Promise<BootNode | null> => {
    const v = nodes.version;
    const n = await nodes.find(mac);
    const node = n ? view(n) : null;
    fresh();
    // A change that finished while this read ran may not be in it: such an answer is not kept.
    if (nodes.version === v) {
      if (cache.size >= maxEntries) cache.clear();
      cache.set(mac, { node, at: now() });
    }
    return node;
  };
  return {
    lookup(mac) {
      fresh();
      const hit = cache.get(mac);
      if (hit && now() - hit.at < ttlMs) return hit.node;
      return read(mac);
    },
    async discovered(mac: string, facts: ClientFacts) {
      let n = await nodes.find(mac);
      if (!n) {
        // Two packets of one client may race here: the loser finds the winner's row.
        n = await nodes
          .create({ name: `disc-${mac.replace(/:/g, '')}`, macs: [mac], state: 'discovered', tenant: Object.keys(config.tenants)[0] })
          .catch(() => nodes.find(mac));
        if (!n) return null;
        void facts; // arch and vendor class are in the dhcp.* event the server writes beside this
      }
      if (config.enroll === 'auto' && n.state === 'discovered') n = await nodes.transition(n.id, 'enrolled', 'auto-enrolled');
      return n.state === 'discovered' ? null : view(n);
    },
  };
}

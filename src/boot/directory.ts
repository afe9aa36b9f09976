// The DHCP server's view of the node inventory (BootDirectory): lookups by MAC,
// and recording unknown PXE clients as `discovered` (enrolled when enroll=auto).
import type { Config } from '../config/schema.js';
import type { BootDirectory, BootNode } from '../dhcp/policy.js';
import type { ClientFacts } from '../dhcp/facts.js';
import type { Node } from '../cluster/nodes.js';
import type { NodesRepo } from '../store/nodes-repo.js';

const view = (n: Node): BootNode => ({ id: n.id, name: n.name, state: n.state, allowNetboot: n.allowNetboot, ip: n.ip });

export function nodeDirectory(nodes: NodesRepo, config: Pick<Config, 'enroll' | 'tenants'>): BootDirectory {
  return {
    async lookup(mac) {
      const n = await nodes.find(mac);
      return n ? view(n) : null;
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

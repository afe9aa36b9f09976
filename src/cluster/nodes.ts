// Node lifecycle policy (DESIGN §2): the states, which transitions are legal,
// and what a node record looks like. Pure: the store applies a transition in
// one transaction after asking `checkTransition`.
import { PbxbootError } from '../errors.js';

export const nodeStates = [
  'discovered',
  'enrolled',
  'booting',
  'configured',
  'ready',
  'active',
  'draining',
  'drained',
  'failed',
  'removed',
] as const;
export type NodeState = (typeof nodeStates)[number];

export interface Node {
  id: string;
  name: string;
  macs: string[];
  ip: string | null;
  tenant: string;
  weight: number; // capacity weight for the balancer
  state: NodeState;
  reason: string | null; // why it is in this state (failed, removed, ...)
  profile: string;
  /** A drained node that reboots returns to drained (cordon), see DESIGN §2. */
  cordoned: boolean;
  /** Netboot allowed; false after a one-shot boot. */
  allowNetboot: boolean;
  bootOnce: boolean;
  createdAt: number;
  updatedAt: number;
  lastBootAt: number | null;
}

export interface NewNode {
  name: string;
  macs: string[];
  ip?: string | null;
  tenant?: string;
  weight?: number;
  profile?: string;
  state?: 'discovered' | 'enrolled';
}

const bootStates: NodeState[] = ['booting', 'configured', 'ready'];

// from → allowed targets. A reboot may come from any running state.
const allowed: Record<NodeState, readonly NodeState[]> = {
  discovered: ['enrolled', 'removed'],
  enrolled: ['booting', 'removed', 'failed'],
  booting: ['booting', 'configured', 'ready', 'failed', 'removed', 'drained'],
  configured: ['booting', 'ready', 'drained', 'failed', 'removed'],
  ready: ['booting', 'active', 'draining', 'drained', 'failed', 'removed'],
  active: ['booting', 'draining', 'failed', 'removed'],
  draining: ['booting', 'drained', 'active', 'failed', 'removed'],
  drained: ['booting', 'active', 'removed', 'failed', 'ready'],
  failed: ['booting', 'enrolled', 'removed', 'draining', 'drained', 'active'],
  removed: ['enrolled'],
};

export function canTransition(from: NodeState, to: NodeState): boolean {
  return allowed[from].includes(to);
}

export function checkTransition(node: Pick<Node, 'name' | 'state'>, to: NodeState): void {
  if (!canTransition(node.state, to)) {
    throw new PbxbootError(
      'E_TRANSITION',
      `node ${node.name} cannot go from ${node.state} to ${to}`,
      { value: { from: node.state, to } },
    );
  }
}

export const isBootState = (s: NodeState): boolean => bootStates.includes(s);
export const isNodeState = (s: string): s is NodeState => (nodeStates as readonly string[]).includes(s);

/** Node names: DNS-label-like so they work as Asterisk systemname and in URLs. */
export const nodeNamePattern = /^[a-z0-9][a-z0-9-]{0,62}$/;

export function checkNodeName(name: string): string {
  if (!nodeNamePattern.test(name)) {
    throw new PbxbootError(
      'E_USAGE',
      `invalid node name "${name}": use lower-case letters, digits and '-' (max 63, must start with a letter or digit)`,
      { value: name },
    );
  }
  return name;
}

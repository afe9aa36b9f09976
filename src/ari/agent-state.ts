// Agent busy/idle from ARI channel and endpoint events (pure): an agent is busy while its PJSIP endpoint has any channel.
import type { AgentRef } from '../supervisor/messages.js';

export interface AgentChange {
  agent: string;
  busy: boolean;
}

interface ChannelLike {
  id: string;
  name: string;
}
interface EndpointLike {
  technology: string;
  resource: string;
  channel_ids: string[];
}
export interface AriEventLike {
  type: string;
  channel?: ChannelLike;
  endpoint?: EndpointLike;
}

/** "PJSIP/1001-0000000a" → "1001"; null for other technologies (Local channels belong to no agent). */
export function extensionOfChannel(name: string, tech = 'PJSIP'): string | null {
  const m = /^([^/]+)\/(.+)-[0-9a-f]+$/i.exec(name);
  return m && m[1] === tech ? m[2]! : null;
}

export class AgentStates {
  private byExt = new Map<string, string>(); // extension → agent id
  private calls = new Map<string, Set<string>>(); // extension → channel ids

  constructor(agents: readonly AgentRef[] = [], private readonly tech = 'PJSIP') {
    this.setAgents(agents);
  }

  agents(): AgentRef[] {
    return [...this.byExt].map(([extension, id]) => ({ id, extension }));
  }

  /** Replaces the watched set; returns the agents that are new (the daemon subscribes to those). */
  setAgents(agents: readonly AgentRef[]): AgentRef[] {
    const added = agents.filter((a) => !this.byExt.has(a.extension));
    this.byExt = new Map(agents.map((a) => [a.extension, a.id]));
    for (const ext of [...this.calls.keys()]) if (!this.byExt.has(ext)) this.calls.delete(ext);
    return added;
  }

  isBusy(agent: string): boolean {
    for (const [ext, id] of this.byExt) if (id === agent) return (this.calls.get(ext)?.size ?? 0) > 0;
    return false;
  }

  private update(ext: string, mutate: (s: Set<string>) => void): AgentChange[] {
    const agent = this.byExt.get(ext);
    if (agent === undefined) return [];
    const set = this.calls.get(ext) ?? new Set<string>();
    const before = set.size > 0;
    mutate(set);
    this.calls.set(ext, set);
    const after = set.size > 0;
    return before === after ? [] : [{ agent, busy: after }];
  }

  /** One WebSocket event → the agents whose state changed. */
  onEvent(ev: AriEventLike): AgentChange[] {
    if (ev.type === 'EndpointStateChange' && ev.endpoint) {
      if (ev.endpoint.technology !== this.tech) return [];
      const ids = ev.endpoint.channel_ids;
      // channel_ids in the endpoint snapshot is authoritative for that endpoint.
      return this.update(ev.endpoint.resource, (s) => {
        s.clear();
        for (const id of ids) s.add(id);
      });
    }
    if (!ev.channel) return [];
    const ext = extensionOfChannel(ev.channel.name, this.tech);
    if (ext === null) return [];
    const id = ev.channel.id;
    if (ev.type === 'ChannelCreated' || ev.type === 'ChannelStateChange' || ev.type === 'StasisStart') return this.update(ext, (s) => s.add(id));
    if (ev.type === 'ChannelDestroyed') return this.update(ext, (s) => s.delete(id));
    return [];
  }

  /**
   * After (re)connecting, events in the gap are lost: rebuild from GET /channels and GET /endpoints and
   * return every watched agent's state (a fresh daemon must re-report calls that are still up).
   */
  resync(channels: readonly ChannelLike[], endpoints: readonly EndpointLike[]): AgentChange[] {
    const next = new Map<string, Set<string>>();
    for (const ext of this.byExt.keys()) next.set(ext, new Set());
    for (const ep of endpoints) if (ep.technology === this.tech) for (const id of ep.channel_ids) next.get(ep.resource)?.add(id);
    for (const ch of channels) {
      const ext = extensionOfChannel(ch.name, this.tech);
      if (ext !== null) next.get(ext)?.add(ch.id);
    }
    this.calls = next;
    return [...this.byExt].map(([ext, agent]) => ({ agent, busy: (next.get(ext)?.size ?? 0) > 0 }));
  }
}

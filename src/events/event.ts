// The netboot log's record: one step of one node's boot (DHCP, TFTP, HTTP,
// phone-home, lifecycle, balancing). Pure types; adapters persist and stream them.

export type EventLevel = 'debug' | 'info' | 'warn' | 'error';

/** Where a step came from; `stage` is free text within it, e.g. "dhcp.discover". */
export type EventSource = 'dhcp' | 'tftp' | 'http' | 'boot' | 'node' | 'agent' | 'ari' | 'system';

export interface BootEventInput {
  /** epoch milliseconds; filled by the sink when absent */
  time?: number;
  mac?: string | null;
  node?: string | null; // node id
  stage: string; // e.g. "dhcp.offer", "tftp.complete", "node.state"
  detail?: Record<string, unknown>;
  level?: EventLevel;
}

export interface BootEvent {
  id: number;
  time: number;
  mac: string | null;
  node: string | null;
  stage: string;
  detail: Record<string, unknown>;
  level: EventLevel;
}

/** What every protocol adapter is handed to record a step; never throws, never blocks the caller. */
export interface EventSink {
  emit(ev: BootEventInput): void;
}

/** A sink that drops everything: for unit tests of adapters that do not look at events. */
export const nullSink: EventSink = { emit() {} };

export interface EventQuery {
  node?: string;
  /** with `node`: the node's MACs; its timeline is its events without a MAC plus every event of these MACs */
  nodeMacs?: string[];
  mac?: string;
  since?: number; // epoch ms, inclusive
  stage?: string; // exact, or prefix when it ends with '.' or '*'
  level?: EventLevel;
  afterId?: number;
  limit?: number; // newest first when set without afterId
}

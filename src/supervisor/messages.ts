// Typed IPC between the supervisor and a node's ARI daemon (JSON serialisation), with a guard for what arrives.

export interface AgentRef {
  id: string;
  extension: string;
}

/** ari-client's own WebSocket retry (backoff-func: delay doubles to maxDelay, gives up after maxRetries). */
export interface AriRetry {
  delay: number;
  maxDelay: number;
  maxRetries: number;
}

export type ToDaemon =
  | {
      type: 'start';
      nodeId: string;
      url: string; // e.g. http://10.0.0.5:8088
      user: string;
      password: string;
      app: string;
      agents: AgentRef[];
      /** the daemon's own re-creation backoff once ari-client gives up */
      backoff?: { initialMs: number; maxMs: number };
      ariRetry?: AriRetry;
      /** re-count GET /channels this often, besides after channel events (channels of non-agents raise no events) */
      channelPollMs?: number;
    }
  | { type: 'agents'; agents: AgentRef[] }
  | { type: 'reload-pjsip' }
  | { type: 'stop' };

export type FromDaemon =
  | { type: 'connected'; attempt: number }
  | { type: 'disconnected'; reason: string }
  | { type: 'agent'; agent: string; busy: boolean }
  | { type: 'channels'; count: number }
  | { type: 'reloaded'; ok: boolean; error?: string }
  | { type: 'log'; level: 'debug' | 'info' | 'warn' | 'error'; msg: string; detail?: Record<string, unknown> };

const fromTypes = new Set(['connected', 'disconnected', 'agent', 'channels', 'reloaded', 'log']);
const toTypes = new Set(['start', 'agents', 'reload-pjsip', 'stop']);

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

export function isFromDaemon(v: unknown): v is FromDaemon {
  if (!isObj(v) || typeof v.type !== 'string' || !fromTypes.has(v.type)) return false;
  if (v.type === 'agent') return typeof v.agent === 'string' && typeof v.busy === 'boolean';
  if (v.type === 'channels') return typeof v.count === 'number';
  return true;
}

export function isToDaemon(v: unknown): v is ToDaemon {
  if (!isObj(v) || typeof v.type !== 'string' || !toTypes.has(v.type)) return false;
  if (v.type === 'start') return typeof v.url === 'string' && typeof v.user === 'string' && typeof v.password === 'string' && Array.isArray(v.agents);
  if (v.type === 'agents') return Array.isArray(v.agents);
  return true;
}

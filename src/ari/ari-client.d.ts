// The slice of ari-client 2.2.0 (no bundled types) that pbxboot uses.
declare module 'ari-client' {
  import type { EventEmitter } from 'node:events';
  type Op<A = Record<string, unknown>, R = unknown> = (args?: A) => Promise<R>;
  export interface AriClient extends EventEmitter {
    start(apps: string | string[], subscribeAll?: boolean): Promise<void>;
    stop(): void;
    asterisk: { getInfo: Op; reloadModule: Op<{ moduleName: string }>; getObject: Op<{ configClass: string; objectType: string; id: string }> };
    channels: { list: Op<Record<string, never>, { id: string; name: string; state: string }[]>; get: Op<{ channelId: string }> };
    endpoints: {
      list: Op<Record<string, never>, { technology: string; resource: string; state?: string; channel_ids: string[] }[]>;
      listByTech: Op<{ tech: string }, { technology: string; resource: string; state?: string; channel_ids: string[] }[]>;
      get: Op<{ tech: string; resource: string }>;
    };
    applications: { subscribe: Op<{ applicationName: string; eventSource: string | string[] }>; unsubscribe: Op<{ applicationName: string; eventSource: string | string[] }> };
    deviceStates: { list: Op };
  }
  export function connect(url: string, user: string, pass: string): Promise<AriClient>;
  const ari: { connect: typeof connect };
  export default ari;
}

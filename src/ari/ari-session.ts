// One node's ARI connection, kept forever: ari-client connect + Stasis app, endpoint subscriptions, resync after every
// (re)connect, and a capped-backoff re-creation of the client once ari-client gives up (DESIGN §5).
import ari, { type AriClient } from 'ari-client';
import { AgentStates, type AriEventLike } from './agent-state.js';
import { backoffDelay, type BackoffPolicy } from './backoff.js';
import { redact } from './redact.js';
import type { AgentRef, FromDaemon } from '../supervisor/messages.js';

export interface AriSessionOptions {
  url: string;
  user: string;
  password: string;
  app: string;
  agents: AgentRef[];
  backoff: BackoffPolicy;
  report(msg: FromDaemon): void;
  connectTimeoutMs?: number;
  channelPollMs?: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class AriSession {
  private readonly states: AgentStates;
  private client: AriClient | null = null;
  private stopped = false;
  private connected = false;
  private wake: (() => void) | null = null;
  private countTimer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private wsGeneration = 0;
  private pollTimer: NodeJS.Timeout | null = null;
  private lastCount = -1;

  constructor(private readonly o: AriSessionOptions) {
    this.states = new AgentStates(o.agents);
  }

  private log(level: 'debug' | 'info' | 'warn' | 'error', msg: string, detail?: Record<string, unknown>): void {
    this.o.report({ type: 'log', level, msg: redact(msg, [this.o.password]), ...(detail ? { detail: JSON.parse(redact(JSON.stringify(detail), [this.o.password])) as Record<string, unknown> } : {}) });
  }

  /** Runs until stop(): connect, serve, and after every give-up wait and start over. */
  async run(): Promise<void> {
    let attempt = 0;
    this.pollTimer = setInterval(() => {
      if (this.connected) this.scheduleCount();
    }, this.o.channelPollMs ?? 5000);
    while (!this.stopped) {
      attempt += 1;
      try {
        await this.session(attempt);
        attempt = 0;
      } catch (err) {
        this.log('warn', `ARI connect attempt ${attempt} failed: ${(err as Error).message}`);
      }
      this.connected = false;
      try {
        this.client?.removeAllListeners();
        this.client?.stop();
      } catch {
        // a client that never opened its WebSocket has nothing to close
      }
      this.client = null;
      if (this.stopped) break;
      const delay = backoffDelay(Math.max(1, attempt), this.o.backoff, Math.random);
      this.log('info', `re-creating the ARI client in ${delay} ms`, { attempt: Math.max(1, attempt) });
      await new Promise<void>((r) => {
        this.wake = r;
        setTimeout(r, delay);
      });
    }
  }

  /** One ari-client lifetime: resolves when ari-client gives up reconnecting (WebSocketMaxRetries). */
  private async session(attempt: number): Promise<void> {
    const timeout = this.o.connectTimeoutMs ?? 10_000;
    await this.preflight(timeout);
    const client = await Promise.race([
      ari.connect(this.o.url, this.o.user, this.o.password),
      sleep(timeout).then(() => Promise.reject(new Error(`no answer from ARI within ${timeout} ms`))),
    ]);
    this.client = client;
    const ws = this.o.url.replace(/^http/, 'ws');
    // What ari-client opens; log() redacts the api_key (DESIGN §7) — this line is how the redaction test sees a leak.
    this.log('debug', `opening ${ws}/ari/events?app=${this.o.app}&api_key=${encodeURIComponent(this.o.user)}:${encodeURIComponent(this.o.password)}`);
    const gaveUp = new Promise<string>((resolve) => {
      client.on('WebSocketMaxRetries', (err?: Error) => resolve(`ari-client gave up reconnecting: ${err?.message ?? 'closed'}`));
      this.wake = () => resolve('stopped');
    });
    client.on('WebSocketReconnecting', (err?: Error) => {
      if (this.connected) this.o.report({ type: 'disconnected', reason: redact(err?.message ?? 'WebSocket closed', [this.o.password]) });
      this.connected = false;
    });
    client.on('WebSocketConnected', () => {
      // A fresh WebSocket supersedes any subscribe/resync still pending or waiting to retry for the previous one.
      this.wsGeneration += 1;
      if (this.retryTimer) clearTimeout(this.retryTimer);
      this.retryTimer = null;
      void this.onConnected(attempt);
    });
    client.on('*', (ev: AriEventLike) => this.onEvent(ev));
    await client.start(this.o.app);
    const reason = await gaveUp;
    if (reason !== 'stopped') {
      this.o.report({ type: 'disconnected', reason: redact(reason, [this.o.password]) });
      this.log('warn', reason);
    }
  }

  /**
   * swagger-client (inside ari-client) throws from a callback when resources.json answers non-200 (SwaggerApi.fail:
   * `throw message`), which would kill the process; so ask first and let ari-client load the API only from a node that answers.
   */
  private async preflight(timeout: number): Promise<void> {
    const auth = Buffer.from(`${this.o.user}:${this.o.password}`).toString('base64');
    const res = await fetch(`${this.o.url}/ari/api-docs/resources.json`, { headers: { authorization: `Basic ${auth}` }, signal: AbortSignal.timeout(timeout) });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`ARI answered ${res.status} ${res.statusText}`);
  }

  private onEvent(ev: AriEventLike): void {
    if (ev.type === 'ApplicationReplaced') {
      // Asterisk gives an app to one WebSocket, the newest: another client (a second pbxboot?) took this node's app and
      // this socket hears nothing more. Say so loudly; the supervisor's grace period decides what happens to the node.
      this.connected = false;
      const reason = `another WebSocket took over Stasis app ${this.o.app} on this node`;
      this.log('error', reason);
      this.o.report({ type: 'disconnected', reason });
      return;
    }
    for (const c of this.states.onEvent(ev)) this.o.report({ type: 'agent', agent: c.agent, busy: c.busy });
    if (ev.type === 'ChannelCreated' || ev.type === 'ChannelDestroyed') this.scheduleCount();
  }

  /**
   * Every (re)connect: the app's subscriptions are gone and events in the gap lost; subscribe, then resync. The WebSocket
   * can be back before ARI's REST side answers: retry with backoff on the same client, or the daemon stays connected but deaf.
   */
  private async onConnected(attempt: number, tries = 1): Promise<void> {
    const client = this.client;
    const generation = this.wsGeneration;
    if (!client) return;
    const current = () => this.client === client && this.wsGeneration === generation && !this.stopped;
    try {
      await this.subscribe(client, this.states.agents());
      await this.resync(client);
      if (!current()) return;
      this.connected = true;
      this.o.report({ type: 'connected', attempt });
    } catch (err) {
      this.log('warn', `subscribe/resync failed (try ${tries}): ${(err as Error).message}`);
      if (!current()) return;
      this.retryTimer = setTimeout(() => {
        this.retryTimer = null;
        if (current() && !this.connected) void this.onConnected(attempt, tries + 1);
      }, backoffDelay(tries, this.o.backoff, Math.random));
    }
  }

  private async subscribe(client: AriClient, agents: readonly AgentRef[]): Promise<void> {
    if (!agents.length) return;
    // A realtime row inserted after boot is invisible to ARI until sorcery loads it (FIELD-NOTES: Asterisk): touch only those ARI does not list.
    const listed = new Set((await client.endpoints.listByTech({ tech: 'PJSIP' }).catch(() => [])).map((e) => e.resource));
    const missing = agents.filter((a) => !listed.has(a.extension));
    for (let i = 0; i < missing.length; i += 16) {
      await Promise.all(missing.slice(i, i + 16).map((a) => client.asterisk.getObject({ configClass: 'res_pjsip', objectType: 'endpoint', id: a.extension }).catch(() => undefined)));
    }
    const sources = (list: readonly AgentRef[]) => list.flatMap((a) => [`endpoint:PJSIP/${a.extension}`, `deviceState:PJSIP/${a.extension}`]).join(',');
    const refused: AgentRef[] = [];
    const one = (a: AgentRef, final = false) =>
      client.applications.subscribe({ applicationName: this.o.app, eventSource: sources([a]) }).catch((err: Error) => {
        if (final) this.log('warn', `cannot subscribe to PJSIP/${a.extension}: ${err.message}`, { agent: a.id });
        else refused.push(a);
      });
    // Batches of 50 agents per POST; ARI refuses a whole batch (422) when one source is unknown, then each goes alone.
    for (let i = 0; i < agents.length; i += 50) {
      const batch = agents.slice(i, i + 50);
      const ok = await client.applications.subscribe({ applicationName: this.o.app, eventSource: sources(batch) }).then(
        () => true,
        () => false,
      );
      if (!ok) for (let j = 0; j < batch.length; j += 16) await Promise.all(batch.slice(j, j + 16).map((a) => one(a)));
    }
    if (!refused.length) return;
    // ari-client's errors carry the body, not the status: an unknown endpoint (422) and a node not serving REST yet (503)
    // look alike. Ask the node: if it does not answer, throw (the whole subscription is retried); if it does, try the
    // refused ones once more — a refusal from a node that answers is final (no such endpoint).
    await this.preflight(this.o.connectTimeoutMs ?? 10_000);
    for (let j = 0; j < refused.length; j += 16) await Promise.all(refused.slice(j, j + 16).map((a) => one(a, true)));
  }

  private async resync(client: AriClient): Promise<void> {
    const [channels, endpoints] = await Promise.all([client.channels.list(), client.endpoints.listByTech({ tech: 'PJSIP' }).catch(() => [])]);
    for (const c of this.states.resync(channels, endpoints)) this.o.report({ type: 'agent', agent: c.agent, busy: c.busy });
    this.reportCount(channels.length, true);
  }

  private reportCount(count: number, always = false): void {
    if (!always && count === this.lastCount) return;
    this.lastCount = count;
    this.o.report({ type: 'channels', count });
  }

  private scheduleCount(): void {
    if (this.countTimer) return;
    this.countTimer = setTimeout(() => {
      this.countTimer = null;
      this.client?.channels
        .list()
        .then((list) => this.reportCount(list.length))
        .catch((err: Error) => this.log('debug', `channel count failed: ${err.message}`));
    }, 50);
  }

  /** The supervisor's new agent list: subscribe the new ones and re-report everyone. */
  async setAgents(agents: AgentRef[]): Promise<void> {
    const before = new Set(this.states.agents().map((a) => a.extension));
    const added = this.states.setAgents(agents);
    const removed = [...before].filter((e) => !agents.some((a) => a.extension === e));
    const client = this.client;
    if (!client || !this.connected || (!added.length && !removed.length)) return;
    await this.subscribe(client, added);
    if (removed.length) {
      const unsub = (exts: string[]) =>
        client.applications.unsubscribe({ applicationName: this.o.app, eventSource: exts.flatMap((e) => [`endpoint:PJSIP/${e}`, `deviceState:PJSIP/${e}`]).join(',') }).then(
          () => true,
          () => false,
        );
      // As with subscribe, one unknown source fails the whole request: then each alone.
      if (!(await unsub(removed))) for (const e of removed) if (!(await unsub([e]))) this.log('debug', `unsubscribe from PJSIP/${e} failed`);
    }
    await this.resync(client).catch((err: Error) => this.log('warn', `resync failed: ${err.message}`));
  }

  /** SQLite/static mode: Asterisk re-reads pjsip.conf after the node's agents changed (DESIGN §4). */
  async reloadPjsip(): Promise<void> {
    if (!this.client) throw new Error('ARI not connected');
    await this.client.asterisk.reloadModule({ moduleName: 'res_pjsip.so' });
  }

  stop(): void {
    this.stopped = true;
    if (this.countTimer) clearTimeout(this.countTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.wake?.();
  }
}

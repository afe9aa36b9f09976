// The ARI daemon supervisor (DESIGN §5): one daemon process per node via execa with typed IPC; restarts crashes with
// capped exponential backoff, reports agent states and connectivity, and fails a node whose ARI stays away past a grace period.
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { execa, type ResultPromise } from 'execa';
import type { Daemons } from '../cluster/controller.js';
import type { Node } from '../cluster/nodes.js';
import type { EventSink } from '../events/event.js';
import { backoffDelay, type BackoffPolicy } from '../ari/backoff.js';
import { redact } from '../ari/redact.js';
import { StartGate } from './start-gate.js';
import { isFromDaemon, type AgentRef, type AriRetry, type FromDaemon, type ToDaemon } from './messages.js';

export interface AriCredentials {
  /** the node's ARI base URL as ari-client takes it, e.g. http://10.0.0.5:8088 */
  url: string;
  user: string;
  password: string;
}

export interface SupervisorOptions {
  sink: EventSink;
  /** a node whose daemon has not been connected for this long is reported failed */
  graceMs: number;
  /** how to start a daemon: [process.execPath, 'dist/ari/daemon.js'] or [process.execPath, '--import', 'tsx', 'src/ari/daemon.ts'] */
  daemonArgv: string[];
  credentials(nodeId: string): Promise<AriCredentials>;
  onAgentState(nodeId: string, agent: string, busy: boolean): void;
  /** every time the node's daemon (re)connects and has resynced; the first one makes the node active */
  onConnected(nodeId: string): void | Promise<void>;
  onFailed(nodeId: string, reason: string): void | Promise<void>;
  /** the node's live channel count changed (GET /channels; drain completes at 0) */
  onChannels?(nodeId: string, count: number): void;
  /** how often each daemon re-counts GET /channels besides after channel events (default 5000 ms) */
  channelPollMs?: number;
  /** agent ids → PJSIP extensions (default: the id is the extension) */
  resolveAgents?(nodeId: string, agentIds: readonly string[]): Promise<AgentRef[]>;
  /** between daemon restarts after a crash */
  restartBackoff?: BackoffPolicy;
  /** inside the daemon: between ari-client re-creations once ari-client gives up */
  clientBackoff?: { initialMs: number; maxMs: number };
  /** ari-client's own WebSocket retry (tests shorten it) */
  ariRetry?: AriRetry;
  app?: string;
  cwd?: string;
  /** added to graceMs until a node's daemon has connected once (process start-up); default 30 s */
  startupAllowanceMs?: number;
  /** daemons booting at once (default 2); the others wait, so a boot storm of ready nodes cannot starve netboot */
  maxConcurrentStarts?: number;
  /** a start slot is given back at the daemon's first message, its exit, or after this long (default 5 s) */
  startSlotMs?: number;
}

// cleanup: false — a daemon exits by itself when its IPC channel closes (the supervisor is gone). execa's cleanup
// would instead hook the process's signals (signal-exit): on SIGTERM it SIGTERMs every daemon and re-raises, cutting
// `pbxboot serve`'s own orderly shutdown short; and on a daemon whose spawn failed (no pid) Node's kill() signals
// pid 0, i.e. every process in our process group (in CI: the test runner).
const execaOptions = { ipc: true, serialization: 'json', stdin: 'ignore', buffer: false, reject: false, cleanup: false } as const;

interface Daemon {
  nodeId: string;
  agents: AgentRef[];
  proc: ResultPromise<typeof execaOptions & { cwd: string | undefined }> | null;
  password: string | null;
  attempt: number;
  connected: boolean;
  channels: number;
  stopping: boolean;
  restartTimer: NodeJS.Timeout | null;
  graceTimer: NodeJS.Timeout | null;
  reloads: ((ok: boolean, error?: string) => void)[];
  /** agents this node's daemon reported busy (kept across daemon restarts) */
  busy: Set<string>;
}

export class Supervisor implements Daemons {
  private readonly daemons = new Map<string, Daemon>();
  private readonly connectedOnce = new Set<string>();
  private readonly restartBackoff: BackoffPolicy;
  private readonly gate: StartGate;

  constructor(private readonly o: SupervisorOptions) {
    this.restartBackoff = o.restartBackoff ?? { initialMs: 1000, maxMs: 60_000, factor: 2, jitter: 0.2 };
    this.gate = new StartGate(o.maxConcurrentStarts ?? 2);
  }

  /** Daemons booting now, and waiting for their turn (the dashboard and tests read it). */
  startQueue(): { starting: number; waiting: number } {
    return { starting: this.gate.starting, waiting: this.gate.waiting };
  }

  watch(node: Node, agents: readonly string[]): void {
    const known = this.daemons.get(node.id);
    const d: Daemon = known ?? { nodeId: node.id, agents: [], proc: null, password: null, attempt: 0, connected: false, channels: 0, stopping: false, restartTimer: null, graceTimer: null, reloads: [], busy: new Set() };
    if (!known) this.daemons.set(node.id, d);
    void this.resolve(node.id, agents).then((refs) => {
      if (d.stopping) return;
      // The controller calls watch after every round: only a changed list goes to the daemon (it resubscribes and resyncs).
      const same = known && refs.length === d.agents.length && refs.every((r, i) => r.id === d.agents[i]?.id && r.extension === d.agents[i]?.extension);
      d.agents = refs;
      if (same) return;
      // No longer this node's to watch: its busy claim ends here (the controller keeps busy agents watched until their call ends).
      const kept = new Set(refs.map((r) => r.id));
      for (const a of [...d.busy]) if (!kept.has(a)) this.agentState(d, a, false);
      if (!known) void this.spawn(d); // the grace clock starts when its turn to boot comes
      else this.send(d, { type: 'agents', agents: refs });
    });
  }

  private async resolve(nodeId: string, ids: readonly string[]): Promise<AgentRef[]> {
    if (this.o.resolveAgents) return this.o.resolveAgents(nodeId, ids);
    return ids.map((id) => ({ id, extension: id }));
  }

  channels(nodeId: string): number {
    return this.daemons.get(nodeId)?.channels ?? 0;
  }

  isConnected(nodeId: string): boolean {
    return this.daemons.get(nodeId)?.connected ?? false;
  }

  /** The daemon's process id (tests kill it; dashboards show it as the node's daemon id). */
  pid(nodeId: string): number | undefined {
    return this.daemons.get(nodeId)?.proc?.pid;
  }

  /** SQLite/static mode: after the node's agents changed, PUT /asterisk/modules/res_pjsip.so through its daemon. */
  reloadPjsip(nodeId: string): Promise<void> {
    const d = this.daemons.get(nodeId);
    if (!d?.proc) return Promise.reject(new Error(`no ARI daemon for node ${nodeId}`));
    return new Promise((resolve, reject) => {
      d.reloads.push((ok, error) => (ok ? resolve() : reject(new Error(`res_pjsip reload on ${nodeId} failed: ${error ?? 'unknown'}`))));
      this.send(d, { type: 'reload-pjsip' });
    });
  }

  async stop(nodeId: string): Promise<void> {
    const d = this.daemons.get(nodeId);
    if (!d) return;
    d.stopping = true;
    this.daemons.delete(nodeId);
    if (d.restartTimer) clearTimeout(d.restartTimer);
    if (d.graceTimer) clearTimeout(d.graceTimer);
    for (const r of d.reloads.splice(0)) r(false, 'daemon stopped');
    // A stopped node (drained, failed, removed) holds no calls pbxboot can see: release its busy claims.
    for (const a of [...d.busy]) this.agentState(d, a, false);
    const proc = d.proc;
    // No pid: the spawn failed and the run is settling; there is nothing to signal (a kill would go to pid 0).
    if (proc && proc.pid !== undefined && proc.exitCode === null && proc.signalCode === null) {
      this.send(d, { type: 'stop' });
      const killer = setTimeout(() => proc.kill('SIGKILL'), 2000);
      await proc.catch(() => undefined);
      clearTimeout(killer);
    }
    this.o.sink.emit({ node: nodeId, stage: 'ari.stopped' });
  }

  async close(): Promise<void> {
    await Promise.all([...this.daemons.keys()].map((id) => this.stop(id)));
  }

  private send(d: Daemon, m: ToDaemon): void {
    const p = d.proc;
    if (p && p.connected) p.send(m);
  }

  private armGrace(d: Daemon): void {
    if (d.graceTimer || d.connected) return;
    // Before a node's first connection the clock also covers starting the daemon
    // process itself, which a busy host makes slow: allow for it, or a healthy
    // node could be failed before its daemon ever ran.
    const ms = this.o.graceMs + (this.connectedOnce.has(d.nodeId) ? 0 : (this.o.startupAllowanceMs ?? 30_000));
    d.graceTimer = setTimeout(() => {
      d.graceTimer = null;
      if (d.connected || d.stopping) return;
      const reason = `ARI not connected for ${Math.round(this.o.graceMs / 1000)} s`;
      this.o.sink.emit({ node: d.nodeId, stage: 'ari.failed', level: 'error', detail: { reason } });
      void Promise.resolve(this.o.onFailed(d.nodeId, reason)).catch((err: Error) => this.emitError(d, 'onFailed', err));
    }, ms);
  }

  private emitError(d: Daemon, where: string, err: Error): void {
    this.o.sink.emit({ node: d.nodeId, stage: 'ari.error', level: 'error', detail: { where, error: redact(err.message, d.password ? [d.password] : []) } });
  }

  private async spawn(d: Daemon): Promise<void> {
    if (d.stopping) return;
    let creds: AriCredentials;
    try {
      creds = await this.o.credentials(d.nodeId);
    } catch (err) {
      this.emitError(d, 'credentials', err as Error);
      this.armGrace(d);
      return this.scheduleRestart(d, { error: 'no credentials' });
    }
    if (d.stopping) return;
    d.password = creds.password;
    const [file, ...args] = this.o.daemonArgv;
    if (!file) throw new Error('daemonArgv is empty');
    const release = await this.gate.acquire();
    if (d.stopping) return release();
    this.armGrace(d);
    const slotTimer = setTimeout(release, this.o.startSlotMs ?? 5000);
    const started = () => {
      clearTimeout(slotTimer);
      release();
    };
    // Credentials go over IPC only: argv is visible to every user of the machine (ps).
    const proc = execa(file, [...args, '--node', d.nodeId], { ...execaOptions, cwd: this.o.cwd });
    d.proc = proc;
    // A spawn that failed (ENOENT: a missing binary or working directory; EAGAIN, EMFILE) has no pid and an IPC
    // channel that fails on first write (an uncaught EPIPE): nothing is sent, and it settles below as a failed run.
    if (proc.pid !== undefined) {
      proc.once('message', started);
      this.o.sink.emit({ node: d.nodeId, stage: 'ari.spawn', level: 'debug', detail: { pid: proc.pid, attempt: d.attempt } });
      for (const stream of [proc.stdout, proc.stderr] as Readable[]) {
        createInterface({ input: stream }).on('line', (line) => this.o.sink.emit({ node: d.nodeId, stage: 'ari.log', level: 'debug', detail: { msg: redact(line, [creds.password]) } }));
      }
      proc.on('message', (m: unknown) => {
        if (isFromDaemon(m)) this.onMessage(d, m);
      });
      proc.send({ type: 'start', nodeId: d.nodeId, url: creds.url, user: creds.user, password: creds.password, app: this.o.app ?? 'pbxboot', agents: d.agents, backoff: this.o.clientBackoff, ariRetry: this.o.ariRetry, channelPollMs: this.o.channelPollMs } satisfies ToDaemon);
    }
    const result = await proc;
    if (proc.pid === undefined) this.emitError(d, 'spawn', new Error(`${file}: ${result.code ?? 'spawn failed'}`));
    started();
    if (d.proc !== proc) return;
    d.proc = null;
    if (d.connected) {
      d.connected = false;
      this.o.sink.emit({ node: d.nodeId, stage: 'ari.disconnected', level: 'warn', detail: { reason: 'daemon exited' } });
    }
    for (const r of d.reloads.splice(0)) r(false, 'daemon exited');
    if (d.stopping) return;
    this.armGrace(d);
    this.scheduleRestart(d, proc.pid === undefined ? { spawnError: result.code ?? null } : { exitCode: result.exitCode ?? null, signal: result.signal ?? null });
  }

  private scheduleRestart(d: Daemon, why: Record<string, unknown>): void {
    if (d.stopping) return;
    d.attempt += 1;
    const delayMs = backoffDelay(d.attempt, this.restartBackoff, Math.random);
    this.o.sink.emit({ node: d.nodeId, stage: 'ari.restart', level: 'warn', detail: { ...why, attempt: d.attempt, delayMs } });
    d.restartTimer = setTimeout(() => {
      d.restartTimer = null;
      void this.spawn(d);
    }, delayMs);
  }

  /**
   * A daemon reports every watched agent after each resync. An agent is watched by two nodes while a deferred move waits
   * (the controller's busy flag is per agent): "idle" from a node where the agent never was busy must not clear a call
   * in progress elsewhere. So busy is always forwarded (idempotent), idle only from the node that reported it busy.
   */
  private agentState(d: Daemon, agent: string, busy: boolean): void {
    if (busy) d.busy.add(agent);
    else if (!d.busy.delete(agent)) return;
    this.o.onAgentState(d.nodeId, agent, busy);
  }

  private onMessage(d: Daemon, m: FromDaemon): void {
    const secrets = d.password ? [d.password] : [];
    switch (m.type) {
      case 'connected':
        this.connectedOnce.add(d.nodeId);
        d.connected = true;
        d.attempt = 0;
        if (d.graceTimer) clearTimeout(d.graceTimer);
        d.graceTimer = null;
        this.o.sink.emit({ node: d.nodeId, stage: 'ari.connected', detail: { agents: d.agents.length } });
        void Promise.resolve(this.o.onConnected(d.nodeId)).catch((err: Error) => this.emitError(d, 'onConnected', err));
        break;
      case 'disconnected':
        d.connected = false;
        this.o.sink.emit({ node: d.nodeId, stage: 'ari.disconnected', level: 'warn', detail: { reason: redact(m.reason, secrets) } });
        this.armGrace(d);
        break;
      case 'agent':
        this.agentState(d, m.agent, m.busy);
        break;
      case 'channels':
        if (d.channels !== m.count) {
          d.channels = m.count;
          this.o.onChannels?.(d.nodeId, m.count);
        }
        break;
      case 'reloaded':
        d.reloads.shift()?.(m.ok, m.error);
        break;
      case 'log':
        this.o.sink.emit({ node: d.nodeId, stage: 'ari.log', level: m.level, detail: JSON.parse(redact(JSON.stringify({ msg: m.msg, ...m.detail }), secrets)) as Record<string, unknown> });
        break;
    }
  }
}

// The per-node ARI daemon process (DESIGN §5): started by the supervisor with an IPC channel; credentials arrive over IPC, never argv.
import { format } from 'node:util';
import { AriSession } from './ari-session.js';
import { setAriClientRetry } from './ari-retry.js';
import { defaultBackoff } from './backoff.js';
import { redact } from './redact.js';
import { isToDaemon, type FromDaemon } from '../supervisor/messages.js';

function main(): void {
  const send = (m: FromDaemon) => {
    if (process.connected) process.send?.(m);
  };
  let secrets: string[] = [];
  // Libraries print (swagger-client's deprecation notice): route everything through redaction to the supervisor.
  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    console[level] = (...args: unknown[]) => send({ type: 'log', level: level === 'log' ? 'debug' : level, msg: redact(format(...args), secrets) });
  }
  let session: AriSession | null = null;
  process.on('message', (m: unknown) => {
    if (!isToDaemon(m)) return send({ type: 'log', level: 'warn', msg: 'unknown IPC message ignored' });
    if (m.type === 'start') {
      if (session) return;
      // Modules are loaded by now: this first message gives the supervisor's start slot to the next daemon.
      send({ type: 'log', level: 'debug', msg: 'daemon started' });
      secrets = [m.password];
      if (m.ariRetry) setAriClientRetry(m.ariRetry);
      session = new AriSession({ url: m.url, user: m.user, password: m.password, app: m.app, agents: m.agents, backoff: { ...defaultBackoff, ...m.backoff }, channelPollMs: m.channelPollMs, report: send });
      void session.run();
    } else if (m.type === 'agents') {
      void session?.setAgents(m.agents);
    } else if (m.type === 'reload-pjsip') {
      if (!session) return send({ type: 'reloaded', ok: false, error: 'not started' });
      session.reloadPjsip().then(
        () => send({ type: 'reloaded', ok: true }),
        (err: Error) => send({ type: 'reloaded', ok: false, error: redact(err.message, secrets) }),
      );
    } else if (m.type === 'stop') {
      session?.stop();
      process.disconnect();
      // ari-client keeps timers; a stopped daemon has nothing left to do.
      setTimeout(() => process.exit(0), 50).unref();
    }
  });
  // The supervisor is gone: an orphan daemon must not keep a node's ARI busy.
  process.on('disconnect', () => process.exit(0));
}

if (process.send) main();
else process.stderr.write('pbxboot ARI daemon: start me with an IPC channel (the supervisor does)\n');

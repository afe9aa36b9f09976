// Parent side of boot-stub-server.ts: starts it inside a namespace, collects
// its requests and phone-home events, and waits for a stage.
import { execa, type ResultPromise } from 'execa';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { BundleFile } from '../../src/boot/bundle-tar.js';
import type { StubConfig, StubMessage } from './boot-stub-server.js';

export type StubEvent = Extract<StubMessage, { type: 'event' }>;
export type StubRequest = Extract<StubMessage, { type: 'request' }>;

export interface BootStub {
  url: string;
  events: StubEvent[];
  requests: StubRequest[];
  /** resolves with the first event of `stage` (past or future); rejects after ms */
  waitForStage(stage: string, ms: number): Promise<StubEvent>;
  setFiles(files: BundleFile[]): void;
  /** serve these exact bytes as the bundle (tampering tests) */
  setRawBundle(body: Buffer, etag?: string): void;
  stop(): Promise<void>;
}

const serverFile = fileURLToPath(new URL('./boot-stub-server.ts', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export async function startBootStub(nsName: string, cfg: Omit<StubConfig, 'templatesDir'> & { templatesDir?: string }): Promise<BootStub> {
  const full: StubConfig = { templatesDir: `${repoRoot}templates/ipxe`, ...cfg };
  const child: ResultPromise = execa(
    'ip',
    ['netns', 'exec', nsName, process.execPath, '--import', 'tsx', serverFile, JSON.stringify(full)],
    { cwd: repoRoot, stdin: 'pipe', buffer: false, reject: false, stderr: 'inherit' },
  );
  const events: StubEvent[] = [];
  const requests: StubRequest[] = [];
  const waiters: { stage: string; resolve: (e: StubEvent) => void }[] = [];
  let port = 0;
  const listening = new Promise<void>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.on('line', (line) => {
      let m: StubMessage;
      try {
        m = JSON.parse(line) as StubMessage;
      } catch {
        return;
      }
      if (m.type === 'listening') {
        port = m.port;
        resolve();
      } else if (m.type === 'request') requests.push(m);
      else {
        events.push(m);
        for (const w of waiters.filter((x) => x.stage === m.stage)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(m);
        }
      }
    });
    void child.then((r) => reject(new Error(`boot stub server exited early: ${r.exitCode ?? r.signal}`)));
  });
  const timer = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('boot stub server did not start in 15 s')), 15_000).unref());
  await Promise.race([listening, timer]);
  return {
    url: `http://${cfg.host}:${port}`,
    events,
    requests,
    waitForStage(stage, ms) {
      const seen = events.find((e) => e.stage === stage);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const w = { stage, resolve };
        waiters.push(w);
        setTimeout(() => {
          const i = waiters.indexOf(w);
          if (i >= 0) {
            waiters.splice(i, 1);
            reject(new Error(`no "${stage}" event within ${ms} ms; events so far: ${events.map((e) => e.stage).join(', ') || 'none'}`));
          }
        }, ms).unref();
      });
    },
    setFiles(files) {
      child.stdin!.write(JSON.stringify({ cmd: 'setFiles', files }) + '\n');
    },
    setRawBundle(body, etag) {
      child.stdin!.write(JSON.stringify({ cmd: 'setRawBundle', base64: body.toString('base64'), etag }) + '\n');
    },
    async stop() {
      child.stdin?.end();
      if (child.exitCode === null) child.kill('SIGTERM');
      await child;
    },
  };
}

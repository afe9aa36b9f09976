// A fresh folder for a server's data that outlives the test's teardowns. tap removes a t.testdir() folder before
// it runs teardowns, so a server stopped in a teardown ran on for a moment without its data dir and working
// directory: an ARI daemon restarted then failed to spawn (ENOENT). Teardowns run last-registered first, so the
// removal registered here runs after the server's stop registered later.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function serverDir(t: { teardown(fn: () => unknown): void }, prefix = 'pbxboot-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

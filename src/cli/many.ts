// Runs one CLI operation on each node a hostlist names: every node is tried,
// failures are reported as they happen, and the exit code is the first failure's.
import { isPbxbootError, PbxbootError } from '../errors.js';
import { expandHostlists } from './hostlist.js';

export async function forEachNode<T>(args: readonly string[], fn: (ref: string) => Promise<T>, warn: (line: string) => void = (l) => void process.stderr.write(l + '\n')): Promise<T[]> {
  const refs = expandHostlists(args);
  if (refs.length === 1) return [await fn(refs[0]!)]; // one node: its own error, unchanged
  const done: T[] = [];
  let first: PbxbootError | null = null;
  let failed = 0;
  for (const ref of refs) {
    try {
      done.push(await fn(ref));
    } catch (e) {
      if (!isPbxbootError(e) || e.code === 'E_UNREACHABLE' || e.code === 'E_AUTH') throw e; // no point trying the others
      failed++;
      first ??= e;
      warn(`pbxboot: ${ref}: ${e.message}`);
    }
  }
  if (first) throw new PbxbootError(first.code, `${failed} of ${refs.length} nodes failed (first: ${first.message})`, { value: first.value, cause: first });
  return done;
}

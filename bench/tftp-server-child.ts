// Runs pbxboot's TFTP server as a child process inside a bench namespace (bench/tftp.bench.ts); prints "ready".
import { startTftpServer } from '../src/tftp/server.js';

const { port, root, maxTransfers, segmentOffload } = JSON.parse(process.argv[2] ?? '{}') as { port: number; root: string; maxTransfers: number; segmentOffload?: boolean };
const server = await startTftpServer({ host: '0.0.0.0', port, root, maxTransfers, sink: { emit() {} }, maxBlksize: 1468, segmentOffload: segmentOffload ?? true });
process.stdout.write('ready\n');
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));

// Runs pbxboot's TFTP server as a child process inside a bench namespace (bench/tftp.bench.ts); prints "ready".
import { startTftpServer, type TftpServerOptions } from '../src/tftp/server.js';

type ChildOptions = Pick<TftpServerOptions, 'port' | 'root' | 'maxTransfers' | 'segmentOffload' | 'nativePump' | 'busyPollUs'>;
const o = JSON.parse(process.argv[2] ?? '{}') as ChildOptions;
const server = await startTftpServer({ host: '0.0.0.0', sink: { emit() {} }, maxBlksize: 1468, ...o });
process.stdout.write('ready\n');
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));

// Public surface of the DHCP side for the composition root (src/app.ts).
export { startDhcpServer, type DhcpServerOptions, type DhcpServerHandle, type DhcpStats } from './server.js';
export type { BootDirectory, BootNode, DhcpMode, Decision } from './policy.js';
export type { ClientFacts } from './facts.js';
export type { PoolConfig } from './pool.js';
export { SqlLeaseStore } from './lease-sql.js';
export { MemoryLeaseStore, type Lease, type LeaseStore } from './leases.js';
export { defaultBootTable, type BootRule } from '../boot/bootfile.js';

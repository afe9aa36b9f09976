// The typed configuration (DESIGN §6 "Config"): one zod schema is the single
// source of keys, defaults and validation; unknown keys are errors.
import { z } from 'zod';

const port = z.number().int().min(1).max(65535);
const ipv4 = z.ipv4();

const pool = z.strictObject({
  /** subnet in CIDR form; a relayed request picks the pool whose subnet holds giaddr */
  subnet: z.cidrv4(),
  start: ipv4,
  end: ipv4,
  router: ipv4.optional(),
  dns: z.array(ipv4).default([]),
  leaseSeconds: z.number().int().min(60).optional(),
});

const tenant = z.strictObject({
  /** the tenant's PBX DB (postgres://… or sqlite:PATH); defaults to the top-level pbxDb */
  pbxDb: z.string().optional(),
  codecs: z.array(z.string()).min(1).optional(),
  /** the tenant's OpenSIPS dispatcher set */
  setid: z.number().int().min(0).default(1),
});

const profile = z.strictObject({
  kernel: z.string(),
  initrd: z.array(z.string()).default([]),
  cmdline: z.string().default(''),
  /** whether the node agent fetches the Asterisk bundle */
  bundle: z.boolean().default(true),
});

export const configSchema = z.strictObject({
  dataDir: z.string().default('./data'),
  /** pbxboot's own state: empty = SQLite in dataDir; or postgres://… */
  stateDb: z.string().default(''),
  /** the shared PBX database: empty = SQLite in dataDir (single box); postgres://… in production */
  pbxDb: z.string().default(''),
  /** the boot network interface; netboot (DHCP/TFTP) stays off until set */
  interface: z.string().default(''),
  /** the address nodes reach pbxboot at (defaults to the interface's address) */
  serverAddress: z.union([ipv4, z.literal('')]).default(''),
  enroll: z.enum(['manual', 'auto']).default('manual'),
  codecs: z.array(z.string().regex(/^[a-z0-9_]+$/)).min(1).default(['ulaw', 'alaw']),
  dhcp: z
    .strictObject({
      mode: z.enum(['proxy', 'server', 'off']).default('proxy'),
      pools: z.array(pool).default([]),
      leaseSeconds: z.number().int().min(60).default(3600),
      /** kernel receive buffer per DHCP socket: absorbs a storm's burst, but a backlog older than the clients' patience is wasted work */
      receiveBufferBytes: z.number().int().min(65536).max(64 << 20).default(1 << 20),
      /** batched native sockets (recvmmsg/sendmmsg, native/udp-io) when the addon is built; false: node:dgram */
      batchedIo: z.boolean().default(true),
    })
    .prefault({}),
  tftp: z
    .strictObject({
      root: z.string().default(''),
      port: port.default(69),
      maxTransfers: z.number().int().min(1).default(64),
      /** RFC 2348 cap; 1468 fits a 1500-byte MTU (1500 - IP 20 - UDP 8 - TFTP 4) */
      maxBlksize: z.number().int().min(8).max(65464).default(1468),
      /** RFC 7440 cap */
      maxWindowsize: z.number().int().min(1).max(64).default(64),
      retries: z.number().int().min(1).max(20).default(5),
      timeoutMs: z.number().int().min(50).max(60_000).default(1000),
      /** new requests per second per client IP (a boot storm queues, one client cannot flood) */
      ratePerSecond: z.number().min(0.1).default(20),
      rateBurst: z.number().int().min(1).default(40),
      /** windows leave in one sendmsg via Linux UDP GSO when native/udp-io is built; false = one dgram.send each */
      segmentOffload: z.boolean().default(true),
      /** each transfer's data phase on a native thread (native/udp-io) when built; false = on the event loop */
      nativePump: z.boolean().default(true),
      /** native pump: µs to busy-poll for each ACK before sleeping (saves a wake-up per block); on a long link the
       *  spin starts just before the ACK is due and lasts until this long after it; 0 = never */
      busyPollUs: z.number().int().min(0).max(1000).default(50),
    })
    .prefault({}),
  netboot: z
    .strictObject({
      /** run radvd on the boot interface: RAs with router lifetime 0 and no prefix end iPXE's ≈ 13 s IPv6 wait */
      routerAdvertisement: z.boolean().default(false),
    })
    .prefault({}),
  http: z
    .strictObject({
      host: z.string().default('127.0.0.1'),
      port: port.default(8080),
    })
    .prefault({}),
  images: z.strictObject({ dir: z.string().default('') }).prefault({}),
  ari: z
    .strictObject({
      port: port.default(8088),
      graceSeconds: z.number().int().min(1).default(60),
      /** daemons booting at once; the rest queue so a boot storm's ready nodes cannot starve DHCP/TFTP/HTTP */
      maxConcurrentStarts: z.number().int().min(1).max(64).default(2),
    })
    .prefault({}),
  asterisk: z
    .strictObject({
      sipPort: port.default(5060),
      rtpStart: port.default(10000),
      rtpEnd: port.default(20000),
      /** operator overrides: a file here replaces the built-in template of the same name */
      templatesDir: z.string().default(''),
    })
    .prefault({}),
  /** the SIP proxy (OpenSIPS) in front of the nodes: nodes identify it by address */
  sipProxy: z.strictObject({ address: z.union([ipv4, z.literal('')]).default(''), port: port.default(5060) }).prefault({}),
  events: z.strictObject({ retentionDays: z.number().int().min(1).default(30) }).prefault({}),
  tenants: z.record(z.string().regex(/^[a-z0-9][a-z0-9_-]*$/), tenant).prefault({ default: {} }),
  profiles: z.record(z.string(), profile).default({}),
  logLevel: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
});

export type Config = z.infer<typeof configSchema>;

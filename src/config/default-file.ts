// The commented pbxboot.yaml that `pbxboot init` writes: every key with its default.
export const defaultConfigYaml = `# pbxboot configuration. Every key can also be set as PBXBOOT_<KEY_PATH>
# (e.g. PBXBOOT_HTTP_PORT=9000) or as a flag (--http-port 9000); flags win.

# Where pbxboot keeps its SQLite databases, API token and boot assets.
dataDir: ./data
# pbxboot's own state (nodes, leases, netboot log). Empty = SQLite in dataDir;
# or postgres://user:pass@host/db
stateDb: ""
# The shared PBX database every Asterisk node and the SIP proxy read.
# Empty = SQLite in dataDir (one box, labs); PostgreSQL in production.
pbxDb: ""

# The boot network interface. DHCP and TFTP stay off until this is set.
interface: ""
# The address nodes use to reach pbxboot (default: the interface's address).
serverAddress: ""

# Unknown MACs that PXE-boot: manual = record as "discovered" and boot nothing
# until "pbxboot nodes accept"; auto = enrol and boot them.
enroll: manual

# One codec list for every endpoint of every node: pbxboot never lets a node
# transcode. Order is preference.
codecs: [ulaw, alaw]

dhcp:
  # proxy: answer PXE clients only, another server hands out addresses (safe default)
  # server: hand out addresses from pools below; off: another server points at us
  mode: proxy
  leaseSeconds: 3600
  receiveBufferBytes: 1048576 # kernel buffer per socket: absorbs a storm's burst; larger = stale answers under overload
  batchedIo: true      # batched native sockets (recvmmsg/sendmmsg, native/udp-io); false = node:dgram
  pools: []
  #  - subnet: 10.20.0.0/24     # the boot LAN, or a relay's subnet (matched by giaddr)
  #    start: 10.20.0.100
  #    end: 10.20.0.250
  #    router: 10.20.0.1
  #    dns: [10.20.0.1]

tftp:
  root: ""          # default: <images.dir>/ipxe (scripts/fetch-ipxe.sh puts iPXE there)
  port: 69
  maxTransfers: 64  # concurrent transfers; more requests wait in a queue
  maxBlksize: 1468  # RFC 2348 cap (1468 fits a 1500-byte MTU)
  maxWindowsize: 64 # RFC 7440 cap
  retries: 5        # retransmissions before a transfer is abandoned
  timeoutMs: 1000   # retransmission timeout unless the client negotiates one
  ratePerSecond: 20 # new requests per second per client IP
  rateBurst: 40
  segmentOffload: true # send each window in one syscall via Linux UDP GSO (native/udp-io); false = node:dgram
  nativePump: true     # run each transfer's DATA/ACK loop on a native thread (native/udp-io); false = event loop
  busyPollUs: 50       # native pump: spin this long for each ACK before sleeping (one spinner per spare CPU; on a long link, from just before the ACK is due); 0 = never

netboot:
  # Run radvd (Debian package radvd) on the boot interface, sending router
  # advertisements with router lifetime 0 and no prefix: no node gets an IPv6
  # route or address, and iPXE stops waiting ≈ 13 s for an IPv6 router.
  routerAdvertisement: false

http:
  host: 127.0.0.1   # the API and boot routes; use 0.0.0.0 to serve nodes
  port: 8080

images:
  dir: ""           # default: ./images (kernels, initrds, iPXE binaries; served at /boot/files/)

ari:
  port: 8088        # Asterisk's HTTP port on each node
  graceSeconds: 60  # a node whose ARI is unreachable this long is marked failed
  maxConcurrentStarts: 2 # daemons booting at once (each is a Node process); the rest wait their turn

asterisk:
  sipPort: 5060
  rtpStart: 10000
  rtpEnd: 20000
  templatesDir: ""  # a file here replaces the built-in template of the same name

sipProxy:
  address: ""       # OpenSIPS in front of the nodes (identified by address, probed)
  port: 5060

events:
  retentionDays: 30 # netboot log retention

# Tenants name their PBX database; pointing a node at another tenant is
# "pbxboot nodes reassign NODE --tenant T".
tenants:
  default: {}
  # acme:
  #   pbxDb: postgres://pbx:secret@db.acme/pbx
  #   setid: 2        # its OpenSIPS dispatcher set

# Boot profiles: any image a node can be pointed at (nodes reassign --profile).
profiles: {}
  # rescue:
  #   kernel: rescue/vmlinuz
  #   initrd: [rescue/initrd.img]
  #   cmdline: "console=ttyS0"
  #   bundle: false

logLevel: info
`;

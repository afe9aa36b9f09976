// Config key paths and their environment / flag spellings:
// dhcp.leaseSeconds ⇄ PBXBOOT_DHCP_LEASE_SECONDS ⇄ --dhcp-lease-seconds.

/** Every leaf key path a user can set, with its kind (for parsing env/flag text). */
export const settableKeys: Record<string, 'string' | 'number' | 'boolean' | 'json'> = {
  dataDir: 'string',
  stateDb: 'string',
  pbxDb: 'string',
  interface: 'string',
  serverAddress: 'string',
  enroll: 'string',
  codecs: 'json',
  'dhcp.mode': 'string',
  'dhcp.pools': 'json',
  'dhcp.leaseSeconds': 'number',
  'dhcp.receiveBufferBytes': 'number',
  'dhcp.batchedIo': 'boolean',
  'tftp.root': 'string',
  'tftp.port': 'number',
  'tftp.maxTransfers': 'number',
  'tftp.maxBlksize': 'number',
  'tftp.maxWindowsize': 'number',
  'tftp.retries': 'number',
  'tftp.timeoutMs': 'number',
  'tftp.ratePerSecond': 'number',
  'tftp.rateBurst': 'number',
  'tftp.segmentOffload': 'boolean',
  'tftp.nativePump': 'boolean',
  'tftp.busyPollUs': 'number',
  'netboot.routerAdvertisement': 'boolean',
  'http.host': 'string',
  'http.port': 'number',
  'images.dir': 'string',
  'ari.port': 'number',
  'ari.graceSeconds': 'number',
  'ari.maxConcurrentStarts': 'number',
  'events.retentionDays': 'number',
  'asterisk.sipPort': 'number',
  'asterisk.rtpStart': 'number',
  'asterisk.rtpEnd': 'number',
  'asterisk.templatesDir': 'string',
  'sipProxy.address': 'string',
  'sipProxy.port': 'number',
  tenants: 'json',
  profiles: 'json',
  logLevel: 'string',
};

const words = (key: string): string[] =>
  key.split('.').flatMap((part) => part.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase().split(' '));

export const envName = (key: string): string => `PBXBOOT_${words(key).join('_').toUpperCase()}`;
export const flagName = (key: string): string => words(key).join('-');

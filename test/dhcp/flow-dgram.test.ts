// flow.test.ts again, on node:dgram sockets (dhcp.batchedIo: false, or no native addon): both socket engines serve alike.
process.env.PBXBOOT_TEST_DHCP_ENGINE = 'dgram';
await import('./flow.test.js');

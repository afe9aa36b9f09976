/* IMPORTANT
 * This snapshot file is auto-generated, but designed for humans.
 * It should be checked into source control and tracked carefully.
 * Re-generate by setting TAP_SNAPSHOT=1 and running tests.
 * Make sure to inspect the output below.  Do not ignore changes!
 */
'use strict'
exports[`test/dhcp/corpus.test.ts > TAP > dhclient-arch7-discover.bin > decoded 1`] = `
Object {
  "facts": Object {
    "arch": 7,
    "broadcast": false,
    "ciaddr": null,
    "clientId": null,
    "firmware": "uefi",
    "hostname": null,
    "httpClient": false,
    "ipxe": false,
    "mac": "52:54:00:aa:02:07",
    "pxeClient": true,
    "relay": null,
    "requestedIp": null,
    "serverId": null,
    "type": "DISCOVER",
    "typeNumber": 1,
    "userClass": Array [],
    "uuid": null,
    "uuidRaw": null,
    "vendorClass": "PXEClient:Arch:00007:UNDI:003001",
    "xid": 3551697729,
  },
  "header": Object {
    "chaddr": "525400aa020700000000000000000000",
    "ciaddr": "0.0.0.0",
    "file": "",
    "flags": 0,
    "giaddr": "0.0.0.0",
    "hlen": 6,
    "hops": 0,
    "htype": 1,
    "op": 1,
    "secs": 0,
    "siaddr": "0.0.0.0",
    "sname": "",
    "xid": 3551697729,
    "yiaddr": "0.0.0.0",
  },
  "options": Array [
    Object {
      "code": 53,
      "hex": "01",
    },
    Object {
      "code": 55,
      "hex": "0103",
    },
    Object {
      "code": 60,
      "hex": "505845436c69656e743a417263683a30303030373a554e44493a303033303031",
    },
    Object {
      "code": 93,
      "hex": "0007",
    },
  ],
  "trailer": "14 bytes",
  "typed": Object {
    "clientArch": Array [
      7,
    ],
    "messageType": 1,
    "paramRequestList": Array [
      1,
      3,
    ],
    "vendorClass": "PXEClient:Arch:00007:UNDI:003001",
  },
}
`

exports[`test/dhcp/corpus.test.ts > TAP > dhclient-arch7-reply-ack.bin > decoded 1`] = `
Object {
  "facts": Object {
    "arch": null,
    "broadcast": false,
    "ciaddr": null,
    "clientId": null,
    "firmware": "unknown",
    "hostname": null,
    "httpClient": false,
    "ipxe": false,
    "mac": "52:54:00:aa:02:07",
    "pxeClient": true,
    "relay": null,
    "requestedIp": null,
    "serverId": "10.77.0.1",
    "type": "ACK",
    "typeNumber": 5,
    "userClass": Array [],
    "uuid": null,
    "uuidRaw": null,
    "vendorClass": "PXEClient",
    "xid": 3551697729,
  },
  "header": Object {
    "chaddr": "525400aa020700000000000000000000",
    "ciaddr": "0.0.0.0",
    "file": "ipxe.efi",
    "flags": 0,
    "giaddr": "0.0.0.0",
    "hlen": 6,
    "hops": 0,
    "htype": 1,
    "op": 2,
    "secs": 0,
    "siaddr": "10.77.0.1",
    "sname": "",
    "xid": 3551697729,
    "yiaddr": "10.77.0.104",
  },
  "options": Array [
    Object {
      "code": 53,
      "hex": "05",
    },
    Object {
      "code": 54,
      "hex": "0a4d0001",
    },
    Object {
      "code": 51,
      "hex": "00000e10",
    },
    Object {
      "code": 58,
      "hex": "00000708",
    },
    Object {
      "code": 59,
      "hex": "00000c4e",
    },
    Object {
      "code": 1,
      "hex": "ffffff00",
    },
    Object {
      "code": 3,
      "hex": "0a4d0001",
    },
    Object {
      "code": 6,
      "hex": "0a4d0001",
    },
    Object {
      "code": 60,
      "hex": "505845436c69656e74",
    },
    Object {
      "code": 43,
      "hex": "060108ff",
    },
  ],
  "trailer": "0 bytes",
  "typed": Object {
    "dns": Array [
      "10.77.0.1",
    ],
    "leaseTime": 3600,
    "messageType": 5,
    "routers": Array [
      "10.77.0.1",
    ],
    "serverId": "10.77.0.1",
    "subnetMask": "255.255.255.0",
    "vendorClass": "PXEClient",
    "vendorSpecific": Array [
      Object {
        "code": 6,
        "data": "08",
      },
    ],
  },
}
`

exports[`test/dhcp/corpus.test.ts > TAP > dhclient-arch7-reply-offer.bin > decoded 1`] = `
Object {
  "facts": Object {
    "arch": null,
    "broadcast": false,
    "ciaddr": null,
    "clientId": null,
    "firmware": "unknown",
    "hostname": null,
    "httpClient": false,
    "ipxe": false,
    "mac": "52:54:00:aa:02:07",
    "pxeClient": true,
    "relay": null,
    "requestedIp": null,
    "serverId": "10.77.0.1",
    "type": "OFFER",
    "typeNumber": 2,
    "userClass": Array [],
    "uuid": null,
    "uuidRaw": null,
    "vendorClass": "PXEClient",
    "xid": 3551697729,
  },
  "header": Object {
    "chaddr": "525400aa020700000000000000000000",
    "ciaddr": "0.0.0.0",
    "file": "ipxe.efi",
    "flags": 0,
    "giaddr": "0.0.0.0",
    "hlen": 6,
    "hops": 0,
    "htype": 1,
    "op": 2,
    "secs": 0,
    "siaddr": "10.77.0.1",
    "sname": "",
    "xid": 3551697729,
    "yiaddr": "10.77.0.104",
  },
  "options": Array [
    Object {
      "code": 53,
      "hex": "02",
    },
    Object {
      "code": 54,
      "hex": "0a4d0001",
    },
    Object {
      "code": 51,
      "hex": "00000e10",
    },
    Object {
      "code": 58,
      "hex": "00000708",
    },
    Object {
      "code": 59,
      "hex": "00000c4e",
    },
    Object {
      "code": 1,
      "hex": "ffffff00",
    },
    Object {
      "code": 3,
      "hex": "0a4d0001",
    },
    Object {
      "code": 6,
      "hex": "0a4d0001",
    },
    Object {
      "code": 60,
      "hex": "505845436c69656e74",
    },
    Object {
      "code": 43,
      "hex": "060108ff",
    },
  ],
  "trailer": "0 bytes",
  "typed": Object {
    "dns": Array [
      "10.77.0.1",
    ],
    "leaseTime": 3600,
    "messageType": 2,
    "routers": Array [
      "10.77.0.1",
    ],
    "serverId": "10.77.0.1",
    "subnetMask": "255.255.255.0",
    "vendorClass": "PXEClient",
    "vendorSpecific": Array [
      Object {
        "code": 6,
        "data": "08",
      },
    ],
  },
}
`

exports[`test/dhcp/corpus.test.ts > TAP > dhclient-arch7-request.bin > decoded 1`] = `
Object {
  "facts": Object {
    "arch": 7,
    "broadcast": false,
    "ciaddr": null,
    "clientId": null,
    "firmware": "uefi",
    "hostname": null,
    "httpClient": false,
    "ipxe": false,
    "mac": "52:54:00:aa:02:07",
    "pxeClient": true,
    "relay": null,
    "requestedIp": "10.77.0.104",
    "serverId": "10.77.0.1",
    "type": "REQUEST",
    "typeNumber": 3,
    "userClass": Array [],
    "uuid": null,
    "uuidRaw": null,
    "vendorClass": "PXEClient:Arch:00007:UNDI:003001",
    "xid": 3551697729,
  },
  "header": Object {
    "chaddr": "525400aa020700000000000000000000",
    "ciaddr": "0.0.0.0",
    "file": "",
    "flags": 0,
    "giaddr": "0.0.0.0",
    "hlen": 6,
    "hops": 0,
    "htype": 1,
    "op": 1,
    "secs": 0,
    "siaddr": "0.0.0.0",
    "sname": "",
    "xid": 3551697729,
    "yiaddr": "0.0.0.0",
  },
  "options": Array [
    Object {
      "code": 53,
      "hex": "03",
    },
    Object {
      "code": 54,
      "hex": "0a4d0001",
    },
    Object {
      "code": 50,
      "hex": "0a4d0068",
    },
    Object {
      "code": 55,
      "hex": "0103",
    },
    Object {
      "code": 60,
      "hex": "505845436c69656e743a417263683a30303030373a554e44493a303033303031",
    },
    Object {
      "code": 93,
      "hex": "0007",
    },
  ],
  "trailer": "2 bytes",
  "typed": Object {
    "clientArch": Array [
      7,
    ],
    "messageType": 3,
    "paramRequestList": Array [
      1,
      3,
    ],
    "requestedIp": "10.77.0.104",
    "serverId": "10.77.0.1",
    "vendorClass": "PXEClient:Arch:00007:UNDI:003001",
  },
}
`

exports[`test/dhcp/corpus.test.ts > TAP > dhclient-plain-discover.bin > decoded 1`] = `
Object {
  "facts": Object {
    "arch": null,
    "broadcast": false,
    "ciaddr": null,
    "clientId": null,
    "firmware": "unknown",
    "hostname": null,
    "httpClient": false,
    "ipxe": false,
    "mac": "52:54:00:aa:02:01",
    "pxeClient": false,
    "relay": null,
    "requestedIp": null,
    "serverId": null,
    "type": "DISCOVER",
    "typeNumber": 1,
    "userClass": Array [],
    "uuid": null,
    "uuidRaw": null,
    "vendorClass": null,
    "xid": 2665070196,
  },
  "header": Object {
    "chaddr": "525400aa020100000000000000000000",
    "ciaddr": "0.0.0.0",
    "file": "",
    "flags": 0,
    "giaddr": "0.0.0.0",
    "hlen": 6,
    "hops": 0,
    "htype": 1,
    "op": 1,
    "secs": 0,
    "siaddr": "0.0.0.0",
    "sname": "",
    "xid": 2665070196,
    "yiaddr": "0.0.0.0",
  },
  "options": Array [
    Object {
      "code": 53,
      "hex": "01",
    },
    Object {
      "code": 55,
      "hex": "0103",
    },
  ],
  "trailer": "52 bytes",
  "typed": Object {
    "messageType": 1,
    "paramRequestList": Array [
      1,
      3,
    ],
  },
}
`

exports[`test/dhcp/corpus.test.ts > TAP > dhclient-plain-reply-ack.bin > decoded 1`] = `
Object {
  "facts": Object {
    "arch": null,
    "broadcast": false,
    "ciaddr": null,
    "clientId": null,
    "firmware": "unknown",
    "hostname": null,
    "httpClient": false,
    "ipxe": false,
    "mac": "52:54:00:aa:02:01",
    "pxeClient": false,
    "relay": null,
    "requestedIp": null,
    "serverId": "10.77.0.1",
    "type": "ACK",
    "typeNumber": 5,
    "userClass": Array [],
    "uuid": null,
    "uuidRaw": null,
    "vendorClass": null,
    "xid": 2665070196,
  },
  "header": Object {
    "chaddr": "525400aa020100000000000000000000",
    "ciaddr": "0.0.0.0",
    "file": "",
    "flags": 0,
    "giaddr": "0.0.0.0",
    "hlen": 6,
    "hops": 0,
    "htype": 1,
    "op": 2,
    "secs": 0,
    "siaddr": "0.0.0.0",
    "sname": "",
    "xid": 2665070196,
    "yiaddr": "10.77.0.105",
  },
  "options": Array [
    Object {
      "code": 53,
      "hex": "05",
    },
    Object {
      "code": 54,
      "hex": "0a4d0001",
    },
    Object {
      "code": 51,
      "hex": "00000e10",
    },
    Object {
      "code": 58,
      "hex": "00000708",
    },
    Object {
      "code": 59,
      "hex": "00000c4e",
    },
    Object {
      "code": 1,
      "hex": "ffffff00",
    },
    Object {
      "code": 3,
      "hex": "0a4d0001",
    },
    Object {
      "code": 6,
      "hex": "0a4d0001",
    },
  ],
  "trailer": "0 bytes",
  "typed": Object {
    "dns": Array [
      "10.77.0.1",
    ],
    "leaseTime": 3600,
    "messageType": 5,
    "routers": Array [
      "10.77.0.1",
    ],
    "serverId": "10.77.0.1",
    "subnetMask": "255.255.255.0",
  },
}
`

exports[`test/dhcp/corpus.test.ts > TAP > dhclient-plain-reply-offer.bin > decoded 1`] = `
Object {
  "facts": Object {
    "arch": null,
    "broadcast": false,
    "ciaddr": null,
    "clientId": null,
    "firmware": "unknown",
    "hostname": null,
    "httpClient": false,
    "ipxe": false,
    "mac": "52:54:00:aa:02:01",
    "pxeClient": false,
    "relay": null,
    "requestedIp": null,
    "serverId": "10.77.0.1",
    "type": "OFFER",
    "typeNumber": 2,
    "userClass": Array [],
    "uuid": null,
    "uuidRaw": null,
    "vendorClass": null,
    "xid": 2665070196,
  },
  "header": Object {
    "chaddr": "525400aa020100000000000000000000",
    "ciaddr": "0.0.0.0",
    "file": "",
    "flags": 0,
    "giaddr": "0.0.0.0",
    "hlen": 6,
    "hops": 0,
    "htype": 1,
    "op": 2,
    "secs": 0,
    "siaddr": "0.0.0.0",
    "sname": "",
    "xid": 2665070196,
    "yiaddr": "10.77.0.105",
  },
  "options": Array [
    Object {
      "code": 53,
      "hex": "02",
    },
    Object {
      "code": 54,
      "hex": "0a4d0001",
    },
    Object {
      "code": 51,
      "hex": "00000e10",
    },
    Object {
      "code": 58,
      "hex": "00000708",
    },
    Object {
      "code": 59,
      "hex": "00000c4e",
    },
    Object {
      "code": 1,
      "hex": "ffffff00",
    },
    Object {
      "code": 3,
      "hex": "0a4d0001",
    },
    Object {
      "code": 6,
      "hex": "0a4d0001",
    },
  ],
  "trailer": "0 bytes",
  "typed": Object {
    "dns": Array [
      "10.77.0.1",
    ],
    "leaseTime": 3600,
    "messageType": 2,
    "routers": Array [
      "10.77.0.1",
    ],
    "serverId": "10.77.0.1",
    "subnetMask": "255.255.255.0",
  },
}
`

exports[`test/dhcp/corpus.test.ts > TAP > dhclient-plain-request.bin > decoded 1`] = `
Object {
  "facts": Object {
    "arch": null,
    "broadcast": false,
    "ciaddr": null,
    "clientId": null,
    "firmware": "unknown",
    "hostname": null,
    "httpClient": false,
    "ipxe": false,
    "mac": "52:54:00:aa:02:01",
    "pxeClient": false,
    "relay": null,
    "requestedIp": "10.77.0.105",
    "serverId": "10.77.0.1",
    "type": "REQUEST",
    "typeNumber": 3,
    "userClass": Array [],
    "uuid": null,
    "uuidRaw": null,
    "vendorClass": null,
    "xid": 2665070196,
  },
  "header": Object {
    "chaddr": "525400aa020100000000000000000000",
    "ciaddr": "0.0.0.0",
    "file": "",
    "flags": 0,
    "giaddr": "0.0.0.0",
    "hlen": 6,
    "hops": 0,
    "htype": 1,
    "op": 1,
    "secs": 0,
    "siaddr": "0.0.0.0",
    "sname": "",
    "xid": 2665070196,
    "yiaddr": "0.0.0.0",
  },
  "options": Array [
    Object {
      "code": 53,
      "hex": "03",
    },
    Object {
      "code": 54,
      "hex": "0a4d0001",
    },
    Object {
      "code": 50,
      "hex": "0a4d0069",
    },
    Object {
      "code": 55,
      "hex": "0103",
    },
  ],
  "trailer": "40 bytes",
  "typed": Object {
    "messageType": 3,
    "paramRequestList": Array [
      1,
      3,
    ],
    "requestedIp": "10.77.0.105",
    "serverId": "10.77.0.1",
  },
}
`

exports[`test/dhcp/corpus.test.ts > TAP > dhcrelay-udhcpc-arch0-discover.bin > decoded 1`] = `
Object {
  "facts": Object {
    "arch": 0,
    "broadcast": false,
    "ciaddr": null,
    "clientId": "018a1aa9979d49",
    "firmware": "bios",
    "hostname": null,
    "httpClient": false,
    "ipxe": false,
    "mac": "8a:1a:a9:97:9d:49",
    "pxeClient": true,
    "relay": Object {
      "agentInfo": "010465746831",
      "circuitId": "65746831",
      "giaddr": "10.79.0.1",
      "remoteId": null,
    },
    "requestedIp": null,
    "serverId": null,
    "type": "DISCOVER",
    "typeNumber": 1,
    "userClass": Array [],
    "uuid": null,
    "uuidRaw": null,
    "vendorClass": "PXEClient:Arch:00000:UNDI:003001",
    "xid": 3137854574,
  },
  "header": Object {
    "chaddr": "8a1aa9979d4900000000000000000000",
    "ciaddr": "0.0.0.0",
    "file": "",
    "flags": 0,
    "giaddr": "10.79.0.1",
    "hlen": 6,
    "hops": 1,
    "htype": 1,
    "op": 1,
    "secs": 0,
    "siaddr": "0.0.0.0",
    "sname": "",
    "xid": 3137854574,
    "yiaddr": "0.0.0.0",
  },
  "options": Array [
    Object {
      "code": 53,
      "hex": "01",
    },
    Object {
      "code": 57,
      "hex": "0240",
    },
    Object {
      "code": 55,
      "hex": "0103060c0f1c2a",
    },
    Object {
      "code": 60,
      "hex": "505845436c69656e743a417263683a30303030303a554e44493a303033303031",
    },
    Object {
      "code": 61,
      "hex": "018a1aa9979d49",
    },
    Object {
      "code": 93,
      "hex": "0000",
    },
    Object {
      "code": 82,
      "hex": "010465746831",
    },
  ],
  "trailer": "0 bytes",
  "typed": Object {
    "clientArch": Array [
      0,
    ],
    "clientId": Object {
      "id": "8a1aa9979d49",
      "type": 1,
    },
    "maxMessageSize": 576,
    "messageType": 1,
    "paramRequestList": Array [
      1,
      3,
      6,
      12,
      15,
      28,
      42,
    ],
    "relayAgent": Array [
      Object {
        "code": 1,
        "data": "65746831",
      },
    ],
    "vendorClass": "PXEClient:Arch:00000:UNDI:003001",
  },
}
`

exports[`test/dhcp/corpus.test.ts > TAP > dhcrelay-udhcpc-arch0-reply-ack.bin > decoded 1`] = `
Object {
  "facts": Object {
    "arch": null,
    "broadcast": false,
    "ciaddr": null,
    "clientId": null,
    "firmware": "unknown",
    "hostname": null,
    "httpClient": false,
    "ipxe": false,
    "mac": "8a:1a:a9:97:9d:49",
    "pxeClient": true,
    "relay": Object {
      "agentInfo": "010465746831",
      "circuitId": "65746831",
      "giaddr": "10.79.0.1",
      "remoteId": null,
    },
    "requestedIp": null,
    "serverId": "10.77.0.1",
    "type": "ACK",
    "typeNumber": 5,
    "userClass": Array [],
    "uuid": null,
    "uuidRaw": null,
    "vendorClass": "PXEClient",
    "xid": 3137854574,
  },
  "header": Object {
    "chaddr": "8a1aa9979d4900000000000000000000",
    "ciaddr": "0.0.0.0",
    "file": "undionly.kpxe",
    "flags": 0,
    "giaddr": "10.79.0.1",
    "hlen": 6,
    "hops": 0,
    "htype": 1,
    "op": 2,
    "secs": 0,
    "siaddr": "10.77.0.1",
    "sname": "",
    "xid": 3137854574,
    "yiaddr": "10.79.0.100",
  },
  "options": Array [
    Object {
      "code": 53,
      "hex": "05",
    },
    Object {
      "code": 54,
      "hex": "0a4d0001",
    },
    Object {
      "code": 51,
      "hex": "00000e10",
    },
    Object {
      "code": 58,
      "hex": "00000708",
    },
    Object {
      "code": 59,
      "hex": "00000c4e",
    },
    Object {
      "code": 1,
      "hex": "ffffff00",
    },
    Object {
      "code": 3,
      "hex": "0a4f0001",
    },
    Object {
      "code": 60,
      "hex": "505845436c69656e74",
    },
    Object {
      "code": 43,
      "hex": "060108ff",
    },
    Object {
      "code": 82,
      "hex": "010465746831",
    },
  ],
  "trailer": "0 bytes",
  "typed": Object {
    "leaseTime": 3600,
    "messageType": 5,
    "relayAgent": Array [
      Object {
        "code": 1,
        "data": "65746831",
      },
    ],
    "routers": Array [
      "10.79.0.1",
    ],
    "serverId": "10.77.0.1",
    "subnetMask": "255.255.255.0",
    "vendorClass": "PXEClient",
    "vendorSpecific": Array [
      Object {
        "code": 6,
        "data": "08",
      },
    ],
  },
}
`

exports[`test/dhcp/corpus.test.ts > TAP > dhcrelay-udhcpc-arch0-reply-offer.bin > decoded 1`] = `
Object {
  "facts": Object {
    "arch": null,
    "broadcast": false,
    "ciaddr": null,
    "clientId": null,
    "firmware": "unknown",
    "hostname": null,
    "httpClient": false,
    "ipxe": false,
    "mac": "8a:1a:a9:97:9d:49",
    "pxeClient": true,
    "relay": Object {
      "agentInfo": "010465746831",
      "circuitId": "65746831",
      "giaddr": "10.79.0.1",
      "remoteId": null,
    },
    "requestedIp": null,
    "serverId": "10.77.0.1",
    "type": "OFFER",
    "typeNumber": 2,
    "userClass": Array [],
    "uuid": null,
    "uuidRaw": null,
    "vendorClass": "PXEClient",
    "xid": 3137854574,
  },
  "header": Object {
    "chaddr": "8a1aa9979d4900000000000000000000",
    "ciaddr": "0.0.0.0",
    "file": "undionly.kpxe",
    "flags": 0,
    "giaddr": "10.79.0.1",
    "hlen": 6,
    "hops": 0,
    "htype": 1,
    "op": 2,
    "secs": 0,
    "siaddr": "10.77.0.1",
    "sname": "",
    "xid": 3137854574,
    "yiaddr": "10.79.0.100",
  },
  "options": Array [
    Object {
      "code": 53,
      "hex": "02",
    },
    Object {
      "code": 54,
      "hex": "0a4d0001",
    },
    Object {
      "code": 51,
      "hex": "00000e10",
    },
    Object {
      "code": 58,
      "hex": "00000708",
    },
    Object {
      "code": 59,
      "hex": "00000c4e",
    },
    Object {
      "code": 1,
      "hex": "ffffff00",
    },
    Object {
      "code": 3,
      "hex": "0a4f0001",
    },
    Object {
      "code": 60,
      "hex": "505845436c69656e74",
    },
    Object {
      "code": 43,
      "hex": "060108ff",
    },
    Object {
      "code": 82,
      "hex": "010465746831",
    },
  ],
  "trailer": "0 bytes",
  "typed": Object {
    "leaseTime": 3600,
    "messageType": 2,
    "relayAgent": Array [
      Object {
        "code": 1,
        "data": "65746831",
      },
    ],
    "routers": Array [
      "10.79.0.1",
    ],
    "serverId": "10.77.0.1",
    "subnetMask": "255.255.255.0",
    "vendorClass": "PXEClient",
    "vendorSpecific": Array [
      Object {
        "code": 6,
        "data": "08",
      },
    ],
  },
}
`

exports[`test/dhcp/corpus.test.ts > TAP > dhcrelay-udhcpc-arch0-request.bin > decoded 1`] = `
Object {
  "facts": Object {
    "arch": 0,
    "broadcast": false,
    "ciaddr": null,
    "clientId": "018a1aa9979d49",
    "firmware": "bios",
    "hostname": null,
    "httpClient": false,
    "ipxe": false,
    "mac": "8a:1a:a9:97:9d:49",
    "pxeClient": true,
    "relay": Object {
      "agentInfo": "010465746831",
      "circuitId": "65746831",
      "giaddr": "10.79.0.1",
      "remoteId": null,
    },
    "requestedIp": "10.79.0.100",
    "serverId": "10.77.0.1",
    "type": "REQUEST",
    "typeNumber": 3,
    "userClass": Array [],
    "uuid": null,
    "uuidRaw": null,
    "vendorClass": "PXEClient:Arch:00000:UNDI:003001",
    "xid": 3137854574,
  },
  "header": Object {
    "chaddr": "8a1aa9979d4900000000000000000000",
    "ciaddr": "0.0.0.0",
    "file": "",
    "flags": 0,
    "giaddr": "10.79.0.1",
    "hlen": 6,
    "hops": 1,
    "htype": 1,
    "op": 1,
    "secs": 0,
    "siaddr": "0.0.0.0",
    "sname": "",
    "xid": 3137854574,
    "yiaddr": "0.0.0.0",
  },
  "options": Array [
    Object {
      "code": 53,
      "hex": "03",
    },
    Object {
      "code": 50,
      "hex": "0a4f0064",
    },
    Object {
      "code": 54,
      "hex": "0a4d0001",
    },
    Object {
      "code": 57,
      "hex": "0240",
    },
    Object {
      "code": 55,
      "hex": "0103060c0f1c2a",
    },
    Object {
      "code": 60,
      "hex": "505845436c69656e743a417263683a30303030303a554e44493a303033303031",
    },
    Object {
      "code": 61,
      "hex": "018a1aa9979d49",
    },
    Object {
      "code": 93,
      "hex": "0000",
    },
    Object {
      "code": 82,
      "hex": "010465746831",
    },
  ],
  "trailer": "0 bytes",
  "typed": Object {
    "clientArch": Array [
      0,
    ],
    "clientId": Object {
      "id": "8a1aa9979d49",
      "type": 1,
    },
    "maxMessageSize": 576,
    "messageType": 3,
    "paramRequestList": Array [
      1,
      3,
      6,
      12,
      15,
      28,
      42,
    ],
    "relayAgent": Array [
      Object {
        "code": 1,
        "data": "65746831",
      },
    ],
    "requestedIp": "10.79.0.100",
    "serverId": "10.77.0.1",
    "vendorClass": "PXEClient:Arch:00000:UNDI:003001",
  },
}
`

exports[`test/dhcp/corpus.test.ts > TAP > dnsmasq-udhcpc-arch0-discover.bin > decoded 1`] = `
Object {
  "facts": Object {
    "arch": 0,
    "broadcast": false,
    "ciaddr": null,
    "clientId": "01525400aa0300",
    "firmware": "bios",
    "hostname": null,
    "httpClient": false,
    "ipxe": false,
    "mac": "52:54:00:aa:03:00",
    "pxeClient": true,
    "relay": null,
    "requestedIp": null,
    "serverId": null,
    "type": "DISCOVER",
    "typeNumber": 1,
    "userClass": Array [],
    "uuid": null,
    "uuidRaw": null,
    "vendorClass": "PXEClient:Arch:00000:UNDI:003001",
    "xid": 3670692937,
  },
  "header": Object {
    "chaddr": "525400aa030000000000000000000000",
    "ciaddr": "0.0.0.0",
    "file": "",
    "flags": 0,
    "giaddr": "0.0.0.0",
    "hlen": 6,
    "hops": 0,
    "htype": 1,
    "op": 1,
    "secs": 0,
    "siaddr": "0.0.0.0",
    "sname": "",
    "xid": 3670692937,
    "yiaddr": "0.0.0.0",
  },
  "options": Array [
    Object {
      "code": 53,
      "hex": "01",
    },
    Object {
      "code": 57,
      "hex": "0240",
    },
    Object {
      "code": 55,
      "hex": "0103060c0f1c2a",
    },
    Object {
      "code": 60,
      "hex": "505845436c69656e743a417263683a30303030303a554e44493a303033303031",
    },
    Object {
      "code": 61,
      "hex": "01525400aa0300",
    },
    Object {
      "code": 93,
      "hex": "0000",
    },
  ],
  "trailer": "0 bytes",
  "typed": Object {
    "clientArch": Array [
      0,
    ],
    "clientId": Object {
      "id": "525400aa0300",
      "type": 1,
    },
    "maxMessageSize": 576,
    "messageType": 1,
    "paramRequestList": Array [
      1,
      3,
      6,
      12,
      15,
      28,
      42,
    ],
    "vendorClass": "PXEClient:Arch:00000:UNDI:003001",
  },
}
`

exports[`test/dhcp/corpus.test.ts > TAP > dnsmasq-udhcpc-arch0-reply-ack.bin > decoded 1`] = `
Object {
  "facts": Object {
    "arch": null,
    "broadcast": false,
    "ciaddr": null,
    "clientId": null,
    "firmware": "unknown",
    "hostname": null,
    "httpClient": false,
    "ipxe": false,
    "mac": "52:54:00:aa:03:00",
    "pxeClient": false,
    "relay": null,
    "requestedIp": null,
    "serverId": "10.77.0.1",
    "type": "ACK",
    "typeNumber": 5,
    "userClass": Array [],
    "uuid": null,
    "uuidRaw": null,
    "vendorClass": null,
    "xid": 3670692937,
  },
  "header": Object {
    "chaddr": "525400aa030000000000000000000000",
    "ciaddr": "0.0.0.0",
    "file": "undionly.kpxe",
    "flags": 0,
    "giaddr": "0.0.0.0",
    "hlen": 6,
    "hops": 0,
    "htype": 1,
    "op": 2,
    "secs": 0,
    "siaddr": "10.77.0.1",
    "sname": "",
    "xid": 3670692937,
    "yiaddr": "10.77.0.66",
  },
  "options": Array [
    Object {
      "code": 53,
      "hex": "05",
    },
    Object {
      "code": 54,
      "hex": "0a4d0001",
    },
    Object {
      "code": 51,
      "hex": "00000e10",
    },
    Object {
      "code": 58,
      "hex": "00000708",
    },
    Object {
      "code": 59,
      "hex": "00000c4e",
    },
    Object {
      "code": 1,
      "hex": "ffffff00",
    },
    Object {
      "code": 28,
      "hex": "0a4d00ff",
    },
    Object {
      "code": 3,
      "hex": "0a4d0001",
    },
  ],
  "trailer": "14 bytes",
  "typed": Object {
    "leaseTime": 3600,
    "messageType": 5,
    "routers": Array [
      "10.77.0.1",
    ],
    "serverId": "10.77.0.1",
    "subnetMask": "255.255.255.0",
  },
}
`

exports[`test/dhcp/corpus.test.ts > TAP > dnsmasq-udhcpc-arch0-reply-offer.bin > decoded 1`] = `
Object {
  "facts": Object {
    "arch": null,
    "broadcast": false,
    "ciaddr": null,
    "clientId": null,
    "firmware": "unknown",
    "hostname": null,
    "httpClient": false,
    "ipxe": false,
    "mac": "52:54:00:aa:03:00",
    "pxeClient": false,
    "relay": null,
    "requestedIp": null,
    "serverId": "10.77.0.1",
    "type": "OFFER",
    "typeNumber": 2,
    "userClass": Array [],
    "uuid": null,
    "uuidRaw": null,
    "vendorClass": null,
    "xid": 3670692937,
  },
  "header": Object {
    "chaddr": "525400aa030000000000000000000000",
    "ciaddr": "0.0.0.0",
    "file": "undionly.kpxe",
    "flags": 0,
    "giaddr": "0.0.0.0",
    "hlen": 6,
    "hops": 0,
    "htype": 1,
    "op": 2,
    "secs": 0,
    "siaddr": "10.77.0.1",
    "sname": "",
    "xid": 3670692937,
    "yiaddr": "10.77.0.66",
  },
  "options": Array [
    Object {
      "code": 53,
      "hex": "02",
    },
    Object {
      "code": 54,
      "hex": "0a4d0001",
    },
    Object {
      "code": 51,
      "hex": "00000e10",
    },
    Object {
      "code": 58,
      "hex": "00000708",
    },
    Object {
      "code": 59,
      "hex": "00000c4e",
    },
    Object {
      "code": 1,
      "hex": "ffffff00",
    },
    Object {
      "code": 28,
      "hex": "0a4d00ff",
    },
    Object {
      "code": 3,
      "hex": "0a4d0001",
    },
  ],
  "trailer": "14 bytes",
  "typed": Object {
    "leaseTime": 3600,
    "messageType": 2,
    "routers": Array [
      "10.77.0.1",
    ],
    "serverId": "10.77.0.1",
    "subnetMask": "255.255.255.0",
  },
}
`

exports[`test/dhcp/corpus.test.ts > TAP > dnsmasq-udhcpc-arch0-request.bin > decoded 1`] = `
Object {
  "facts": Object {
    "arch": 0,
    "broadcast": false,
    "ciaddr": null,
    "clientId": "01525400aa0300",
    "firmware": "bios",
    "hostname": null,
    "httpClient": false,
    "ipxe": false,
    "mac": "52:54:00:aa:03:00",
    "pxeClient": true,
    "relay": null,
    "requestedIp": "10.77.0.66",
    "serverId": "10.77.0.1",
    "type": "REQUEST",
    "typeNumber": 3,
    "userClass": Array [],
    "uuid": null,
    "uuidRaw": null,
    "vendorClass": "PXEClient:Arch:00000:UNDI:003001",
    "xid": 3670692937,
  },
  "header": Object {
    "chaddr": "525400aa030000000000000000000000",
    "ciaddr": "0.0.0.0",
    "file": "",
    "flags": 0,
    "giaddr": "0.0.0.0",
    "hlen": 6,
    "hops": 0,
    "htype": 1,
    "op": 1,
    "secs": 0,
    "siaddr": "0.0.0.0",
    "sname": "",
    "xid": 3670692937,
    "yiaddr": "0.0.0.0",
  },
  "options": Array [
    Object {
      "code": 53,
      "hex": "03",
    },
    Object {
      "code": 50,
      "hex": "0a4d0042",
    },
    Object {
      "code": 54,
      "hex": "0a4d0001",
    },
    Object {
      "code": 57,
      "hex": "0240",
    },
    Object {
      "code": 55,
      "hex": "0103060c0f1c2a",
    },
    Object {
      "code": 60,
      "hex": "505845436c69656e743a417263683a30303030303a554e44493a303033303031",
    },
    Object {
      "code": 61,
      "hex": "01525400aa0300",
    },
    Object {
      "code": 93,
      "hex": "0000",
    },
  ],
  "trailer": "0 bytes",
  "typed": Object {
    "clientArch": Array [
      0,
    ],
    "clientId": Object {
      "id": "525400aa0300",
      "type": 1,
    },
    "maxMessageSize": 576,
    "messageType": 3,
    "paramRequestList": Array [
      1,
      3,
      6,
      12,
      15,
      28,
      42,
    ],
    "requestedIp": "10.77.0.66",
    "serverId": "10.77.0.1",
    "vendorClass": "PXEClient:Arch:00000:UNDI:003001",
  },
}
`

exports[`test/dhcp/corpus.test.ts > TAP > qemu-ipxe-bios-discover.bin > decoded 1`] = `
Object {
  "facts": Object {
    "arch": 0,
    "broadcast": false,
    "ciaddr": null,
    "clientId": "01525400123456",
    "firmware": "bios",
    "hostname": null,
    "httpClient": false,
    "ipxe": true,
    "mac": "52:54:00:12:34:56",
    "pxeClient": true,
    "relay": null,
    "requestedIp": null,
    "serverId": null,
    "type": "DISCOVER",
    "typeNumber": 1,
    "userClass": Array [
      "iPXE",
    ],
    "uuid": "00000000-0000-0000-0000-000000000000",
    "uuidRaw": "0000000000000000000000000000000000",
    "vendorClass": "PXEClient:Arch:00000:UNDI:002001",
    "xid": 4043919409,
  },
  "header": Object {
    "chaddr": "52540012345600000000000000000000",
    "ciaddr": "0.0.0.0",
    "file": "",
    "flags": 0,
    "giaddr": "0.0.0.0",
    "hlen": 6,
    "hops": 0,
    "htype": 1,
    "op": 1,
    "secs": 4,
    "siaddr": "0.0.0.0",
    "sname": "",
    "xid": 4043919409,
    "yiaddr": "0.0.0.0",
  },
  "options": Array [
    Object {
      "code": 53,
      "hex": "01",
    },
    Object {
      "code": 57,
      "hex": "05c0",
    },
    Object {
      "code": 93,
      "hex": "0000",
    },
    Object {
      "code": 94,
      "hex": "010201",
    },
    Object {
      "code": 60,
      "hex": "505845436c69656e743a417263683a30303030303a554e44493a303032303031",
    },
    Object {
      "code": 77,
      "hex": "69505845",
    },
    Object {
      "code": 55,
      "hex": "010306070c0f111a2b3c4243778081828384858687afcb",
    },
    Object {
      "code": 175,
      "hex": "b105018086100eeb03010000170101220101130101110101270101190101290101100102210101150101180101120101",
    },
    Object {
      "code": 61,
      "hex": "01525400123456",
    },
    Object {
      "code": 97,
      "hex": "0000000000000000000000000000000000",
    },
  ],
  "trailer": "0 bytes",
  "typed": Object {
    "clientArch": Array [
      0,
    ],
    "clientId": Object {
      "id": "525400123456",
      "type": 1,
    },
    "clientNdi": Object {
      "major": 2,
      "minor": 1,
      "type": 1,
    },
    "clientUuid": Object {
      "raw": "0000000000000000000000000000000000",
      "type": 0,
      "uuid": "00000000-0000-0000-0000-000000000000",
    },
    "ipxe": Array [
      Object {
        "code": 177,
        "data": "018086100e",
      },
      Object {
        "code": 235,
        "data": "010000",
      },
      Object {
        "code": 23,
        "data": "01",
      },
      Object {
        "code": 34,
        "data": "01",
      },
      Object {
        "code": 19,
        "data": "01",
      },
      Object {
        "code": 17,
        "data": "01",
      },
      Object {
        "code": 39,
        "data": "01",
      },
      Object {
        "code": 25,
        "data": "01",
      },
      Object {
        "code": 41,
        "data": "01",
      },
      Object {
        "code": 16,
        "data": "02",
      },
      Object {
        "code": 33,
        "data": "01",
      },
      Object {
        "code": 21,
        "data": "01",
      },
      Object {
        "code": 24,
        "data": "01",
      },
      Object {
        "code": 18,
        "data": "01",
      },
    ],
    "maxMessageSize": 1472,
    "messageType": 1,
    "paramRequestList": Array [
      1,
      3,
      6,
      7,
      12,
      15,
      17,
      26,
      43,
      60,
      66,
      67,
      119,
      128,
      129,
      130,
      131,
      132,
      133,
      134,
      135,
      175,
      203,
    ],
    "userClass": Array [
      "iPXE",
    ],
    "vendorClass": "PXEClient:Arch:00000:UNDI:002001",
  },
}
`

exports[`test/dhcp/corpus.test.ts > TAP > synth-ipxe-bios-discover.bin > decoded 1`] = `
Object {
  "facts": Object {
    "arch": 0,
    "broadcast": false,
    "ciaddr": null,
    "clientId": "01525400123457",
    "firmware": "bios",
    "hostname": null,
    "httpClient": false,
    "ipxe": true,
    "mac": "52:54:00:12:34:57",
    "pxeClient": true,
    "relay": null,
    "requestedIp": null,
    "serverId": null,
    "type": "DISCOVER",
    "typeNumber": 1,
    "userClass": Array [
      "iPXE",
    ],
    "uuid": null,
    "uuidRaw": "00010203",
    "vendorClass": "PXEClient:Arch:00000:UNDI:002001",
    "xid": 195939070,
  },
  "header": Object {
    "chaddr": "52540012345700000000000000000000",
    "ciaddr": "0.0.0.0",
    "file": "",
    "flags": 0,
    "giaddr": "0.0.0.0",
    "hlen": 6,
    "hops": 0,
    "htype": 1,
    "op": 1,
    "secs": 4,
    "siaddr": "0.0.0.0",
    "sname": "",
    "xid": 195939070,
    "yiaddr": "0.0.0.0",
  },
  "options": Array [
    Object {
      "code": 53,
      "hex": "01",
    },
    Object {
      "code": 57,
      "hex": "05dc",
    },
    Object {
      "code": 93,
      "hex": "0000",
    },
    Object {
      "code": 94,
      "hex": "010201",
    },
    Object {
      "code": 60,
      "hex": "505845436c69656e743a417263683a30303030303a554e44493a303032303031",
    },
    Object {
      "code": 77,
      "hex": "69505845",
    },
    Object {
      "code": 55,
      "hex": "010306070c0f111a2b3c4243778081828384858687afcb",
    },
    Object {
      "code": 175,
      "hex": "b105018086100e100101130101150101180101230101",
    },
    Object {
      "code": 61,
      "hex": "01525400123457",
    },
    Object {
      "code": 97,
      "hex": "00010203",
    },
  ],
  "trailer": "0 bytes",
  "typed": Object {
    "clientArch": Array [
      0,
    ],
    "clientId": Object {
      "id": "525400123457",
      "type": 1,
    },
    "clientNdi": Object {
      "major": 2,
      "minor": 1,
      "type": 1,
    },
    "clientUuid": Object {
      "raw": "00010203",
      "type": 0,
      "uuid": null,
    },
    "ipxe": Array [
      Object {
        "code": 177,
        "data": "018086100e",
      },
      Object {
        "code": 16,
        "data": "01",
      },
      Object {
        "code": 19,
        "data": "01",
      },
      Object {
        "code": 21,
        "data": "01",
      },
      Object {
        "code": 24,
        "data": "01",
      },
      Object {
        "code": 35,
        "data": "01",
      },
    ],
    "maxMessageSize": 1500,
    "messageType": 1,
    "paramRequestList": Array [
      1,
      3,
      6,
      7,
      12,
      15,
      17,
      26,
      43,
      60,
      66,
      67,
      119,
      128,
      129,
      130,
      131,
      132,
      133,
      134,
      135,
      175,
      203,
    ],
    "userClass": Array [
      "iPXE",
    ],
    "vendorClass": "PXEClient:Arch:00000:UNDI:002001",
  },
}
`

exports[`test/dhcp/corpus.test.ts > TAP > synth-long-option-request.bin > decoded 1`] = `
Object {
  "facts": Object {
    "arch": null,
    "broadcast": true,
    "ciaddr": null,
    "clientId": null,
    "firmware": "unknown",
    "hostname": null,
    "httpClient": false,
    "ipxe": false,
    "mac": "02:00:00:00:00:02",
    "pxeClient": false,
    "relay": null,
    "requestedIp": "10.77.0.150",
    "serverId": null,
    "type": "REQUEST",
    "typeNumber": 3,
    "userClass": Array [
      "abcd",
      "efgh",
    ],
    "uuid": null,
    "uuidRaw": null,
    "vendorClass": null,
    "xid": 858997828,
  },
  "header": Object {
    "chaddr": "02000000000200000000000000000000",
    "ciaddr": "0.0.0.0",
    "file": "",
    "flags": 32768,
    "giaddr": "0.0.0.0",
    "hlen": 6,
    "hops": 0,
    "htype": 1,
    "op": 1,
    "secs": 4,
    "siaddr": "0.0.0.0",
    "sname": "",
    "xid": 858997828,
    "yiaddr": "0.0.0.0",
  },
  "options": Array [
    Object {
      "code": 53,
      "hex": "03",
    },
    Object {
      "code": 43,
      "hex": "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b",
    },
    Object {
      "code": 77,
      "hex": "04616263640465666768",
      "split": Array [
        8,
        2,
      ],
    },
    Object {
      "code": 50,
      "hex": "0a4d0096",
    },
  ],
  "trailer": "0 bytes",
  "typed": Object {
    "messageType": 3,
    "requestedIp": "10.77.0.150",
    "userClass": Array [
      "abcd",
      "efgh",
    ],
  },
}
`

exports[`test/dhcp/corpus.test.ts > TAP > synth-overload-discover.bin > decoded 1`] = `
Object {
  "facts": Object {
    "arch": 0,
    "broadcast": true,
    "ciaddr": null,
    "clientId": null,
    "firmware": "bios",
    "hostname": "overloaded-host",
    "httpClient": false,
    "ipxe": false,
    "mac": "02:00:00:00:00:01",
    "pxeClient": true,
    "relay": null,
    "requestedIp": null,
    "serverId": null,
    "type": "DISCOVER",
    "typeNumber": 1,
    "userClass": Array [],
    "uuid": null,
    "uuidRaw": null,
    "vendorClass": "PXEClient:Arch:00000",
    "xid": 286335522,
  },
  "header": Object {
    "chaddr": "02000000000100000000000000000000",
    "ciaddr": "0.0.0.0",
    "file": "",
    "flags": 32768,
    "giaddr": "0.0.0.0",
    "hlen": 6,
    "hops": 0,
    "htype": 1,
    "op": 1,
    "secs": 4,
    "siaddr": "0.0.0.0",
    "sname": "",
    "xid": 286335522,
    "yiaddr": "0.0.0.0",
  },
  "options": Array [
    Object {
      "code": 53,
      "hex": "01",
    },
    Object {
      "code": 52,
      "hex": "03",
    },
    Object {
      "code": 93,
      "hex": "0000",
    },
    Object {
      "area": "file",
      "code": 12,
      "hex": "6f7665726c6f616465642d686f7374",
    },
    Object {
      "area": "file",
      "code": 43,
      "hex": "01040a000001",
    },
    Object {
      "area": "sname",
      "code": 60,
      "hex": "505845436c69656e743a417263683a3030303030",
    },
  ],
  "trailer": "20 bytes",
  "typed": Object {
    "clientArch": Array [
      0,
    ],
    "hostname": "overloaded-host",
    "messageType": 1,
    "overload": 3,
    "vendorClass": "PXEClient:Arch:00000",
    "vendorSpecific": Array [
      Object {
        "code": 1,
        "data": "0a000001",
      },
    ],
  },
}
`

exports[`test/dhcp/corpus.test.ts > TAP > synth-pxe-uefi-discover.bin > decoded 1`] = `
Object {
  "facts": Object {
    "arch": 7,
    "broadcast": true,
    "ciaddr": null,
    "clientId": null,
    "firmware": "uefi",
    "hostname": null,
    "httpClient": false,
    "ipxe": false,
    "mac": "52:54:00:12:34:56",
    "pxeClient": true,
    "relay": null,
    "requestedIp": null,
    "serverId": null,
    "type": "DISCOVER",
    "typeNumber": 1,
    "userClass": Array [],
    "uuid": "8a3b6f2e-1122-4d33-8044-525400123456",
    "uuidRaw": "008a3b6f2e11224d338044525400123456",
    "vendorClass": "PXEClient:Arch:00007:UNDI:003000",
    "xid": 472727119,
  },
  "header": Object {
    "chaddr": "52540012345600000000000000000000",
    "ciaddr": "0.0.0.0",
    "file": "",
    "flags": 32768,
    "giaddr": "0.0.0.0",
    "hlen": 6,
    "hops": 0,
    "htype": 1,
    "op": 1,
    "secs": 4,
    "siaddr": "0.0.0.0",
    "sname": "",
    "xid": 472727119,
    "yiaddr": "0.0.0.0",
  },
  "options": Array [
    Object {
      "code": 53,
      "hex": "01",
    },
    Object {
      "code": 57,
      "hex": "05c0",
    },
    Object {
      "code": 55,
      "hex": "0102030405060c0d0f111216171c28292a2b3233363a3b3c4243618081828384858687",
    },
    Object {
      "code": 97,
      "hex": "008a3b6f2e11224d338044525400123456",
    },
    Object {
      "code": 94,
      "hex": "010300",
    },
    Object {
      "code": 93,
      "hex": "0007",
    },
    Object {
      "code": 60,
      "hex": "505845436c69656e743a417263683a30303030373a554e44493a303033303030",
    },
  ],
  "trailer": "201 bytes",
  "typed": Object {
    "clientArch": Array [
      7,
    ],
    "clientNdi": Object {
      "major": 3,
      "minor": 0,
      "type": 1,
    },
    "clientUuid": Object {
      "raw": "008a3b6f2e11224d338044525400123456",
      "type": 0,
      "uuid": "8a3b6f2e-1122-4d33-8044-525400123456",
    },
    "maxMessageSize": 1472,
    "messageType": 1,
    "paramRequestList": Array [
      1,
      2,
      3,
      4,
      5,
      6,
      12,
      13,
      15,
      17,
      18,
      22,
      23,
      28,
      40,
      41,
      42,
      43,
      50,
      51,
      54,
      58,
      59,
      60,
      66,
      67,
      97,
      128,
      129,
      130,
      131,
      132,
      133,
      134,
      135,
    ],
    "vendorClass": "PXEClient:Arch:00007:UNDI:003000",
  },
}
`

exports[`test/dhcp/corpus.test.ts > TAP > udhcpc-arch0-discover.bin > decoded 1`] = `
Object {
  "facts": Object {
    "arch": 0,
    "broadcast": false,
    "ciaddr": null,
    "clientId": "01525400aa0000",
    "firmware": "bios",
    "hostname": null,
    "httpClient": false,
    "ipxe": false,
    "mac": "52:54:00:aa:00:00",
    "pxeClient": true,
    "relay": null,
    "requestedIp": null,
    "serverId": null,
    "type": "DISCOVER",
    "typeNumber": 1,
    "userClass": Array [],
    "uuid": null,
    "uuidRaw": null,
    "vendorClass": "PXEClient:Arch:00000:UNDI:003001",
    "xid": 3637117510,
  },
  "header": Object {
    "chaddr": "525400aa000000000000000000000000",
    "ciaddr": "0.0.0.0",
    "file": "",
    "flags": 0,
    "giaddr": "0.0.0.0",
    "hlen": 6,
    "hops": 0,
    "htype": 1,
    "op": 1,
    "secs": 0,
    "siaddr": "0.0.0.0",
    "sname": "",
    "xid": 3637117510,
    "yiaddr": "0.0.0.0",
  },
  "options": Array [
    Object {
      "code": 53,
      "hex": "01",
    },
    Object {
      "code": 57,
      "hex": "0240",
    },
    Object {
      "code": 55,
      "hex": "0103060c0f1c2a",
    },
    Object {
      "code": 60,
      "hex": "505845436c69656e743a417263683a30303030303a554e44493a303033303031",
    },
    Object {
      "code": 61,
      "hex": "01525400aa0000",
    },
    Object {
      "code": 93,
      "hex": "0000",
    },
  ],
  "trailer": "0 bytes",
  "typed": Object {
    "clientArch": Array [
      0,
    ],
    "clientId": Object {
      "id": "525400aa0000",
      "type": 1,
    },
    "maxMessageSize": 576,
    "messageType": 1,
    "paramRequestList": Array [
      1,
      3,
      6,
      12,
      15,
      28,
      42,
    ],
    "vendorClass": "PXEClient:Arch:00000:UNDI:003001",
  },
}
`

exports[`test/dhcp/corpus.test.ts > TAP > udhcpc-arch0-reply-ack.bin > decoded 1`] = `
Object {
  "facts": Object {
    "arch": null,
    "broadcast": false,
    "ciaddr": null,
    "clientId": null,
    "firmware": "unknown",
    "hostname": null,
    "httpClient": false,
    "ipxe": false,
    "mac": "52:54:00:aa:00:00",
    "pxeClient": true,
    "relay": null,
    "requestedIp": null,
    "serverId": "10.77.0.1",
    "type": "ACK",
    "typeNumber": 5,
    "userClass": Array [],
    "uuid": null,
    "uuidRaw": null,
    "vendorClass": "PXEClient",
    "xid": 3637117510,
  },
  "header": Object {
    "chaddr": "525400aa000000000000000000000000",
    "ciaddr": "0.0.0.0",
    "file": "undionly.kpxe",
    "flags": 0,
    "giaddr": "0.0.0.0",
    "hlen": 6,
    "hops": 0,
    "htype": 1,
    "op": 2,
    "secs": 0,
    "siaddr": "10.77.0.1",
    "sname": "",
    "xid": 3637117510,
    "yiaddr": "10.77.0.100",
  },
  "options": Array [
    Object {
      "code": 53,
      "hex": "05",
    },
    Object {
      "code": 54,
      "hex": "0a4d0001",
    },
    Object {
      "code": 51,
      "hex": "00000e10",
    },
    Object {
      "code": 58,
      "hex": "00000708",
    },
    Object {
      "code": 59,
      "hex": "00000c4e",
    },
    Object {
      "code": 1,
      "hex": "ffffff00",
    },
    Object {
      "code": 3,
      "hex": "0a4d0001",
    },
    Object {
      "code": 6,
      "hex": "0a4d0001",
    },
    Object {
      "code": 60,
      "hex": "505845436c69656e74",
    },
    Object {
      "code": 43,
      "hex": "060108ff",
    },
  ],
  "trailer": "0 bytes",
  "typed": Object {
    "dns": Array [
      "10.77.0.1",
    ],
    "leaseTime": 3600,
    "messageType": 5,
    "routers": Array [
      "10.77.0.1",
    ],
    "serverId": "10.77.0.1",
    "subnetMask": "255.255.255.0",
    "vendorClass": "PXEClient",
    "vendorSpecific": Array [
      Object {
        "code": 6,
        "data": "08",
      },
    ],
  },
}
`

exports[`test/dhcp/corpus.test.ts > TAP > udhcpc-arch0-reply-offer.bin > decoded 1`] = `
Object {
  "facts": Object {
    "arch": null,
    "broadcast": false,
    "ciaddr": null,
    "clientId": null,
    "firmware": "unknown",
    "hostname": null,
    "httpClient": false,
    "ipxe": false,
    "mac": "52:54:00:aa:00:00",
    "pxeClient": true,
    "relay": null,
    "requestedIp": null,
    "serverId": "10.77.0.1",
    "type": "OFFER",
    "typeNumber": 2,
    "userClass": Array [],
    "uuid": null,
    "uuidRaw": null,
    "vendorClass": "PXEClient",
    "xid": 3637117510,
  },
  "header": Object {
    "chaddr": "525400aa000000000000000000000000",
    "ciaddr": "0.0.0.0",
    "file": "undionly.kpxe",
    "flags": 0,
    "giaddr": "0.0.0.0",
    "hlen": 6,
    "hops": 0,
    "htype": 1,
    "op": 2,
    "secs": 0,
    "siaddr": "10.77.0.1",
    "sname": "",
    "xid": 3637117510,
    "yiaddr": "10.77.0.100",
  },
  "options": Array [
    Object {
      "code": 53,
      "hex": "02",
    },
    Object {
      "code": 54,
      "hex": "0a4d0001",
    },
    Object {
      "code": 51,
      "hex": "00000e10",
    },
    Object {
      "code": 58,
      "hex": "00000708",
    },
    Object {
      "code": 59,
      "hex": "00000c4e",
    },
    Object {
      "code": 1,
      "hex": "ffffff00",
    },
    Object {
      "code": 3,
      "hex": "0a4d0001",
    },
    Object {
      "code": 6,
      "hex": "0a4d0001",
    },
    Object {
      "code": 60,
      "hex": "505845436c69656e74",
    },
    Object {
      "code": 43,
      "hex": "060108ff",
    },
  ],
  "trailer": "0 bytes",
  "typed": Object {
    "dns": Array [
      "10.77.0.1",
    ],
    "leaseTime": 3600,
    "messageType": 2,
    "routers": Array [
      "10.77.0.1",
    ],
    "serverId": "10.77.0.1",
    "subnetMask": "255.255.255.0",
    "vendorClass": "PXEClient",
    "vendorSpecific": Array [
      Object {
        "code": 6,
        "data": "08",
      },
    ],
  },
}
`

exports[`test/dhcp/corpus.test.ts > TAP > udhcpc-arch0-request.bin > decoded 1`] = `
Object {
  "facts": Object {
    "arch": 0,
    "broadcast": false,
    "ciaddr": null,
    "clientId": "01525400aa0000",
    "firmware": "bios",
    "hostname": null,
    "httpClient": false,
    "ipxe": false,
    "mac": "52:54:00:aa:00:00",
    "pxeClient": true,
    "relay": null,
    "requestedIp": "10.77.0.100",
    "serverId": "10.77.0.1",
    "type": "REQUEST",
    "typeNumber": 3,
    "userClass": Array [],
    "uuid": null,
    "uuidRaw": null,
    "vendorClass": "PXEClient:Arch:00000:UNDI:003001",
    "xid": 3637117510,
  },
  "header": Object {
    "chaddr": "525400aa000000000000000000000000",
    "ciaddr": "0.0.0.0",
    "file": "",
    "flags": 0,
    "giaddr": "0.0.0.0",
    "hlen": 6,
    "hops": 0,
    "htype": 1,
    "op": 1,
    "secs": 0,
    "siaddr": "0.0.0.0",
    "sname": "",
    "xid": 3637117510,
    "yiaddr": "0.0.0.0",
  },
  "options": Array [
    Object {
      "code": 53,
      "hex": "03",
    },
    Object {
      "code": 50,
      "hex": "0a4d0064",
    },
    Object {
      "code": 54,
      "hex": "0a4d0001",
    },
    Object {
      "code": 57,
      "hex": "0240",
    },
    Object {
      "code": 55,
      "hex": "0103060c0f1c2a",
    },
    Object {
      "code": 60,
      "hex": "505845436c69656e743a417263683a30303030303a554e44493a303033303031",
    },
    Object {
      "code": 61,
      "hex": "01525400aa0000",
    },
    Object {
      "code": 93,
      "hex": "0000",
    },
  ],
  "trailer": "0 bytes",
  "typed": Object {
    "clientArch": Array [
      0,
    ],
    "clientId": Object {
      "id": "525400aa0000",
      "type": 1,
    },
    "maxMessageSize": 576,
    "messageType": 3,
    "paramRequestList": Array [
      1,
      3,
      6,
      12,
      15,
      28,
      42,
    ],
    "requestedIp": "10.77.0.100",
    "serverId": "10.77.0.1",
    "vendorClass": "PXEClient:Arch:00000:UNDI:003001",
  },
}
`

exports[`test/dhcp/corpus.test.ts > TAP > udhcpc-arch16-discover.bin > decoded 1`] = `
Object {
  "facts": Object {
    "arch": 16,
    "broadcast": false,
    "ciaddr": null,
    "clientId": "01525400aa0010",
    "firmware": "uefi-http",
    "hostname": null,
    "httpClient": true,
    "ipxe": false,
    "mac": "52:54:00:aa:00:10",
    "pxeClient": false,
    "relay": null,
    "requestedIp": null,
    "serverId": null,
    "type": "DISCOVER",
    "typeNumber": 1,
    "userClass": Array [],
    "uuid": null,
    "uuidRaw": null,
    "vendorClass": "HTTPClient:Arch:00016:UNDI:003001",
    "xid": 811561262,
  },
  "header": Object {
    "chaddr": "525400aa001000000000000000000000",
    "ciaddr": "0.0.0.0",
    "file": "",
    "flags": 0,
    "giaddr": "0.0.0.0",
    "hlen": 6,
    "hops": 0,
    "htype": 1,
    "op": 1,
    "secs": 0,
    "siaddr": "0.0.0.0",
    "sname": "",
    "xid": 811561262,
    "yiaddr": "0.0.0.0",
  },
  "options": Array [
    Object {
      "code": 53,
      "hex": "01",
    },
    Object {
      "code": 57,
      "hex": "0240",
    },
    Object {
      "code": 55,
      "hex": "0103060c0f1c2a",
    },
    Object {
      "code": 60,
      "hex": "48545450436c69656e743a417263683a30303031363a554e44493a303033303031",
    },
    Object {
      "code": 61,
      "hex": "01525400aa0010",
    },
    Object {
      "code": 93,
      "hex": "0010",
    },
  ],
  "trailer": "0 bytes",
  "typed": Object {
    "clientArch": Array [
      16,
    ],
    "clientId": Object {
      "id": "525400aa0010",
      "type": 1,
    },
    "maxMessageSize": 576,
    "messageType": 1,
    "paramRequestList": Array [
      1,
      3,
      6,
      12,
      15,
      28,
      42,
    ],
    "vendorClass": "HTTPClient:Arch:00016:UNDI:003001",
  },
}
`

exports[`test/dhcp/corpus.test.ts > TAP > udhcpc-arch16-reply-ack.bin > decoded 1`] = `
Object {
  "facts": Object {
    "arch": null,
    "broadcast": false,
    "ciaddr": null,
    "clientId": null,
    "firmware": "unknown",
    "hostname": null,
    "httpClient": true,
    "ipxe": false,
    "mac": "52:54:00:aa:00:10",
    "pxeClient": false,
    "relay": null,
    "requestedIp": null,
    "serverId": "10.77.0.1",
    "type": "ACK",
    "typeNumber": 5,
    "userClass": Array [],
    "uuid": null,
    "uuidRaw": null,
    "vendorClass": "HTTPClient",
    "xid": 811561262,
  },
  "header": Object {
    "chaddr": "525400aa001000000000000000000000",
    "ciaddr": "0.0.0.0",
    "file": "http://10.77.0.1:8080/boot/files/ipxe.efi",
    "flags": 0,
    "giaddr": "0.0.0.0",
    "hlen": 6,
    "hops": 0,
    "htype": 1,
    "op": 2,
    "secs": 0,
    "siaddr": "0.0.0.0",
    "sname": "",
    "xid": 811561262,
    "yiaddr": "10.77.0.102",
  },
  "options": Array [
    Object {
      "code": 53,
      "hex": "05",
    },
    Object {
      "code": 54,
      "hex": "0a4d0001",
    },
    Object {
      "code": 51,
      "hex": "00000e10",
    },
    Object {
      "code": 58,
      "hex": "00000708",
    },
    Object {
      "code": 59,
      "hex": "00000c4e",
    },
    Object {
      "code": 1,
      "hex": "ffffff00",
    },
    Object {
      "code": 3,
      "hex": "0a4d0001",
    },
    Object {
      "code": 6,
      "hex": "0a4d0001",
    },
    Object {
      "code": 60,
      "hex": "48545450436c69656e74",
    },
  ],
  "trailer": "0 bytes",
  "typed": Object {
    "dns": Array [
      "10.77.0.1",
    ],
    "leaseTime": 3600,
    "messageType": 5,
    "routers": Array [
      "10.77.0.1",
    ],
    "serverId": "10.77.0.1",
    "subnetMask": "255.255.255.0",
    "vendorClass": "HTTPClient",
  },
}
`

exports[`test/dhcp/corpus.test.ts > TAP > udhcpc-arch16-reply-offer.bin > decoded 1`] = `
Object {
  "facts": Object {
    "arch": null,
    "broadcast": false,
    "ciaddr": null,
    "clientId": null,
    "firmware": "unknown",
    "hostname": null,
    "httpClient": true,
    "ipxe": false,
    "mac": "52:54:00:aa:00:10",
    "pxeClient": false,
    "relay": null,
    "requestedIp": null,
    "serverId": "10.77.0.1",
    "type": "OFFER",
    "typeNumber": 2,
    "userClass": Array [],
    "uuid": null,
    "uuidRaw": null,
    "vendorClass": "HTTPClient",
    "xid": 811561262,
  },
  "header": Object {
    "chaddr": "525400aa001000000000000000000000",
    "ciaddr": "0.0.0.0",
    "file": "http://10.77.0.1:8080/boot/files/ipxe.efi",
    "flags": 0,
    "giaddr": "0.0.0.0",
    "hlen": 6,
    "hops": 0,
    "htype": 1,
    "op": 2,
    "secs": 0,
    "siaddr": "0.0.0.0",
    "sname": "",
    "xid": 811561262,
    "yiaddr": "10.77.0.102",
  },
  "options": Array [
    Object {
      "code": 53,
      "hex": "02",
    },
    Object {
      "code": 54,
      "hex": "0a4d0001",
    },
    Object {
      "code": 51,
      "hex": "00000e10",
    },
    Object {
      "code": 58,
      "hex": "00000708",
    },
    Object {
      "code": 59,
      "hex": "00000c4e",
    },
    Object {
      "code": 1,
      "hex": "ffffff00",
    },
    Object {
      "code": 3,
      "hex": "0a4d0001",
    },
    Object {
      "code": 6,
      "hex": "0a4d0001",
    },
    Object {
      "code": 60,
      "hex": "48545450436c69656e74",
    },
  ],
  "trailer": "0 bytes",
  "typed": Object {
    "dns": Array [
      "10.77.0.1",
    ],
    "leaseTime": 3600,
    "messageType": 2,
    "routers": Array [
      "10.77.0.1",
    ],
    "serverId": "10.77.0.1",
    "subnetMask": "255.255.255.0",
    "vendorClass": "HTTPClient",
  },
}
`

exports[`test/dhcp/corpus.test.ts > TAP > udhcpc-arch16-request.bin > decoded 1`] = `
Object {
  "facts": Object {
    "arch": 16,
    "broadcast": false,
    "ciaddr": null,
    "clientId": "01525400aa0010",
    "firmware": "uefi-http",
    "hostname": null,
    "httpClient": true,
    "ipxe": false,
    "mac": "52:54:00:aa:00:10",
    "pxeClient": false,
    "relay": null,
    "requestedIp": "10.77.0.102",
    "serverId": "10.77.0.1",
    "type": "REQUEST",
    "typeNumber": 3,
    "userClass": Array [],
    "uuid": null,
    "uuidRaw": null,
    "vendorClass": "HTTPClient:Arch:00016:UNDI:003001",
    "xid": 811561262,
  },
  "header": Object {
    "chaddr": "525400aa001000000000000000000000",
    "ciaddr": "0.0.0.0",
    "file": "",
    "flags": 0,
    "giaddr": "0.0.0.0",
    "hlen": 6,
    "hops": 0,
    "htype": 1,
    "op": 1,
    "secs": 0,
    "siaddr": "0.0.0.0",
    "sname": "",
    "xid": 811561262,
    "yiaddr": "0.0.0.0",
  },
  "options": Array [
    Object {
      "code": 53,
      "hex": "03",
    },
    Object {
      "code": 50,
      "hex": "0a4d0066",
    },
    Object {
      "code": 54,
      "hex": "0a4d0001",
    },
    Object {
      "code": 57,
      "hex": "0240",
    },
    Object {
      "code": 55,
      "hex": "0103060c0f1c2a",
    },
    Object {
      "code": 60,
      "hex": "48545450436c69656e743a417263683a30303031363a554e44493a303033303031",
    },
    Object {
      "code": 61,
      "hex": "01525400aa0010",
    },
    Object {
      "code": 93,
      "hex": "0010",
    },
  ],
  "trailer": "0 bytes",
  "typed": Object {
    "clientArch": Array [
      16,
    ],
    "clientId": Object {
      "id": "525400aa0010",
      "type": 1,
    },
    "maxMessageSize": 576,
    "messageType": 3,
    "paramRequestList": Array [
      1,
      3,
      6,
      12,
      15,
      28,
      42,
    ],
    "requestedIp": "10.77.0.102",
    "serverId": "10.77.0.1",
    "vendorClass": "HTTPClient:Arch:00016:UNDI:003001",
  },
}
`

exports[`test/dhcp/corpus.test.ts > TAP > udhcpc-arch7-discover.bin > decoded 1`] = `
Object {
  "facts": Object {
    "arch": 7,
    "broadcast": false,
    "ciaddr": null,
    "clientId": "01525400aa0007",
    "firmware": "uefi",
    "hostname": null,
    "httpClient": false,
    "ipxe": false,
    "mac": "52:54:00:aa:00:07",
    "pxeClient": true,
    "relay": null,
    "requestedIp": null,
    "serverId": null,
    "type": "DISCOVER",
    "typeNumber": 1,
    "userClass": Array [],
    "uuid": null,
    "uuidRaw": null,
    "vendorClass": "PXEClient:Arch:00007:UNDI:003001",
    "xid": 326591563,
  },
  "header": Object {
    "chaddr": "525400aa000700000000000000000000",
    "ciaddr": "0.0.0.0",
    "file": "",
    "flags": 0,
    "giaddr": "0.0.0.0",
    "hlen": 6,
    "hops": 0,
    "htype": 1,
    "op": 1,
    "secs": 0,
    "siaddr": "0.0.0.0",
    "sname": "",
    "xid": 326591563,
    "yiaddr": "0.0.0.0",
  },
  "options": Array [
    Object {
      "code": 53,
      "hex": "01",
    },
    Object {
      "code": 57,
      "hex": "0240",
    },
    Object {
      "code": 55,
      "hex": "0103060c0f1c2a",
    },
    Object {
      "code": 60,
      "hex": "505845436c69656e743a417263683a30303030373a554e44493a303033303031",
    },
    Object {
      "code": 61,
      "hex": "01525400aa0007",
    },
    Object {
      "code": 93,
      "hex": "0007",
    },
  ],
  "trailer": "0 bytes",
  "typed": Object {
    "clientArch": Array [
      7,
    ],
    "clientId": Object {
      "id": "525400aa0007",
      "type": 1,
    },
    "maxMessageSize": 576,
    "messageType": 1,
    "paramRequestList": Array [
      1,
      3,
      6,
      12,
      15,
      28,
      42,
    ],
    "vendorClass": "PXEClient:Arch:00007:UNDI:003001",
  },
}
`

exports[`test/dhcp/corpus.test.ts > TAP > udhcpc-arch7-reply-ack.bin > decoded 1`] = `
Object {
  "facts": Object {
    "arch": null,
    "broadcast": false,
    "ciaddr": null,
    "clientId": null,
    "firmware": "unknown",
    "hostname": null,
    "httpClient": false,
    "ipxe": false,
    "mac": "52:54:00:aa:00:07",
    "pxeClient": true,
    "relay": null,
    "requestedIp": null,
    "serverId": "10.77.0.1",
    "type": "ACK",
    "typeNumber": 5,
    "userClass": Array [],
    "uuid": null,
    "uuidRaw": null,
    "vendorClass": "PXEClient",
    "xid": 326591563,
  },
  "header": Object {
    "chaddr": "525400aa000700000000000000000000",
    "ciaddr": "0.0.0.0",
    "file": "ipxe.efi",
    "flags": 0,
    "giaddr": "0.0.0.0",
    "hlen": 6,
    "hops": 0,
    "htype": 1,
    "op": 2,
    "secs": 0,
    "siaddr": "10.77.0.1",
    "sname": "",
    "xid": 326591563,
    "yiaddr": "10.77.0.101",
  },
  "options": Array [
    Object {
      "code": 53,
      "hex": "05",
    },
    Object {
      "code": 54,
      "hex": "0a4d0001",
    },
    Object {
      "code": 51,
      "hex": "00000e10",
    },
    Object {
      "code": 58,
      "hex": "00000708",
    },
    Object {
      "code": 59,
      "hex": "00000c4e",
    },
    Object {
      "code": 1,
      "hex": "ffffff00",
    },
    Object {
      "code": 3,
      "hex": "0a4d0001",
    },
    Object {
      "code": 6,
      "hex": "0a4d0001",
    },
    Object {
      "code": 60,
      "hex": "505845436c69656e74",
    },
    Object {
      "code": 43,
      "hex": "060108ff",
    },
  ],
  "trailer": "0 bytes",
  "typed": Object {
    "dns": Array [
      "10.77.0.1",
    ],
    "leaseTime": 3600,
    "messageType": 5,
    "routers": Array [
      "10.77.0.1",
    ],
    "serverId": "10.77.0.1",
    "subnetMask": "255.255.255.0",
    "vendorClass": "PXEClient",
    "vendorSpecific": Array [
      Object {
        "code": 6,
        "data": "08",
      },
    ],
  },
}
`

exports[`test/dhcp/corpus.test.ts > TAP > udhcpc-arch7-reply-offer.bin > decoded 1`] = `
Object {
  "facts": Object {
    "arch": null,
    "broadcast": false,
    "ciaddr": null,
    "clientId": null,
    "firmware": "unknown",
    "hostname": null,
    "httpClient": false,
    "ipxe": false,
    "mac": "52:54:00:aa:00:07",
    "pxeClient": true,
    "relay": null,
    "requestedIp": null,
    "serverId": "10.77.0.1",
    "type": "OFFER",
    "typeNumber": 2,
    "userClass": Array [],
    "uuid": null,
    "uuidRaw": null,
    "vendorClass": "PXEClient",
    "xid": 326591563,
  },
  "header": Object {
    "chaddr": "525400aa000700000000000000000000",
    "ciaddr": "0.0.0.0",
    "file": "ipxe.efi",
    "flags": 0,
    "giaddr": "0.0.0.0",
    "hlen": 6,
    "hops": 0,
    "htype": 1,
    "op": 2,
    "secs": 0,
    "siaddr": "10.77.0.1",
    "sname": "",
    "xid": 326591563,
    "yiaddr": "10.77.0.101",
  },
  "options": Array [
    Object {
      "code": 53,
      "hex": "02",
    },
    Object {
      "code": 54,
      "hex": "0a4d0001",
    },
    Object {
      "code": 51,
      "hex": "00000e10",
    },
    Object {
      "code": 58,
      "hex": "00000708",
    },
    Object {
      "code": 59,
      "hex": "00000c4e",
    },
    Object {
      "code": 1,
      "hex": "ffffff00",
    },
    Object {
      "code": 3,
      "hex": "0a4d0001",
    },
    Object {
      "code": 6,
      "hex": "0a4d0001",
    },
    Object {
      "code": 60,
      "hex": "505845436c69656e74",
    },
    Object {
      "code": 43,
      "hex": "060108ff",
    },
  ],
  "trailer": "0 bytes",
  "typed": Object {
    "dns": Array [
      "10.77.0.1",
    ],
    "leaseTime": 3600,
    "messageType": 2,
    "routers": Array [
      "10.77.0.1",
    ],
    "serverId": "10.77.0.1",
    "subnetMask": "255.255.255.0",
    "vendorClass": "PXEClient",
    "vendorSpecific": Array [
      Object {
        "code": 6,
        "data": "08",
      },
    ],
  },
}
`

exports[`test/dhcp/corpus.test.ts > TAP > udhcpc-arch7-request.bin > decoded 1`] = `
Object {
  "facts": Object {
    "arch": 7,
    "broadcast": false,
    "ciaddr": null,
    "clientId": "01525400aa0007",
    "firmware": "uefi",
    "hostname": null,
    "httpClient": false,
    "ipxe": false,
    "mac": "52:54:00:aa:00:07",
    "pxeClient": true,
    "relay": null,
    "requestedIp": "10.77.0.101",
    "serverId": "10.77.0.1",
    "type": "REQUEST",
    "typeNumber": 3,
    "userClass": Array [],
    "uuid": null,
    "uuidRaw": null,
    "vendorClass": "PXEClient:Arch:00007:UNDI:003001",
    "xid": 326591563,
  },
  "header": Object {
    "chaddr": "525400aa000700000000000000000000",
    "ciaddr": "0.0.0.0",
    "file": "",
    "flags": 0,
    "giaddr": "0.0.0.0",
    "hlen": 6,
    "hops": 0,
    "htype": 1,
    "op": 1,
    "secs": 0,
    "siaddr": "0.0.0.0",
    "sname": "",
    "xid": 326591563,
    "yiaddr": "0.0.0.0",
  },
  "options": Array [
    Object {
      "code": 53,
      "hex": "03",
    },
    Object {
      "code": 50,
      "hex": "0a4d0065",
    },
    Object {
      "code": 54,
      "hex": "0a4d0001",
    },
    Object {
      "code": 57,
      "hex": "0240",
    },
    Object {
      "code": 55,
      "hex": "0103060c0f1c2a",
    },
    Object {
      "code": 60,
      "hex": "505845436c69656e743a417263683a30303030373a554e44493a303033303031",
    },
    Object {
      "code": 61,
      "hex": "01525400aa0007",
    },
    Object {
      "code": 93,
      "hex": "0007",
    },
  ],
  "trailer": "0 bytes",
  "typed": Object {
    "clientArch": Array [
      7,
    ],
    "clientId": Object {
      "id": "525400aa0007",
      "type": 1,
    },
    "maxMessageSize": 576,
    "messageType": 3,
    "paramRequestList": Array [
      1,
      3,
      6,
      12,
      15,
      28,
      42,
    ],
    "requestedIp": "10.77.0.101",
    "serverId": "10.77.0.1",
    "vendorClass": "PXEClient:Arch:00007:UNDI:003001",
  },
}
`

exports[`test/dhcp/corpus.test.ts > TAP > udhcpc-plain-discover.bin > decoded 1`] = `
Object {
  "facts": Object {
    "arch": null,
    "broadcast": false,
    "ciaddr": null,
    "clientId": "01525400aa0101",
    "firmware": "unknown",
    "hostname": "pbx-node1",
    "httpClient": false,
    "ipxe": false,
    "mac": "52:54:00:aa:01:01",
    "pxeClient": false,
    "relay": null,
    "requestedIp": null,
    "serverId": null,
    "type": "DISCOVER",
    "typeNumber": 1,
    "userClass": Array [],
    "uuid": null,
    "uuidRaw": null,
    "vendorClass": "udhcp 1.35.0",
    "xid": 1123394374,
  },
  "header": Object {
    "chaddr": "525400aa010100000000000000000000",
    "ciaddr": "0.0.0.0",
    "file": "",
    "flags": 0,
    "giaddr": "0.0.0.0",
    "hlen": 6,
    "hops": 0,
    "htype": 1,
    "op": 1,
    "secs": 0,
    "siaddr": "0.0.0.0",
    "sname": "",
    "xid": 1123394374,
    "yiaddr": "0.0.0.0",
  },
  "options": Array [
    Object {
      "code": 53,
      "hex": "01",
    },
    Object {
      "code": 57,
      "hex": "0240",
    },
    Object {
      "code": 55,
      "hex": "0103060c0f1c2a",
    },
    Object {
      "code": 12,
      "hex": "7062782d6e6f646531",
    },
    Object {
      "code": 60,
      "hex": "756468637020312e33352e30",
    },
    Object {
      "code": 61,
      "hex": "01525400aa0101",
    },
  ],
  "trailer": "9 bytes",
  "typed": Object {
    "clientId": Object {
      "id": "525400aa0101",
      "type": 1,
    },
    "hostname": "pbx-node1",
    "maxMessageSize": 576,
    "messageType": 1,
    "paramRequestList": Array [
      1,
      3,
      6,
      12,
      15,
      28,
      42,
    ],
    "vendorClass": "udhcp 1.35.0",
  },
}
`

exports[`test/dhcp/corpus.test.ts > TAP > udhcpc-plain-reply-ack.bin > decoded 1`] = `
Object {
  "facts": Object {
    "arch": null,
    "broadcast": false,
    "ciaddr": null,
    "clientId": null,
    "firmware": "unknown",
    "hostname": null,
    "httpClient": false,
    "ipxe": false,
    "mac": "52:54:00:aa:01:01",
    "pxeClient": false,
    "relay": null,
    "requestedIp": null,
    "serverId": "10.77.0.1",
    "type": "ACK",
    "typeNumber": 5,
    "userClass": Array [],
    "uuid": null,
    "uuidRaw": null,
    "vendorClass": null,
    "xid": 1123394374,
  },
  "header": Object {
    "chaddr": "525400aa010100000000000000000000",
    "ciaddr": "0.0.0.0",
    "file": "",
    "flags": 0,
    "giaddr": "0.0.0.0",
    "hlen": 6,
    "hops": 0,
    "htype": 1,
    "op": 2,
    "secs": 0,
    "siaddr": "0.0.0.0",
    "sname": "",
    "xid": 1123394374,
    "yiaddr": "10.77.0.103",
  },
  "options": Array [
    Object {
      "code": 53,
      "hex": "05",
    },
    Object {
      "code": 54,
      "hex": "0a4d0001",
    },
    Object {
      "code": 51,
      "hex": "00000e10",
    },
    Object {
      "code": 58,
      "hex": "00000708",
    },
    Object {
      "code": 59,
      "hex": "00000c4e",
    },
    Object {
      "code": 1,
      "hex": "ffffff00",
    },
    Object {
      "code": 3,
      "hex": "0a4d0001",
    },
    Object {
      "code": 6,
      "hex": "0a4d0001",
    },
  ],
  "trailer": "0 bytes",
  "typed": Object {
    "dns": Array [
      "10.77.0.1",
    ],
    "leaseTime": 3600,
    "messageType": 5,
    "routers": Array [
      "10.77.0.1",
    ],
    "serverId": "10.77.0.1",
    "subnetMask": "255.255.255.0",
  },
}
`

exports[`test/dhcp/corpus.test.ts > TAP > udhcpc-plain-reply-offer.bin > decoded 1`] = `
Object {
  "facts": Object {
    "arch": null,
    "broadcast": false,
    "ciaddr": null,
    "clientId": null,
    "firmware": "unknown",
    "hostname": null,
    "httpClient": false,
    "ipxe": false,
    "mac": "52:54:00:aa:01:01",
    "pxeClient": false,
    "relay": null,
    "requestedIp": null,
    "serverId": "10.77.0.1",
    "type": "OFFER",
    "typeNumber": 2,
    "userClass": Array [],
    "uuid": null,
    "uuidRaw": null,
    "vendorClass": null,
    "xid": 1123394374,
  },
  "header": Object {
    "chaddr": "525400aa010100000000000000000000",
    "ciaddr": "0.0.0.0",
    "file": "",
    "flags": 0,
    "giaddr": "0.0.0.0",
    "hlen": 6,
    "hops": 0,
    "htype": 1,
    "op": 2,
    "secs": 0,
    "siaddr": "0.0.0.0",
    "sname": "",
    "xid": 1123394374,
    "yiaddr": "10.77.0.103",
  },
  "options": Array [
    Object {
      "code": 53,
      "hex": "02",
    },
    Object {
      "code": 54,
      "hex": "0a4d0001",
    },
    Object {
      "code": 51,
      "hex": "00000e10",
    },
    Object {
      "code": 58,
      "hex": "00000708",
    },
    Object {
      "code": 59,
      "hex": "00000c4e",
    },
    Object {
      "code": 1,
      "hex": "ffffff00",
    },
    Object {
      "code": 3,
      "hex": "0a4d0001",
    },
    Object {
      "code": 6,
      "hex": "0a4d0001",
    },
  ],
  "trailer": "0 bytes",
  "typed": Object {
    "dns": Array [
      "10.77.0.1",
    ],
    "leaseTime": 3600,
    "messageType": 2,
    "routers": Array [
      "10.77.0.1",
    ],
    "serverId": "10.77.0.1",
    "subnetMask": "255.255.255.0",
  },
}
`

exports[`test/dhcp/corpus.test.ts > TAP > udhcpc-plain-request.bin > decoded 1`] = `
Object {
  "facts": Object {
    "arch": null,
    "broadcast": false,
    "ciaddr": null,
    "clientId": "01525400aa0101",
    "firmware": "unknown",
    "hostname": "pbx-node1",
    "httpClient": false,
    "ipxe": false,
    "mac": "52:54:00:aa:01:01",
    "pxeClient": false,
    "relay": null,
    "requestedIp": "10.77.0.103",
    "serverId": "10.77.0.1",
    "type": "REQUEST",
    "typeNumber": 3,
    "userClass": Array [],
    "uuid": null,
    "uuidRaw": null,
    "vendorClass": "udhcp 1.35.0",
    "xid": 1123394374,
  },
  "header": Object {
    "chaddr": "525400aa010100000000000000000000",
    "ciaddr": "0.0.0.0",
    "file": "",
    "flags": 0,
    "giaddr": "0.0.0.0",
    "hlen": 6,
    "hops": 0,
    "htype": 1,
    "op": 1,
    "secs": 0,
    "siaddr": "0.0.0.0",
    "sname": "",
    "xid": 1123394374,
    "yiaddr": "0.0.0.0",
  },
  "options": Array [
    Object {
      "code": 53,
      "hex": "03",
    },
    Object {
      "code": 50,
      "hex": "0a4d0067",
    },
    Object {
      "code": 54,
      "hex": "0a4d0001",
    },
    Object {
      "code": 57,
      "hex": "0240",
    },
    Object {
      "code": 55,
      "hex": "0103060c0f1c2a",
    },
    Object {
      "code": 12,
      "hex": "7062782d6e6f646531",
    },
    Object {
      "code": 60,
      "hex": "756468637020312e33352e30",
    },
    Object {
      "code": 61,
      "hex": "01525400aa0101",
    },
  ],
  "trailer": "0 bytes",
  "typed": Object {
    "clientId": Object {
      "id": "525400aa0101",
      "type": 1,
    },
    "hostname": "pbx-node1",
    "maxMessageSize": 576,
    "messageType": 3,
    "paramRequestList": Array [
      1,
      3,
      6,
      12,
      15,
      28,
      42,
    ],
    "requestedIp": "10.77.0.103",
    "serverId": "10.77.0.1",
    "vendorClass": "udhcp 1.35.0",
  },
}
`

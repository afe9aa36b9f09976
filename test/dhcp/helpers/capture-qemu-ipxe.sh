#!/bin/bash
# One-off: captured test/dhcp/fixtures/qemu-ipxe-bios-discover.bin (QEMU 7.2 SeaBIOS + its iPXE NIC ROM, no server answering).
set -x
NS=pbx-qcap-$$
ip netns add $NS
trap "ip netns del $NS" EXIT
ip -n $NS link set lo up
ip -n $NS tuntap add tap0 mode tap
ip -n $NS link set tap0 up
ip netns exec $NS tcpdump -i tap0 -U -n -w /tmp/qemu-ipxe.pcap 'udp port 67 or udp port 68' &
TD=$!
sleep 1
timeout 45 ip netns exec $NS qemu-system-x86_64 -nographic -m 256 -netdev tap,id=n0,ifname=tap0,script=no,downscript=no -device e1000,netdev=n0,mac=52:54:00:12:34:56 -boot n -display none -serial null -monitor none > /tmp/qemu.out 2>&1
kill -INT $TD; wait $TD

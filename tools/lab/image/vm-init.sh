#!/bin/bash
# sdn-lab VM init: PID 1 (started by the initramfs via switch_root; there is no systemd).
# Mounts the basics and the two 9p shares:
#   tag "repo"   -> /repo      the project checkout, read-only (code + node_modules)
#   tag "labout" -> /lab-out   writable: console log and exit code for the host
# Brings up the only NIC (QEMU user networking, restrict=on: the guest reaches nothing but
# the guestfwd 10.0.2.100:4222 -> host NATS), then runs the guest runner
#   /usr/local/bin/node /repo/tools/lab/guest/runner.js   (or sdnlab.cmd=PATH)
# and powers off. Kernel args: sdnlab.cmd=, sdnlab.nats=, sdnlab.run= (run id).
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mountpoint -q /dev || mount -t devtmpfs devtmpfs /dev
ln -sfn /proc/self/fd /dev/fd; ln -sf /proc/self/fd/0 /dev/stdin; ln -sf /proc/self/fd/1 /dev/stdout; ln -sf /proc/self/fd/2 /dev/stderr
mkdir -p /dev/pts /dev/shm; mount -t devpts devpts /dev/pts; mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs -o mode=0755 tmpfs /run
mount -t tmpfs tmpfs /tmp
mkdir -p /run/network /run/frr /var/tmp /run/netns
chown frr:frr /run/frr 2>/dev/null
hostname sdnlab
ip link set lo up
echo "sdnlab-init: kernel $(uname -r), up $(cut -d' ' -f1 /proc/uptime)s"
modprobe 9pnet_virtio; modprobe 9p
mkdir -p /repo /lab-out
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000,ro,cache=loose repo /repo || echo "sdnlab-init: cannot mount the repo share"
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 labout /lab-out || echo "sdnlab-init: cannot mount the output share"

# The one NIC: QEMU user networking (slirp), static address, no default route.
modprobe virtio_net 2>/dev/null
for _ in $(seq 50); do [ -e /sys/class/net/eth0 ] && break; sleep 0.1; done
if [ -e /sys/class/net/eth0 ]; then
  ip link set eth0 up && ip addr add 10.0.2.15/24 dev eth0
  echo "sdnlab-init: eth0 10.0.2.15/24 (guestfwd 10.0.2.100:4222 -> host NATS)"
fi

cmd=/repo/tools/lab/guest/runner.sh
for x in $(cat /proc/cmdline); do case $x in
  sdnlab.cmd=*) cmd=${x#sdnlab.cmd=};;
  sdnlab.*=*) k=${x%%=*}; k=${k#sdnlab.}; export "SDNLAB_${k^^}=${x#*=}";;
esac; done
rc=0
if [ -e "$cmd" ]; then
  bash "$cmd" 2>&1 | tee /lab-out/console.log; rc=${PIPESTATUS[0]}
  echo "$rc" > /lab-out/rc
else
  echo "sdnlab-init: no $cmd"; rc=1
fi
echo "sdnlab-init: done rc=$rc, up $(cut -d' ' -f1 /proc/uptime)s, powering off"
sync; umount /lab-out 2>/dev/null
echo o > /proc/sysrq-trigger
sleep 10

#!/bin/bash
# Started by the VM's init (tools/lab/image/vm-init.sh) from the read-only repo share.
# The host drives everything through runner.js over NATS; this only starts it.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
sysctl -qw net.ipv4.ip_forward=1
exec /usr/local/bin/node /repo/tools/lab/guest/runner.js

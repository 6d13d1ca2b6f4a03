#!/bin/bash
# The lab's ifreload command (run inside nodewrap.sh, so /etc/network is the node's).
# Debian's ifupdown2 3.0.0 KNOWN gap (see ../shared/e2e/vmlab README): with more than one
# vlan-aware bridge (QinQ zones), the first `ifreload -a` leaves the ports of the second
# bridge with vid 1 only; a second `ifreload -a` adds bridge-vids. Proxmox's own ifupdown2
# build is not available here, so the lab reloads twice in that case and says so.
# SDN_LAB_SINGLE_RELOAD=1 on the host (kernel arg sdnlab.single_reload=1) turns this off.
ifreload -a "$@" || exit $?
n=$(cat /etc/network/interfaces /etc/network/interfaces.d/* 2>/dev/null | grep -Ec '^\s*bridge[-_]vlan[-_]aware\s+(yes|1|on)')
if [ "$n" -gt 1 ] && [ "${SDNLAB_SINGLE_RELOAD:-0}" != 1 ]; then
  echo "KNOWN: $n vlan-aware bridges: second ifreload -a (Debian ifupdown2 3.0.0 bridge-vids gap)" >&2
  ifreload -a "$@"
fi

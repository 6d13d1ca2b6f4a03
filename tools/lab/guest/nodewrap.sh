#!/bin/bash
# nodewrap.sh NODE CMD...  - runs CMD (ifreload, ifquery, frr-reload.py) for lab node NODE.
# Called from inside the node's network namespace (the node agent runs there). Gives CMD
# the node's own /etc/network and /run/network in a private mount namespace, and the
# PVE bridge-port condone shim for Debian's ifupdown2 (pvecompat/sitecustomize.py).
# Set as the agent's SDN_AGENT_WRAPPER; on a real node the wrapper is empty.
set -e
n=$1; shift
D=/lab/$n
exec unshare -m sh -c 'mount --bind "$0/etc/network" /etc/network && mount --bind "$0/run-network" /run/network && PYTHONPATH=/repo/tools/lab/guest/pvecompat exec "$@"' "$D" "$@"

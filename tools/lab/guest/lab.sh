#!/bin/bash
# lab.sh FUNCTION ARGS... - the VM-side toolbox the host calls through runner.js.
#
# Topology (all inside the one VM):
#   ns "ul"      the underlay: plain bridge ulbr (the physical switch)
#   ns nodeN     a hypervisor node: eth0 on ulbr, vmbr0 (vlan-aware, 192.168.0.N/24) over eth0,
#                mgmt0 172.30.0.N/24 to the VM's root namespace (only for NATS: the runner relays
#                172.30.0.254:4222 to the guestfwd 10.0.2.100:4222), FRR daemons (-N nodeN),
#                and the project's node agent in live mode
#   ns vmX       a guest: eth0 is a veth whose peer vethVMIDi0 sits on a vnet bridge of its node
# Node N's files live in /lab/nodeN: etc/network/{interfaces,interfaces.d/sdn,ifupdown2/},
# etc/frr/frr.conf, run-network/, state/ (ifupdown2), agent.log.
set -u
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
G=/repo/tools/lab/guest
L=/lab

cleanup() {
  local ns pid
  for ns in $(ip netns list | awk '{print $1}'); do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill "$pid" 2>/dev/null; done
  done
  sleep 0.5
  for ns in $(ip netns list | awk '{print $1}'); do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null; done
    ip netns del "$ns"
  done
  ip link del labmgmt 2>/dev/null
  rm -rf "$L" /run/frr/node*
  mkdir -p "$L"
}

main_interfaces() {  # the node's /etc/network/interfaces, as on a PVE node with a vlan-aware vmbr0
  cat <<EOF
auto lo
iface lo inet loopback

iface eth0 inet manual

auto vmbr0
iface vmbr0 inet static
	address 192.168.0.$1/24
	bridge-ports eth0
	bridge-stp off
	bridge-fd 0
	bridge-vlan-aware yes
	bridge-vids 2-4094

source /etc/network/interfaces.d/*
EOF
}

# topology N: underlay + N nodes with their base network up (ifreload -a of the main file)
topology() {
  local count=$1 i n d
  cleanup
  modprobe -a vrf 8021q bridge vxlan dummy veth
  ip netns add ul; ip -n ul link set lo up
  ip -n ul link add ulbr type bridge; ip -n ul link set ulbr up
  ip link add labmgmt type bridge; ip addr add 172.30.0.254/24 dev labmgmt; ip link set labmgmt up
  for i in $(seq 1 "$count"); do
    n=node$i; d=$L/$n
    ip netns add $n; ip -n $n link set lo up
    ip link add name "ul-$n" netns ul type veth peer name eth0 netns $n
    ip -n ul link set "ul-$n" master ulbr up
    ip link add name "mg-$n" type veth peer name mgmt0 netns $n
    ip link set "mg-$n" master labmgmt up
    ip -n $n addr add 172.30.0.$i/24 dev mgmt0; ip -n $n link set mgmt0 up
    ip netns exec $n sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
    mkdir -p "$d/etc/network/interfaces.d" "$d/run-network" "$d/state" "$d/etc/frr/$n"
    cp -a /etc/network/ifupdown2 "$d/etc/network/"
    sed -i -e "s|^state_dir=.*|state_dir=$d/state/|" \
           -e "s|^multiple_vlan_aware_bridge_support=.*|multiple_vlan_aware_bridge_support=1|" \
           "$d/etc/network/ifupdown2/ifupdown2.conf"
    main_interfaces $i > "$d/etc/network/interfaces"
    printf 'service integrated-vtysh-config\n' > "$d/etc/frr/$n/vtysh.conf"
    chown -R frr:frr "$d/etc/frr"
  done
  # base network of every node, in parallel (each ifreload is 5-10 s of Python under TCG)
  local pids=() rc=0
  for i in $(seq 1 "$count"); do
    ( ip netns exec node$i $G/nodewrap.sh node$i ifreload -a > $L/node$i/base-ifreload.log 2>&1 || { echo "node$i base ifreload failed"; cat $L/node$i/base-ifreload.log; exit 1; } ) &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait $p || rc=1; done
  [ $rc = 0 ] || return 1
  ip -n node1 -br addr show vmbr0
  for i in $(seq 2 "$count"); do ip netns exec node1 ping -c1 -W2 192.168.0.$i > /dev/null || { echo "underlay: node1 cannot reach 192.168.0.$i"; return 1; }; done
  echo "topology: $count nodes on the underlay, 192.168.0.1-$count reachable from node1"
}

# frr NODE: FRR daemons for the node (as PVE runs frr.service, with the datacenter profile), empty config
frr() {
  local n=$1 dmn
  install -d -o frr -g frr -m 0755 /run/frr/$n
  for dmn in zebra bgpd bfdd staticd; do
    local extra=""; [ $dmn = zebra ] && extra="-s 90000000"
    ip netns exec $n unshare -u sh -c "hostname $n; exec /usr/lib/frr/$dmn -d -F datacenter -N $n -f /dev/null -P 0 $extra" 2>&1 | grep -v 'Disabling MPLS'
    [ $dmn = zebra ] && for _ in $(seq 100); do [ -S /run/frr/$n/zserv.api ] && break; sleep 0.1; done
  done
  for _ in $(seq 100); do [ -S /run/frr/$n/staticd.vty ] && break; sleep 0.1; done
  [ -S /run/frr/$n/bgpd.vty ] || { echo "$n: bgpd did not start"; return 1; }
}

# agent NODE NATS_URL: the project's node agent in live mode inside the node's namespace
agent() {
  local n=$1 d=$L/$1
  ip netns exec $n env -i PATH=$PATH HOME=/root \
    SDN_NODE_NAME=$n SDN_AGENT_MODE=live SDN_AGENT_ROOT=$d NATS_URL=$2 \
    SDN_AGENT_WRAPPER="$G/nodewrap.sh $n" \
    SDN_AGENT_IFRELOAD="$G/ifreload.sh" \
    SDN_AGENT_FRR_RELOAD="/usr/lib/frr/frr-reload.py -N $n --confdir $d/etc/frr --rundir /run/frr/$n --stdout --reload {frrConf}" \
    SDNLAB_SINGLE_RELOAD=${SDNLAB_SINGLE_RELOAD:-0} \
    SDN_HEARTBEAT_MS=${SDN_LAB_HEARTBEAT_MS:-30000} SDN_FACTS_INTERVAL_MS=${SDN_LAB_FACTS_MS:-15000} \
    setsid /usr/local/bin/node -r /repo/tools/register.js /repo/apps/node-agent/src/main.ts > $d/agent.log 2>&1 < /dev/null &
  echo "$n: agent pid $!"
}

# write NODE FILE(base64) : host-rendered file for the hand-driven mode (sdn | frr)
write() {
  local n=$1 what=$2 d=$L/$1
  case $what in
    sdn) base64 -d > $d/etc/network/interfaces.d/sdn ;;
    frr) base64 -d > $d/etc/frr/frr.conf; chown frr:frr $d/etc/frr/frr.conf ;;
  esac
}

# apply NODE : hand-driven apply of the written files (what the agent does in live mode)
apply() {
  local n=$1 d=$L/$1 t=$(date +%s.%N)
  ip netns exec $n $G/nodewrap.sh $n $G/ifreload.sh || { echo "$n: ifreload failed"; return 1; }
  if [ -s $d/etc/frr/frr.conf ]; then
    ip netns exec $n $G/nodewrap.sh $n /usr/lib/frr/frr-reload.py -N $n --confdir $d/etc/frr --rundir /run/frr/$n --stdout --reload $d/etc/frr/frr.conf \
      > $d/frr-reload.log 2>&1 || { echo "$n: frr-reload failed"; tail -20 $d/frr-reload.log; return 1; }
  fi
  echo "$n: applied in $(awk -v a=$t -v b=$(date +%s.%N) 'BEGIN{printf "%.1f", b-a}') s"
}

# vm NAME NODE BRIDGE VMID CIDR [GW] [MTU]
vm() {
  local name=$1 node=$2 br=$3 vmid=$4 cidr=$5 gw=${6:-} mtu=${7:-}
  ip netns add $name; ip -n $name link set lo up
  # the name looked up in the caller's namespace must be free: the VM's root namespace has its own eth0
  ip link add name veth${vmid}i0 netns $node type veth peer name eth0 netns $name
  [ -n "$mtu" ] && { ip -n $name link set eth0 mtu $mtu; ip -n $node link set veth${vmid}i0 mtu $mtu; }
  ip -n $node link set veth${vmid}i0 master $br up || return 1
  ip -n $name link set eth0 up
  ip -n $name addr add $cidr dev eth0
  [ -n "$gw" ] && ip -n $name route add default via $gw
  echo "$name: $cidr${gw:+ gw $gw}${mtu:+ mtu $mtu} on $node/$br (veth${vmid}i0)"
}

vmdel() { local v; for v in "$@"; do ip netns del $v 2>/dev/null; done; return 0; }

# ping FROM DST [SIZE]: waits up to 40 s for a first reply (ARP, EVPN routes), then 3 counted pings
ping_ok() {
  local from=$1 dst=$2 size=${3:-56} t=$(date +%s.%N) i
  local got=0
  for i in $(seq 40); do
    ip netns exec $from ping -c1 -W1 -s $size -M do $dst > /dev/null 2>&1 && { got=1; break; }
  done
  if [ $got = 1 ]; then echo "first reply after $(awk -v a=$t -v b=$(date +%s.%N) 'BEGIN{printf "%.1f", b-a}') s"
  else echo "no reply within 40 attempts"; fi
  local out rc
  out=$(ip netns exec $from ping -c3 -i0.3 -W1 -s $size -M do $dst 2>&1); rc=$?
  echo "$out" | tail -2
  return $rc
}
ping_no() {
  local out rc
  out=$(ip netns exec $1 ping -c3 -i0.3 -W1 $2 2>&1); rc=$?
  echo "$out" | tail -2
  [ $rc -ne 0 ]
}

# dump NODE: rendered files and kernel/FRR state for a failure report
dump() {
  local n=$1 d=$L/$1
  echo "######## $n: $d/etc/network/interfaces.d/sdn"; cat $d/etc/network/interfaces.d/sdn 2>/dev/null
  [ -e $d/etc/frr/frr.conf ] && { echo "######## $n: frr.conf"; cat $d/etc/frr/frr.conf; }
  # the agent archives every bundle it receives; after a rolled-back apply the newest differs from the files in place
  local h; h=$(ls -1d $d/var/lib/sdn-agent/history/*/ 2>/dev/null | tail -1)
  if [ -n "$h" ] && ! cmp -s ${h}sdn $d/etc/network/interfaces.d/sdn; then
    echo "######## $n: newest bundle received, NOT in place (rolled back): $h"
    cat ${h}sdn; [ -e ${h}frr.conf ] && { echo "######## $n: its frr.conf"; cat ${h}frr.conf; }
  fi
  echo "######## $n: ip -d link"; ip -n $n -d link
  echo "######## $n: ip addr / routes"; ip -n $n -br addr; ip -n $n route; ip -n $n route show table all | grep -v '^local\|^broadcast\|^multicast\|fe80\|^anycast' | head -40
  echo "######## $n: bridge vlan"; ip netns exec $n bridge -compressvlans vlan show
  echo "######## $n: bridge fdb (vxlan)"; ip netns exec $n bridge fdb show | grep -E 'vxlan|dst' | head -30
  if [ -S /run/frr/$n/bgpd.vty ]; then
    echo "######## $n: vtysh"
    vtysh -N $n --config_dir $d/etc/frr -c 'show bgp l2vpn evpn summary' -c 'show evpn vni' -c 'show bgp l2vpn evpn route' -c 'show ip route vrf all' 2>&1 | head -120
  fi
  [ -e $d/agent.log ] && { echo "######## $n: agent.log (tail)"; tail -40 $d/agent.log; }
  [ -e $d/frr-reload.log ] && { echo "######## $n: frr-reload.log (tail)"; tail -20 $d/frr-reload.log; }
}

"$@"

/**
 * The seed's four SDN examples (the Proxmox VE SDN documentation's setup
 * examples), as the REST calls a user makes, the guests to plug in and the
 * pings that prove them. Node N has the underlay address 192.168.0.N.
 *
 * Zone IDs: the seed's names (myvlanzone, qinqzone1, myvxlanzone, …) are
 * longer than the 8 characters PVE allows for a zone ID (pve-sdn-zone-id),
 * and the API refuses them exactly as PVE does; the lab uses 8-character
 * names and keeps the seed's name in each title. Everything else is as listed.
 */

export interface ApiCall {
  /** Path under /api2/json. */
  path: string;
  params: Record<string, string | number>;
}

export interface GuestSpec {
  name: string;
  node: string;
  vnet: string;
  vmid: number;
  cidr: string;
  gw?: string;
  mtu?: number;
}

export interface PingCheck {
  from: string;
  to: string;
  /** Expected: reply (`reach`) or no reply (`isolated`). */
  expect: 'reach' | 'isolated';
  /** ICMP payload sent with DF set (MTU proof). */
  size?: number;
  label: string;
}

/** A check of node state in the VM: passes when the bash snippet exits 0; its output is printed. */
export interface StateCheck {
  label: string;
  script: string;
}

export interface Scenario {
  name: string;
  title: string;
  calls: ApiCall[];
  guests: GuestSpec[];
  checks: PingCheck[];
  /** Run after the pings: what the kernel and FRR show for the example. */
  state: StateCheck[];
}

export const NODES = ['node1', 'node2', 'node3'];
const PEERS = '192.168.0.1,192.168.0.2,192.168.0.3';

const ip = (cidr: string) => cidr.split('/')[0];

export const SCENARIOS: Scenario[] = [
  {
    name: 'vlan',
    title: 'VLAN zone vlanzone (seed: myvlanzone) on vmbr0, vnet myvnet1 tag 10',
    calls: [
      { path: 'cluster/sdn/zones', params: { zone: 'vlanzone', type: 'vlan', bridge: 'vmbr0' } },
      { path: 'cluster/sdn/vnets', params: { vnet: 'myvnet1', zone: 'vlanzone', tag: 10 } },
    ],
    guests: [
      { name: 'vm1', node: 'node1', vnet: 'myvnet1', vmid: 100, cidr: '10.0.3.100/24' },
      { name: 'vm2', node: 'node2', vnet: 'myvnet1', vmid: 101, cidr: '10.0.3.101/24' },
    ],
    checks: [
      { from: 'vm1', to: '10.0.3.101', expect: 'reach', label: 'vm1 (node1) -> vm2 (node2) over VLAN 10' },
      { from: 'vm2', to: '10.0.3.100', expect: 'reach', label: 'vm2 (node2) -> vm1 (node1)' },
    ],
    state: [
      { label: 'node1: myvnet1 port vmbr0.10 is 802.1Q id 10 on the vlan-aware vmbr0', script: `ip -n node1 -d link show vmbr0.10 | grep -o 'vlan protocol 802.1Q id 10'; ip -n node1 -d link show vmbr0 | grep -o 'vlan_filtering 1'` },
    ],
  },
  {
    name: 'qinq',
    title: 'QinQ zones qinqzn1 (seed: qinqzone1; service vlan 20) and qinqzn2 (seed: qinqzone2; service vlan 30), vnets myvnet1/myvnet2 customer tag 100',
    calls: [
      { path: 'cluster/sdn/zones', params: { zone: 'qinqzn1', type: 'qinq', bridge: 'vmbr0', tag: 20 } },
      { path: 'cluster/sdn/zones', params: { zone: 'qinqzn2', type: 'qinq', bridge: 'vmbr0', tag: 30 } },
      { path: 'cluster/sdn/vnets', params: { vnet: 'myvnet1', zone: 'qinqzn1', tag: 100 } },
      { path: 'cluster/sdn/vnets', params: { vnet: 'myvnet2', zone: 'qinqzn2', tag: 100 } },
    ],
    guests: [
      { name: 'vm1', node: 'node1', vnet: 'myvnet1', vmid: 100, cidr: '10.0.3.100/24' },
      { name: 'vm2', node: 'node2', vnet: 'myvnet1', vmid: 101, cidr: '10.0.3.101/24' },
      { name: 'vm3', node: 'node1', vnet: 'myvnet2', vmid: 102, cidr: '10.0.3.102/24' },
      { name: 'vm4', node: 'node2', vnet: 'myvnet2', vmid: 103, cidr: '10.0.3.103/24' },
    ],
    checks: [
      { from: 'vm1', to: '10.0.3.101', expect: 'reach', label: 'vm1 -> vm2 (qinqzone1, S20/C100, node1 -> node2)' },
      { from: 'vm3', to: '10.0.3.103', expect: 'reach', label: 'vm3 -> vm4 (qinqzone2, S30/C100, node1 -> node2)' },
      { from: 'vm1', to: '10.0.3.103', expect: 'isolated', label: 'vm1 (qinqzone1) -/-> vm4 (qinqzone2), same subnet and C-tag' },
      { from: 'vm2', to: '10.0.3.102', expect: 'isolated', label: 'vm2 (qinqzone1) -/-> vm3 (qinqzone2)' },
    ],
    state: [
      { label: 'node1: service VLAN devices vmbr0.20/vmbr0.30 and customer VLAN ports z_qinqzn1.100/z_qinqzn2.100', script: `for d in vmbr0.20 vmbr0.30 z_qinqzn1.100 z_qinqzn2.100; do echo "$d: $(ip -n node1 -d link show $d | grep -o 'vlan protocol [^ ]* id [0-9]*')"; done; ip -n node1 -d link show z_qinqzn2.100 | grep -q 'id 100'` },
    ],
  },
  {
    name: 'vxlan',
    title: 'VXLAN zone vxlanzn (seed: myvxlanzone; peers = the three node IPs, mtu 1450), vnet myvnet1 tag 100000',
    calls: [
      { path: 'cluster/sdn/zones', params: { zone: 'vxlanzn', type: 'vxlan', peers: PEERS, mtu: 1450 } },
      { path: 'cluster/sdn/vnets', params: { vnet: 'myvnet1', zone: 'vxlanzn', tag: 100000 } },
    ],
    guests: [
      { name: 'vm1', node: 'node1', vnet: 'myvnet1', vmid: 100, cidr: '10.0.3.100/24', mtu: 1450 },
      { name: 'vm2', node: 'node3', vnet: 'myvnet1', vmid: 101, cidr: '10.0.3.101/24', mtu: 1450 },
    ],
    checks: [
      { from: 'vm1', to: '10.0.3.101', expect: 'reach', label: 'vm1 (node1) -> vm2 (node3) over VXLAN 100000' },
      { from: 'vm1', to: '10.0.3.101', expect: 'reach', size: 1422, label: 'vm1 -> vm2 full 1450-byte packet, DF set (mtu 1450 inside the VMs)' },
      { from: 'vm2', to: '10.0.3.100', expect: 'reach', label: 'vm2 (node3) -> vm1 (node1)' },
    ],
    state: [
      { label: 'node1: vxlan_myvnet1 is VNI 100000, mtu 1450, head-end replication to 192.168.0.2 and .3', script: `ip -n node1 link show vxlan_myvnet1 | grep -oE ' mtu [0-9]+'; ip -n node1 -d link show vxlan_myvnet1 | grep -oE 'vxlan id [0-9]+'; ip -n node1 link show vxlan_myvnet1 | grep -q ' mtu 1450 ' && ip -n node1 link show myvnet1 | grep -q ' mtu 1450 ' && ip netns exec node1 bridge fdb show dev vxlan_myvnet1 | grep '^00:00:00:00:00:00'; ip -n node1 -d link show vxlan_myvnet1 | grep -q 'vxlan id 100000' && [ $(ip netns exec node1 bridge fdb show dev vxlan_myvnet1 | grep -c '^00:00:00:00:00:00.*dst 192.168.0.[23]') = 2 ]` },
    ],
  },
  {
    name: 'evpn',
    title: 'EVPN controller myevpnctl (asn 65000), zone evpnzone (seed: myevpnzone; vrf-vxlan 10000, exitnodes node1,node2), vnets myvnet1 10.0.1.0/24 and myvnet2 10.0.2.0/24',
    calls: [
      { path: 'cluster/sdn/controllers', params: { controller: 'myevpnctl', type: 'evpn', asn: 65000, peers: PEERS } },
      {
        path: 'cluster/sdn/zones',
        params: { zone: 'evpnzone', type: 'evpn', controller: 'myevpnctl', 'vrf-vxlan': 10000, mac: '32:F4:05:FE:6C:0A', exitnodes: 'node1,node2', mtu: 1450 },
      },
      { path: 'cluster/sdn/vnets', params: { vnet: 'myvnet1', zone: 'evpnzone', tag: 11000 } },
      { path: 'cluster/sdn/vnets', params: { vnet: 'myvnet2', zone: 'evpnzone', tag: 12000 } },
      { path: 'cluster/sdn/vnets/myvnet1/subnets', params: { subnet: '10.0.1.0/24', type: 'subnet', gateway: '10.0.1.1' } },
      { path: 'cluster/sdn/vnets/myvnet2/subnets', params: { subnet: '10.0.2.0/24', type: 'subnet', gateway: '10.0.2.1' } },
    ],
    guests: [
      { name: 'vm1', node: 'node1', vnet: 'myvnet1', vmid: 100, cidr: '10.0.1.100/24', gw: '10.0.1.1', mtu: 1450 },
      { name: 'vm2', node: 'node2', vnet: 'myvnet2', vmid: 101, cidr: '10.0.2.100/24', gw: '10.0.2.1', mtu: 1450 },
    ],
    checks: [
      { from: 'vm1', to: '10.0.1.1', expect: 'reach', label: 'vm1 -> its anycast gateway 10.0.1.1 (node1)' },
      { from: 'vm2', to: '10.0.2.1', expect: 'reach', label: 'vm2 -> its anycast gateway 10.0.2.1 (node2)' },
      { from: 'vm1', to: '10.0.2.100', expect: 'reach', label: 'vm1 (node1, 10.0.1.100) -> vm2 (node2, 10.0.2.100) routed between the subnets through the anycast gateways' },
      { from: 'vm2', to: '10.0.1.100', expect: 'reach', label: 'vm2 -> vm1 back' },
    ],
    state: [
      {
        label: 'node1: BGP l2vpn evpn sessions to 192.168.0.2 and .3 Established',
        script: `vtysh -N node1 --config_dir /lab/node1/etc/frr -c 'show bgp l2vpn evpn summary json' | python3 -c 'import json,sys
p = json.load(sys.stdin)["peers"]
for k in sorted(p): print(k, p[k]["state"], "pfxRcd", p[k].get("pfxRcd"))
sys.exit(0 if all(p.get(k, {}).get("state") == "Established" for k in ("192.168.0.2", "192.168.0.3")) else 1)'`,
      },
      { label: 'node1: zebra has L3VNI 10000 in vrf_evpnzone', script: `vtysh -N node1 --config_dir /lab/node1/etc/frr -c 'show evpn vni 10000' | grep -iE 'VNI:|Type|vrf|State'; vtysh -N node1 --config_dir /lab/node1/etc/frr -c 'show evpn vni 10000' | grep -q vrf_evpnzone` },
      { label: 'node1: vrf_evpnzone has vm2 (10.0.2.100) as an EVPN route via node2 (symmetric IRB over the L3VNI)', script: `ip -n node1 route show vrf vrf_evpnzone; ip -n node1 route show vrf vrf_evpnzone | grep -E '^10\\.0\\.2\\.100 .*via 192\\.168\\.0\\.2 dev vrfbr_evpnzone .*proto bgp'` },
    ],
  },
];

export function guestIp(g: GuestSpec): string {
  return ip(g.cidr);
}

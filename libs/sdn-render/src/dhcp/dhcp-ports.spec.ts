import type { RunningConfig } from '@sdn/model';
import { dhcpNetnsPath, dhcpPortHostIfname, dhcpPortHostname, dhcpPortMac, dhcpPortNodeOf, servesDhcp } from './dhcp-ports';
import { dhcpZonesOfNode, renderDnsmasq } from './dnsmasq';
import { renderInterfacesWithWarnings } from '../ifupdown/render-interfaces';
import { stanzaOf, testConfig, testFacts } from '../ifupdown/test-fixtures';

/** A VLAN, a QinQ and a VXLAN zone serving DHCP from ports, and a VLAN zone that does not. */
function config(): RunningConfig {
  return {
    version: 1,
    zones: {
      ids: {
        vlz: { type: 'vlan', bridge: 'vmbr0', ipam: 'pve', dhcp: 'dnsmasq', 'dhcp-nodes': { n1: 1, n3: 1 } },
        qqz: { type: 'qinq', bridge: 'vmbr1', tag: 10, ipam: 'pve', dhcp: 'dnsmasq', mtu: 1496, nodes: { n2: 1, n3: 1 } },
        vxz: { type: 'vxlan', peers: '10.0.0.1,10.0.0.2,10.0.0.3', ipam: 'pve', dhcp: 'dnsmasq' },
        plain: { type: 'vlan', bridge: 'vmbr0', ipam: 'pve' },
      },
    },
    vnets: {
      ids: {
        vl1: { type: 'vnet', zone: 'vlz', tag: 100 },
        qq1: { type: 'vnet', zone: 'qqz', tag: 20 },
        vx1: { type: 'vnet', zone: 'vxz', tag: 1000 },
        vx2: { type: 'vnet', zone: 'vxz', tag: 1001 },
        pl1: { type: 'vnet', zone: 'plain', tag: 200 },
      },
    },
    subnets: {
      ids: {
        'vlz-10.1.0.0-24': { type: 'subnet', vnet: 'vl1', gateway: '10.1.0.254', 'dhcp-dns-server': '10.1.0.53' },
        'vlz-fd01::-64': { type: 'subnet', vnet: 'vl1', gateway: 'fd01::1' },
        'qqz-10.2.0.0-24': { type: 'subnet', vnet: 'qq1' },
        'vxz-10.3.0.0-24': { type: 'subnet', vnet: 'vx1', gateway: '10.3.0.1' },
        'plain-10.4.0.0-24': { type: 'subnet', vnet: 'pl1', gateway: '10.4.0.1' },
      },
    },
  } as RunningConfig;
}

describe('DHCP ports of VLAN, QinQ and VXLAN zones', () => {
  it('a zone is served on its dhcp-nodes, else on all of its nodes', () => {
    expect(dhcpZonesOfNode(config(), 'n1')).toEqual(['vlz', 'vxz']);
    expect(dhcpZonesOfNode(config(), 'n2')).toEqual(['qqz', 'vxz']);
    expect(dhcpZonesOfNode(config(), 'n3')).toEqual(['qqz', 'vlz', 'vxz']);
    expect(dhcpZonesOfNode(config(), 'n4')).toEqual(['vxz']);
    const z = config().zones!.ids;
    expect(servesDhcp(z.qqz, 'n1')).toBe(false);
    expect(servesDhcp(z.vlz, 'n2')).toBe(false);
  });

  it('renders a VLAN zone: no router advertisements from the port, the port list with the MAC of this node', () => {
    const files = renderDnsmasq(config(), { nodename: 'n1' })!;
    expect(Object.keys(files).sort()).toEqual(['vlz/00-default.conf', 'vlz/10-vl1.conf', 'vlz/dhcp-ports.json', 'vxz/00-default.conf', 'vxz/10-vx1.conf', 'vxz/dhcp-ports.json']);
    const def = files['vlz/00-default.conf'];
    expect(def.split('\n').slice(0, 7)).toEqual([
      'except-interface=lo',
      'bind-dynamic',
      'no-hosts',
      'dhcp-leasefile=/var/lib/misc/dnsmasq.vlz.leases',
      'dhcp-hostsfile=/etc/dnsmasq.d/vlz/ethers',
      'dhcp-ignore=tag:!known',
      '',
    ]);
    expect(def).toContain('\ndhcp-option=26,1500\n\n# Send an empty WPAD');
    expect(def).not.toMatch(/enable-ra|quiet-ra|ra-param/);
    expect(files['vlz/10-vl1.conf']).toBe(
      [
        'dhcp-range=set:vlz-10.1.0.0-24,10.1.0.0,static,255.255.255.0,infinite',
        'dhcp-option=tag:vlz-10.1.0.0-24,option:router,10.1.0.254',
        'dhcp-option=tag:vlz-10.1.0.0-24,option:dns-server,10.1.0.53',
        'dhcp-range=set:vlz-fd01::-64,fd01::,static,64,infinite',
        'interface=vl1',
        '',
      ].join('\n'),
    );
    expect(JSON.parse(files['vlz/dhcp-ports.json'])).toEqual({ vnets: { vl1: { mac: dhcpPortMac('vlz', 'vl1', 'n1'), subnets: ['vlz-10.1.0.0-24', 'vlz-fd01::-64'] } } });
  });

  it('renders a QinQ zone with its MTU and a subnet without gateway (no router option)', () => {
    const files = renderDnsmasq(config(), { nodename: 'n2' })!;
    expect(files['qqz/00-default.conf']).toContain('\ndhcp-option=26,1496\n');
    expect(files['qqz/10-qq1.conf']).toBe('dhcp-range=set:qqz-10.2.0.0-24,10.2.0.0,static,255.255.255.0,infinite\ninterface=qq1\n');
    expect(JSON.parse(files['qqz/dhcp-ports.json'])).toEqual({ vnets: { qq1: { mac: dhcpPortMac('qqz', 'qq1', 'n2'), subnets: ['qqz-10.2.0.0-24'] } } });
  });

  it('renders a VXLAN zone with the tunnel MTU; a vnet without subnets has no port', () => {
    const files = renderDnsmasq(config(), { nodename: 'n4' })!;
    expect(files['vxz/00-default.conf']).toContain('\ndhcp-option=26,1450\n');
    expect(files['vxz/10-vx2.conf']).toBeUndefined();
    expect(Object.keys(JSON.parse(files['vxz/dhcp-ports.json']).vnets)).toEqual(['vx1']);
  });

  it('port MACs are unicast, locally administered and differ per zone, vnet and node; IPAM entries map back to their node', () => {
    const macs = [dhcpPortMac('vxz', 'vx1', 'n1'), dhcpPortMac('vxz', 'vx1', 'n2'), dhcpPortMac('vxz', 'vx2', 'n1'), dhcpPortMac('vlz', 'vx1', 'n1')];
    expect(new Set(macs).size).toBe(4);
    for (const m of macs) expect(m).toMatch(/^02(:[0-9a-f]{2}){5}$/);
    expect(dhcpPortMac('vxz', 'vx1', 'n1')).toBe(macs[0]);
    const entry = { zone: 'vxz', vnet: 'vx1', mac: macs[1].toUpperCase(), hostname: dhcpPortHostname('n2') };
    expect(dhcpPortNodeOf(entry)).toBe('n2');
    // A guest that calls itself like a port is no port: its MAC is not the port's.
    expect(dhcpPortNodeOf({ ...entry, mac: 'bc:24:11:00:00:01' })).toBeUndefined();
    expect(dhcpPortNodeOf({ ...entry, hostname: 'vm1' })).toBeUndefined();
    expect(dhcpPortHostIfname('longvnet')).toHaveLength(13);
    expect(dhcpNetnsPath('vxz')).toBe('/run/netns/sdn-dhcp-vxz');
  });

  it('the vnet bridges of a port zone keep the DHCP port across ifreloads (condone regex); other bridges are as the reference renders them', () => {
    const config = testConfig({
      zones: {
        vxz: { type: 'vxlan', peers: '10.1.1.1,10.1.1.2', ipam: 'pve', dhcp: 'dnsmasq' },
        vlz: { type: 'vlan', bridge: 'vmbr0', ipam: 'pve', dhcp: 'dnsmasq', 'dhcp-nodes': 'n9' },
        qqz: { type: 'qinq', bridge: 'vmbr0', tag: 10, ipam: 'pve', dhcp: 'dnsmasq' },
        plain: { type: 'vxlan', peers: '10.1.1.1,10.1.1.2' },
      },
      vnets: { vx1: { zone: 'vxz', tag: 100 }, vl1: { zone: 'vlz', tag: 20 }, qq1: { zone: 'qqz', tag: 30 }, pl1: { zone: 'plain', tag: 200 } },
    });
    const { text } = renderInterfacesWithWarnings(config, testFacts());
    expect(stanzaOf(text, 'vx1')).toEqual(['bridge_ports vxlan_vx1', 'bridge-ports-condone-regex ^dhcp_vx1$', 'bridge_stp off', 'bridge_fd 0', 'mtu 1450']);
    // Node independent (the port only exists where the node serves): one render per vnet, whatever the node.
    expect(stanzaOf(text, 'vl1')).toContain('bridge-ports-condone-regex ^dhcp_vl1$');
    expect(stanzaOf(text, 'qq1')).toContain('bridge-ports-condone-regex ^dhcp_qq1$');
    expect(stanzaOf(text, 'pl1')).toEqual(['bridge_ports vxlan_pl1', 'bridge_stp off', 'bridge_fd 0', 'mtu 1450']);
  });
});

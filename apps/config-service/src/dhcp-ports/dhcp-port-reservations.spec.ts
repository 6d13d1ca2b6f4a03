import type { RunningConfig } from '@sdn/model';
import { dhcpPortHostname, dhcpPortMac } from '@sdn/render';
import type { IpRecord } from '@sdn/ipam';
import { planPorts, portZones, wantedPorts } from './dhcp-port-reservations';

function config(): RunningConfig {
  return {
    version: 1,
    zones: {
      ids: {
        vxz: { type: 'vxlan', peers: '10.0.0.1,10.0.0.2,10.0.0.3', ipam: 'pve', dhcp: 'dnsmasq', 'dhcp-nodes': { n1: 1, n2: 1 } },
        vlz: { type: 'vlan', bridge: 'vmbr0', ipam: 'pve' },
        sz: { type: 'simple', ipam: 'pve', dhcp: 'dnsmasq' },
      },
    },
    vnets: { ids: { vx1: { zone: 'vxz', tag: 10 }, vl1: { zone: 'vlz', tag: 20 }, s1: { zone: 'sz' } } },
    subnets: {
      ids: {
        'vxz-10.3.0.0-24': { vnet: 'vx1', gateway: '10.3.0.1' },
        'vxz-fd03::-64': { vnet: 'vx1', gateway: 'fd03::1' },
        'vlz-10.4.0.0-24': { vnet: 'vl1' },
        'sz-10.5.0.0-24': { vnet: 's1', gateway: '10.5.0.1' },
      },
    },
  } as RunningConfig;
}

const port = (node: string, subnet: string, ip: string): IpRecord => ({ zone: 'vxz', vnet: 'vx1', subnet, ip, mac: dhcpPortMac('vxz', 'vx1', node), hostname: dhcpPortHostname(node) });

describe('DHCP port reservations', () => {
  it('want one address per serving node and served subnet (dhcp-nodes), none on the other nodes or zone types', () => {
    expect(portZones(config())).toEqual(['vlz', 'vxz']);
    const w = wantedPorts(config(), ['n1', 'n2', 'n3']);
    expect(w.map((p) => `${p.node} ${p.subnet} ${p.mac === dhcpPortMac('vxz', 'vx1', p.node)}`)).toEqual([
      'n1 10.3.0.0/24 true',
      'n1 fd03::/64 true',
      'n2 10.3.0.0/24 true',
      'n2 fd03::/64 true',
    ]);
  });

  it('allocates what is missing, keeps what is held, releases stale ports only with a full view; guests are never touched', () => {
    const existing: IpRecord[] = [
      port('n1', '10.3.0.0/24', '10.3.0.2'),
      // n3 no longer serves: stale.
      port('n3', '10.3.0.0/24', '10.3.0.4'),
      // A guest naming itself like a port is not one (its MAC is not the port's).
      { zone: 'vxz', vnet: 'vx1', subnet: '10.3.0.0/24', ip: '10.3.0.9', mac: 'bc:24:11:00:00:09', hostname: 'dhcp-port-n9' },
    ];
    const wanted = wantedPorts(config(), ['n1', 'n2', 'n3']);
    const full = planPorts(wanted, existing, true);
    expect(full.allocate.map((a) => `${a.hostname} ${a.subnet}`)).toEqual(['dhcp-port-n1 fd03::/64', 'dhcp-port-n2 10.3.0.0/24', 'dhcp-port-n2 fd03::/64']);
    expect(full.allocate[1]).toEqual({ zone: 'vxz', vnet: 'vx1', subnet: '10.3.0.0/24', mac: dhcpPortMac('vxz', 'vx1', 'n2'), hostname: 'dhcp-port-n2' });
    expect(full.release.map((r) => r.ip)).toEqual(['10.3.0.4']);
    expect(planPorts(wantedPorts(config(), ['n2']), existing, false).release).toEqual([]);
    // Everything held: nothing to do.
    const held = wanted.map((p, i) => ({ ...p, ip: `x${i}`, hostname: dhcpPortHostname(p.node) }));
    expect(planPorts(wanted, held, true)).toEqual({ allocate: [], release: [] });
  });

  it('a zone without dhcp wants no port and releases what it held', () => {
    const c = config();
    delete c.zones!.ids.vxz.dhcp;
    delete c.zones!.ids.vxz['dhcp-nodes'];
    expect(wantedPorts(c, ['n1', 'n2'])).toEqual([]);
    expect(planPorts([], [port('n1', '10.3.0.0/24', '10.3.0.2')], true).release).toHaveLength(1);
  });
});

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bridgesInInterfaces, guestOfPort, readBridges, vlansOfPort } from './bridges';

describe('bridges of a zone on the node', () => {
  let sysfs: string;
  beforeAll(() => {
    sysfs = mkdtempSync(join(tmpdir(), 'sysfs-'));
    const bridge = (name: string, filtering: string, ports: string[]) => {
      mkdirSync(join(sysfs, 'class', 'net', name, 'bridge'), { recursive: true });
      mkdirSync(join(sysfs, 'class', 'net', name, 'brif'), { recursive: true });
      writeFileSync(join(sysfs, 'class', 'net', name, 'bridge', 'vlan_filtering'), `${filtering}\n`);
      for (const p of ports) writeFileSync(join(sysfs, 'class', 'net', name, 'brif', p), '');
    };
    bridge('vnet1', '0', ['vxlan_vnet1', 'tap100i0', 'fwpr101p2']);
    bridge('vmbr0', '1', ['eth0', 'veth200i1']);
    mkdirSync(join(sysfs, 'class', 'net', 'eth0'), { recursive: true });
  });
  afterAll(() => rmSync(sysfs, { recursive: true, force: true }));

  it('names the guest of a port', () => {
    expect(guestOfPort('tap100i0')).toEqual({ vmid: '100', index: '0' });
    expect(guestOfPort('fwpr101p2')).toEqual({ vmid: '101', index: '2' });
    expect(guestOfPort('veth200i1')).toEqual({ vmid: '200', index: '1' });
    expect(guestOfPort('vxlan_vnet1')).toEqual({});
  });

  it('reads ports from sysfs; VLANs only on VLAN-filtering bridges; names that are no bridge are skipped', async () => {
    const vlans: Record<string, { vlans: { vlan: number; vlanEnd?: number; flags?: string[] }[] }> = {
      eth0: { vlans: [{ vlan: 1, flags: ['PVID', 'Egress Untagged'] }, { vlan: 2, vlanEnd: 4094 }] },
      veth200i1: { vlans: [{ vlan: 10, flags: ['PVID', 'Egress Untagged'] }] },
    };
    const out = await readBridges(['vnet1', 'vmbr0', 'eth0', 'gone'], { sysfs, portVlans: async (p) => vlans[p] });
    expect(out).toEqual([
      {
        name: 'vnet1',
        vlan_filtering: '0',
        ports: [{ name: 'fwpr101p2', vmid: '101', index: '2' }, { name: 'tap100i0', vmid: '100', index: '0' }, { name: 'vxlan_vnet1' }],
      },
      {
        name: 'vmbr0',
        vlan_filtering: '1',
        ports: [
          { name: 'eth0', primary_vlan: '1', vlans: ['1', '2-4094'] },
          { name: 'veth200i1', vmid: '200', index: '1', primary_vlan: '10', vlans: ['10'] },
        ],
      },
    ]);
    expect(vlansOfPort(undefined)).toEqual({ vlans: [] });
  });

  it('localnetwork: Linux bridges of the interfaces file, not OVS ones', () => {
    const text = ['auto vmbr0', 'iface vmbr0 inet static', '  address 10.0.0.1/24', '  bridge-ports eth0', '', 'iface vmbr1 inet manual', '  bridge_ports none', '', 'iface vmbr2 inet manual', '  ovs_type OVSBridge', '  ovs_ports eth1', '  bridge-ports x', '', 'iface eth0 inet manual'].join('\n');
    expect(bridgesInInterfaces(text)).toEqual(['vmbr0', 'vmbr1']);
  });
});

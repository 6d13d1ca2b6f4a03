import type { SdnConfig } from '../schema/normalise';
import { createObject } from './create';
import { deleteObject } from './delete';
import { updateObject } from './update';
import type { EditResult } from './result';
import { ConfigIndex } from '../validation/config-index';
import { validateConfig } from '../validation/validate-config';

function pending(): SdnConfig {
  return {
    zones: {
      ids: {
        simple1: { type: 'simple', ipam: 'pve' },
        vlan1: { type: 'vlan', bridge: 'vmbr0' },
        vx1: { type: 'vxlan', peers: '10.0.0.1,10.0.0.2' },
        evpn1: { type: 'evpn', controller: 'ctl', 'vrf-vxlan': 10000, mac: 'BC:24:11:00:00:01' },
      },
    },
    vnets: {
      ids: {
        sv1: { type: 'vnet', zone: 'simple1' },
        sv2: { type: 'vnet', zone: 'simple1' },
        vl1: { type: 'vnet', zone: 'vlan1', tag: 100 },
        ev1: { type: 'vnet', zone: 'evpn1', tag: 2000 },
      },
    },
    subnets: { ids: { 'simple1-10.1.0.0-24': { type: 'subnet', vnet: 'sv1', gateway: '10.1.0.1' } } },
    controllers: { ids: { ctl: { type: 'evpn', asn: 65000, peers: '10.0.0.1' }, bgp1: { type: 'bgp', asn: 65000, peers: '10.0.0.9', node: 'n1' } } },
    ipams: { ids: { pve: { type: 'pve' }, nb: { type: 'netbox', url: 'https://nb/api', token: 't' } } },
    dns: { ids: { pdns: { type: 'powerdns', url: 'http://dns:8081/api/v1/servers/localhost', key: 'k' } } },
  };
}

function ok(r: EditResult): SdnConfig {
  if (!r.ok) throw new Error(`expected success, got ${JSON.stringify(r)}`);
  return r.config;
}
function errors(r: EditResult): Record<string, string> {
  if (r.ok) throw new Error('expected a refusal');
  return r.errors;
}
const obj = (c: SdnConfig, kind: string, id: string) => (c as any)[kind].ids[id];

describe('createObject', () => {
  it('stores the canonical form and leaves the input untouched', () => {
    const before = pending();
    const snapshot = JSON.stringify(before);
    const r = createObject(before, 'zones', { zone: 'qq', type: 'qinq', bridge: 'vmbr1', tag: '20', nodes: 'n2,n1', 'bridge-disable-mac-learning': 'true', mtu: '1496', digest: 'abc', 'lock-token': 't' });
    const c = ok(r);
    expect(obj(c, 'zones', 'qq')).toEqual({ type: 'qinq', bridge: 'vmbr1', tag: 20, nodes: { n1: 1, n2: 1 }, 'bridge-disable-mac-learning': 1, mtu: 1496 });
    expect(JSON.stringify(before)).toBe(snapshot);
    expect(r.ok && r.id).toBe('qq');
  });

  it('stores false booleans as absent', () => {
    const c = ok(createObject(pending(), 'vnets', { vnet: 'sv3', zone: 'simple1', vlanaware: 0, 'isolate-ports': '1' }));
    expect(obj(c, 'vnets', 'sv3')).toEqual({ type: 'vnet', zone: 'simple1', 'isolate-ports': 1 });
  });

  it.each([
    ['zones', { zone: 'z2', type: 'simple', bridge: 'vmbr0' }, { bridge: "unexpected property 'bridge'" }],
    ['zones', { zone: 'z2', type: 'vlan' }, { bridge: "missing value for required option 'bridge'" }],
    ['zones', { zone: 'z2' }, { type: "missing value for required option 'type'" }],
    ['zones', { zone: 'z-2', type: 'simple' }, { zone: expect.stringMatching(/invalid zone ID/) }],
    ['zones', { type: 'simple' }, { zone: "missing value for required option 'zone'" }],
    ['zones', { zone: 'z2', type: 'simple', foo: 1 }, { foo: "unexpected property 'foo'" }],
    ['zones', { zone: 'z2', type: 'simple', dns: 'nope' }, { dns: "nope don't exist" }],
    ['zones', { zone: 'z2', type: 'simple', reversedns: 'nope' }, { reversedns: "nope don't exist" }],
    ['zones', { zone: 'z2', type: 'simple', dnszone: 'example.com' }, { dnszone: 'missing dns server' }],
    ['zones', { zone: 'z2', type: 'simple', ipam: 'nope' }, { ipam: 'nope not existing' }],
    ['zones', { zone: 'z2', type: 'evpn', controller: 'bgp1', 'vrf-vxlan': 5 }, { controller: 'bgp1 is not a evpn controller type' }],
    ['zones', { zone: 'z2', type: 'evpn', controller: 'ctl', 'vrf-vxlan': 10000 }, { 'vrf-vxlan': 'vrf-vxlan 10000 is already declared in evpn1' }],
    ['zones', { zone: 'z2', type: 'evpn', controller: 'ctl', 'vrf-vxlan': 2000 }, { 'vrf-vxlan': 'vrf-vxlan 2000 is already used as vxlan tag by vnet ev1' }],
    ['zones', { zone: 'z2', type: 'vxlan', peers: '10.0.0.1', fabric: 'f1' }, { peers: 'must have exactly one of peers / fabric defined', fabric: 'must have exactly one of peers / fabric defined' }],
    ['vnets', { vnet: 'v9', zone: 'nozone' }, { zone: "zone 'nozone' does not exist" }],
    ['vnets', { vnet: 'v9', zone: 'simple1', tag: 3 }, { tag: 'vlan tag is not allowed on simple zone' }],
    ['vnets', { vnet: 'v9', zone: 'vlan1', tag: 100 }, { tag: 'tag 100 already exist in vnet vl1' }],
    ['vnets', { vnet: 'v9', zone: 'vlan1', tag: 4095 }, { tag: 'vlan tag max value is 4094' }],
    ['vnets', { vnet: 'v9', zone: 'vx1', tag: 2000 }, { tag: 'vxlan tag 2000 already exist in vnet ev1 in zone evpn1' }],
    ['vnets', { vnet: 'v9', zone: 'evpn1', tag: 10000 }, { tag: 'vxlan tag 10000 is already used as vrf-vxlan of zone evpn1' }],
    ['vnets', { vnet: 'v9', zone: 'evpn1', tag: 2001, vlanaware: 1 }, { vlanaware: "vlan-aware option can't be enabled with evpn" }],
    ['vnets', { vnet: 'vnet12345', zone: 'simple1' }, { vnet: expect.stringMatching(/may only be 8 characters/) }],
    ['controllers', { controller: 'ctl2', type: 'evpn', asn: 1, peers: '10.0.0.1' }, { type: 'only 1 global evpn controller can be defined' }],
    ['controllers', { controller: 'bgp2', type: 'bgp', asn: 1, peers: '10.0.0.1', node: 'n1' }, { node: 'only 1 bgp controller can be defined per node: bgp1 is also on node n1' }],
    ['ipams', { ipam: 'php', type: 'phpipam', url: 'http://p/api/a', token: 't' }, { section: "missing value for required option 'section'" }],
    ['dns', { dns: 'd2', type: 'powerdns', url: 'http://x', key: 'k', reversev6mask: 64 }, { reversev6mask: "unexpected property 'reversev6mask'" }],
  ] as const)('%s %j is refused with %j', (kind, params, expected) => {
    const r = createObject(pending(), kind, params);
    expect(r.ok).toBe(false);
    expect(errors(r)).toEqual(expected);
  });

  it.each([
    ['zones', 'simple1', { zone: 'simple1', type: 'simple' }, "sdn zone object ID 'simple1' already defined"],
    ['vnets', 'sv1', { vnet: 'sv1', zone: 'simple1' }, "sdn vnet object ID 'sv1' already defined"],
    ['controllers', 'ctl', { controller: 'ctl', type: 'evpn', asn: 1, peers: '10.0.0.1' }, "sdn controller object ID 'ctl' already defined"],
    ['ipams', 'pve', { ipam: 'pve', type: 'pve' }, "sdn ipam object ID 'pve' already defined"],
    ['dns', 'pdns', { dns: 'pdns', type: 'powerdns', url: 'http://x', key: 'k' }, "sdn dns object ID 'pdns' already defined"],
  ] as const)('%s: duplicate %s', (kind, _id, params, message) => {
    const r = createObject(pending(), kind, params);
    expect(r).toEqual({ ok: false, code: 'exists', errors: { [Object.keys(params)[0]]: message } });
  });

  it('ipam pve is a duplicate even when not stored', () => {
    const c = pending();
    delete (c.ipams as any).ids.pve;
    expect(createObject(c, 'ipams', { ipam: 'pve', type: 'pve' }).ok).toBe(false);
  });

  describe('evpn mac (Z11)', () => {
    const params = { zone: 'ev2', type: 'evpn', controller: 'ctl', 'vrf-vxlan': 10001 };
    it('is generated by the injected generator when unset', () => {
      const c = ok(createObject(pending(), 'zones', params, { generateMac: () => 'BE:EF:00:00:00:01' }));
      expect(obj(c, 'zones', 'ev2').mac).toBe('BE:EF:00:00:00:01');
    });
    it('is kept when given', () => {
      const c = ok(createObject(pending(), 'zones', { ...params, mac: 'BC:24:11:AA:BB:CC' }, { generateMac: () => 'BE:EF:00:00:00:01' }));
      expect(obj(c, 'zones', 'ev2').mac).toBe('BC:24:11:AA:BB:CC');
    });
    it('is not invented without a generator', () => {
      const c = ok(createObject(pending(), 'zones', params));
      expect(obj(c, 'zones', 'ev2').mac).toBeUndefined();
    });
    it('is added on update of an evpn zone without one', () => {
      const c0 = ok(createObject(pending(), 'zones', params));
      const c = ok(updateObject(c0, 'zones', 'ev2', { exitnodes: 'n1' }, { generateMac: () => 'BE:EF:00:00:00:02' }));
      expect(obj(c, 'zones', 'ev2')).toMatchObject({ mac: 'BE:EF:00:00:00:02', exitnodes: { n1: 1 } });
    });
  });

  describe('subnets', () => {
    it('builds the ID from the vnet zone, keeping the address verbatim', () => {
      const r = createObject(pending(), 'subnets', { vnet: 'sv2', subnet: '10.2.0.5/24', type: 'subnet', gateway: '10.2.0.1', snat: 1, 'dhcp-range': [{ 'start-address': '10.2.0.10', 'end-address': '10.2.0.20' }] });
      const c = ok(r);
      expect(r.ok && r.id).toBe('simple1-10.2.0.5-24');
      expect(obj(c, 'subnets', 'simple1-10.2.0.5-24')).toEqual({ type: 'subnet', vnet: 'sv2', gateway: '10.2.0.1', snat: 1, 'dhcp-range': ['start-address=10.2.0.10,end-address=10.2.0.20'] });
    });
    it('accepts a single dhcp-range property string', () => {
      const c = ok(createObject(pending(), 'subnets', { vnet: 'sv2', subnet: 'fd00::/64', 'dhcp-range': 'start-address=fd00::10,end-address=fd00::20' }));
      expect(obj(c, 'subnets', 'simple1-fd00::-64')['dhcp-range']).toEqual(['start-address=fd00::10,end-address=fd00::20']);
    });
    it.each([
      [{ vnet: 'nope', subnet: '10.9.0.0/24' }, 'not-found', { vnet: "sdn vnet 'nope' does not exist" }],
      [{ subnet: '10.9.0.0/24' }, 'invalid', { vnet: "missing value for required option 'vnet'" }],
      [{ vnet: 'sv2', subnet: '10.9.0.0/7' }, 'invalid', { subnet: 'value does not look like a valid CIDR network' }],
      [{ vnet: 'sv2', subnet: '10.9.0.0/24', gateway: '10.8.0.1' }, 'invalid', { gateway: '10.8.0.1 is not in subnet 10.9.0.0/24' }],
      [{ vnet: 'sv1', subnet: '10.1.0.0/24' }, 'exists', { subnet: "sdn subnet object ID 'simple1-10.1.0.0-24' already defined" }],
      [{ vnet: 'sv2', subnet: '10.1.0.0/25' }, 'invalid', { subnet: 'subnet 10.1.0.0/25 overlaps with subnet simple1-10.1.0.0-24' }],
      [{ vnet: 'sv2', subnet: '10.9.0.0/24', 'dhcp-range': ['start-address=10.9.0.9,end-address=10.9.0.1'] }, 'invalid', { 'dhcp-range': 'start-address 10.9.0.9 must be smaller than end-address 10.9.0.1' }],
    ] as const)('%j → %s %j', (params, code, expected) => {
      expect(createObject(pending(), 'subnets', params)).toEqual({ ok: false, code, errors: expected });
    });
    it('refuses a subnet on a vlanaware vnet (S3)', () => {
      const c = ok(createObject(pending(), 'vnets', { vnet: 'va', zone: 'vlan1', tag: 7, vlanaware: 1 }));
      expect(errors(createObject(c, 'subnets', { vnet: 'va', subnet: '10.7.0.0/24' }))).toEqual({ vnet: "you can't add a subnet on a vlanaware vnet" });
    });
  });

  it('is not blocked by problems elsewhere that it did not cause', () => {
    const c = pending();
    (c.vnets as any).ids.broken = { zone: 'vlan1' }; // missing tag
    expect(createObject(c, 'zones', { zone: 'z3', type: 'simple' }).ok).toBe(true);
  });

  it('refuses non-object parameters without throwing', () => {
    expect(createObject(pending(), 'zones', null).ok).toBe(false);
    expect(createObject(pending(), 'subnets', 'x').ok).toBe(false);
  });
});

describe('updateObject', () => {
  it.each([
    ['zones', 'nope', "sdn 'nope' does not exist", 'zone'],
    ['vnets', 'nope', "sdn vnet 'nope' does not exist", 'vnet'],
    ['subnets', 'simple1-10.9.0.0-24', "sdn subnet 'simple1-10.9.0.0-24' does not exist", 'subnet'],
    ['controllers', 'nope', "sdn 'nope' does not exist", 'controller'],
  ] as const)('%s %s does not exist', (kind, id, message, key) => {
    expect(updateObject(pending(), kind, id, {})).toEqual({ ok: false, code: 'not-found', errors: { [key]: message } });
  });

  it('sets, deletes and normalises', () => {
    const c = ok(updateObject(pending(), 'zones', 'vlan1', { mtu: '9000', nodes: 'n1', delete: 'ipam' }));
    expect(obj(c, 'zones', 'vlan1')).toEqual({ type: 'vlan', bridge: 'vmbr0', mtu: 9000, nodes: { n1: 1 } });
  });

  it('removes a key sent empty', () => {
    const c = ok(updateObject(pending(), 'vnets', 'vl1', { alias: 'x' }));
    const c2 = ok(updateObject(c, 'vnets', 'vl1', { alias: '' }));
    expect(obj(c2, 'vnets', 'vl1')).toEqual({ type: 'vnet', zone: 'vlan1', tag: 100 });
  });

  it.each([
    ['zones', 'vlan1', { delete: 'foo' }, { delete: "no such option 'foo'" }],
    ['zones', 'vlan1', { delete: 'peers' }, { delete: "no such option 'peers'" }],
    ['zones', 'vlan1', { delete: 'bridge' }, { delete: "unable to delete required option 'bridge'" }],
    ['zones', 'vlan1', { delete: ['mtu'], mtu: 1500 }, { delete: "cannot set and delete property 'mtu' at the same time!" }],
    ['zones', 'vlan1', { delete: 'mtu,bad!' }, { delete: "invalid configuration ID 'bad!'" }],
    ['vnets', 'vl1', { delete: 'zone' }, { zone: 'cannot delete zone' }],
    ['zones', 'vlan1', { type: 'simple' }, { type: "unexpected property 'type'" }],
    ['zones', 'vlan1', { peers: '10.0.0.1' }, { peers: "unexpected property 'peers'" }],
    ['zones', 'simple1', { ipam: 'nb' }, { ipam: "can't change ipam if a subnet is already defined in this zone" }],
    ['zones', 'simple1', { delete: 'ipam' }, { ipam: "can't change ipam if a subnet is already defined in this zone" }],
    ['zones', 'vx1', { delete: 'peers' }, { peers: 'must have exactly one of peers / fabric defined', fabric: 'must have exactly one of peers / fabric defined' }],
    ['zones', 'vlan1', { dns: 'nope' }, { dns: "nope don't exist" }],
    ['vnets', 'sv1', { zone: 'vlan1', tag: 5 }, { zone: "can't change zone if subnets exist" }],
    ['vnets', 'sv1', { vlanaware: 1 }, { vlanaware: 'vlanaware vnet is not compatible with subnets' }],
    ['vnets', 'sv2', { zone: 'vlan1' }, { tag: 'missing vlan tag' }],
    ['subnets', 'simple1-10.1.0.0-24', { vnet: 'sv2', gateway: '10.1.0.2' }, { vnet: 'wrong vnet' }],
    ['subnets', 'simple1-10.1.0.0-24', { gateway: '10.1.1.1' }, { gateway: '10.1.1.1 is not in subnet 10.1.0.0/24' }],
    ['subnets', 'simple1-10.1.0.0-24', { delete: 'vnet' }, { delete: "unable to delete required option 'vnet'" }],
    ['controllers', 'bgp1', { asn: 0 }, { asn: 'value must have a minimum value of 1' }],
  ] as const)('%s %s %j → %j', (kind, id, params, expected) => {
    expect(errors(updateObject(pending(), kind, id, params))).toEqual(expected);
  });

  it('updates the built-in pve IPAM even when it is not stored', () => {
    const c = pending();
    delete (c.ipams as any).ids.pve;
    expect(updateObject(c, 'ipams', 'pve', {}).ok).toBe(true);
    expect(errors(updateObject(c, 'ipams', 'pve', { url: 'http://x' }))).toEqual({ url: "unexpected property 'url'" });
  });

  it('does not silently drop invalid stored values', () => {
    const c = pending();
    (c.vnets as any).ids.vl1.tag = 'abc';
    expect(errors(updateObject(c, 'vnets', 'vl1', { alias: 'x' }))).toEqual({ tag: "type check ('integer') failed - got 'abc'" });
    expect(ok(updateObject(c, 'vnets', 'vl1', { tag: '101' })).vnets?.ids.vl1.tag).toBe(101);
  });

  it('accepts the current type echoed back and the path ID', () => {
    expect(updateObject(pending(), 'zones', 'vlan1', { zone: 'vlan1', type: 'vlan', mtu: 1500 }).ok).toBe(true);
  });

  it('checks dnszone against the resulting zone, not the request (B.15)', () => {
    const c = ok(updateObject(pending(), 'zones', 'vlan1', { dns: 'pdns' }));
    expect(ok(updateObject(c, 'zones', 'vlan1', { dnszone: 'example.com' })).zones?.ids.vlan1.dnszone).toBe('example.com');
    expect(errors(updateObject(c, 'zones', 'vlan1', { delete: 'dns', dnszone: 'example.com' }))).toEqual({ dnszone: 'missing dns server' });
  });

  it('moves a vnet without subnets to another zone and re-checks its tag', () => {
    const c = ok(updateObject(pending(), 'vnets', 'sv2', { zone: 'vlan1', tag: 101 }));
    expect(obj(c, 'vnets', 'sv2')).toEqual({ type: 'vnet', zone: 'vlan1', tag: 101 });
  });

  it('updates a subnet through its own vnet', () => {
    const c = ok(updateObject(pending(), 'subnets', 'simple1-10.1.0.0-24', { vnet: 'sv1', snat: 1, 'dhcp-range': ['start-address=10.1.0.10,end-address=10.1.0.20'] }));
    expect(obj(c, 'subnets', 'simple1-10.1.0.0-24')).toEqual({ type: 'subnet', vnet: 'sv1', gateway: '10.1.0.1', snat: 1, 'dhcp-range': ['start-address=10.1.0.10,end-address=10.1.0.20'] });
  });
});

describe('deleteObject', () => {
  it.each([
    ['zones', 'simple1', 'in-use', { zone: 'zone simple1 is used by vnet sv1' }],
    ['vnets', 'sv1', 'in-use', { vnet: "Can't delete vnet if subnets exists" }],
    ['controllers', 'ctl', 'in-use', { controller: 'controller ctl is used by evpn1' }],
    ['zones', 'nope', 'not-found', { zone: "sdn 'nope' does not exist" }],
    ['vnets', 'nope', 'not-found', { vnet: "sdn vnet 'nope' does not exist" }],
    ['subnets', 'nope', 'not-found', { subnet: "sdn subnet 'nope' does not exist" }],
  ] as const)('%s %s → %s', (kind, id, code, expected) => {
    expect(deleteObject(pending(), kind, id)).toEqual({ ok: false, code, errors: expected });
  });

  it('refuses to delete an IPAM or DNS server a zone uses (unlike B.21)', () => {
    const c = ok(updateObject(pending(), 'zones', 'vlan1', { ipam: 'nb', dns: 'pdns' }));
    expect(errors(deleteObject(c, 'ipams', 'nb'))).toEqual({ ipam: 'ipam nb is used by zone vlan1' });
    expect(errors(deleteObject(c, 'dns', 'pdns'))).toEqual({ dns: 'dns pdns is used by zone vlan1' });
  });

  it('accepts deleting pve, which always exists', () => {
    const c = ok(deleteObject(pending(), 'ipams', 'pve'));
    expect(c.ipams?.ids.pve).toBeUndefined();
    expect(ok(deleteObject(c, 'ipams', 'pve'))).toBe(c);
  });

  it('deletes a subnet only through its own vnet (B.16)', () => {
    expect(errors(deleteObject(pending(), 'subnets', 'simple1-10.1.0.0-24', { vnet: 'sv2' }))).toEqual({ vnet: 'wrong vnet' });
    const c = ok(deleteObject(pending(), 'subnets', 'simple1-10.1.0.0-24', { vnet: 'sv1' }));
    expect(c.subnets?.ids).toEqual({});
  });

  it('deletes in dependency order', () => {
    let c = ok(deleteObject(pending(), 'subnets', 'simple1-10.1.0.0-24'));
    c = ok(deleteObject(c, 'vnets', 'sv1'));
    c = ok(deleteObject(c, 'vnets', 'sv2'));
    c = ok(deleteObject(c, 'zones', 'simple1'));
    c = ok(deleteObject(c, 'vnets', 'ev1'));
    c = ok(deleteObject(c, 'zones', 'evpn1'));
    c = ok(deleteObject(c, 'controllers', 'ctl'));
    expect(Object.keys(c.zones?.ids ?? {})).toEqual(['vlan1', 'vx1']);
  });
});

/**
 * A gateway outside its subnet: refused by default (S4), as Proxmox's API
 * does; accepted when the request lifts S4 (`gatewayOutsideSubnet`, the API's
 * `gateway-outside-subnet=1`), which an import of a cluster whose files hold
 * one needs (Proxmox's nodes render it). Every edit runs twice, validating in
 * full and through a ConfigIndex, with the same answer.
 */
describe('a gateway outside its subnet (S4 lifted on request)', () => {
  const ID = 'simple1-172.16.1.0-24';
  const both = (c: SdnConfig, run: (c: SdnConfig, index: ConfigIndex | undefined) => EditResult): EditResult => {
    const full = run(c, undefined);
    expect(run(c, ConfigIndex.build(c))).toEqual(full);
    return full;
  };
  const withOutside = (): SdnConfig => ok(both(pending(), (c, index) => createObject(c, 'subnets', { vnet: 'sv2', subnet: '172.16.1.0/24', gateway: '172.16.0.1' }, { index, gatewayOutsideSubnet: true })));

  it('is refused by default, naming the field', () => {
    expect(both(pending(), (c, index) => createObject(c, 'subnets', { vnet: 'sv2', subnet: '172.16.1.0/24', gateway: '172.16.0.1' }, { index }))).toEqual({ ok: false, code: 'invalid', errors: { gateway: '172.16.0.1 is not in subnet 172.16.1.0/24' } });
    expect(both(pending(), (c, index) => createObject(c, 'subnets', { vnet: 'sv2', subnet: '172.16.1.0/24', gateway: '172.16.0.1' }, { index, gatewayOutsideSubnet: false })).ok).toBe(false);
  });

  it('is stored as given when the request lifts S4, and the result says so; nothing else is lifted or stored', () => {
    const r = both(pending(), (c, index) => createObject(c, 'subnets', { vnet: 'sv2', subnet: '172.16.1.0/24', gateway: '172.16.0.1' }, { index, gatewayOutsideSubnet: true }));
    expect(r).toMatchObject({ ok: true, id: ID, object: { type: 'subnet', vnet: 'sv2', gateway: '172.16.0.1' }, gatewayOutsideSubnet: true });
    expect(obj(ok(r), 'subnets', ID)).toEqual({ type: 'subnet', vnet: 'sv2', gateway: '172.16.0.1' });
    // A gateway inside needs no lift: the result does not claim one.
    const inside = both(pending(), (c, index) => createObject(c, 'subnets', { vnet: 'sv2', subnet: '172.16.1.0/24', gateway: '172.16.1.1' }, { index, gatewayOutsideSubnet: true }));
    expect(inside.ok && inside.gatewayOutsideSubnet).toBeUndefined();
    // Other rules still hold: a dhcp-range outside, an overlap.
    expect(errors(both(pending(), (c, index) => createObject(c, 'subnets', { vnet: 'sv2', subnet: '172.16.1.0/24', gateway: '172.16.0.1', 'dhcp-range': ['start-address=172.16.0.10,end-address=172.16.0.20'] }, { index, gatewayOutsideSubnet: true })))).toEqual({ 'dhcp-range': 'start-address 172.16.0.10 is not in subnet 172.16.1.0/24; end-address 172.16.0.20 is not in subnet 172.16.1.0/24' });
    expect(errors(both(pending(), (c, index) => createObject(c, 'subnets', { vnet: 'sv2', subnet: '10.1.0.0/25', gateway: '10.9.0.1' }, { index, gatewayOutsideSubnet: true })))).toEqual({ subnet: 'subnet 10.1.0.0/25 overlaps with subnet simple1-10.1.0.0-24' });
  });

  it('stays accepted through later edits that leave the gateway as it is, of the subnet or of anything else', () => {
    let c = withOutside();
    c = ok(both(c, (x, index) => updateObject(x, 'subnets', ID, { snat: 1 }, { index })));
    // A client echoing the stored gateway back (an edit dialog) changes nothing of it.
    c = ok(both(c, (x, index) => updateObject(x, 'subnets', ID, { vnet: 'sv2', gateway: '172.16.0.1', delete: 'snat' }, { index })));
    c = ok(both(c, (x, index) => createObject(x, 'subnets', { vnet: 'sv2', subnet: '172.16.2.0/24', gateway: '172.16.2.1' }, { index })));
    c = ok(both(c, (x, index) => updateObject(x, 'vnets', 'sv2', { alias: 'moved' }, { index })));
    c = ok(both(c, (x, index) => updateObject(x, 'zones', 'simple1', { mtu: 1450 }, { index })));
    c = ok(both(c, (x, index) => createObject(x, 'vnets', { vnet: 'sv3', zone: 'simple1' }, { index })));
    c = ok(both(c, (x, index) => deleteObject(x, 'subnets', 'simple1-172.16.2.0-24', { vnet: 'sv2' }, { index })));
    expect(obj(c, 'subnets', ID)).toEqual({ type: 'subnet', vnet: 'sv2', gateway: '172.16.0.1' });
    // Validated again as a configuration made of edits (apply): nothing to report.
    expect(validateConfig(c, { checkGateway: () => false })).toEqual({});
    // As a file of unknown history it is checked in full: S4 reports the gateway.
    expect(validateConfig(c)).toEqual({ [`subnets.${ID}.gateway`]: '172.16.0.1 is not in subnet 172.16.1.0/24' });
    // The subnet goes as any other.
    expect(ok(both(c, (x, index) => deleteObject(x, 'subnets', ID, { vnet: 'sv2' }, { index }))).subnets?.ids[ID]).toBeUndefined();
  });

  it('is checked again when an edit sets another gateway, unless that edit lifts it too', () => {
    const c = withOutside();
    expect(errors(both(c, (x, index) => updateObject(x, 'subnets', ID, { gateway: '172.16.0.2' }, { index })))).toEqual({ gateway: '172.16.0.2 is not in subnet 172.16.1.0/24' });
    const moved = both(c, (x, index) => updateObject(x, 'subnets', ID, { gateway: '172.16.0.2' }, { index, gatewayOutsideSubnet: true }));
    expect(moved).toMatchObject({ ok: true, object: { gateway: '172.16.0.2' }, gatewayOutsideSubnet: true });
    // Back inside: no lift needed; from there, outside again needs one.
    const inside = ok(both(c, (x, index) => updateObject(x, 'subnets', ID, { gateway: '172.16.1.1' }, { index })));
    expect(errors(both(inside, (x, index) => updateObject(x, 'subnets', ID, { gateway: '172.16.0.1' }, { index })))).toEqual({ gateway: '172.16.0.1 is not in subnet 172.16.1.0/24' });
    // Deleting the gateway needs nothing either.
    expect(obj(ok(both(c, (x, index) => updateObject(x, 'subnets', ID, { delete: 'gateway' }, { index }))), 'subnets', ID)).toEqual({ type: 'subnet', vnet: 'sv2' });
  });
});

import { macFromBytes } from './mac';
import { normaliseConfig, normaliseController, normaliseDns, normaliseIpam, normaliseSubnet, normaliseVnet, normaliseZone } from './normalise';
import { parseBoolean } from './properties';
import { buildSubnetId, parseDhcpRange, parseSubnetId, subnetView } from './subnet-id';
import { objectView } from './views';

describe('normalise*', () => {
  it('canonicalises numbers, booleans and node sets', () => {
    expect(normaliseZone({ type: 'evpn', controller: 'ctl', 'vrf-vxlan': '1000', exitnodes: ['n2', 'n1'], 'advertise-subnets': 'yes', 'disable-arp-nd-suppression': 'off', nodes: { n1: 1, n2: 0 } })).toEqual({
      value: { type: 'evpn', controller: 'ctl', 'vrf-vxlan': 1000, exitnodes: { n1: 1, n2: 1 }, 'advertise-subnets': 1, nodes: { n1: 1 } },
      errors: {},
    });
  });

  it('drops empty values as the section-config writer does', () => {
    expect(normaliseVnet({ zone: 'z1', alias: '', tag: '', vlanaware: '' }).value).toEqual({ type: 'vnet', zone: 'z1' });
    expect(normaliseZone({ type: 'vxlan', peers: ' , ' }).value).toEqual({ type: 'vxlan' });
  });

  it('keeps list strings verbatim', () => {
    expect(normaliseController({ type: 'isis', 'isis-domain': 1, 'isis-ifaces': 'eth1,eth0', 'isis-net': '49.0000.1234.0000.00', node: 'n1' }).value).toEqual({
      type: 'isis',
      'isis-domain': '1',
      'isis-ifaces': 'eth1,eth0',
      'isis-net': '49.0000.1234.0000.00',
      node: 'n1',
    });
  });

  it('normalises dhcp ranges to property strings', () => {
    expect(normaliseSubnet({ vnet: 'v1', 'dhcp-range': [{ 'start-address': '10.0.0.1', 'end-address': '10.0.0.2' }, 'start-address=10.0.0.5,end-address=10.0.0.6'] }).value['dhcp-range']).toEqual([
      'start-address=10.0.0.1,end-address=10.0.0.2',
      'start-address=10.0.0.5,end-address=10.0.0.6',
    ]);
    expect(normaliseSubnet({ vnet: 'v1', 'dhcp-range': [{ 'start-address': '10.0.0.1' }] }).errors).toEqual({ 'dhcp-range': 'invalid format - end-address: property is missing' });
  });

  it('upper-cases certificate fingerprints (B.12)', () => {
    const fp = Array(32).fill('ab').join(':');
    expect(normaliseIpam({ type: 'netbox', url: 'https://nb/api', token: 't', fingerprint: fp }).value.fingerprint).toBe(fp.toUpperCase());
  });

  it('reports type and key errors', () => {
    expect(normaliseDns({ type: 'bind', url: 'http://x' }).errors).toEqual({
      type: "value 'bind' does not have a value in the enumeration 'powerdns'",
    });
    expect(normaliseVnet({ type: 'subnet', zone: 'z' }).errors.type).toMatch(/enumeration 'vnet'/);
    expect(normaliseZone('x').errors).toEqual({ type: 'zone object must be a JSON object' });
    expect(normaliseZone({ type: 'simple', mtu: 1.5, dhcp: 'isc' }).errors).toEqual({
      mtu: "type check ('integer') failed - got '1.5'",
      dhcp: "value 'isc' does not have a value in the enumeration 'dnsmasq'",
    });
  });

  it('parses booleans like the reference', () => {
    expect(['1', 'true', 'YES', 'on', 1, true].map(parseBoolean)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(['0', 'false', 'no', 'OFF', 0, false].map(parseBoolean)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(['2', 'y', null, {}].map(parseBoolean)).toEqual([undefined, undefined, undefined, undefined]);
  });
});

describe('normaliseConfig', () => {
  it('normalises a golden-style config and keeps fabrics untouched', () => {
    const fabrics = { ids: { f1: { type: 'ospf_fabric', area: '0' } } };
    const { config, errors } = normaliseConfig({
      version: 1,
      zones: { ids: { z1: { type: 'vlan', bridge: 'vmbr0', mtu: '9200' } } },
      vnets: { ids: { v1: { type: 'vnet', zone: 'z1', tag: '100' } } },
      subnets: {},
      fabrics,
    });
    expect(errors).toEqual({});
    expect(config.zones?.ids.z1).toEqual({ type: 'vlan', bridge: 'vmbr0', mtu: 9200 });
    expect(config.vnets?.ids.v1).toEqual({ type: 'vnet', zone: 'z1', tag: 100 });
    expect(config.subnets).toEqual({ ids: {} });
    expect(config.controllers).toBeUndefined();
    expect(config.fabrics).toBe(fabrics);
  });
});

describe('subnet IDs and views', () => {
  it('builds and parses IDs', () => {
    expect(buildSubnetId('z1', '10.0.0.5/24')).toBe('z1-10.0.0.5-24');
    expect(parseSubnetId('z1-fd00::-64')).toMatchObject({ zone: 'z1', network: 'fd00::', mask: 64, cidr: 'fd00::/64' });
    expect(parseSubnetId('z1-10.0.0.0')).toBeUndefined();
  });

  it('derives the response fields (§1.9)', () => {
    expect(subnetView('z1-10.0.0.0-24', { type: 'subnet', vnet: 'v1', 'dhcp-range': ['start-address=10.0.0.2,end-address=10.0.0.9', 'garbage'] })).toEqual({
      type: 'subnet',
      vnet: 'v1',
      subnet: 'z1-10.0.0.0-24',
      id: 'z1-10.0.0.0-24',
      cidr: '10.0.0.0/24',
      zone: 'z1',
      network: '10.0.0.0',
      mask: '24',
      'dhcp-range': [{ 'start-address': '10.0.0.2', 'end-address': '10.0.0.9' }],
    });
  });

  it('parses dhcp-range property strings', () => {
    expect(parseDhcpRange('end-address=10.0.0.9,start-address=10.0.0.2')).toEqual({ range: { 'start-address': '10.0.0.2', 'end-address': '10.0.0.9' } });
    expect(parseDhcpRange('start-address=10.0.0.2,foo=1').error).toMatch(/unknown key 'foo'/);
  });
});

describe('macFromBytes (Z11)', () => {
  it('yields a unicast, locally administered, upper-case MAC', () => {
    expect(macFromBytes([0xff, 0xab, 0x01, 0x02, 0x03, 0x04])).toBe('FE:AB:01:02:03:04');
    expect(macFromBytes([0x01, 0, 0, 0, 0, 0])).toBe('02:00:00:00:00:00');
  });
  it('applies the datacenter mac prefix', () => {
    expect(macFromBytes([1, 2, 3, 4, 5, 6], 'bc:24:11')).toBe('BC:24:11:04:05:06');
  });
});

describe('objectView', () => {
  it('adds the ID key and renders zone node sets as sorted lists', () => {
    expect(objectView('zones', 'z1', { type: 'evpn', nodes: { n2: 1, n1: 1 }, exitnodes: { n1: 1 } })).toEqual({ zone: 'z1', type: 'evpn', nodes: 'n1,n2', exitnodes: 'n1' });
    expect(objectView('vnets', 'v1', { zone: 'z1' })).toEqual({ vnet: 'v1', type: 'vnet', zone: 'z1' });
    expect(objectView('subnets', 'z1-10.0.0.0-24', { vnet: 'v1' })).toMatchObject({ subnet: 'z1-10.0.0.0-24', cidr: '10.0.0.0/24' });
  });
});

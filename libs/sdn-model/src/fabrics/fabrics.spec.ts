import type { RunningConfig } from '../model';
import { validateConfig } from '../validation/validate-config';
import { createFabric, createFabricNode, deleteFabric, deleteFabricNode, updateFabric, updateFabricNode, type FabricEditResult } from './edits';
import { fabricErrors } from './validate';

function base(): RunningConfig {
  return {
    fabrics: {
      ids: {
        of1: { type: 'openfabric_fabric', id: 'of1', ip_prefix: '10.10.0.0/24', hello_interval: 2 },
        of1_n1: { type: 'openfabric_node', id: 'of1_n1', ip: '10.10.0.1', interfaces: ['name=veth12', 'name=veth13'] },
        of1_n2: { type: 'openfabric_node', id: 'of1_n2', ip: '10.10.0.2', interfaces: ['name=veth21'] },
        os1: { type: 'ospf_fabric', id: 'os1', ip_prefix: '10.20.0.0/24', area: '0' },
        os1_n1: { type: 'ospf_node', id: 'os1_n1', ip: '10.20.0.1', interfaces: ['name=ens19,ip=172.16.3.10/31'] },
      },
    },
    zones: { ids: { vx: { type: 'vxlan', fabric: 'of1' } } },
    controllers: { ids: { ctl: { type: 'evpn', asn: 65000, fabric: 'os1' } } },
  };
}

function accepted(r: FabricEditResult) {
  if (!r.ok) throw new Error(`refused: ${JSON.stringify(r)}`);
  return r;
}

describe('fabric edits with the reference’s errors', () => {
  it('the base configuration is valid', () => {
    expect(validateConfig(base())).toEqual({});
  });

  it('creates an openfabric fabric, canonical prefix, typed section', () => {
    const r = accepted(createFabric(base(), { id: 'of2', protocol: 'openfabric', ip_prefix: '10.30.0.7/24', ip6_prefix: 'fd00:30::1/64', csnp_interval: '5', digest: 'x' }));
    expect(r.object).toEqual({ type: 'openfabric_fabric', id: 'of2', ip_prefix: '10.30.0.0/24', ip6_prefix: 'fd00:30::/64', csnp_interval: 5 });
  });

  it.each([
    [{ id: 'of2', protocol: 'openfabric' }, { ip_prefix: "fabric 'of2' does not have an IP prefix configured" }],
    [{ id: 'os2', protocol: 'ospf', area: '1', ip_prefix: '10.40.0.0/24', ip6_prefix: 'fd00::/64' }, { ip6_prefix: 'IPv6 is currently not supported for protocol ospf' }],
    [{ id: 'os2', protocol: 'ospf', area: '0.0.0.0', ip_prefix: '10.40.0.0/24' }, { area: 'duplicate OSPF area' }],
    [{ id: 'os2', protocol: 'ospf', ip_prefix: '10.40.0.0/24' }, { area: "missing value for required option 'area'" }],
    [{ id: 'of2', protocol: 'openfabric', ip_prefix: '10.10.0.0/16' }, { ip_prefix: "IP prefix 10.10.0.0/16 in fabric 'of2' overlaps with IPv4 prefix 10.10.0.0/24 in fabric 'of1'" }],
    [{ id: 'of2', protocol: 'openfabric', ip_prefix: '10.50.0.0/24', hello_interval: 601 }, { hello_interval: 'value must have a maximum value of 600' }],
    [{ id: 'of2', protocol: 'bgp', ip_prefix: '10.50.0.0/24' }, { protocol: "value 'bgp' does not have a value in the enumeration 'openfabric, ospf'" }],
    [{ id: 'of_2', protocol: 'openfabric', ip_prefix: '10.50.0.0/24' }, { id: expect.stringMatching(/valid fabric ID/) }],
    [{ id: 'of2', protocol: 'ospf', area: '0', ip_prefix: '10.50.0.0/24', hello_interval: 3 }, { hello_interval: "unexpected property 'hello_interval'" }],
  ])('refuses %j', (params, errors) => {
    expect(createFabric(base(), params)).toEqual({ ok: false, code: 'invalid', errors });
  });

  it('refuses a duplicate fabric', () => {
    expect(createFabric(base(), { id: 'of1', protocol: 'openfabric', ip_prefix: '10.60.0.0/24' })).toEqual({ ok: false, code: 'exists', errors: { id: "fabric 'of1' already exists in config" } });
  });

  it('creates a node with canonical interface property strings', () => {
    const r = accepted(createFabricNode(base(), 'of1', { node_id: 'n3', protocol: 'openfabric', ip: '10.10.0.3', interfaces: ['ip=10.1.0.1/31,name=veth31', { name: 'veth32', hello_multiplier: '3' }] }));
    expect(r).toMatchObject({ id: 'of1_n3', object: { type: 'openfabric_node', id: 'of1_n3', ip: '10.10.0.3', interfaces: ['name=veth31,ip=10.1.0.1/31', 'name=veth32,hello_multiplier=3'] } });
  });

  it.each([
    ['of1', { node_id: 'n3', ip: '10.99.0.3' }, { ip: 'node IP 10.99.0.3 is outside the IP prefix 10.10.0.0/24 of the fabric' }],
    ['of1', { node_id: 'n3', ip: '10.10.0.1' }, { ip: 'fabric of1 contains nodes with duplicated IPs' }],
    ['of1', { node_id: 'n3', interfaces: ['name=x'] }, { ip: "node 'of1_n3' does not have an IP configured; node 'of1_n3' does not have an IP configured for this fabric prefix 10.10.0.0/24" }],
    ['of1', { node_id: 'n3', ip: '10.10.0.3', ip6: 'fd00::3' }, { ip6: "fabric 'of1' does not have an IP prefix configured for the node IP fd00::3" }],
    ['os1', { node_id: 'n2', ip6: 'fd00::2' }, { ip: "node 'os1_n2' does not have an IP configured; node 'os1_n2' does not have an IP configured for this fabric prefix 10.20.0.0/24", ip6: 'IPv6 is currently not supported for protocol ospf' }],
    ['os1', { node_id: 'n2', ip: '10.20.0.2', protocol: 'openfabric' }, { protocol: 'node has a different protocol than the referenced fabric' }],
    ['os1', { node_id: 'n2', ip: '10.20.0.2', interfaces: ['name=e1,hello_multiplier=2'] }, { interfaces: "invalid format - unknown key 'hello_multiplier'" }],
    ['os1', { node_id: 'n1x', ip: '10.20.0.9', interfaces: ['name=e1', 'name=e1'] }, { interfaces: 'interface is already in use by another fabric' }],
    ['os1', { node_id: 'n'.repeat(64), ip: '10.20.0.9' }, { node_id: 'value does not look like a valid node name' }],
  ])('node in %s %j is refused', (fabric, params, errors) => {
    expect(createFabricNode(base(), fabric, params)).toEqual({ ok: false, code: 'invalid', errors });
  });

  it('refuses an interface a node already uses in another fabric', () => {
    const r = createFabricNode(base(), 'os1', { node_id: 'n2', ip: '10.20.0.2', interfaces: ['name=veth21'] });
    expect(r).toEqual({ ok: false, code: 'invalid', errors: { interfaces: 'interface is already in use by another fabric' } });
  });

  it('node of a missing fabric, missing node, duplicate node', () => {
    expect(createFabricNode(base(), 'nope', { node_id: 'n1', ip: '10.0.0.1' })).toEqual({ ok: false, code: 'not-found', errors: { fabric_id: "fabric 'nope' does not exist in configuration" } });
    expect(updateFabricNode(base(), 'of1', 'n9', { ip: '10.10.0.9' })).toEqual({ ok: false, code: 'not-found', errors: { node_id: "node 'n9' does not exist in fabric 'of1'" } });
    expect(createFabricNode(base(), 'of1', { node_id: 'n1', ip: '10.10.0.7' })).toEqual({ ok: false, code: 'exists', errors: { node_id: "node 'n1' already exists in config for fabric of1" } });
  });

  it('updates: a prefix change that strands node addresses is refused on their paths', () => {
    expect(updateFabric(base(), 'of1', { ip_prefix: '10.11.0.0/24' })).toEqual({
      ok: false,
      code: 'invalid',
      errors: { 'fabrics.of1_n1.ip': 'node IP 10.10.0.1 is outside the IP prefix 10.11.0.0/24 of the fabric', 'fabrics.of1_n2.ip': 'node IP 10.10.0.2 is outside the IP prefix 10.11.0.0/24 of the fabric' },
    });
    expect(accepted(updateFabric(base(), 'of1', { delete: 'hello_interval', csnp_interval: 10 })).object).toEqual({ type: 'openfabric_fabric', id: 'of1', ip_prefix: '10.10.0.0/24', csnp_interval: 10 });
    expect(updateFabric(base(), 'of1', { protocol: 'ospf' })).toMatchObject({ ok: false, errors: { protocol: expect.any(String) } });
    expect(accepted(updateFabricNode(base(), 'of1', 'n2', { delete: 'interfaces' })).object).toEqual({ type: 'openfabric_node', id: 'of1_n2', ip: '10.10.0.2' });
  });

  it('deletes a fabric with its nodes, but not while a zone or controller uses it', () => {
    expect(deleteFabric(base(), 'of1')).toEqual({ ok: false, code: 'in-use', errors: { id: 'this fabric is still used in the VXLAN zone "vx"' } });
    expect(deleteFabric(base(), 'os1')).toEqual({ ok: false, code: 'in-use', errors: { id: 'this fabric is still used in the EVPN controller "ctl"' } });
    const c = base();
    delete c.zones!.ids.vx;
    expect(deleteFabric(c, 'of1')).toEqual({ ok: true, id: 'of1', object: null, removedNodes: ['of1_n1', 'of1_n2'] });
    expect(deleteFabricNode(c, 'of1', 'n2')).toEqual({ ok: true, id: 'of1_n2', object: null, removedNodes: [] });
  });

  it('whole-config validation reports fabric problems and zone references', () => {
    const c = base();
    (c.fabrics!.ids as any).ghost_n1 = { type: 'openfabric_node', id: 'ghost_n1', ip: '10.0.0.1' };
    c.zones!.ids.vx2 = { type: 'vxlan', fabric: 'nofab' };
    expect(validateConfig(c)).toEqual({ 'fabrics.ghost_n1': "fabric 'ghost' does not exist in configuration", 'zones.vx2.fabric': 'fabric nofab does not exist' });
    expect(fabricErrors({ x: { type: 'bgp_fabric' } })).toEqual({ 'fabrics.x.type': "unknown fabric section type 'bgp_fabric'" });
  });
});

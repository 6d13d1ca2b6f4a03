import { describe, expect, it } from 'vitest';
import { Permissions } from '../auth/permissions';
import { KINDS } from './kinds';
import { changeRefusal, createRefusal } from './refusal';

const fabrics = KINDS.fabrics;
const nodes = KINDS['fabric-nodes'];

describe('which fabric buttons the ACL enables', () => {
  // Allocate on one fabric, Modify on one node: the shape GET /access/permissions answers.
  const perms = new Permissions({
    '/sdn': { 'SDN.Audit': 1 },
    '/sdn/fabrics/f1': { 'SDN.Audit': 1, 'SDN.Allocate': 1 },
    '/nodes': { 'Sys.Audit': 1 },
    '/nodes/pve1': { 'Sys.Audit': 1, 'Sys.Modify': 1 },
  });
  const f1 = { id: 'f1', protocol: 'openfabric' };
  const f2 = { id: 'f2', protocol: 'ospf' };

  it('checks a fabric on /sdn/fabrics/<id>, a create on /sdn/fabrics', () => {
    expect(changeRefusal(fabrics, perms, f1)).toBeUndefined();
    expect(changeRefusal(fabrics, perms, f2)).toMatch(/SDN\.Allocate/);
    expect(createRefusal(fabrics, perms, undefined, false)).toMatch(/SDN\.Allocate/);
    const admin = new Permissions({ '/': { 'SDN.Allocate': 1, 'Sys.Modify': 1 } });
    expect(createRefusal(fabrics, admin, undefined, false)).toBeUndefined();
  });

  it("checks a node on its fabric's path and Sys.Modify on /nodes/<node>", () => {
    expect(changeRefusal(nodes, perms, { fabric_id: 'f1', node_id: 'pve1' })).toBeUndefined();
    expect(changeRefusal(nodes, perms, { fabric_id: 'f1', node_id: 'pve2' })).toBe('you may not change /nodes/pve2 (Sys.Modify)');
    expect(changeRefusal(nodes, perms, { fabric_id: 'f2', node_id: 'pve1' })).toMatch(/SDN\.Allocate/);
  });

  it('creates a node under a chosen fabric the caller may allocate in, when some node allows Sys.Modify', () => {
    expect(createRefusal(nodes, perms, undefined, true)).toBe('choose a fabric first');
    expect(createRefusal(nodes, perms, f1, true)).toBeUndefined();
    expect(createRefusal(nodes, perms, f2, true)).toMatch(/SDN\.Allocate/);
    expect(createRefusal(nodes, perms, { ...f1, state: 'deleted' }, true)).toBe('the fabric is deleted at the next apply');
    const noNode = new Permissions({ '/sdn/fabrics': { 'SDN.Allocate': 1 }, '/nodes': { 'Sys.Audit': 1 } });
    expect(createRefusal(nodes, noNode, f1, true)).toBe('you may not change any of /nodes (Sys.Modify)');
  });

  it('refuses changes to an object already deleted (pending)', () => {
    expect(changeRefusal(fabrics, perms, { ...f1, state: 'deleted' })).toBe('already deleted (pending)');
  });

  it('keeps the other kinds as they were: a vnet anywhere below /sdn/zones, a subnet on its vnet', () => {
    const zoneAdmin = new Permissions({ '/sdn/zones/z1': { 'SDN.Allocate': 1 } });
    expect(createRefusal(KINDS.vnets, zoneAdmin, undefined, false)).toBeUndefined();
    expect(createRefusal(KINDS.zones, zoneAdmin, undefined, false)).toMatch(/SDN\.Allocate/);
    expect(createRefusal(KINDS.subnets, zoneAdmin, { vnet: 'v1', zone: 'z1' }, true)).toBeUndefined();
    expect(createRefusal(KINDS.subnets, zoneAdmin, { vnet: 'v2', zone: 'z2' }, true)).toMatch(/SDN\.Allocate/);
  });
});

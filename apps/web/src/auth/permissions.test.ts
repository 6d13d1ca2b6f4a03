import { describe, expect, it } from 'vitest';
import { Permissions } from './permissions';

describe('Permissions', () => {
  const perms = new Permissions({ '/sdn': { 'SDN.Audit': 1 }, '/sdn/zones/z1': { 'SDN.Audit': 1, 'SDN.Allocate': 1 } });

  it('takes the nearest listed ancestor', () => {
    expect(perms.can('SDN.Audit', '/sdn/zones/z2')).toBe(true);
    expect(perms.can('SDN.Allocate', '/sdn/zones/z2')).toBe(false);
    expect(perms.can('SDN.Allocate', '/sdn/zones/z1/vnet1')).toBe(true);
    expect(perms.can('SDN.Audit', '/')).toBe(false);
  });

  it('finds a privilege held below a path', () => {
    expect(perms.canSomewhere('SDN.Allocate', '/sdn/zones')).toBe(true);
    expect(perms.canSomewhere('SDN.Allocate', '/sdn/zones/z2')).toBe(false);
  });
});

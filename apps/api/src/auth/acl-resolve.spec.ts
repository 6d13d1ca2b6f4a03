import { isOptionalTemplate, relatedInPending, resolveTemplate } from './acl-resolve';

const pending = { vnets: { va: { zone: 'zoneA' } }, subnets: { 'zoneA-10.0.0.0-24': { vnet: 'va' } } };
const src = (values: Record<string, unknown>) => ({ value: (n: string) => values[n], related: relatedInPending(pending) });

describe('ACL path templates', () => {
  it('fills parameters and related objects', () => {
    expect(resolveTemplate('/sdn/zones/{zone}', src({ zone: 'z1' }))).toEqual({ path: '/sdn/zones/z1', complete: true });
    expect(resolveTemplate('/sdn/zones/{vnet.zone}/{vnet}', src({ vnet: 'va' }))).toEqual({ path: '/sdn/zones/zoneA/va', complete: true });
    expect(resolveTemplate('/sdn/zones/{subnet.zone}/{subnet.vnet}', src({ subnet: 'zoneA-10.0.0.0-24' })).path).toBe('/sdn/zones/zoneA/va');
    // Read as the handlers read parameters: a list of one is its value, a number a string.
    expect(resolveTemplate('/sdn/zones/{zone}', src({ zone: ['z2'] })).path).toBe('/sdn/zones/z2');
    expect(resolveTemplate('/sdn/ipams/{ipam}', src({ ipam: 7 })).path).toBe('/sdn/ipams/7');
  });

  it('cuts before anything missing, unknown or not one plain segment (never a sibling path)', () => {
    for (const zone of [undefined, '', 'a/b', '..', '.', 'ä', ['a', 'b'], { x: 1 }, 'a b']) {
      expect(resolveTemplate('/sdn/zones/{zone}/{vnet}', src({ zone, vnet: 'v' }))).toEqual({ path: '/sdn/zones', complete: false });
    }
    expect(resolveTemplate('/sdn/zones/{vnet.zone}/{vnet}', src({ vnet: 'ghost' }))).toEqual({ path: '/sdn/zones', complete: false });
  });

  it('whole-path parameters must be valid ACL paths', () => {
    expect(resolveTemplate('{path*}', src({ path: '/sdn/zones/z1' }))).toEqual({ path: '/sdn/zones/z1', complete: true });
    expect(resolveTemplate('{path*}', src({ path: '/sdn/../access' }))).toEqual({ path: '/', complete: false });
    expect(isOptionalTemplate('/sdn/zones/{zone?}')).toBe(true);
    expect(isOptionalTemplate('/sdn/zones/{zone}')).toBe(false);
  });
});

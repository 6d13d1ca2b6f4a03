import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { factsFromMocks, findCases, loadCase } from '../conformance/case';
import { renderNode } from '../render';
import { renderFrr } from './render-frr';
import { evpnConfig, frrFacts } from './test-fixtures';

describe('frr.conf frame (rendering.md §2.1)', () => {
  it('no file without controllers, fabrics or a local snippet', () => {
    expect(renderFrr({ version: 1, zones: { ids: {} } }, frrFacts())).toBeUndefined();
  });

  it('an empty body gives the bare frame', () => {
    expect(renderFrr({ controllers: { ids: { b: { type: 'bgp', node: 'other', asn: 1 } } } }, frrFacts())).toBe(
      'frr version 10.4.1\nfrr defaults datacenter\nhostname localhost\nlog syslog informational\nservice integrated-vtysh-config\n!\nline vty\n!\n',
    );
  });

  it('a local snippet alone produces a file', () => {
    const out = renderFrr({ version: 1 }, frrFacts({ frrLocal: 'router eigrp 1\n network 10.0.0.0/8\nexit\n' }));
    expect(out).toContain('service integrated-vtysh-config\nrouter eigrp 1\n network 10.0.0.0/8\nexit\n!\n!\nline vty\n!\n');
  });
});

/** The same value with the keys of every object, at every depth, in a permuted order. */
function reorder(value: unknown, pick: (n: number) => number): unknown {
  if (Array.isArray(value)) return value.map((v) => reorder(v, pick));
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value);
  const out: Record<string, unknown> = {};
  while (keys.length) {
    const [k] = keys.splice(pick(keys.length), 1);
    out[k] = reorder((value as Record<string, unknown>)[k], pick);
  }
  return out;
}

describe('key order of the config never matters', () => {
  const ZONES = path.resolve(__dirname, '../../../../../shared/conformance/zones');
  const cases = fs.existsSync(ZONES) ? findCases(ZONES).map(loadCase).filter((c) => c.expectedFrr !== undefined) : [];
  const configs = [
    { name: 'fixture', config: evpnConfig({ zones: { myzone: { type: 'evpn', controller: 'evpnctl', 'vrf-vxlan': 1000, exitnodes: { localhost: 1 } }, other: { type: 'evpn', controller: 'evpnctl', 'vrf-vxlan': 1001 } } }), facts: frrFacts() },
    ...cases.map((c) => ({ name: c.name, config: c.config, facts: factsFromMocks(c) })),
  ];

  it.each(configs.map((c) => [c.name, c] as const))('%s', (_name, { config, facts }) => {
    const expected = renderNode(config, facts);
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: 64, maxLength: 64 }), (choices) => {
        let i = 0;
        const shuffled = reorder(config, (n) => choices[i++ % choices.length] % n) as typeof config;
        expect(renderNode(shuffled, facts)).toEqual(expected);
      }),
      { numRuns: 25, seed: 42 },
    );
  });
});

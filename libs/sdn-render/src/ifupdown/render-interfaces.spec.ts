import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import type { RunningConfig } from '@sdn/model';
import { factsFromMocks, findCases, loadCase } from '../conformance/case';
import { renderInterfaces, renderInterfacesWithWarnings } from './render-interfaces';
import { bridge, stanzaOf, testConfig, testFacts } from './test-fixtures';

describe('renderInterfaces: overall algorithm (§1.1)', () => {
  it('is empty, without header, when the config has neither vnets nor zones', () => {
    expect(renderInterfaces({ version: 3 }, testFacts())).toBe('');
    expect(renderInterfaces({ version: 3, subnets: { ids: {} }, controllers: { ids: {} } }, testFacts())).toBe('');
  });

  it('writes the version header alone when sections exist but no stanza results', () => {
    expect(renderInterfaces({ version: 5, vnets: { ids: {} } }, testFacts())).toBe('#version:5\n');
    expect(renderInterfaces({ version: 5, zones: { ids: { z: { type: 'simple' } } } }, testFacts())).toBe('#version:5\n');
  });

  it('skips a vnet without zone or with an unknown zone, with the reference warnings', () => {
    const config = testConfig({
      zones: { z: { type: 'simple' } },
      vnets: { a: { zone: '' }, b: { zone: 'nope' }, c: { zone: 'z' }, d: {} },
    });
    const { text, warnings } = renderInterfacesWithWarnings(config, testFacts());
    expect(warnings).toEqual([
      "can't generate vnet 'a': no zone assigned!",
      "can't generate vnet 'b': zone nope don't exist",
      "can't generate vnet 'd': no zone assigned!",
    ]);
    expect(text).toBe('#version:1\n\nauto c\niface c\n\tbridge_ports none\n\tbridge_stp off\n\tbridge_fd 0\n');
  });

  it('skips vnets of zones restricted to other nodes, silently', () => {
    const config = testConfig({
      zones: { z1: { type: 'simple', nodes: 'n2,n3' }, z2: { type: 'simple', nodes: { n1: 1 } }, z3: { type: 'simple' } },
      vnets: { a: { zone: 'z1' }, b: { zone: 'z2' }, c: { zone: 'z3' } },
    });
    const { text, warnings } = renderInterfacesWithWarnings(config, testFacts());
    expect(warnings).toEqual([]);
    expect(stanzaOf(text, 'a')).toBeUndefined();
    expect(stanzaOf(text, 'b')).toBeDefined();
    expect(stanzaOf(text, 'c')).toBeDefined();
  });

  it('reports a failing generator as `zone <zone> : vnet <id> : <error>` and renders the other vnets', () => {
    const config = testConfig({
      zones: { vx: { type: 'vxlan', peers: '10.0.0.1' }, ev: { type: 'evpn', controller: 'gone' }, odd: { type: 'faucet' } },
      vnets: { a: { zone: 'vx' }, b: { zone: 'ev', tag: 5 }, c: { zone: 'vx', tag: 7 }, d: { zone: 'odd' } },
    });
    const { text, warnings } = renderInterfacesWithWarnings(config, testFacts());
    expect(warnings).toEqual(['zone vx : vnet a : missing vxlan tag', 'zone ev : vnet b : missing controller', 'zone odd : vnet d : unknown zone type faucet']);
    expect(stanzaOf(text, 'vxlan_c')).toEqual(['vxlan-id 7', 'vxlan_remoteip 10.0.0.1', 'mtu 1450']);
  });

  it('visits vnets in byte order, so the byte-first vnet owns shared stanzas', () => {
    // Vnet3 < ln_x < vnet10 < vnet2 in byte order; all share bridge vmbr0 tag 100.
    const config = testConfig({
      zones: { z: { type: 'vlan', bridge: 'vmbr0' } },
      vnets: { vnet2: { zone: 'z', tag: 100 }, vnet10: { zone: 'z', tag: 100 }, Vnet3: { zone: 'z', tag: 100 }, ln_x: { zone: 'z', tag: 100 } },
    });
    const text = renderInterfaces(config, testFacts({ bridges: { vmbr0: bridge({ ports: ['eth0'] }) } }));
    expect(stanzaOf(text, 'vmbr0v100')).toEqual(['bridge_ports  eth0.100 pr_Vnet3', 'bridge_stp off', 'bridge_fd 0']);
    const names = [...text.matchAll(/^auto (\S+)$/gm)].map((m) => m[1]);
    expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(names.indexOf('Vnet3')).toBeLessThan(names.indexOf('ln_x'));
    expect(names.indexOf('ln_x')).toBeLessThan(names.indexOf('vnet10'));
    expect(names.indexOf('vnet10')).toBeLessThan(names.indexOf('vnet2'));
  });

  it('gives one `ovs_ports` line per OVS vlan vnet, and qinq OVS ports extend the first one', () => {
    const config = testConfig({
      zones: { v: { type: 'vlan', bridge: 'vmbr0' }, q: { type: 'qinq', bridge: 'vmbr0', tag: 20 } },
      vnets: { a: { zone: 'v', tag: 10 }, b: { zone: 'v', tag: 11 }, c: { zone: 'q', tag: 5 } },
    });
    const text = renderInterfaces(config, testFacts({ bridges: { vmbr0: bridge({ ovs: true }) } }));
    expect(stanzaOf(text, 'vmbr0')).toEqual(['ovs_ports ln_a sv_q', 'ovs_ports ln_b']);
  });
});

/** A copy of `value` whose object keys are reordered by `rank` at every depth. */
function reorderKeys(value: unknown, rank: (key: string) => number): unknown {
  if (Array.isArray(value)) return value.map((v) => reorderKeys(v, rank));
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value).sort((a, b) => rank(a) - rank(b));
  return Object.fromEntries(keys.map((k) => [k, reorderKeys((value as Record<string, unknown>)[k], rank)]));
}

describe('renderInterfaces: output does not depend on key order', () => {
  const ZONES = path.resolve(__dirname, '../../../../../shared/conformance/zones');
  const cases = fs.existsSync(ZONES) ? findCases(ZONES).map(loadCase) : [];
  (cases.length ? it : it.skip)('holds for every golden config under any key order of every section', () => {
    for (const c of cases) {
      const facts = factsFromMocks(c);
      const expected = renderInterfaces(c.config, facts);
      fc.assert(
        fc.property(fc.func(fc.integer()), (rank) => {
          const shuffled = reorderKeys(c.config, (k) => rank(k)) as RunningConfig;
          expect(renderInterfaces(shuffled, facts)).toBe(expected);
        }),
        { numRuns: 25 },
      );
    }
  });
});

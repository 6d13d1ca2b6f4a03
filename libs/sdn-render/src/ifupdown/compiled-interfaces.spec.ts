import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { splitList, nodeList, syntheticConfig, type RunningConfig } from '@sdn/model';
import { factsFromMocks, findCases, loadCase } from '../conformance/case';
import type { NodeFacts } from '../facts/node-facts';
import { CompiledInterfaces } from './render-interfaces';

/**
 * A compiled config replays a vnet recorded for one node on every node with
 * the same zone view. These tests catch a view key that misses something the
 * generators read: node B would then get node A's text.
 */

/** Every node name, address and bridge the config mentions: the facts that change output. */
function interestingFacts(config: RunningConfig) {
  const names = new Set(['elsewhere']);
  const addresses = new Set(['192.0.2.77']);
  const bridges = new Set(['vmbr0']);
  for (const z of Object.values(config.zones?.ids ?? {})) {
    for (const n of [...nodeList(z.nodes), ...nodeList(z.exitnodes)]) names.add(n);
    for (const p of splitList(z.peers)) addresses.add(p);
    if (typeof z.bridge === 'string') bridges.add(z.bridge);
  }
  for (const c of Object.values(config.controllers?.ids ?? {})) {
    if (typeof c.node === 'string') names.add(c.node);
    for (const p of splitList(c.peers)) addresses.add(p);
  }
  return { names: [...names], addresses: [...addresses], bridges: [...bridges] };
}

function factsArbitrary(base: NodeFacts, config: RunningConfig): fc.Arbitrary<NodeFacts> {
  const { names, addresses, bridges } = interestingFacts(config);
  const bridge = fc.record({ ovs: fc.boolean(), vlanAware: fc.boolean(), ports: fc.subarray(['eth0', 'eth1', 'bond0']) });
  return fc
    .record({
      nodename: fc.constantFrom(...names),
      own: fc.option(fc.constantFrom(...addresses)),
      src: fc.option(fc.constantFrom(...addresses)),
      dev: fc.constantFrom('vmbr0', 'eth0'),
      bridges: fc.dictionary(fc.constantFrom(...bridges), bridge),
    })
    .map(({ nodename, own, src, dev, bridges: br }) => ({
      ...base,
      nodename,
      addresses: (own === null ? {} : { vmbr0: own }) as Record<string, string>,
      routes: [
        { dst: '0.0.0.0/0', dev, src },
        { dst: '::/0', dev, src: src === null ? null : `2001:db8::${src.split('.').pop()}` },
      ],
      bridges: br,
    }));
}

function expectCompiledMatchesFresh(config: RunningConfig, base: NodeFacts): void {
  const compiled = new CompiledInterfaces(config);
  fc.assert(
    fc.property(fc.array(factsArbitrary(base, config), { minLength: 2, maxLength: 12 }), (nodes) => {
      for (const facts of nodes) expect(compiled.render(facts)).toEqual(new CompiledInterfaces(config).render(facts));
    }),
    { numRuns: 30 },
  );
}

describe('CompiledInterfaces: one compilation serves every node', () => {
  const ZONES = path.resolve(__dirname, '../../../../../shared/conformance/zones');
  const cases = fs.existsSync(ZONES) ? findCases(ZONES).map(loadCase) : [];
  (cases.length ? it : it.skip)('renders each golden config for many different nodes exactly as a fresh compilation would', () => {
    for (const c of cases) expectCompiledMatchesFresh(c.config, factsFromMocks(c));
  });

  it('does the same for a mixed synthetic cluster, beyond the bound on recorded views per zone', () => {
    const config = syntheticConfig({ vxlan: 20, evpn: 10, peers: ['10.255.0.1', '10.255.0.2', '10.255.0.3'] });
    const base: NodeFacts = { nodename: 'n1', addresses: {}, routes: [], bridges: {}, macs: {} };
    expectCompiledMatchesFresh(config, base);
    // Twenty nodes with distinct tunnel addresses: more EVPN views than are recorded.
    const compiled = new CompiledInterfaces(config);
    for (let i = 1; i <= 20; i++) {
      const facts = { ...base, nodename: `n${i}`, routes: [{ dst: '0.0.0.0/0', dev: 'vmbr0', src: `10.9.0.${i}` }] };
      const text = compiled.render(facts).text;
      expect(text).toBe(new CompiledInterfaces(config).render(facts).text);
      expect(text).toContain(`vxlan-local-tunnelip 10.9.0.${i}\n`);
    }
  });
});

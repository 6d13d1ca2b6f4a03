import { BUNDLES_STREAM, bundleSubject, eventSubject, factsSubject } from '@sdn/contracts';
import { busTopology } from './bus-topology';

describe('busTopology', () => {
  it('uses the contract names unchanged without a namespace', () => {
    const t = busTopology();
    expect(t.streams.bundles).toEqual({ name: BUNDLES_STREAM, subjects: 'sdn.node.*.bundle' });
    expect(t.bundleSubject('pve1')).toBe(bundleSubject('pve1'));
    expect(t.eventSubject('config', 'ConfigApplied')).toBe(eventSubject('config', 'ConfigApplied'));
    expect(t.nodeOfSubject(factsSubject('pve1'))).toBe('pve1');
  });

  it('prefixes subjects and stream names with a namespace', () => {
    const t = busTopology('t-42');
    expect(t.streams.events).toEqual({ name: 'T_42_SDN_EVENTS', subjects: 't-42.sdn.events.>' });
    expect(t.factsSubject('n1')).toBe('t-42.sdn.node.n1.facts');
    expect(t.nodeOfSubject('t-42.sdn.node.n1.facts')).toBe('n1');
  });

  it('finds no node in subjects of another shape or namespace', () => {
    expect(busTopology().nodeOfSubject('sdn.events.config.ConfigApplied')).toBeUndefined();
    expect(busTopology('a').nodeOfSubject('b.sdn.node.n1.facts')).toBeUndefined();
    expect(busTopology('a').nodeOfSubject('sdn.node.n1.facts')).toBeUndefined();
  });

  it('rejects a namespace that is not one subject token', () => {
    expect(() => busTopology('a.b')).toThrow(/namespace/);
  });
});

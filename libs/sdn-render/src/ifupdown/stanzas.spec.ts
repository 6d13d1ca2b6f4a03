import { serialiseStanzas, Stanzas } from './stanzas';

describe('Stanzas', () => {
  it('keeps the first writer of a stanza (add-if-absent)', () => {
    const s = new Stanzas();
    expect(s.addIfAbsent('vrf_z', ['vrf-table auto', 'a'])).toBe(true);
    expect(s.addIfAbsent('vrf_z', ['vrf-table auto', 'b'])).toBe(false);
    expect(s.get('vrf_z')).toEqual(['vrf-table auto', 'a']);
  });

  it('creates a stanza even with no options', () => {
    const s = new Stanzas();
    s.addIfAbsent('x', []);
    expect(s.has('x')).toBe(true);
    expect(serialiseStanzas('1', s)).toBe('#version:1\n\nauto x\niface x\n');
  });

  it('appends duplicate lines without merging them', () => {
    const s = new Stanzas();
    s.append('vmbr0', 'ovs_ports ln_a');
    s.append('vmbr0', 'ovs_ports ln_a');
    expect(s.get('vmbr0')).toEqual(['ovs_ports ln_a', 'ovs_ports ln_a']);
  });

  it('accumulates words in the first line, once each, whatever line came first', () => {
    const s = new Stanzas();
    s.accumulateInFirstLine('vmbr0', 'ovs_ports', 'sv_myzone2');
    s.accumulateInFirstLine('vmbr0', 'ovs_ports', 'sv_myzone');
    s.accumulateInFirstLine('vmbr0', 'ovs_ports', 'sv_myzone2');
    expect(s.get('vmbr0')).toEqual(['ovs_ports sv_myzone2 sv_myzone']);

    const t = new Stanzas();
    t.append('vmbr0', 'ovs_ports ln_a');
    t.append('vmbr0', 'ovs_ports ln_b');
    t.accumulateInFirstLine('vmbr0', 'ovs_ports', 'sv_z');
    expect(t.get('vmbr0')).toEqual(['ovs_ports ln_a sv_z', 'ovs_ports ln_b']);
  });

  it('returns copies, so callers cannot edit a stanza behind its back', () => {
    const s = new Stanzas();
    s.addIfAbsent('a', ['x']);
    s.get('a')!.push('y');
    expect(s.get('a')).toEqual(['x']);
  });
});

describe('serialiseStanzas', () => {
  it('writes only the header when there is no stanza', () => {
    expect(serialiseStanzas('7', new Stanzas())).toBe('#version:7\n');
  });

  it('orders stanzas by bytes, not naturally or case-insensitively', () => {
    const s = new Stanzas();
    for (const n of ['vnet2', 'vnet10', 'ln_a', 'Vnet3']) s.addIfAbsent(n, ['o']);
    expect(s.names()).toEqual(['Vnet3', 'ln_a', 'vnet10', 'vnet2']);
  });

  it('separates stanzas by one empty line, TAB-indents options and ends without a blank line', () => {
    const s = new Stanzas();
    s.addIfAbsent('b', ['x 1', 'y 2']);
    s.addIfAbsent('a', ['z']);
    expect(serialiseStanzas('1', s)).toBe('#version:1\n\nauto a\niface a\n\tz\n\nauto b\niface b\n\tx 1\n\ty 2\n');
  });
});

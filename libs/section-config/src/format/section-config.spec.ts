import { parseSectionConfig, SectionConfigError } from './parse';
import { writeSectionConfig } from './write';

function parseError(text: string, opts = {}): SectionConfigError {
  try {
    parseSectionConfig(text, 'zones.cfg', opts);
  } catch (e) {
    if (e instanceof SectionConfigError) return e;
    throw e;
  }
  throw new Error('parsed without error');
}

describe('parseSectionConfig', () => {
  it('reads sections with comments, blank lines, flags, tabs or spaces, CRLF and options in any order', () => {
    const text = [
      '# written by hand',
      '',
      'evpn: zone1',
      '\t# comments inside a section neither end it nor belong to it',
      '\tvrf-vxlan 10000',
      '    controller   ctl1  ',
      '\tadvertise-subnets',
      '   ',
      '\tmtu 1450',
      '',
      '',
      'VLAN: zone2\r',
      '\tbridge vmbr0\r',
    ].join('\n');
    const s = parseSectionConfig(text, 'zones.cfg');
    expect(s.map((x) => [x.type, x.id, x.line])).toEqual([
      ['evpn', 'zone1', 3],
      ['vlan', 'zone2', 12],
    ]);
    expect(s[0].options).toEqual([
      { key: 'vrf-vxlan', value: '10000', line: 5 },
      { key: 'controller', value: 'ctl1', line: 6 },
      { key: 'advertise-subnets', value: undefined, line: 7 },
      { key: 'mtu', value: '1450', line: 9 },
    ]);
    expect(s[1].options).toEqual([{ key: 'bridge', value: 'vmbr0', line: 13 }]);
  });

  it('keeps inner spaces of a value and repeats array keys', () => {
    const s = parseSectionConfig('vnet: v1\n\talias my  vnet one\n\tdhcp-range a\n\tdhcp-range b\n', 'vnets.cfg', { isArrayKey: (_t: string, k: string) => k === 'dhcp-range' });
    expect(s[0].options.map((o) => [o.key, o.value])).toEqual([
      ['alias', 'my  vnet one'],
      ['dhcp-range', 'a'],
      ['dhcp-range', 'b'],
    ]);
  });

  it.each([
    ['a stray word outside a section', 'zone1\n', 1, /expected a section header/],
    ['an option without a section', '\tbridge vmbr0\n', 1, /option line outside a section/],
    ['a header right after a section', 'vlan: z1\n\tbridge vmbr0\nvlan: z2\n\tbridge vmbr1\n', 3, /needs an empty line before it/],
    ['a duplicate key', 'vlan: z1\n\tbridge vmbr0\n\tbridge vmbr1\n', 3, /duplicate attribute 'bridge'/],
    ['a duplicate section id', 'vlan: z1\n\tbridge vmbr0\n\nsimple: z1\n', 4, /duplicate section id 'z1' \(first defined on line 1\)/],
    ['a bad section type', '1x: z1\n', 1, /invalid section type '1x'/],
    ['a header with spaces in the id', 'vlan: z 1\n', 1, /expected a section header/],
  ])('refuses %s, naming file and line', (_what, text, line, reason) => {
    const e = parseError(text);
    expect(e.file).toBe('zones.cfg');
    expect(e.line).toBe(line);
    expect(e.reason).toMatch(reason);
    expect(e.message).toMatch(new RegExp(`^zones\\.cfg line ${line}: `));
  });
});

describe('writeSectionConfig', () => {
  it('writes comment, required keys sorted, then the rest sorted; booleans 0/1, arrays one line each, empty strings omitted', () => {
    const text = writeSectionConfig(
      [
        { type: 'evpn', id: 'z1', props: { mtu: 1450, exitnodes: 'n1,n2', controller: 'c1', 'vrf-vxlan': 10000, 'advertise-subnets': true, dns: '', comment: 'hi' } },
        { type: 'subnet', id: 'z1-10.0.0.0-24', props: { vnet: 'v1', 'dhcp-range': ['start-address=10.0.0.10,end-address=10.0.0.20', 'start-address=10.0.0.30,end-address=10.0.0.40'], snat: 1 } },
      ],
      { requiredKeys: (t) => (t === 'evpn' ? ['vrf-vxlan', 'controller'] : ['vnet']), isBooleanKey: (_t, k) => k === 'snat' },
    );
    expect(text).toBe(
      [
        'evpn: z1',
        '\tcomment hi',
        '\tcontroller c1',
        '\tvrf-vxlan 10000',
        '\tadvertise-subnets 1',
        '\texitnodes n1,n2',
        '\tmtu 1450',
        '',
        'subnet: z1-10.0.0.0-24',
        '\tvnet v1',
        '\tdhcp-range start-address=10.0.0.10,end-address=10.0.0.20',
        '\tdhcp-range start-address=10.0.0.30,end-address=10.0.0.40',
        '\tsnat 1',
        '',
        '',
      ].join('\n'),
    );
  });

  it('round-trips through the parser', () => {
    const text = writeSectionConfig([{ type: 'vnet', id: 'v1', props: { zone: 'z1', tag: 100, alias: 'a b' } }]);
    const [s] = parseSectionConfig(text, 'vnets.cfg');
    expect(Object.fromEntries(s.options.map((o) => [o.key, o.value]))).toEqual({ zone: 'z1', tag: '100', alias: 'a b' });
  });

  it('refuses values with line feeds and sections missing a required key', () => {
    expect(() => writeSectionConfig([{ type: 'vnet', id: 'v1', props: { alias: 'a\nvnet: evil' } }])).toThrow(/line feed/);
    expect(() => writeSectionConfig([{ type: 'vnet', id: 'v1', props: {} }], { requiredKeys: () => ['zone'] })).toThrow(/missing value for required option 'zone'/);
  });
});

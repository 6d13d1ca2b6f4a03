import { answerNodeQuery, type NodeQueryDeps } from './node-queries';

const deps = (over: Partial<NodeQueryDeps> = {}): NodeQueryDeps => ({
  live: true,
  vtysh: async () => ({ code: 0, stdout: '{}', stderr: '' }),
  bridges: { sysfs: '/nonexistent', portVlans: async () => undefined },
  localBridges: async () => [],
  ...over,
});

describe('answering node queries', () => {
  it('asks FRR the reference commands', async () => {
    const asked: string[] = [];
    const d = deps({ vtysh: async (c) => (asked.push(c), { code: 0, stdout: '', stderr: '' }) });
    expect(await answerNodeQuery({ v: 1, query: 'ip-vrf', vrf: 'vrf_z1' }, d)).toEqual({ v: 1, ok: true, data: [] });
    expect(await answerNodeQuery({ v: 1, query: 'mac-vrf', vni: 100 }, d)).toEqual({ v: 1, ok: true, data: [] });
    expect(asked).toEqual(['show ip route vrf vrf_z1 json', 'show bgp l2vpn evpn route vni 100 type 2 json']);
  });

  it("asks FRR the reference's fabric commands for each protocol", async () => {
    const asked: string[] = [];
    const d = deps({ vtysh: async (c) => (asked.push(c), { code: 0, stdout: '{}', stderr: '' }) });
    const q = (query: 'fabric-routes' | 'fabric-neighbors' | 'fabric-interfaces', protocol: 'openfabric' | 'ospf') => answerNodeQuery({ v: 1, query, fabric: 'f1', protocol, interfaces: ['eth1'] }, d);
    for (const protocol of ['openfabric', 'ospf'] as const) {
      for (const kind of ['fabric-routes', 'fabric-neighbors', 'fabric-interfaces'] as const) expect(await q(kind, protocol)).toEqual({ v: 1, ok: true, data: [] });
    }
    expect(asked).toEqual([
      'show ip route openfabric json',
      'show ipv6 route openfabric json',
      'show openfabric neighbor detail json',
      'show openfabric interface json',
      'show ip route ospf json',
      'show ip ospf neighbor json',
      'show ip ospf interface json',
    ]);
  });

  it('says why it cannot answer: safe mode, FRR failing, bad output', async () => {
    expect(await answerNodeQuery({ v: 1, query: 'mac-vrf', vni: 1 }, deps({ live: false }))).toMatchObject({ ok: false, error: expect.stringMatching(/safe mode/) });
    const down = deps({ vtysh: async () => ({ code: 1, stdout: '', stderr: 'Exiting: failed to connect to any daemons.' }) });
    expect(await answerNodeQuery({ v: 1, query: 'ip-vrf', vrf: 'vrf_z1' }, down)).toEqual({ v: 1, ok: false, error: expect.stringMatching(/exit 1\): Exiting: failed to connect/) });
    const junk = deps({ vtysh: async () => ({ code: 0, stdout: 'not json', stderr: '' }) });
    expect(await answerNodeQuery({ v: 1, query: 'ip-vrf', vrf: 'vrf_z1' }, junk)).toMatchObject({ ok: false });
  });

  it('localnetwork: the bridges of the node\'s own interfaces file', async () => {
    let asked: string[] | undefined;
    const d = deps({ localBridges: async () => ['vmbr0'], bridges: { sysfs: '/nonexistent', portVlans: async () => undefined } });
    const r = await answerNodeQuery({ v: 1, query: 'bridges', bridges: null }, { ...d, localBridges: async () => ((asked = ['vmbr0']), ['vmbr0']) });
    expect(asked).toEqual(['vmbr0']);
    expect(r).toEqual({ v: 1, ok: true, data: [] }); // no such bridge in this sysfs
  });
});

import * as path from 'node:path';
import type { RunningConfig } from '@sdn/model';
import { factsFromMocks, findCases, loadCase, renderNode, unsupportedFeatures } from '@sdn/render';
import { SectionConfigError } from '../format/parse';
import { canonicalObject, directoryObjects, readSdnDirectory, RUNNING_CONFIG_FILE, RUNNING_SECTIONS, type SdnFileSection, type SdnObject, writeSdnDirectory } from './sdn-directory';

const ZONES = path.resolve(__dirname, '../../../../../shared/conformance/zones');
const cases = findCases(ZONES).map(loadCase);

type Ids = Record<string, SdnObject>;
const idsOf = (config: object, s: string): Ids => ((config as Record<string, { ids?: Ids }>)[s]?.ids ?? {}) as Ids;

/** A running config assembled from the directory's `.cfg` files (not its `.running-config`). */
function configFromFiles(files: Record<string, string>, version: number): RunningConfig {
  const dir = readSdnDirectory({ ...files, [RUNNING_CONFIG_FILE]: undefined });
  const config: Record<string, unknown> = { version };
  for (const s of RUNNING_SECTIONS) {
    config[s] = { ids: Object.fromEntries(directoryObjects(dir, s).map((o) => [o.id, o.object])) };
  }
  return config as RunningConfig;
}

function canonicalSections(config: object): Record<string, Ids> {
  const out: Record<string, Ids> = {};
  for (const s of RUNNING_SECTIONS) {
    const ids = idsOf(config, s);
    // Fabric sections have no schema here: their file form is text, so compare them as text.
    const asText = (o: SdnObject) => (s === 'fabrics' ? JSON.parse(JSON.stringify(o, (_k, v) => (typeof v === 'number' ? String(v) : v))) : o);
    out[s] = Object.fromEntries(Object.keys(ids).map((id) => [id, asText(canonicalObject(s, ids[id]))]));
  }
  return out;
}

describe('SDN directory: every conformance case written as section-config files and read back', () => {
  it('has the 50 cases', () => expect(cases.length).toBe(50));

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const sections = Object.fromEntries(RUNNING_SECTIONS.map((s) => [s, idsOf(c.config, s)])) as Partial<Record<SdnFileSection, Ids>>;
    const version = Number(c.config.version);
    const files = writeSdnDirectory({ version, sections });
    // Both forms carry the same objects: the .cfg files and the .running-config JSON.
    const fromFiles = configFromFiles(files, version);
    expect(canonicalSections(fromFiles)).toEqual(canonicalSections(c.config));
    const running = readSdnDirectory({ [RUNNING_CONFIG_FILE]: files[RUNNING_CONFIG_FILE] }).running!;
    expect(running.version).toBe(version);
    expect(canonicalSections(running)).toEqual(canonicalSections(c.config));
    // And a node renders from them what the reference renders.
    if (unsupportedFeatures(c.config).length) return;
    const out = renderNode(fromFiles, factsFromMocks(c));
    expect(out.interfaces).toBe(c.expectedInterfaces);
    if (c.expectedFrr !== undefined) expect(out.frr).toBe(c.expectedFrr);
  });
});

describe('SDN directory: reading', () => {
  const handWritten = {
    'zones.cfg': [
      '# zones of the lab cluster',
      'evpn: evpn1',
      '\tmtu 1450',
      '\tvrf-vxlan 10000',
      '\texitnodes pve2, pve1',
      '\tcontroller ctl1',
      '\tadvertise-subnets',
      '',
      'vlan: vlan1',
      '\tbridge vmbr0',
      '',
      'faucet: f1',
      '\tdp-id 1',
      '',
    ].join('\n'),
    'subnets.cfg': 'subnet: evpn1-10.0.1.0-24\n\tvnet v1\n\tdhcp-range start-address=10.0.1.100,end-address=10.0.1.200\n\tdhcp-range start-address=10.0.1.210,end-address=10.0.1.220\n\tsnat 1\n\tgateway 10.0.1.1\n',
  };

  it('gives canonical objects (numbers, node sets, flags, dhcp ranges) and refuses unsupported types per object', () => {
    const dir = readSdnDirectory(handWritten);
    const zones = dir.sections.zones!;
    expect(zones.map((z) => [z.id, z.line, z.refusal])).toEqual([
      ['evpn1', 2, undefined],
      ['vlan1', 9, undefined],
      ['f1', 12, expect.stringMatching(/zone type 'faucet' is not supported/)],
    ]);
    expect(zones[0].object).toEqual({ type: 'evpn', mtu: 1450, 'vrf-vxlan': 10000, exitnodes: { pve1: 1, pve2: 1 }, controller: 'ctl1', 'advertise-subnets': 1 });
    expect(dir.sections.subnets![0].object).toEqual({
      type: 'subnet',
      vnet: 'v1',
      'dhcp-range': ['start-address=10.0.1.100,end-address=10.0.1.200', 'start-address=10.0.1.210,end-address=10.0.1.220'],
      snat: 1,
      gateway: '10.0.1.1',
    });
  });

  it('refuses an unexpected property per object, with file and line', () => {
    const dir = readSdnDirectory({ 'vnets.cfg': 'vnet: v1\n\tzone z1\n\tbridge vmbr0\n' });
    expect(dir.sections.vnets![0].refusal).toBe("unexpected property 'bridge' for vnet type 'vnet' (vnets.cfg line 3)");
  });

  it.each([
    ['an invalid value', { 'vnets.cfg': 'vnet: v1\n\tzone z1\n\ttag ten\n' }, 'vnets.cfg line 3', /section 'v1', property 'tag': type check \('integer'\) failed/],
    ['a bad boolean', { 'subnets.cfg': '# c\nsubnet: z-10.0.0.0-24\n\tvnet v1\n\tsnat maybe\n' }, 'subnets.cfg line 4', /'snat': type check \('boolean'\) failed/],
    ['a missing required option', { 'zones.cfg': 'vlan: z1\n\tmtu 1500\n' }, 'zones.cfg line 1', /missing value for required option 'bridge'/],
    ['a value-less non-boolean', { 'zones.cfg': 'vlan: z1\n\tbridge\n' }, 'zones.cfg line 2', /property 'bridge' of section 'z1' has no value/],
    ['a syntax error', { 'controllers.cfg': 'evpn: c1\n\tasn 65000\n\tpeers 10.0.0.1\nstray\n' }, 'controllers.cfg line 4', /needs an empty line|expected a section header/],
    ['broken JSON', { '.running-config': '{"version": 1,\n"zones": {\n' }, '.running-config line', /not valid JSON/],
    ['an invalid running config', { '.running-config': '{"version": 1, "vnets": {"ids": {"v1": {"type": "vnet", "zone": "z1", "tag": "x"}}}}' }, '.running-config line 1', /vnets\.v1\.tag/],
  ])('names file, line and reason for %s', (_what, files, where, reason) => {
    let err: unknown;
    try {
      readSdnDirectory(files);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SectionConfigError);
    expect((err as Error).message.startsWith(where)).toBe(true);
    expect((err as SectionConfigError).reason).toMatch(reason);
  });
});

describe('SDN directory: fabrics.cfg', () => {
  const c = cases.find((x) => x.name === 'evpn/openfabric_fabric')!;

  it("writes fabric and node sections without an `id` line (the header names them), interfaces one line each, in the file's order", () => {
    const files = writeSdnDirectory({ version: 1, sections: { fabrics: idsOf(c.config, 'fabrics') } });
    expect(files['fabrics.cfg']).toBe(
      [
        'openfabric_fabric: test',
        '\thello_interval 1',
        '\tip_prefix 172.20.3.0/24',
        '',
        'openfabric_node: test_localhost',
        '\tinterfaces name=ens20',
        '\tinterfaces name=ens21',
        '\tip 172.20.3.1',
        '',
        'openfabric_node: test_pathfinder',
        '\tinterfaces name=ens20',
        '\tinterfaces name=ens21',
        '\tip 172.20.3.2',
        '',
        'openfabric_node: test_raider',
        '\tinterfaces name=ens21',
        '\tinterfaces name=ens20',
        '\tip 172.20.3.3',
        '',
        '',
      ].join('\n'),
    );
    const read = readSdnDirectory({ 'fabrics.cfg': files['fabrics.cfg'] }).sections.fabrics!;
    expect(read.map((o) => [o.id, o.line, o.refusal])).toEqual([
      ['test', 1, undefined],
      ['test_localhost', 5, undefined],
      ['test_pathfinder', 10, undefined],
      ['test_raider', 15, undefined],
    ]);
    expect(read[3].object).toEqual({ type: 'openfabric_node', id: 'test_raider', interfaces: ['name=ens21', 'name=ens20'], ip: '172.20.3.3' });
  });

  it('refuses unknown section types and node sections not named <fabric>_<node>, per object', () => {
    const read = readSdnDirectory({ 'fabrics.cfg': 'bgp_fabric: f1\n\tasn 1\n\nospf_node: lonely\n\tip 10.0.0.1\n' }).sections.fabrics!;
    expect(read.map((o) => o.refusal)).toEqual([expect.stringMatching(/fabric section type 'bgp_fabric' is not supported/), "fabric node section 'lonely' is not named <fabric>_<node>"]);
  });

  it("an `id` line is an error naming file and line (it would contradict the header)", () => {
    expect(() => readSdnDirectory({ 'fabrics.cfg': '# f\nospf_fabric: f1\n\tid f2\n\tarea 0\n' })).toThrow("fabrics.cfg line 3: section 'f1': 'id' is the section's name, not a property");
  });
});

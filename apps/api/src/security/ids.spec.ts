import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { checkFormat, type FormatName, type RunningConfig } from '@sdn/model';
import { factsFromMocks, findCases, loadCase, renderNode } from '@sdn/render';

/**
 * Ids that end up in file names (dnsmasq's per-zone directory, per-zone
 * files) or interface names (bridges, VRFs, VXLAN devices) must be safe
 * whatever a client sends: whatever a validator accepts can neither leave
 * its directory nor make a name the kernel refuses.
 */

/** Linux's dev_valid_name: 1..15 bytes, not `.`/`..`, no `/`, `:` or whitespace. */
function validIfname(name: string): boolean {
  const bytes = Buffer.byteLength(name, 'utf8');
  return bytes >= 1 && bytes <= 15 && name !== '.' && name !== '..' && !/[/:\s]/.test(name);
}

/** Stays a single entry directly inside `dir`. */
function staysInside(dir: string, id: string): boolean {
  const p = path.posix.resolve(dir, id);
  return path.posix.dirname(p) === dir && path.posix.basename(p) === id && !/[\x00-\x1f\x7f]/.test(id);
}

const HOSTILE_CHARS = ['a', 'Z', '0', '9', '-', '_', '.', '/', '\\', ':', ' ', '\t', '\n', '\u0000', '%', 'é', 'ゾ', '😀', '\u202e', '@', '!', '=', '*', '$', '`', "'", '"'];
const hostileIds = fc.oneof(
  fc.array(fc.constantFrom(...HOSTILE_CHARS), { minLength: 0, maxLength: 20 }).map((cs) => cs.join('')),
  fc.constantFrom('..', '.', '../x', 'a/../../etc', '..\\..', 'vmbr0', 'abcdefgh', 'abcdefghi', 'a'.repeat(64), 'a'.repeat(65), 'éééééééé', 'CON', 'lo'),
  fc.string({ maxLength: 30 }),
);

const ID_FORMATS: FormatName[] = ['zone-id', 'vnet-id', 'controller-id', 'ipam-id', 'dns-id', 'pve-sdn-fabric-id', 'pve-node'];

describe('ids that reach file and interface names', () => {
  it.each(ID_FORMATS)('%s: anything accepted stays inside its directory (ASCII, no separators, no dot names)', (format) => {
    fc.assert(
      fc.property(hostileIds, (id) => {
        if (checkFormat(format, id) !== undefined) return true;
        return staysInside('/etc/dnsmasq.d', id) && /^[\x21-\x7e]+$/.test(id) && id !== '.' && id !== '..';
      }),
      { numRuns: 5000 },
    );
  });

  it('zone and vnet ids the validators accept give valid interface names in every rendered zone type', () => {
    const root = path.resolve(__dirname, '../../../../../shared/conformance/zones');
    const cases = fs.existsSync(root) ? findCases(root).map(loadCase) : [];
    expect(cases.length).toBeGreaterThan(0);
    // The longest ids the validators accept, so every derived name is as long as it can get.
    const zoneId = 'Zzzzzzz9';
    const vnetId = 'Vvvvvvv9';
    expect(checkFormat('zone-id', zoneId)).toBeUndefined();
    expect(checkFormat('vnet-id', vnetId)).toBeUndefined();
    expect(checkFormat('zone-id', zoneId + 'x')).toBeDefined();
    let names = 0;
    const derived = new Set<string>();
    for (const c of cases) {
      const config = renameIds(c.config as RunningConfig, zoneId, vnetId);
      let out: ReturnType<typeof renderNode>;
      try {
        out = renderNode(config, factsFromMocks(c));
      } catch {
        continue; // cases that expect an error
      }
      for (const m of out.interfaces.matchAll(/^(?:auto|iface)\s+(\S+)/gm)) {
        names++;
        if (m[1].includes(zoneId) || m[1].includes(vnetId)) derived.add(m[1].replace(zoneId, '<zone>').replace(vnetId, '<vnet>'));
        expect([c.name, m[1], validIfname(m[1])]).toEqual([c.name, m[1], true]);
      }
    }
    expect(names).toBeGreaterThan(0);
    // The renamed ids really reached the names (bridges, VRFs, VXLAN devices…).
    expect([...derived]).toEqual(expect.arrayContaining(['<vnet>', 'vrf_<zone>', 'vxlan_<vnet>']));
  });

  // A zone's `bridge` (kernel-ifname) reaches interface names as is.
  it('kernel-ifname refuses "." and ".." and names over 15 bytes', () => {
    for (const bad of ['.', '..', 'éééééééé']) expect(checkFormat('kernel-ifname', bad)).toBeDefined();
  });
});

/** Renames every zone and vnet of a config to the given ids (first one; others get a numbered variant). */
function renameIds(config: RunningConfig, zoneId: string, vnetId: string): RunningConfig {
  const cfg = JSON.parse(JSON.stringify(config)) as Record<string, { ids?: Record<string, Record<string, unknown>> }>;
  const zoneMap = new Map<string, string>();
  const vnetMap = new Map<string, string>();
  const variant = (base: string, i: number) => (i === 0 ? base : base.slice(0, 7 - String(i).length) + 'x' + String(i)).slice(0, 8);
  Object.keys(cfg.zones?.ids ?? {}).forEach((z, i) => zoneMap.set(z, variant(zoneId, i)));
  Object.keys(cfg.vnets?.ids ?? {}).forEach((v, i) => vnetMap.set(v, variant(vnetId, i)));
  const rename = <T>(ids: Record<string, T> | undefined, map: Map<string, string>) => Object.fromEntries(Object.entries(ids ?? {}).map(([k, v]) => [map.get(k) ?? k, v]));
  if (cfg.zones) cfg.zones.ids = rename(cfg.zones.ids, zoneMap);
  if (cfg.vnets) {
    cfg.vnets.ids = rename(cfg.vnets.ids, vnetMap);
    for (const v of Object.values(cfg.vnets.ids)) if (typeof v.zone === 'string') v.zone = zoneMap.get(v.zone) ?? v.zone;
  }
  if (cfg.subnets?.ids) {
    cfg.subnets.ids = Object.fromEntries(
      Object.entries(cfg.subnets.ids).map(([id, s]) => {
        const dash = id.indexOf('-');
        const zone = id.slice(0, dash);
        const vnet = typeof s.vnet === 'string' ? (vnetMap.get(s.vnet) ?? s.vnet) : s.vnet;
        return [`${zoneMap.get(zone) ?? zone}${id.slice(dash)}`, { ...s, vnet }];
      }),
    );
  }
  return cfg as unknown as RunningConfig;
}

import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeAtomic } from '../apply/atomic-write';

/**
 * A bundle path under /etc/dnsmasq.d: `<zone>/00-default.conf`,
 * `<zone>/10-<vnet>.conf` or a port zone's `<zone>/dhcp-ports.json`.
 * Anything else (`..`, absolute, other names) is refused: the agent writes
 * these files as root.
 */
const BUNDLE_PATH = /^([A-Za-z][A-Za-z0-9]{1,7})\/(00-default\.conf|10-[A-Za-z][A-Za-z0-9]{1,7}\.conf|dhcp-ports\.json)$/;

/** The zones of a bundle's dnsmasq files; throws on a path outside the layout. */
export function zonesOfFiles(files: Record<string, unknown>): string[] {
  const zones = new Set<string>();
  for (const path of Object.keys(files)) {
    const m = BUNDLE_PATH.exec(path);
    if (!m) throw new Error(`dnsmasq file '${path}' is outside the /etc/dnsmasq.d/<zone>/ layout`);
    zones.add(m[1]);
  }
  return [...zones].sort();
}

const sameBytes = (a: Buffer | null, b: string | Uint8Array) => a !== null && a.equals(typeof b === 'string' ? Buffer.from(b, 'utf8') : Buffer.from(b));

/**
 * Writes the node's dnsmasq configuration under `configRoot` (the agent's
 * `<root>/etc/dnsmasq.d`) as the reference regenerates it: each zone's
 * 00-default.conf and 10-<vnet>.conf, stale 10-*.conf removed; the
 * directories of zones this node no longer serves (`previous`) removed with
 * their ethers. Returns the zones whose configuration changed.
 */
export async function writeDnsmasqFiles(configRoot: string, files: Record<string, string | Uint8Array>, previous: string[]): Promise<string[]> {
  const zones = zonesOfFiles(files);
  const changed = new Set<string>();
  for (const [path, content] of Object.entries(files)) {
    const target = join(configRoot, path);
    const old = await readFile(target).catch(() => null);
    if (sameBytes(old, content)) continue;
    await writeAtomic(target, content);
    changed.add(path.split('/')[0]);
  }
  for (const zone of zones) {
    const dir = join(configRoot, zone);
    await mkdir(dir, { recursive: true });
    for (const name of await readdir(dir)) {
      if (/^10-.*\.conf$/.test(name) && !(`${zone}/${name}` in files)) {
        await rm(join(dir, name), { force: true });
        changed.add(zone);
      }
    }
  }
  for (const zone of previous.filter((z) => !zones.includes(z))) {
    if (BUNDLE_PATH.test(`${zone}/00-default.conf`)) await rm(join(configRoot, zone), { recursive: true, force: true });
  }
  return [...changed].sort();
}

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ObjectKind } from '@sdn/model';
import { type SdnExport, writeSdnDirectory } from '@sdn/section-config';
import type { ApiClient } from '../client/api-client';
import { listFabricSections } from './fabric-objects';
import { listObjects, secretKeys } from './sdn-objects';

/** The running config version: our API's /health says it (Proxmox's API has no such call; then it is left out). */
async function runningVersion(client: ApiClient): Promise<number | undefined> {
  try {
    const h = (await client.raw('GET', '/health')) as { version?: unknown };
    return typeof h?.version === 'number' && h.version > 0 ? h.version : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `sdnctl export DIR`: the running configuration as a Proxmox node keeps it
 * in /etc/pve/sdn — zones.cfg, vnets.cfg, subnets.cfg, controllers.cfg,
 * fabrics.cfg and .running-config — plus ipams.cfg and dns.cfg (not staged, so their current
 * state). Secrets (IPAM tokens, DNS keys) are never returned by the API and
 * are left out, with a warning.
 */
export async function runExport(client: ApiClient, dir: string): Promise<number> {
  const e: SdnExport = { version: await runningVersion(client), sections: {} };
  for (const kind of ['zones', 'vnets', 'subnets', 'controllers'] as ObjectKind[]) e.sections[kind] = await listObjects(client, kind, { running: true });
  e.sections.fabrics = await listFabricSections(client, { running: true });
  for (const kind of ['ipams', 'dns'] as ObjectKind[]) e.sections[kind] = await listObjects(client, kind);
  const mayLack = { ipams: secretKeys('ipams'), dns: secretKeys('dns') };
  const files = writeSdnDirectory(e, { mayLack });
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text, { mode: 0o640 });
  for (const kind of ['ipams', 'dns'] as ObjectKind[]) {
    for (const [id, o] of Object.entries(e.sections[kind] ?? {})) {
      if (o.type === 'pve') continue;
      process.stderr.write(`warning: ${kind === 'ipams' ? 'ipam' : 'dns'} ${id}: ${secretKeys(kind).join(', ')} not exported (the API never returns secrets); add it by hand before importing elsewhere\n`);
    }
  }
  const n = (k: ObjectKind) => Object.keys(e.sections[k] ?? {}).length;
  process.stdout.write(
    `exported running version ${e.version ?? '(unknown)'} to ${dir}: ${n('zones')} zones, ${n('vnets')} vnets, ${n('subnets')} subnets, ${n('controllers')} controllers, ${Object.keys(e.sections.fabrics).length} fabric sections, ${n('ipams')} ipams, ${n('dns')} dns (${Object.keys(files).sort().join(', ')})\n`,
  );
  return 0;
}

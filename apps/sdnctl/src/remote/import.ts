import * as fs from 'node:fs';
import * as path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { gatewayProblem, type ObjectKind, sectionKind } from '@sdn/model';
import { directoryObjects, RUNNING_CONFIG_FILE, readSdnDirectory, SDN_FILES, SectionConfigError, type SdnDirectory, type SdnFileSection, type SdnObject, type SourceObject } from '@sdn/section-config';
import { UsageError } from '../args';
import { ApiError, type ApiClient } from '../client/api-client';
import { EXIT } from '../cli/exit-codes';
import type { Painter } from '../output/colour';
import { createObject, listObjects, secretKeys, updateObject } from './sdn-objects';
import { runApply } from './apply';
import { createFabricSection, fabricProps, listFabricSections, sameFabricValue, updateFabricSection } from './fabric-objects';

/** `gatewayOutsideSubnet`: a subnet whose gateway lies outside it, sent with the API's `gateway-outside-subnet=1`. */
export type PlanAction =
  | { action: 'create'; kind: ObjectKind | 'fabrics'; id: string; object: SdnObject; where: string; gatewayOutsideSubnet?: string }
  | { action: 'change'; kind: ObjectKind | 'fabrics'; id: string; object: SdnObject; set: SdnObject; remove: string[]; vnet?: string; where: string; changes: string[]; gatewayOutsideSubnet?: string }
  | { action: 'unchanged'; kind: ObjectKind | 'fabrics'; id: string; where: string }
  | { action: 'refuse'; kind: ObjectKind | 'fabrics'; id: string; reason: string; where: string; hint?: string };

/** The flag that imports subnets whose gateway lies outside them, as Proxmox's nodes hold and render them. */
export const GATEWAY_FLAG = '--accept-gateway-outside-subnet';

export interface PlanOptions {
  /** Import subnets whose gateway lies outside them (GATEWAY_FLAG) instead of refusing them. */
  acceptGatewayOutsideSubnet?: boolean;
}

const GATEWAY_HINT = `hint: Proxmox's API refuses such a gateway too, but its nodes render it (older versions accepted it); ${GATEWAY_FLAG} imports it as they hold it`;

/**
 * A subnet whose new gateway (`gateway`: the value the import sets, if it
 * sets one) lies outside it: the API refuses it (rule S4) unless the request
 * says `gateway-outside-subnet=1`. Checked here, with the API's own rule, so
 * that --dry-run shows it and the refusal names its file and line.
 */
function gatewayAction(a: Extract<PlanAction, { action: 'create' | 'change' }>, gateway: unknown, o: PlanOptions): PlanAction {
  const problem = a.kind === 'subnets' ? gatewayProblem(a.id, gateway) : undefined;
  if (!problem) return a;
  if (o.acceptGatewayOutsideSubnet) return { ...a, gatewayOutsideSubnet: problem };
  return { action: 'refuse', kind: a.kind, id: a.id, reason: `gateway: ${problem}`, where: a.where, hint: GATEWAY_HINT };
}

const LABEL: Record<SdnFileSection, string> = { zones: 'zone', vnets: 'vnet', subnets: 'subnet', controllers: 'controller', ipams: 'ipam', dns: 'dns', fabrics: 'fabric' };

/** The files of DIR that are part of `/etc/pve/sdn`; a usage error when it has none. */
export function readDirectoryFiles(dir: string): Record<string, string> {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new UsageError(`no such directory: ${dir}`);
  const files: Record<string, string> = {};
  for (const name of [...SDN_FILES.map(([, n]) => n), RUNNING_CONFIG_FILE]) {
    const p = path.join(dir, name);
    if (fs.existsSync(p)) files[name] = fs.readFileSync(p, 'utf8');
  }
  if (!Object.keys(files).length) throw new UsageError(`${dir} has none of ${SDN_FILES.map(([, n]) => n).join(', ')}, ${RUNNING_CONFIG_FILE}`);
  return files;
}

const show = (v: unknown) => (v && typeof v === 'object' ? (Array.isArray(v) ? v.join(' ') : Object.keys(v).sort().join(',')) : String(v));

/**
 * What importing `dir` into the API's current (pending) configuration does,
 * object by object: create what is new, change what differs (set and delete
 * keys), leave what is equal, refuse what this API cannot hold and say why.
 */
export async function planImport(client: ApiClient, dir: SdnDirectory, options: PlanOptions = {}): Promise<PlanAction[]> {
  const plan: PlanAction[] = [];
  for (const [section] of SDN_FILES) {
    const objects = directoryObjects(dir, section);
    if (!objects.length) continue;
    if (section === 'fabrics') {
      plan.push(...(await planFabrics(client, objects)));
      continue;
    }
    const kind = section as ObjectKind;
    const existing = await listObjects(client, kind);
    for (const o of objects) {
      const where = `${o.file} line ${o.line}`;
      if (o.refusal) {
        plan.push({ action: 'refuse', kind, id: o.id, reason: o.refusal, where });
        continue;
      }
      const id = kind === 'subnets' ? o.id.replace(/\//g, '-') : o.id;
      const cur = existing[id];
      if (!cur) {
        plan.push(gatewayAction({ action: 'create', kind, id, object: o.object, where }, o.object.gateway, options));
        continue;
      }
      // The API never returns secrets: an IPAM token or DNS key in the files is sent along with other changes only.
      const secrets = secretKeys(kind);
      if (o.object.type !== undefined && !isDeepStrictEqual(cur.type, o.object.type)) {
        plan.push({ action: 'refuse', kind, id, reason: `exists as type '${String(cur.type)}', the files say '${String(o.object.type)}' (a type cannot change; delete it first)`, where });
        continue;
      }
      if (kind === 'subnets' && o.object.vnet !== undefined && !isDeepStrictEqual(cur.vnet, o.object.vnet)) {
        plan.push({ action: 'refuse', kind, id, reason: `exists in vnet '${String(cur.vnet)}', the files say '${String(o.object.vnet)}'`, where });
        continue;
      }
      const { set, remove, changes } = propertyDiff(cur, o.object, { skip: ['type', ...secrets] });
      if (!changes.length) {
        plan.push({ action: 'unchanged', kind, id, where });
        continue;
      }
      for (const k of secrets) if (o.object[k] !== undefined) set[k] = o.object[k];
      plan.push(gatewayAction({ action: 'change', kind, id, object: o.object, set, remove, vnet: String(cur.vnet ?? ''), where, changes }, set.gateway, options));
    }
  }
  return plan;
}

/**
 * fabrics.cfg against the API's fabrics: fabric sections before node
 * sections (a node needs its fabric). Values compare as the file writes them.
 */
async function planFabrics(client: ApiClient, objects: readonly SourceObject[]): Promise<PlanAction[]> {
  const existing = await listFabricSections(client);
  const plan: PlanAction[] = [];
  const ordered = [...objects].sort((a, b) => Number(sectionKind(a.object.type)?.kind === 'node') - Number(sectionKind(b.object.type)?.kind === 'node'));
  for (const o of ordered) {
    const where = `${o.file} line ${o.line}`;
    if (o.refusal) {
      plan.push({ action: 'refuse', kind: 'fabrics', id: o.id, reason: o.refusal, where });
      continue;
    }
    const cur = existing[o.id];
    if (!cur) {
      plan.push({ action: 'create', kind: 'fabrics', id: o.id, object: o.object, where });
      continue;
    }
    if (cur.type !== o.object.type) {
      plan.push({ action: 'refuse', kind: 'fabrics', id: o.id, reason: `exists as '${String(cur.type)}', the files say '${String(o.object.type)}' (a protocol cannot change; delete it first)`, where });
      continue;
    }
    const { set, remove, changes } = propertyDiff(fabricProps(cur), fabricProps(o.object), { same: sameFabricValue });
    plan.push(changes.length ? { action: 'change', kind: 'fabrics', id: o.id, object: o.object, set, remove, where, changes } : { action: 'unchanged', kind: 'fabrics', id: o.id, where });
  }
  return plan;
}

/** What turns `have` into `want`: keys to set, keys to remove, and the change lines shown (keys in `skip` are left out on both sides). */
function propertyDiff(have: SdnObject, want: SdnObject, o: { skip?: readonly string[]; same?: (a: unknown, b: unknown) => boolean } = {}): { set: SdnObject; remove: string[]; changes: string[] } {
  const skip = o.skip ?? [];
  const same = o.same ?? isDeepStrictEqual;
  const set: SdnObject = {};
  const changes: string[] = [];
  for (const [k, v] of Object.entries(want)) {
    if (skip.includes(k) || same(have[k], v)) continue;
    set[k] = v;
    changes.push(have[k] === undefined ? `${k}=${show(v)}` : `${k} ${show(have[k])} → ${show(v)}`);
  }
  const remove = Object.keys(have).filter((k) => !skip.includes(k) && want[k] === undefined);
  for (const k of remove) changes.push(`delete ${k}`);
  return { set, remove, changes };
}

function describe(a: PlanAction, p: Painter): string {
  const what = `${LABEL[a.kind]} ${a.id}`;
  const accepted = (x: { gatewayOutsideSubnet?: string }) => (x.gatewayOutsideSubnet ? ` (accepted: gateway ${x.gatewayOutsideSubnet})` : '');
  switch (a.action) {
    case 'create':
      return `${p.green('create')}    ${what}${a.object.type && !['vnet', 'subnet'].includes(String(a.object.type)) ? ` (${String(a.object.type)})` : ''}${accepted(a)}`;
    case 'change':
      return `${p.yellow('change')}    ${what}: ${a.changes.join(', ')}${accepted(a)}`;
    case 'unchanged':
      return `${p.dim('unchanged')} ${what}`;
    case 'refuse':
      return `${p.red('refuse')}    ${what}: ${a.reason} (${a.where})${a.hint ? `\n          ${a.hint}` : ''}`;
  }
}

export interface ImportOptions extends PlanOptions {
  dryRun?: boolean;
  apply?: boolean;
  timeout: number;
}

/**
 * `sdnctl import DIR`: a Proxmox node's /etc/pve/sdn into the API as pending
 * changes. A malformed file stops everything before the first request.
 * Exit 1 when anything was refused (by us or by the API); --apply applies
 * (and waits, like apply --wait) only when nothing was.
 */
export async function runImport(client: ApiClient, dirPath: string, o: ImportOptions, p: Painter, tty: boolean): Promise<number> {
  let dir: SdnDirectory;
  try {
    dir = readSdnDirectory(readDirectoryFiles(dirPath));
  } catch (e) {
    if (e instanceof SectionConfigError) throw new UsageError(`${path.join(dirPath, e.file)} line ${e.line}: ${e.reason}; nothing imported`, EXIT.REFUSED);
    throw e;
  }
  const plan = await planImport(client, dir, o);
  const out = (s: string) => process.stdout.write(`${s}\n`);
  for (const a of plan) out(describe(a, p));
  const count = (k: PlanAction['action']) => plan.filter((a) => a.action === k).length;
  const refusedHere = count('refuse');
  if (o.dryRun) {
    out(`dry run: ${count('create')} to create, ${count('change')} to change, ${count('unchanged')} unchanged, ${refusedHere} refused; nothing was sent`);
    return refusedHere ? EXIT.REFUSED : EXIT.OK;
  }
  let refusedByApi = 0;
  for (const a of plan) {
    try {
      const flags = { gatewayOutsideSubnet: 'gatewayOutsideSubnet' in a && a.gatewayOutsideSubnet !== undefined };
      if (a.action === 'create') await (a.kind === 'fabrics' ? createFabricSection(client, a.id, a.object) : createObject(client, a.kind, a.id, a.object, flags));
      else if (a.action === 'change') await (a.kind === 'fabrics' ? updateFabricSection(client, a.id, a.object, a.set, a.remove) : updateObject(client, a.kind, a.id, a.object, a.set, a.remove, a.vnet, flags));
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      refusedByApi++;
      process.stderr.write(`${p.red('refused')} by the API: ${LABEL[a.kind]} ${a.id} (${a.where}): ${e.message}\n`);
    }
  }
  out(`imported: ${count('create')} created, ${count('change')} changed, ${count('unchanged')} unchanged, ${refusedHere + refusedByApi} refused (pending: review with sdnctl diff, apply with sdnctl apply)`);
  if (refusedHere || refusedByApi) {
    if (o.apply) process.stderr.write('sdnctl: not applying: some objects were refused\n');
    return EXIT.REFUSED;
  }
  if (!o.apply) return EXIT.OK;
  return runApply(client, { wait: true, timeout: o.timeout, outputFormat: 'text' }, p, tty);
}

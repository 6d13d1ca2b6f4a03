import { sectionKind, splitNodeKey } from '@sdn/model';
import type { SdnObject } from '@sdn/section-config';
import type { ApiClient } from '../client/api-client';

/**
 * Fabrics through /cluster/sdn/fabrics in their `fabrics.cfg` form: one
 * section per fabric (`<protocol>_fabric: <id>`) and one per member node
 * (`<protocol>_node: <fabric>_<node>`), each with `type` and `id` as the
 * running config holds them. The API answers and takes the reference's API
 * form instead (`protocol`, `fabric_id`, `node_id`); this maps between them.
 */

const BASE = '/cluster/sdn/fabrics';
/** Keys of the API's answers that are not section properties. */
const VIEW_KEYS = ['id', 'protocol', 'fabric_id', 'node_id', 'digest', 'state', 'pending'];

function props(o: Record<string, unknown>): SdnObject {
  return Object.fromEntries(Object.entries(o).filter(([k, v]) => !VIEW_KEYS.includes(k) && k !== 'type' && v !== undefined && v !== null));
}

/** Every fabric and fabric node, keyed by section id (running=1: the running config; else the current one). */
export async function listFabricSections(client: ApiClient, view: { running?: boolean } = {}): Promise<Record<string, SdnObject>> {
  const all = await client.call<{ fabrics: Record<string, unknown>[]; nodes: Record<string, unknown>[] }>('GET', `${BASE}/all`, view.running ? { running: 1 } : {});
  const out: Record<string, SdnObject> = {};
  for (const f of all.fabrics) {
    if (f.state === 'deleted') continue;
    const id = String(f.id);
    out[id] = { type: `${String(f.protocol)}_fabric`, id, ...props(f) };
  }
  for (const n of all.nodes) {
    if (n.state === 'deleted') continue;
    const id = `${String(n.fabric_id)}_${String(n.node_id)}`;
    out[id] = { type: `${String(n.protocol)}_node`, id, ...props(n) };
  }
  return out;
}

/** Values compared as the file writes them: numbers and strings alike, lists element by element. */
export function sameFabricValue(a: unknown, b: unknown): boolean {
  const norm = (v: unknown) => (Array.isArray(v) ? v.map(String) : v === undefined || v === null ? undefined : String(v));
  return JSON.stringify(norm(a)) === JSON.stringify(norm(b));
}

/** Properties of a section object (without `type` and `id`). */
export const fabricProps = (o: SdnObject): SdnObject => props(o);

function target(id: string, o: SdnObject): { path: string; idParams: Record<string, string> } {
  const kind = sectionKind(o.type)!;
  if (kind.kind === 'fabric') return { path: `${BASE}/fabric`, idParams: { id, protocol: kind.protocol } };
  const { fabric, node } = splitNodeKey(id)!;
  return { path: `${BASE}/node/${encodeURIComponent(fabric)}`, idParams: { node_id: node, protocol: kind.protocol } };
}

export async function createFabricSection(client: ApiClient, id: string, o: SdnObject): Promise<void> {
  const t = target(id, o);
  await client.call('POST', t.path, { ...t.idParams, ...props(o) } as never);
}

export async function updateFabricSection(client: ApiClient, id: string, o: SdnObject, set: SdnObject, remove: readonly string[]): Promise<void> {
  const t = target(id, o);
  const path = sectionKind(o.type)!.kind === 'fabric' ? `${t.path}/${encodeURIComponent(id)}` : `${t.path}/${encodeURIComponent(t.idParams.node_id)}`;
  const params: Record<string, unknown> = { ...props(set) };
  if (remove.length) params.delete = remove.join(',');
  await client.call('PUT', path, params as never);
}

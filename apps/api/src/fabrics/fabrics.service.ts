import { Injectable } from '@nestjs/common';
import {
  fabricEventType,
  FABRIC_NODE_META,
  pendingConfig,
  runningIds,
  SECTION_META,
  type ObjectCreatedV1,
  type ObjectDeletedV1,
  type ObjectUpdatedV1,
  type SdnObject,
  type SdnState,
} from '@sdn/event-store';
import {
  createFabric,
  createFabricNode,
  deleteFabric,
  deleteFabricNode,
  fabricIds,
  fabricNodeView,
  fabricView,
  nodeKeys,
  splitNodeKey,
  updateFabric,
  updateFabricNode,
  type FabricEditResult,
  type FabricObject,
  type RunningConfig,
} from '@sdn/model';
import { ApiError } from '../core/api-error';
import { checkLockToken } from '../core/lock-token';
import type { WriteContext } from '../core/objects.service';
import { boolParam, deleteList, optString, type Params } from '../core/params';
import { type DraftEvent, SdnStateService } from '../core/sdn-state.service';
import { pendingView, sectionDigest } from '../core/views';

type Ids = Readonly<Record<string, SdnObject>>;
export type FabricView = 'current' | 'running' | 'pending';

/** The fabric sections of one view, and the digest when the view is the editable one. */
interface Sections {
  ids: Ids;
  digest?: string;
}

/**
 * Fabrics and fabric nodes over the shared event-sourced state (Appendix A):
 * one staged `fabrics` section holding the reference's section-config form,
 * FabricCreated/FabricNodeCreated … events, every rule in @sdn/model.
 */
@Injectable()
export class FabricsService {
  constructor(private readonly sdn: SdnStateService) {}

  static view(p: Params): FabricView {
    if (boolParam(p, 'pending', false)) return 'pending';
    return boolParam(p, 'running', false) ? 'running' : 'current';
  }

  private sections(view: FabricView): Sections {
    const state = this.sdn.current;
    const current = state.pending.fabrics;
    if (view === 'running') return { ids: runningIds(state.running, 'fabrics') };
    if (view === 'pending') return { ids: pendingView(runningIds(state.running, 'fabrics'), current), digest: sectionDigest(current) };
    return { ids: current, digest: sectionDigest(current) };
  }

  /** A section in API form; in the pending view `state` and `pending` are kept, `pending` in API keys. */
  private shape(key: string, o: SdnObject, digest: string | undefined, node: boolean): Record<string, unknown> {
    const typed = { ...o, type: o.type ?? (o.pending as SdnObject | undefined)?.type } as FabricObject;
    const out = node ? fabricNodeView(key, typed) : fabricView(key, typed);
    if (out.pending && typeof out.pending === 'object') {
      const { id: _id, type: _type, ...rest } = out.pending as SdnObject;
      out.pending = rest;
    }
    if (digest) out.digest = digest;
    return out;
  }

  fabrics(view: FabricView): Record<string, unknown>[] {
    const { ids, digest } = this.sections(view);
    return fabricIds(withTypes(ids)).map((id) => this.shape(id, ids[id], digest, false));
  }

  /** Nodes of one fabric, or of all fabrics. */
  nodes(view: FabricView, fabric?: string): Record<string, unknown>[] {
    const { ids, digest } = this.sections(view);
    return nodeKeys(withTypes(ids), fabric).map((k) => this.shape(k, ids[k], digest, true));
  }

  fabric(id: string): Record<string, unknown> {
    const o = this.fabrics('current').find((f) => f.id === id);
    if (!o) throw ApiError.notFound(`fabric '${id}' does not exist in configuration`);
    return o;
  }

  node(fabric: string, node: string): Record<string, unknown> {
    this.fabric(fabric);
    const o = this.nodes('current', fabric).find((n) => n.node_id === node);
    if (!o) throw ApiError.notFound(`node '${node}' does not exist in fabric '${fabric}'`);
    return o;
  }

  /** Member node names of a pending fabric (empty when it does not exist). */
  memberNodes(fabric: string): string[] {
    return nodeKeys(this.sdn.current.pending.fabrics as Record<string, FabricObject>, fabric).map((k) => splitNodeKey(k)!.node);
  }

  createFabric(props: Params, p: Params, ctx: WriteContext): Promise<null> {
    return this.write(p, ctx, (config) => createFabric(config, props), 'fabric', props);
  }

  updateFabric(id: string, props: Params, p: Params, ctx: WriteContext): Promise<null> {
    return this.write(p, ctx, (config) => updateFabric(config, id, props), 'fabric', props);
  }

  deleteFabric(id: string, p: Params, ctx: WriteContext): Promise<null> {
    return this.write(p, ctx, (config) => deleteFabric(config, id), 'fabric', {});
  }

  createNode(fabric: string, props: Params, p: Params, ctx: WriteContext): Promise<null> {
    return this.write(p, ctx, (config) => createFabricNode(config, fabric, props), 'node', props);
  }

  updateNode(fabric: string, node: string, props: Params, p: Params, ctx: WriteContext): Promise<null> {
    return this.write(p, ctx, (config) => updateFabricNode(config, fabric, node, props), 'node', props);
  }

  deleteNode(fabric: string, node: string, p: Params, ctx: WriteContext): Promise<null> {
    return this.write(p, ctx, (config) => deleteFabricNode(config, fabric, node), 'node', {});
  }

  /** One serialised edit: lock token, digest (of the fabric file, as the reference's), the model's decision, its events. */
  private write(p: Params, ctx: WriteContext, edit: (config: RunningConfig) => FabricEditResult, kind: 'fabric' | 'node', props: Params): Promise<null> {
    const lockToken = optString(p, 'lock-token');
    const digest = optString(p, 'digest', 64);
    return this.sdn.execute((state: SdnState) => {
      checkLockToken(state, lockToken);
      if (digest && digest !== sectionDigest(state.pending.fabrics)) {
        throw ApiError.param('digest', 'detected modified configuration - file changed by other user? Try again.');
      }
      const r = edit(pendingConfig(state) as unknown as RunningConfig);
      if (!r.ok) {
        if (r.code === 'not-found') throw new ApiError(404, Object.values(r.errors)[0] ?? 'not found', r.errors);
        throw ApiError.params(r.errors);
      }
      const events: DraftEvent[] = r.removedNodes.map((id) => nodeEvent('Deleted', { id } satisfies ObjectDeletedV1));
      const existed = Object.prototype.hasOwnProperty.call(state.pending.fabrics, r.id);
      const ev = (op: 'Created' | 'Updated' | 'Deleted', payload: unknown): DraftEvent =>
        kind === 'node' ? nodeEvent(op, payload) : { type: fabricEventType('fabric', op), aggregateType: SECTION_META.fabrics.aggregate, aggregateId: r.id, payload };
      if (r.object === null) events.push(ev('Deleted', { id: r.id } satisfies ObjectDeletedV1));
      else if (!existed) events.push(ev('Created', { id: r.id, object: r.object } satisfies ObjectCreatedV1));
      else events.push(ev('Updated', { id: r.id, object: r.object, set: Object.keys(props).filter((k) => k !== 'delete'), deleted: deleteList(p) } satisfies ObjectUpdatedV1));
      return { events, result: null };
    }, ctx.actor, ctx.correlationId);
  }
}

function nodeEvent(op: 'Created' | 'Updated' | 'Deleted', payload: unknown): DraftEvent {
  return { type: fabricEventType('node', op), aggregateType: FABRIC_NODE_META.aggregate, aggregateId: (payload as { id: string }).id, payload };
}

/** The pending view keeps `type` only where it is known; give each entry the type it has in either view. */
function withTypes(ids: Ids): Record<string, FabricObject> {
  const out: Record<string, FabricObject> = {};
  for (const [k, o] of Object.entries(ids)) out[k] = { type: o.type ?? (o.pending as SdnObject | undefined)?.type } as FabricObject;
  return out;
}

import { Injectable } from '@nestjs/common';
import {
  objectEventType,
  pendingConfig,
  runningIds,
  SECTION_META,
  STAGED_SECTIONS,
  type ObjectCreatedV1,
  type ObjectDeletedV1,
  type ObjectUpdatedV1,
  type SdnObject,
  type SdnState,
  type SectionName,
} from '@sdn/event-store';
import { byteOrder, type ObjectKind } from '@sdn/model';
import { ApiError } from './api-error';
import { checkLockToken } from './lock-token';
import * as model from './model';
import { boolParam, deleteList, optString, type Params } from './params';
import { SdnStateService } from './sdn-state.service';
import { SecretsService } from './secrets.service';
import { decorate, pendingView, sectionDigest } from './views';

/** Who is writing, for the event log. */
export interface WriteContext {
  actor: string;
  correlationId?: string;
}

/** Message for a missing object, as the reference words it (§0.5). */
export function notFoundMessage(section: ObjectKind, id: string): string {
  if (section === 'vnets') return `sdn vnet '${id}' does not exist`;
  if (section === 'subnets') return `sdn subnet '${id}' does not exist`;
  return `sdn '${id}' does not exist`;
}

/**
 * Request flags of one kind (see model.EditFlags): zones' `generate-mac=0`
 * keeps an EVPN zone without `mac`; subnets' `gateway-outside-subnet=1`
 * accepts a gateway outside the subnet.
 */
function editFlags(section: SectionName, p: Params): model.EditFlags {
  if (section === 'zones') return { generateMac: boolParam(p, 'generate-mac', true) };
  if (section === 'subnets') return { gatewayOutsideSubnet: boolParam(p, 'gateway-outside-subnet', false) };
  return {};
}

/** What an event records of the request's flags beyond the object: that a gateway was accepted outside its subnet. */
function flagged(r: model.Edit): Pick<ObjectCreatedV1, 'gatewayOutsideSubnet'> {
  return r.gatewayOutsideSubnet ? { gatewayOutsideSubnet: true } : {};
}

/** The built-in IPAM exists implicitly (§1.12). */
const IMPLICIT_OBJECTS: Partial<Record<SectionName, Record<string, SdnObject>>> = { ipams: { pve: { type: 'pve' } } };

/**
 * The generic object endpoints (list/get/create/update/delete) shared by the
 * six concepts. It only adapts HTTP parameters to the domain's edit
 * operations and edit results to events; every rule lives in @sdn/model.
 */
@Injectable()
export class SdnObjectsService {
  constructor(
    private readonly sdn: SdnStateService,
    private readonly secrets: SecretsService,
  ) {}

  private ids(state: SdnState, section: ObjectKind): Record<string, SdnObject> {
    const ids = state.pending[section] as Record<string, SdnObject>;
    const implicit = IMPLICIT_OBJECTS[section];
    return implicit ? { ...implicit, ...ids } : ids;
  }

  /** One object per id in the requested view (default: pending as stored; `running=1`; `pending=1` merged). */
  private view(section: ObjectKind, p: Params): { objects: Record<string, SdnObject>; digest?: string } {
    const state = this.sdn.current;
    const staged = STAGED_SECTIONS.includes(section);
    const wantPending = boolParam(p, 'pending', false);
    const wantRunning = boolParam(p, 'running', false);
    if (staged && wantPending) return { objects: pendingView(runningIds(state.running, section), state.pending[section]) };
    if (staged && wantRunning) return { objects: runningIds(state.running, section) };
    return { objects: this.ids(state, section), digest: sectionDigest(state.pending[section]) };
  }

  list(section: ObjectKind, p: Params, filter?: (o: SdnObject) => boolean): SdnObject[] {
    const { objects, digest } = this.view(section, p);
    const type = optString(p, 'type');
    const out: SdnObject[] = [];
    for (const id of Object.keys(objects).sort(byteOrder)) {
      const o = objects[id];
      if (type && o.type !== type) continue;
      if (filter && !filter(o)) continue;
      out.push(decorate(section, id, digest ? { ...o, digest } : o));
    }
    return out;
  }

  get(section: ObjectKind, id: string, p: Params): SdnObject {
    const { objects, digest } = this.view(section, p);
    const o = objects[id];
    if (!o) throw ApiError.notFound(notFoundMessage(section, id));
    return decorate(section, id, digest ? { ...o, digest } : o);
  }

  /** Pending object or 404. */
  require(section: ObjectKind, id: string): SdnObject {
    const o = this.sdn.current.pending[section][id];
    if (!o) throw ApiError.notFound(notFoundMessage(section, id));
    return o;
  }

  /**
   * Runs the domain edit on the current state without writing anything: for
   * checks that must happen outside the serialised write (network calls such
   * as DNS reachability), after the request is known to be valid. The write
   * itself validates again against the state it commits on.
   */
  preview(section: ObjectKind, op: 'create' | 'update', props: SdnObject, p: Params, id?: string): model.Edit {
    const state = this.sdn.current;
    const index = this.sdn.currentIndex;
    const flags = editFlags(section, p);
    if (op === 'create') return model.create(pendingConfig(state), section, props, index, flags);
    if (!state.pending[section][id!]) throw ApiError.notFound(notFoundMessage(section, id!));
    return model.update(pendingConfig(state), section, id!, { ...props, delete: deleteList(p) }, index, flags);
  }

  /** `props`: the object parameters of the request, ID parameter included (see objectProps). */
  create(section: ObjectKind, props: SdnObject, p: Params, ctx: WriteContext): Promise<null> {
    const lockToken = optString(p, 'lock-token');
    const flags = editFlags(section, p);
    return this.sdn.execute((state, index) => {
      checkLockToken(state, lockToken);
      const r = model.create(pendingConfig(state), section, props, index, flags);
      // Sealed before the event exists: the log, the projections and NATS only ever hold the ciphertext.
      const payload: ObjectCreatedV1 = { id: r.id, object: this.secrets.seal(section, r.object!), ...flagged(r) };
      return { events: [{ type: objectEventType(section, 'Created'), aggregateType: SECTION_META[section].aggregate, aggregateId: r.id, payload }], result: null };
    }, ctx.actor, ctx.correlationId);
  }

  update(section: ObjectKind, id: string, props: SdnObject, p: Params, ctx: WriteContext): Promise<null> {
    const lockToken = optString(p, 'lock-token');
    const digest = optString(p, 'digest', 64);
    const del = deleteList(p);
    const flags = editFlags(section, p);
    return this.sdn.execute((state, index) => {
      checkLockToken(state, lockToken);
      const current = state.pending[section][id];
      if (!current) throw ApiError.notFound(notFoundMessage(section, id));
      if (digest && digest !== sectionDigest(state.pending[section])) {
        throw ApiError.param('digest', 'detected modified configuration - file changed by other user? Try again.');
      }
      const r = model.update(pendingConfig(state), section, id, { ...props, delete: del }, index, flags);
      const payload: ObjectUpdatedV1 = { id, object: this.secrets.seal(section, r.object!), set: Object.keys(props), deleted: del, ...flagged(r) };
      return { events: [{ type: objectEventType(section, 'Updated'), aggregateType: SECTION_META[section].aggregate, aggregateId: id, payload }], result: null };
    }, ctx.actor, ctx.correlationId);
  }

  /** `pathVnet`: for subnets, the vnet of the URL, which must own the subnet. */
  remove(section: ObjectKind, id: string, p: Params, ctx: WriteContext, pathVnet?: string): Promise<null> {
    const lockToken = optString(p, 'lock-token');
    return this.sdn.execute((state, index) => {
      checkLockToken(state, lockToken);
      const current = state.pending[section][id];
      if (!current) throw ApiError.notFound(notFoundMessage(section, id));
      model.remove(pendingConfig(state), section, id, pathVnet, index);
      const payload: ObjectDeletedV1 = { id };
      return { events: [{ type: objectEventType(section, 'Deleted'), aggregateType: SECTION_META[section].aggregate, aggregateId: id, payload }], result: null };
    }, ctx.actor, ctx.correlationId);
  }
}

import type { ValidationErrors } from '../model';
import { OBJECT_KINDS, type ObjectKind } from '../schema/kind';
import { isPlainObject, normaliseObject, SCHEMAS, type SdnConfig } from '../schema/normalise';
import { IPV6_MIN_MTU } from '../schema/zones';
import { int, text } from '../values';
import { ConfigIndex, subnetSpan, vnetFacts, type VnetFacts } from './config-index';
import type { ValidationOptions } from './context';
import { validateConfig } from './validate-config';

/**
 * Validation of one edit without validating the whole configuration.
 *
 * An edit changes one object X. The objects whose problems can change are few
 * (the affected set A): X, the vnets sharing its VNI/tag or its generated
 * bridge name, its subnets and the subnets overlapping them, and the "small"
 * kinds (zones, controllers, IPAMs, DNS servers), which are always taken
 * whole. The rules that report on A read a bounded set of further objects
 * (the support S ⊇ A: group members, referenced vnets, …). Validating the
 * sub-configuration made of S before and after the edit gives, for every
 * path of A, exactly what validating the whole configuration gives; paths
 * outside A are equal before and after, so the edit's result is decided by A
 * alone. The property test in incremental.spec.ts holds this against full
 * validation.
 */

/** Kinds whose sections are taken whole: few objects, read by many rules. */
const SMALL_KINDS: readonly ObjectKind[] = ['zones', 'controllers', 'ipams', 'dns'];

export interface ScopedErrors {
  /** Problems of the configuration before the edit, on the affected paths only. */
  before: ValidationErrors;
  /** The same after the edit. */
  after: ValidationErrors;
  /** How many vnets and subnets were validated (the small kinds always are). */
  validated: number;
}

type Ids = Record<string, Record<string, unknown>>;

function sectionIds(config: SdnConfig, kind: ObjectKind): Ids | undefined {
  const s = (config as Record<string, unknown>)[kind];
  return s === undefined ? undefined : ((s as { ids: Ids }).ids);
}

function own(ids: Ids | undefined, id: string): Record<string, unknown> | undefined {
  return ids && Object.prototype.hasOwnProperty.call(ids, id) ? ids[id] : undefined;
}

/** Every section absent or exactly `{ids: {…}}`: anything else changes shape with the edit, left to full validation. */
function plainSections(config: SdnConfig): boolean {
  if (!isPlainObject(config)) return false;
  for (const kind of OBJECT_KINDS) {
    const s = (config as Record<string, unknown>)[kind];
    if (s === undefined) continue;
    if (!isPlainObject(s) || !isPlainObject(s.ids)) return false;
    for (const k in s) if (k !== 'ids') return false;
  }
  return true;
}

interface ZoneFacts {
  type: string;
  bridge: string;
  mtu: number | undefined;
  vrf: number | undefined;
  tag: number | undefined;
}

class Scope {
  readonly affected = { vnets: new Set<string>(), subnets: new Set<string>() };
  readonly support = { vnets: new Set<string>(), subnets: new Set<string>() };
  readonly zones = new Map<string, ZoneFacts>();

  constructor(
    readonly config: SdnConfig,
    readonly index: ConfigIndex,
  ) {
    const zones = sectionIds(config, 'zones') ?? {};
    for (const id of Object.keys(zones)) {
      const z = normaliseObject(SCHEMAS.zones, zones[id]).value;
      this.zones.set(id, { type: text(z.type), bridge: text(z.bridge), mtu: int(z.mtu), vrf: int(z['vrf-vxlan']), tag: int(z.tag) });
    }
  }

  private zoneType(zone: string): string | undefined {
    return this.zones.get(zone)?.type;
  }

  /** The `<bridge>v<tag>` interface a vlan-zone vnet creates (checkInterfaceNames). */
  private generatedName(f: VnetFacts): string | undefined {
    const z = this.zones.get(f.zone);
    return z && z.type === 'vlan' && z.bridge && f.tag !== undefined ? `${z.bridge}v${f.tag}` : undefined;
  }

  /** Vnets that may create an interface called `name`. */
  private generatorsOf(name: string): string[] {
    const out: string[] = [];
    for (const [zone, z] of this.zones) {
      if (z.type !== 'vlan' || !z.bridge || !name.startsWith(`${z.bridge}v`)) continue;
      const tag = int(name.slice(z.bridge.length + 1));
      if (tag === undefined || `${z.bridge}v${tag}` !== name) continue;
      for (const v of this.index.vnetsWithTag(tag)) if (this.index.vnetsInZone(zone).has(v)) out.push(v);
    }
    return out;
  }

  /** A vnet `id` with facts `f` changed: every vnet or subnet whose problems may change with it. */
  vnetChanged(id: string, f: VnetFacts): void {
    const a = this.affected;
    a.vnets.add(id);
    // VNI uniqueness, qinq customer tags, bridge VLANs, vrf-vxlan clashes: all grouped by tag.
    for (const v of this.index.vnetsWithTag(f.tag)) a.vnets.add(v);
    if (f.tag === undefined && this.zoneType(f.zone) === 'qinq') for (const v of this.index.untaggedVnetsInZone(f.zone)) a.vnets.add(v);
    // Interface names: the vnet named like the bridge this one creates, and the vnets creating a bridge named like this one.
    const gen = this.generatedName(f);
    if (gen !== undefined && this.index.vnetFacts(gen)) a.vnets.add(gen);
    for (const v of this.generatorsOf(id)) a.vnets.add(v);
    for (const s of this.index.subnetsOfVnet(id)) this.subnetChanged(s);
  }

  /** A subnet's own value or its vnet changed: it and the subnets it overlaps. */
  subnetChanged(id: string): void {
    this.affected.subnets.add(id);
    const span = subnetSpan(id);
    if (span) for (const s of this.index.subnetsOverlapping(span)) this.affected.subnets.add(s);
  }

  /** What the rules read to report on the affected objects (and on every zone). */
  close(extraVnetFacts: Map<string, VnetFacts>): void {
    const { vnets, subnets } = this.support;
    // The edited vnet is read with its value before and after the edit.
    const facts = (v: string) => [this.index.vnetFacts(v), extraVnetFacts.get(v)].filter((f): f is VnetFacts => f !== undefined);
    const addVnet = (v: string) => vnets.add(v);
    const addSubnetWithVnet = (s: string, config: SdnConfig) => {
      subnets.add(s);
      const raw = own(sectionIds(config, 'subnets'), s);
      const vnet = raw ? text(normaliseObject(SCHEMAS.subnets, raw).value.vnet) : '';
      if (vnet) vnets.add(vnet);
    };
    for (const v of this.affected.vnets) {
      addVnet(v);
      for (const s of this.index.subnetsOfVnet(v)) subnets.add(s);
      for (const f of facts(v)) {
        this.index.vnetsWithTag(f.tag).forEach(addVnet);
        if (f.tag === undefined && this.zoneType(f.zone) === 'qinq') this.index.untaggedVnetsInZone(f.zone).forEach(addVnet);
        const gen = this.generatedName(f);
        if (gen !== undefined) {
          addVnet(gen);
          this.generatorsOf(gen).forEach(addVnet);
        }
      }
      this.generatorsOf(v).forEach(addVnet);
    }
    for (const s of this.affected.subnets) {
      addSubnetWithVnet(s, this.config);
      const span = subnetSpan(s);
      if (span) for (const o of this.index.subnetsOverlapping(span)) addSubnetWithVnet(o, this.config);
    }
    for (const [zone, z] of this.zones) {
      if (z.mtu !== undefined && z.mtu < IPV6_MIN_MTU) {
        for (const v of this.index.vnetsInZone(zone)) {
          addVnet(v);
          for (const s of this.index.subnetsOfVnet(v)) subnets.add(s);
        }
      }
      this.index.vnetsWithTag(z.vrf).forEach(addVnet);
      if (z.type === 'qinq') this.index.vnetsWithTag(z.tag).forEach(addVnet);
      if (z.bridge) addVnet(z.bridge);
    }
  }
}

function subConfig(config: SdnConfig, support: Scope['support'], change: { kind: ObjectKind; id: string; value: Record<string, unknown> | undefined } | undefined): SdnConfig {
  const out: Record<string, unknown> = {};
  const src = config as Record<string, unknown>;
  for (const key of Object.keys(src)) {
    const kind = key as ObjectKind;
    if (!OBJECT_KINDS.includes(kind)) {
      out[key] = src[key];
      continue;
    }
    const ids = sectionIds(config, kind)!;
    let picked: Ids;
    if (SMALL_KINDS.includes(kind)) picked = change?.kind === kind ? { ...ids } : ids;
    else {
      picked = Object.create(null) as Ids;
      for (const id of support[kind as 'vnets' | 'subnets']) {
        const o = own(ids, id);
        if (o !== undefined) picked[id] = o;
      }
    }
    out[key] = { ids: picked };
  }
  if (change) {
    const section = (out[change.kind] as { ids: Ids } | undefined) ?? { ids: {} };
    if (out[change.kind] === undefined) out[change.kind] = section;
    if (section.ids === sectionIds(config, change.kind)) section.ids = { ...section.ids };
    if (change.value === undefined) delete section.ids[change.id];
    else section.ids[change.id] = change.value;
  }
  return out as SdnConfig;
}

/** Keeps the errors on paths of the affected objects (every path of a small kind). */
function onAffected(errors: ValidationErrors, affected: Scope['affected'], changed: { kind: ObjectKind; id: string }): ValidationErrors {
  const out: ValidationErrors = {};
  for (const [path, msg] of Object.entries(errors)) {
    const dot = path.indexOf('.');
    if (dot < 0) continue;
    const kind = path.slice(0, dot) as ObjectKind;
    const rest = path.slice(dot + 1);
    // Fabric sections are few and checked as a whole, like the small kinds.
    let hit = SMALL_KINDS.includes(kind) || (kind as string) === 'fabrics';
    const set = kind === 'vnets' || kind === 'subnets' ? affected[kind] : undefined;
    // Subnet IDs contain dots: try every prefix ending before one.
    for (let i = rest.indexOf('.'); !hit && set; i = rest.indexOf('.', i + 1)) {
      const id = i < 0 ? rest : rest.slice(0, i);
      if (set.has(id) || (kind === changed.kind && id === changed.id)) hit = true;
      if (i < 0) break;
    }
    if (hit) out[path] = msg;
  }
  return out;
}

/**
 * The problems on every path an edit of `kind`/`id` (from the stored value in
 * `before` to `value`, undefined for a deletion) can change, before and after
 * it; or undefined when the edit must be validated in full. `index` must
 * describe `before`; `options` are those of the full validation it stands for.
 */
export function scopedValidation(before: SdnConfig, index: ConfigIndex, kind: ObjectKind, id: string, value: Record<string, unknown> | undefined, options: ValidationOptions = {}): ScopedErrors | undefined {
  // A zone edit reaches all of the zone's vnets and subnets: no cheaper than the whole.
  if (kind === 'zones' || !plainSections(before)) return undefined;
  const previous = own(sectionIds(before, kind), id);
  // The index must have seen exactly this configuration's object.
  if ((kind === 'vnets' || kind === 'subnets') && index.raw(kind, id) !== previous) return undefined;
  const scope = new Scope(before, index);
  const extra = new Map<string, VnetFacts>();
  if (kind === 'vnets') {
    const old = index.vnetFacts(id);
    if (old) scope.vnetChanged(id, old);
    if (value !== undefined) {
      const f = vnetFacts(value);
      extra.set(id, f);
      scope.vnetChanged(id, f);
    }
  } else if (kind === 'subnets') {
    scope.subnetChanged(id);
    // V4 of the vnet the subnet leaves or joins.
    for (const raw of [previous, value]) {
      const v = raw ? text(normaliseObject(SCHEMAS.subnets, raw).value.vnet) : '';
      if (v) scope.affected.vnets.add(v);
    }
  }
  scope.close(extra);
  // Everything about to be read must be what the index saw.
  for (const k of ['vnets', 'subnets'] as const) {
    const ids = sectionIds(before, k);
    for (const s of scope.support[k]) if (!(k === kind && s === id) && index.raw(k, s) !== own(ids, s)) return undefined;
  }
  const changed = { kind, id };
  return {
    before: onAffected(validateConfig(subConfig(before, scope.support, undefined), options), scope.affected, changed),
    after: onAffected(validateConfig(subConfig(before, scope.support, { kind, id, value }), options), scope.affected, changed),
    validated: scope.support.vnets.size + scope.support.subnets.size,
  };
}


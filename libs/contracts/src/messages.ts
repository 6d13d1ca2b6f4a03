import { any, arrayOf, bool, check, ContractViolation, int, mapOf, nonEmptyStr, object, oneOf, optional, record, str, type Check } from './schema';

/**
 * Envelope of every domain event, as stored in the event store and published
 * on `sdn.events.<aggregate>.<event>` (message id = event id).
 */
export interface EventEnvelope<P = unknown> {
  /** UUID, also the JetStream message id (publish de-duplication). */
  id: string;
  /** Global sequence in the event store. */
  seq: number;
  /** Event name, e.g. `ZoneCreated`, `ConfigApplied`. */
  type: string;
  /** Version of the event's payload schema. */
  typeVersion: number;
  aggregateType: string;
  aggregateId: string;
  aggregateVersion: number;
  payload: P;
  /** Token id (`USER@REALM!TOKENID`) or service name that caused the event. */
  actor: string;
  correlationId: string;
  /** ISO-8601 time the event was appended. */
  time: string;
}

const eventEnvelopeFields: Record<string, Check> = {
  id: nonEmptyStr,
  seq: int,
  type: nonEmptyStr,
  typeVersion: int,
  aggregateType: nonEmptyStr,
  aggregateId: str,
  aggregateVersion: int,
  payload: any,
  actor: str,
  correlationId: str,
  time: nonEmptyStr,
};
export const eventEnvelopeSchema: Check = object(eventEnvelopeFields);

/** Envelope schema whose payload must also satisfy `payload` (consumers of one event type use this). */
export function eventEnvelopeOf(payload: Check): Check {
  return object({ ...eventEnvelopeFields, payload });
}

/** `ConfigApplied` v1: a new running config version. Aggregate `config`, id `running`. */
export interface ConfigAppliedV1 {
  version: number;
  /** The full running config snapshot in the reference's JSON shape. */
  running: Record<string, unknown>;
  /** Task id returned to the caller of `PUT /cluster/sdn`. */
  task?: string;
}
export const configAppliedV1Schema: Check = object({ version: int, running: record, task: optional(str) });
export const configAppliedEventSchema: Check = eventEnvelopeOf(configAppliedV1Schema);

/** The files a node runs: `/etc/network/interfaces.d/sdn` and (when managed) `/etc/frr/frr.conf`. */
export interface NodeBundleFilesV1 {
  interfaces: string;
  frr?: string;
  /**
   * The node's DHCP server configuration: paths relative to `/etc/dnsmasq.d`
   * (`<zone>/00-default.conf`, `<zone>/10-<vnet>.conf`) to their content.
   * Absent: the node serves no DHCP zone (the agent stops its dnsmasq).
   */
  dnsmasq?: Record<string, string>;
}

/**
 * The zones and vnets of the running config deployed on the node (spec §5.2,
 * §5.3), with what the node's status check needs, so the agent reports
 * per-zone/vnet state from its own bundle alone. A vnet whose zone is not in
 * `zones` names a zone unknown to the running config (reported as error).
 */
export interface NodeBundleScopeV1 {
  /** `disableMacLearning`: the zone's `bridge-disable-mac-learning` (guest ports, spec §7.7), present only when on. */
  zones: Record<string, { type: string; bridge?: string; disableMacLearning?: boolean }>;
  /** `isolatePorts`: the vnet's `isolate-ports` (guest ports, spec §7.7), present only when on. */
  vnets: Record<string, { zone: string; isolatePorts?: boolean }>;
}

/** Everything in a bundle that grows with the config; what an encoding packs. */
export interface NodeBundleContentV1 {
  files: NodeBundleFilesV1;
  scope?: NodeBundleScopeV1;
}

/**
 * How a bundle's content travels. Absent: inline (`files`, `scope` fields).
 * `gzip-base64/v1`: `files`/`scope` are absent and `packed` is
 * base64(gzip(frame)), the frame being one line of JSON
 * `{"interfaces":<bytes>,"frr":<bytes>|null,"scope":…}`, a newline, then the
 * UTF-8 interfaces text and the frr text, back to back (the texts are not
 * JSON-escaped: on multi-MB files that costs more than the compression). A
 * 2500-vnet interfaces file shrinks ~30x, far under NATS's default 1 MiB
 * max_payload. A new encoding gets a new name; a consumer that does not know
 * it rejects the bundle.
 */
export const BUNDLE_ENCODING_GZIP_V1 = 'gzip-base64/v1';
export type NodeBundleEncoding = typeof BUNDLE_ENCODING_GZIP_V1;

/** Message on `sdn.node.<node>.bundle`: everything a node must run. Read the content with `unpackNodeBundle`. */
export interface NodeBundleV1 extends Partial<NodeBundleContentV1> {
  node: string;
  /** Running config version the bundle was rendered from. */
  version: number;
  /** sha256 of the (uncompressed) files (hex), to skip unchanged bundles and verify the received ones. */
  hash: string;
  encoding?: NodeBundleEncoding;
  packed?: string;
  task?: string;
  /** Correlation id of the apply (the `ConfigApplied` event's): the node logs it and reports it back in its status. */
  correlationId?: string;
  renderedAt: string;
  warnings?: string[];
  /**
   * The FRR daemons SDN manages in `/etc/frr/daemons` (spec §7.6.6), set
   * when the bundle carries frr.conf: `true` = `<daemon>=yes`. A change
   * needs an FRR restart (a reload cannot start or stop a daemon). Outside
   * the hash: it follows from the fabric routers that frr.conf holds, and
   * the agent compares it with the file on disk itself.
   */
  frrDaemons?: FrrDaemonsV1;
}

/** `fabricd` for OpenFabric, `ospfd` for OSPF fabrics. */
export interface FrrDaemonsV1 {
  fabricd: boolean;
  ospfd: boolean;
}

/** A bundle with its content inline (what consumers work with after `unpackNodeBundle`). */
export type InlineNodeBundleV1 = Omit<NodeBundleV1, 'encoding' | 'packed' | 'files'> & NodeBundleContentV1;

const bundleFilesV1Schema: Check = object({ interfaces: str, frr: optional(str), dnsmasq: optional(mapOf(str)) });
const bundleScopeV1Schema: Check = object({
  zones: mapOf(object({ type: str, bridge: optional(str), disableMacLearning: optional(bool) })),
  vnets: mapOf(object({ zone: str, isolatePorts: optional(bool) })),
});
export const nodeBundleContentV1Schema: Check = object({ files: bundleFilesV1Schema, scope: optional(bundleScopeV1Schema) });
const absent: Check = (v, p, out) => {
  if (v !== undefined) out[p] = 'must be absent when the content is packed';
};
const bundleHead: Record<string, Check> = {
  node: nonEmptyStr,
  version: int,
  hash: nonEmptyStr,
  task: optional(str),
  correlationId: optional(str),
  renderedAt: nonEmptyStr,
  warnings: optional(arrayOf(str)),
  frrDaemons: optional(object({ fabricd: bool, ospfd: bool })),
};
const inlineBundle = object({ ...bundleHead, packed: absent, files: bundleFilesV1Schema, scope: optional(bundleScopeV1Schema) });
const packedBundle = object({ ...bundleHead, encoding: oneOf(BUNDLE_ENCODING_GZIP_V1), packed: nonEmptyStr, files: absent, scope: absent });
/** The envelope; a packed bundle's content is checked (nodeBundleContentV1Schema) when it is unpacked. */
export const nodeBundleV1Schema: Check = (v, p, out) => {
  const enc = (v as { encoding?: unknown } | null)?.encoding;
  (enc === undefined ? inlineBundle : packedBundle)(v, p, out);
};

/**
 * Message on `sdn.node.<node>.bundle-version`: "run version `version`; your
 * files are those of the full bundle `baseHash` (the latest on
 * `sdn.node.<node>.bundle`) with the interfaces file's `#version:` line set to
 * `version`". The config service sends it instead of a full bundle when
 * nothing but the version changed for the node (files, scope, FRR daemons and
 * warnings alike): an apply that touches a few nodes then costs the others a
 * few hundred bytes and no reload. `hash` is the NodeBundleV1 hash of the
 * files so re-versioned, so the agent checks that what it writes is exactly
 * what a full bundle of `version` would have carried. An agent whose files
 * are not `baseHash`'s (offline meanwhile, refused it, edited by hand) reads
 * the base from the stream and applies it in full under `version`; a base
 * that is no longer the latest full bundle means a newer full bundle follows.
 */
export interface NodeBundleVersionV1 {
  node: string;
  version: number;
  hash: string;
  baseVersion: number;
  baseHash: string;
  task?: string;
  correlationId?: string;
  renderedAt: string;
}
export const nodeBundleVersionV1Schema: Check = object({
  node: nonEmptyStr,
  version: int,
  hash: nonEmptyStr,
  baseVersion: int,
  baseHash: nonEmptyStr,
  task: optional(str),
  correlationId: optional(str),
  renderedAt: nonEmptyStr,
});

/** Message on `sdn.node.<node>.facts`: the node facts the renderer needs (`NodeFacts` of @sdn/render). */
export interface NodeFactsMessageV1 {
  node: string;
  facts: Record<string, unknown>;
  publishedAt: string;
}
export const nodeFactsV1Schema: Check = object({ node: nonEmptyStr, facts: record, publishedAt: nonEmptyStr });

/**
 * The shape of `NodeFactsMessageV1.facts` that the renderer reads (`NodeFacts`
 * of @sdn/render). Kept apart from `nodeFactsV1Schema` so the envelope stays
 * as agreed; the config service checks this before it renders with the facts.
 */
export const renderFactsV1Schema: Check = object({
  nodename: nonEmptyStr,
  interfaces: optional(record),
  addresses: mapOf(str),
  routes: arrayOf(object({ dst: nonEmptyStr, dev: optional(str), src: optional(str) })),
  bridges: mapOf(object({ ovs: bool, vlanAware: bool, ports: arrayOf(str) })),
  macs: mapOf(str),
  frrLocal: optional(str),
});

export type ObjectState = 'available' | 'pending' | 'error';

/**
 * Message on `sdn.node.<node>.status`: what the node runs, per zone and vnet,
 * plus heartbeat. Agents now publish NodeStatusV2 (node-status.ts, the same
 * content with vnets grouped by zone); readers accept both.
 */
export interface NodeStatusV1 {
  node: string;
  /** Running config version applied on the node (0 = none yet). */
  version: number;
  /** Outcome of the last apply attempt. */
  /** `task` and `correlationId`: those of the bundle the attempt applied (the apply that produced it). */
  apply: { version: number; state: 'applied' | 'error' | 'pending'; message?: string; task?: string; correlationId?: string; at: string };
  zones: Record<string, { state: ObjectState; message?: string }>;
  vnets: Record<string, { zone: string; state: ObjectState; message?: string }>;
  heartbeatAt: string;
  /** The agent's heartbeat interval, so readers can tell a silent node from a slow one. */
  heartbeatMs?: number;
}
const stateCheck = oneOf('available', 'pending', 'error');
export const nodeStatusV1Schema: Check = object({
  node: nonEmptyStr,
  version: int,
  apply: object({ version: int, state: oneOf('applied', 'error', 'pending'), message: optional(str), task: optional(str), correlationId: optional(str), at: nonEmptyStr }),
  zones: mapOf(object({ state: stateCheck, message: optional(str) })),
  vnets: mapOf(object({ zone: str, state: stateCheck, message: optional(str) })),
  heartbeatAt: nonEmptyStr,
  heartbeatMs: optional(int),
});

/** IP events published by the IPAM service (aggregate `ip`). */
export interface IpEventV1 {
  zone: string;
  vnet: string;
  subnet: string;
  ip: string;
  mac?: string;
  hostname?: string;
  vmid?: number | string;
  /** The subnet's gateway entry (§6.1, hostname `<vnet>-gw`); ipam-service writes no release for it when the subnet is deleted. */
  gateway?: boolean;
}
export const ipEventV1Schema: Check = object({
  zone: nonEmptyStr,
  vnet: str,
  subnet: nonEmptyStr,
  ip: nonEmptyStr,
  mac: optional(str),
  hostname: optional(str),
  vmid: optional(any),
  gateway: optional(bool),
});

/** Throws ContractViolation when `value` does not satisfy `schema`; use at publish and consume. */
export function assertContract<T>(name: string, schema: Check, value: unknown): T {
  const problems = check(schema, value);
  if (Object.keys(problems).length) throw new ContractViolation(name, problems);
  return value as T;
}

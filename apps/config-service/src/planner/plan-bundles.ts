import { createHash } from 'node:crypto';
import {
  assertContract,
  bundleContentHash,
  ContractViolation,
  NODE_NAME_PATTERN,
  renderFactsV1Schema,
  type InlineNodeBundleV1,
  type NodeBundleVersionV1,
  type NodeFactsMessageV1,
} from '@sdn/contracts';
import type { RunningConfig } from '@sdn/model';
import { fabricDaemons, nodeScope, renderNode, unsupportedFeatures, withoutVersionLine, type NodeBundleFiles, type NodeFacts } from '@sdn/render';

/** A running config version to render. */
export interface ConfigVersion {
  version: number;
  running: RunningConfig;
  /** Task of the `PUT /cluster/sdn` that applied it, passed on to the nodes for their task log. */
  task?: string;
  /** Correlation id of its `ConfigApplied` event, carried in the bundle (body and NATS header) to the node. */
  correlationId?: string;
}

/** What the node's latest bundle on the bus says about itself (undefined fields: unknown). */
export interface LastBundle {
  /** What the node is to run now: the latest full bundle's, or the version-only message's that re-versions it. */
  version?: number;
  hash?: string;
  /** The latest full bundle, the base of any version-only message; without a content key the next bundle is full. */
  full?: { version?: number; hash?: string; contentKey?: string };
}

export interface PlanInput {
  config: ConfigVersion;
  /** Latest facts message per node name (the name in the subject). */
  facts: ReadonlyMap<string, NodeFactsMessageV1>;
  /** Latest bundle per node name; a node without one has never received a bundle. */
  lastBundles: ReadonlyMap<string, LastBundle>;
  /** Timestamp for `renderedAt` (the planner reads no clock). */
  now: string;
  render?: (config: RunningConfig, facts: NodeFacts) => NodeBundleFiles;
}

export type SkipReason =
  /** Same files as the node's last bundle: re-sending would make every node re-apply for nothing. */
  | 'unchanged'
  /** The node already has a bundle of a newer config version (this event is old or was redelivered). */
  | 'superseded'
  /** Facts message unusable (wrong shape, node name mismatch): the node is left alone until it sends good facts. */
  | 'invalid-facts'
  /** The renderer threw: a bug or an unsupported config; other nodes still get their bundles. */
  | 'render-failed';

export interface BundlePlan {
  /** Inline bundles; the publisher packs them for the wire. */
  publish: InlineNodeBundleV1[];
  /** `bundleContentKey` of each bundle in `publish` that has one, by node (stored with it for the next plan). */
  contentKeys: Map<string, string>;
  /** Nodes whose render differs from their latest full bundle only in the version. */
  versionOnly: NodeBundleVersionV1[];
  skipped: { node: string; reason: SkipReason; detail?: string }[];
}

/** Facts of one node as the renderer needs them, or the reason they cannot be used. */
export function renderFactsOf(node: string, message: NodeFactsMessageV1): { facts: NodeFacts } | { problem: string } {
  if (!NODE_NAME_PATTERN.test(node)) return { problem: `node name "${node}" is not a valid node name` };
  if (message.node !== node) return { problem: `facts on the subject of ${node} name node ${message.node}` };
  try {
    const facts = assertContract<NodeFacts>('NodeFacts/v1 facts', renderFactsV1Schema, message.facts);
    if (facts.nodename !== node) return { problem: `facts.nodename ${facts.nodename} differs from node ${node}` };
    return { facts };
  } catch (e) {
    if (e instanceof ContractViolation) return { problem: e.message };
    throw e;
  }
}

/**
 * What a bundle carries apart from its version: the files with the
 * interfaces file's version line left out, the scope, the FRR daemons and the
 * warnings. Two bundles with the same key differ at most in the version
 * line, so the later one can travel as a version-only message. Undefined
 * when the interfaces file has no version line (nothing to re-version).
 */
export function bundleContentKey(b: InlineNodeBundleV1): string | undefined {
  const body = withoutVersionLine(b.files.interfaces);
  if (body === undefined) return undefined;
  return createHash('sha256')
    .update(bundleContentHash({ ...b.files, interfaces: body }))
    .update(JSON.stringify([b.scope ?? null, b.frrDaemons ?? null, b.warnings ?? null]))
    .digest('hex');
}

/**
 * Decides which bundles to publish for one config version: renders every node
 * that has facts (the renderer applies each zone's `nodes` restriction, so a
 * node outside every zone gets an empty file — which is how vnets are removed
 * from it), hashes the files, and keeps only bundles that change what the node
 * has. Each bundle names the zones and vnets deployed on its node. A node
 * whose new bundle would differ from its latest full bundle only in the
 * version gets a version-only message instead (when that full bundle's
 * content key is known). Pure: the caller does all I/O, so this runs in unit tests without NATS.
 */
export function planBundles(input: PlanInput): BundlePlan {
  const render = input.render ?? renderNode;
  const { version, running, task, correlationId } = input.config;
  const warnings = unsupportedFeatures(running);
  const plan: BundlePlan = { publish: [], contentKeys: new Map(), versionOnly: [], skipped: [] };
  for (const node of [...input.facts.keys()].sort()) {
    const last = input.lastBundles.get(node);
    if (last?.version !== undefined && last.version > version) {
      plan.skipped.push({ node, reason: 'superseded', detail: `node has version ${last.version}` });
      continue;
    }
    const usable = renderFactsOf(node, input.facts.get(node)!);
    if ('problem' in usable) {
      plan.skipped.push({ node, reason: 'invalid-facts', detail: usable.problem });
      continue;
    }
    let files: NodeBundleFiles;
    try {
      files = render(running, usable.facts);
    } catch (e) {
      plan.skipped.push({ node, reason: 'render-failed', detail: String((e as Error)?.message ?? e) });
      continue;
    }
    const hash = bundleContentHash(files);
    if (last?.hash === hash) {
      plan.skipped.push({ node, reason: 'unchanged' });
      continue;
    }
    const bundle: InlineNodeBundleV1 = {
      node,
      version,
      hash,
      files: { interfaces: files.interfaces, ...(files.frr === undefined ? {} : { frr: files.frr }), ...(files.dnsmasq ? { dnsmasq: files.dnsmasq } : {}) },
      // The node reports zone/vnet status from its bundle alone (no fan-out of the running config to every agent).
      scope: nodeScope(running, node),
      renderedAt: input.now,
    };
    if (task !== undefined) bundle.task = task;
    if (correlationId !== undefined) bundle.correlationId = correlationId;
    if (warnings.length) bundle.warnings = warnings;
    // Only with an frr.conf: a node the SDN config gives no FRR keeps its daemons file as it is (it may have no FRR at all).
    if (files.frr !== undefined) bundle.frrDaemons = fabricDaemons(running, node);
    const key = bundleContentKey(bundle);
    const base = last?.full;
    if (key !== undefined && key === base?.contentKey && base.hash !== undefined && base.version !== undefined && base.version < version) {
      const { task: t, correlationId: c, renderedAt } = bundle;
      plan.versionOnly.push({ node, version, hash, baseVersion: base.version, baseHash: base.hash, ...(t === undefined ? {} : { task: t }), ...(c === undefined ? {} : { correlationId: c }), renderedAt });
      continue;
    }
    if (key !== undefined) plan.contentKeys.set(node, key);
    plan.publish.push(bundle);
  }
  return plan;
}

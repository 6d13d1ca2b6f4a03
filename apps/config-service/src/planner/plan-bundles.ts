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
import { text, type RunningConfig } from '@sdn/model';
import { fabricDaemons, nodeScope, renderInputKey, renderNode, unsupportedFeatures, versionLine, withoutVersionLine, type NodeBundleFiles, type NodeFacts } from '@sdn/render';

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
  /**
   * The key of `render`'s inputs (`renderInputKey` for the default renderer;
   * none for another `render` unless given): with `renders`, a node whose key
   * equals that of its last render is not rendered again.
   */
  inputKey?: (config: RunningConfig, facts: NodeFacts) => string;
  /** Each node's last render by input key; read, and updated with every render this plan makes. */
  renders?: Map<string, RenderMemo>;
}

/** A node's files as rendered from the inputs `inputKey` (a fact about the renderer, whatever became of the bundle). */
export interface RenderMemo {
  inputKey: string;
  /** The files, the interfaces file without its version line when `versioned`. */
  rest: NodeBundleFiles;
  versioned: boolean;
  /** filesBodyHash of the files (bundleContentHash of `rest` when versioned), the same for every version. */
  bodyHash: string | undefined;
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
  /** Nodes actually rendered (the others' inputs were those of their last render). */
  rendered: number;
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
type BundleHead = Pick<InlineNodeBundleV1, 'scope' | 'frrDaemons' | 'warnings'>;

export function bundleContentKey(b: BundleHead & { files?: NodeBundleFiles }, bodyHash = b.files && filesBodyHash(b.files)): string | undefined {
  if (bodyHash === undefined) return undefined;
  // JSON.stringify([scope, frrDaemons, warnings]), the scope's part kept per (frozen) scope: nodes of one zone set share it.
  return createHash('sha256')
    .update(bodyHash)
    .update(`[${scopeJson(b.scope)},${JSON.stringify(b.frrDaemons ?? null)},${JSON.stringify(b.warnings ?? null)}]`)
    .digest('hex');
}

const scopeJsons = new WeakMap<object, string>();

function scopeJson(scope: InlineNodeBundleV1['scope']): string {
  if (!scope || !Object.isFrozen(scope)) return JSON.stringify(scope ?? null);
  let json = scopeJsons.get(scope);
  if (json === undefined) scopeJsons.set(scope, (json = JSON.stringify(scope)));
  return json;
}

/** The hash of a bundle's files without the version line (bundleContentKey's part of them); undefined without one. */
export function filesBodyHash(files: NodeBundleFiles): string | undefined {
  const body = withoutVersionLine(files.interfaces);
  return body === undefined ? undefined : bundleContentHash({ ...files, interfaces: body });
}

/**
 * Decides which bundles to publish for one config version: renders every node
 * that has facts (the renderer applies each zone's `nodes` restriction, so a
 * node outside every zone gets an empty file — which is how vnets are removed
 * from it), hashes the files, and keeps only bundles that change what the node
 * has. Each bundle names the zones and vnets deployed on its node. A node
 * whose new bundle would differ from its latest full bundle only in the
 * version gets a version-only message instead (when that full bundle's
 * content key is known). With `renders`, a node whose render inputs are
 * those of its last render is not rendered: its last files are re-versioned
 * and go through the same decisions (a change of one vnet renders the nodes
 * it is deployed on, not the cluster). Pure: the caller does all I/O, so
 * this runs in unit tests without NATS.
 */
export function planBundles(input: PlanInput): BundlePlan {
  const render = input.render ?? renderNode;
  const { version, running, task, correlationId } = input.config;
  const warnings = unsupportedFeatures(running);
  const inputKey = input.inputKey ?? (input.render ? undefined : renderInputKey);
  const renders = inputKey ? input.renders : undefined;
  const plan: BundlePlan = { publish: [], contentKeys: new Map(), versionOnly: [], skipped: [], rendered: 0 };
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
    const key = renders && inputKey ? inputKey(running, usable.facts) : undefined;
    const memo = key === undefined ? undefined : renders?.get(node);
    let now: FilesNow;
    if (memo !== undefined && memo.inputKey === key) now = reversioned(memo, running);
    else {
      let files: NodeBundleFiles;
      try {
        files = render(running, usable.facts);
        plan.rendered++;
      } catch (e) {
        plan.skipped.push({ node, reason: 'render-failed', detail: String((e as Error)?.message ?? e) });
        continue;
      }
      const rendered = memoOf(key ?? '', files);
      if (renders && key !== undefined) renders.set(node, rendered);
      now = { hash: bundleContentHash(files), bodyHash: rendered.bodyHash, frr: files.frr !== undefined, files: () => files };
    }
    const { hash } = now;
    if (last?.hash === hash) {
      plan.skipped.push({ node, reason: 'unchanged' });
      continue;
    }
    const head: BundleHead = {
      // The node reports zone/vnet status from its bundle alone (no fan-out of the running config to every agent).
      scope: nodeScope(running, node),
      ...(warnings.length ? { warnings } : {}),
      // Only with an frr.conf: a node the SDN config gives no FRR keeps its daemons file as it is (it may have no FRR at all).
      ...(now.frr ? { frrDaemons: fabricDaemons(running, node) } : {}),
    };
    const contentKey = bundleContentKey(head, now.bodyHash);
    const base = last?.full;
    const told = { ...(task === undefined ? {} : { task }), ...(correlationId === undefined ? {} : { correlationId }) };
    if (contentKey !== undefined && contentKey === base?.contentKey && base.hash !== undefined && base.version !== undefined && base.version < version) {
      plan.versionOnly.push({ node, version, hash, baseVersion: base.version, baseHash: base.hash, ...told, renderedAt: input.now });
      continue;
    }
    if (contentKey !== undefined) plan.contentKeys.set(node, contentKey);
    const files = now.files();
    plan.publish.push({
      node,
      version,
      hash,
      files: { interfaces: files.interfaces, ...(files.frr === undefined ? {} : { frr: files.frr }), ...(files.dnsmasq ? { dnsmasq: files.dnsmasq } : {}) },
      scope: head.scope,
      renderedAt: input.now,
      ...told,
      ...(head.warnings ? { warnings: head.warnings } : {}),
      ...(head.frrDaemons ? { frrDaemons: head.frrDaemons } : {}),
    });
  }
  return plan;
}

/** A node's files for this plan: rendered now, or its last render's re-versioned (then joined only if sent in full). */
interface FilesNow {
  hash: string;
  bodyHash: string | undefined;
  frr: boolean;
  files(): NodeBundleFiles;
}

/** What a node's last render keeps: the files with the interfaces file's version line split off (`versioned`: it had one). */
function memoOf(inputKey: string, files: NodeBundleFiles): RenderMemo {
  const body = withoutVersionLine(files.interfaces);
  if (body === undefined) return { inputKey, rest: files, versioned: false, bodyHash: undefined };
  const rest = { ...files, interfaces: body };
  return { inputKey, rest, versioned: true, bodyHash: bundleContentHash(rest) };
}

/**
 * The files a render of `running` gives a node whose last render, with the
 * same inputs, is `memo`: they differ at most in the version line, set to
 * the running config's as the renderer writes it (files without one do not
 * depend on the version at all). Hashed in two pieces, without joining them.
 */
function reversioned(memo: RenderMemo, running: RunningConfig): FilesNow {
  const { rest, bodyHash } = memo;
  const head = memo.versioned ? versionLine(text(running.version)) : '';
  return { hash: bundleContentHash(rest, head), bodyHash, frr: rest.frr !== undefined, files: () => ({ ...rest, interfaces: `${head}${rest.interfaces}` }) };
}

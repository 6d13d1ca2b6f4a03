import type { ApiClient } from '../client/api-client';
import { EXIT } from '../cli/exit-codes';
import { paintState, type Painter } from '../output/colour';
import { formatData, type OutputFormat } from '../output/format';

interface ApplyNode {
  node: string;
  state: 'pending' | 'applied' | 'error';
  version: number;
  message?: string;
  ms: number;
  offline: boolean;
}
interface ApplyTaskView {
  task: string;
  version: number;
  done: boolean;
  nodes: ApplyNode[];
}

export interface ApplyOptions {
  wait?: boolean;
  /** Seconds to wait for the nodes (with --wait). */
  timeout: number;
  lockToken?: string;
  releaseLock?: boolean;
  outputFormat: OutputFormat;
  /** Poll interval in ms. */
  interval?: number;
}

/** What a node's line says; a change of it is what the non-terminal output prints. */
function shown(n: ApplyNode): string {
  if (n.state === 'applied') return `applied${n.message ? ` (${n.message})` : ''}`;
  if (n.state === 'error') return `error: ${n.message ?? 'apply failed'}`;
  return n.offline ? 'offline' : 'pending';
}

function nodeLine(n: ApplyNode, p: Painter, version: number): string {
  const word = n.state === 'pending' && n.offline ? 'offline' : n.state;
  const detail = n.state === 'applied' ? `version ${Math.max(n.version, version)} in ${n.ms} ms${n.message ? `, ${n.message}` : ''}` : n.state === 'error' ? (n.message ?? 'apply failed') : n.offline ? 'no heartbeat: the agent is not running or not reachable' : `waiting ${(n.ms / 1000).toFixed(1)} s`;
  return `${n.node}  ${paintState(p, word)}  ${detail}`;
}

/** A node is settled once it applied, failed, or is offline (it cannot make progress until it is back). */
const settled = (n: ApplyNode) => n.state !== 'pending' || n.offline;
const failed = (n: ApplyNode) => n.state === 'error' || (n.state === 'pending' && n.offline);

function failureSummary(v: ApplyTaskView): string {
  return v.nodes
    .filter(failed)
    .map((n) => (n.state === 'error' ? `${n.node} (error: ${n.message ?? 'apply failed'})` : `${n.node} (offline)`))
    .join(', ');
}

/**
 * `sdnctl apply [--wait]`: commit the pending configuration; with --wait,
 * follow every node until it applied, failed or is offline. On a terminal the
 * node lines are redrawn in place; otherwise one line per node state change.
 * Exit 0 only when every node applied.
 */
export async function runApply(client: ApiClient, o: ApplyOptions, p: Painter, tty: boolean): Promise<number> {
  const task = await client.call<string>('PUT', '/cluster/sdn', { 'lock-token': o.lockToken, 'release-lock': o.releaseLock === undefined ? undefined : o.releaseLock ? 1 : 0 });
  if (!o.wait) {
    process.stdout.write(o.outputFormat === 'text' ? `${task}\n` : `${formatData({ task }, o.outputFormat)}\n`);
    return EXIT.OK;
  }
  const path = `/cluster/sdn/apply/${encodeURIComponent(task)}`;
  const deadline = Date.now() + o.timeout * 1000;
  const last = new Map<string, string>();
  let drawn = 0;
  let view: ApplyTaskView;
  const text = o.outputFormat === 'text';
  if (text) process.stdout.write(`task ${task}\n`);
  for (;;) {
    view = await client.call<ApplyTaskView>('GET', path);
    if (text && tty) {
      // Redraw the node block in place: cursor up over the previous block, clear to the end of the screen.
      if (drawn) process.stdout.write(`\x1b[${drawn}A\x1b[J`);
      const lines = [`version ${view.version}: ${view.nodes.filter((n) => n.state === 'applied').length}/${view.nodes.length} nodes applied`, ...view.nodes.map((n) => `  ${nodeLine(n, p, view.version)}`)];
      process.stdout.write(`${lines.join('\n')}\n`);
      drawn = lines.length;
    } else if (text) {
      for (const n of view.nodes) {
        const s = shown(n);
        if (last.get(n.node) === s) continue;
        last.set(n.node, s);
        process.stdout.write(`${nodeLine(n, p, view.version)}\n`);
      }
    }
    if (view.done || (view.nodes.length > 0 && view.nodes.every(settled)) || view.nodes.length === 0 || Date.now() >= deadline) break;
    await new Promise((r) => setTimeout(r, o.interval ?? 300));
  }
  if (!text) process.stdout.write(`${formatData(view, o.outputFormat)}\n`);
  if (view.done) {
    if (text) process.stdout.write(`${p.green('applied')} version ${view.version} on ${view.nodes.length} node${view.nodes.length === 1 ? '' : 's'}\n`);
    return EXIT.OK;
  }
  if (!view.nodes.length) {
    process.stderr.write(`sdnctl: version ${view.version} committed, but no node has reported SDN status: nothing is known to run it\n`);
    return EXIT.APPLY_FAILED;
  }
  if (view.nodes.some(failed)) {
    process.stderr.write(`sdnctl: apply of version ${view.version} failed on ${failureSummary(view)}\n`);
    return EXIT.APPLY_FAILED;
  }
  const pending = view.nodes.filter((n) => n.state === 'pending').map((n) => n.node);
  process.stderr.write(`sdnctl: timed out after ${o.timeout} s waiting for ${pending.join(', ')} (task ${task})\n`);
  return EXIT.TIMEOUT;
}

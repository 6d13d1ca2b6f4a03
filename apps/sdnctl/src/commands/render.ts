import * as fs from 'node:fs';
import * as path from 'node:path';
import { factsFromMocks, loadCase, renderNode, type NodeFacts } from '@sdn/render';
import type { RunningConfig } from '@sdn/model';
import { parseArgs, requireFlag, UsageError } from '../args';
import { readJsonFile } from '../read-json';

export const usage = [
  'sdnctl render --case CASE.json --out DIR                    render a conformance case',
  'sdnctl render --config RUNNING.json --facts FACTS.json --out DIR   render for one node',
].join('\n');

/** Writes DIR/sdn_interfaces and, when there is one, DIR/frr.conf. */
export async function run(args: string[]): Promise<number> {
  const p = parseArgs(args);
  const out = requireFlag(p, 'out');
  let config: RunningConfig;
  let facts: NodeFacts;
  if (typeof p.flags.case === 'string') {
    if (!fs.existsSync(p.flags.case)) throw new UsageError(`no such file: ${p.flags.case}`);
    const c = loadCase(p.flags.case);
    config = c.config;
    facts = factsFromMocks(c);
  } else if (typeof p.flags.config === 'string') {
    config = readJsonFile(p.flags.config) as RunningConfig;
    facts = readJsonFile(requireFlag(p, 'facts')) as NodeFacts;
    if (!facts || typeof facts !== 'object' || typeof facts.nodename !== 'string') throw new UsageError('facts: "nodename" (string) is required');
    facts = Object.assign({ addresses: {}, routes: [], bridges: {}, macs: {} }, facts);
  } else {
    throw new UsageError(`usage:\n${usage}`);
  }
  const files = renderNode(config, facts);
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'sdn_interfaces'), files.interfaces);
  if (files.frr !== undefined) fs.writeFileSync(path.join(out, 'frr.conf'), files.frr);
  console.log(`wrote ${path.join(out, 'sdn_interfaces')}${files.frr !== undefined ? ` and ${path.join(out, 'frr.conf')}` : ''}`);
  return 0;
}

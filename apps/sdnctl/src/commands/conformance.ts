import * as fs from 'node:fs';
import { runConformance, summaryLine } from '@sdn/render';
import { parseArgs, UsageError } from '../args';

export const usage = 'sdnctl conformance DIR   run every case.json below DIR against the renderer';

export async function run(args: string[]): Promise<number> {
  const dir = parseArgs(args).positional[0];
  if (!dir) throw new UsageError(`usage: ${usage}`);
  if (!fs.existsSync(dir)) throw new UsageError(`no such directory: ${dir}`);
  const outcomes = runConformance(dir);
  for (const o of outcomes) {
    if (o.status === 'passed') console.log(`ok      ${o.name}`);
    else if (o.status === 'skipped') console.log(`skipped ${o.name} (${o.reason})`);
    else console.log(`FAILED  ${o.name}: ${o.reason}`);
  }
  console.log(summaryLine(outcomes));
  return outcomes.some((o) => o.status === 'failed') ? 1 : 0;
}

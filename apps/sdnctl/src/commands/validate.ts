import { validateConfig } from '@sdn/model';
import { parseArgs, requireFlag } from '../args';
import { readJsonFile } from '../read-json';

export const usage = 'sdnctl validate --config RUNNING.json   print every problem; exit 2 when invalid';

export async function run(args: string[]): Promise<number> {
  const config = readJsonFile(requireFlag(parseArgs(args), 'config'));
  const entries = Object.entries(validateConfig(config));
  for (const [p, m] of entries) console.log(`${p}: ${m}`);
  if (entries.length) {
    console.log(`${entries.length} error${entries.length === 1 ? '' : 's'}`);
    return 2;
  }
  console.log('config is valid');
  return 0;
}

import { parseArgs, requireFlag } from '../args';
import { readJsonFile } from '../read-json';

export const usage = 'sdnctl validate --config RUNNING.json   print every problem; exit 2 when invalid';

export async function run(args: string[]): Promise<number> {
  const config = readJsonFile(requireFlag(parseArgs(args), 'config'));
  // validateConfig lands with the model library's validation module.
  const { validateConfig } = (await import('@sdn/model')) as unknown as { validateConfig(c: unknown): Record<string, string> };
  const errors = validateConfig(config);
  const entries = Object.entries(errors);
  for (const [p, m] of entries) console.log(`${p}: ${m}`);
  if (entries.length) {
    console.log(`${entries.length} error${entries.length === 1 ? '' : 's'}`);
    return 2;
  }
  console.log('config is valid');
  return 0;
}

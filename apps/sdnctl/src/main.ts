import * as fs from 'node:fs';
import * as path from 'node:path';
import { CommanderError } from 'commander';
import { ConfigError, EXIT_CONFIG } from '@sdn/config';
import { UsageError } from './args';
import { EXIT } from './cli/exit-codes';
import { buildProgram } from './cli/program';
import { debugEnabled } from './client/settings';

function version(): string {
  try {
    return (JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** Runs sdnctl with `argv` (without node and script); resolves the exit code. */
export async function main(argv: string[]): Promise<number> {
  const result = { code: EXIT.OK as number };
  const program = buildProgram(version(), result);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return result.code;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and --version end here with code 0; a command group without its subcommand shows its help (usage).
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return EXIT.OK;
      if (e.code === 'commander.help') return EXIT.USAGE;
      return EXIT.USAGE;
    }
    if (e instanceof UsageError) {
      console.error(`sdnctl: ${e.message}`);
      return e.exitCode;
    }
    if (e instanceof ConfigError) {
      console.error(`sdnctl: configuration: ${e.message}`);
      return EXIT_CONFIG;
    }
    // Anything else is our bug; still one line, the detail only when asked for.
    console.error(`sdnctl: internal error: ${(e as Error)?.message ?? e}`);
    if (debugEnabled()) console.error(e);
    return EXIT.INTERNAL;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      console.error(e);
      process.exitCode = EXIT.INTERNAL;
    },
  );
}

import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { prettyFactory } from 'pino-pretty';

/**
 * On a terminal the services' JSON lines are shown the pino-pretty way (time, level,
 * message, fields); elsewhere (a pipe, a file, CI) they stay JSON for machines.
 */
const pretty = process.stdout.isTTY ? prettyFactory({ colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,host,service', singleLine: true }) : undefined;

function readable(line: string): string {
  if (!pretty || !line.startsWith('{')) return line;
  try {
    return pretty(JSON.parse(line)).replace(/\n$/, '');
  } catch {
    return line;
  }
}

const COLOURS = [36, 33, 35, 32, 34, 91, 96];
const colourOf = new Map<string, number>();

/** `[name] ` in a stable colour per name when writing to a terminal, plain otherwise. */
export function prefix(name: string): string {
  if (!process.stdout.isTTY) return `[${name}] `;
  if (!colourOf.has(name)) colourOf.set(name, COLOURS[colourOf.size % COLOURS.length]);
  return `\x1b[${colourOf.get(name)}m[${name}]\x1b[0m `;
}

/** Copies a child's stdout and stderr to ours line by line, each line prefixed with the child's name. */
export function pipeLines(child: ChildProcess, name: string): void {
  const p = prefix(name);
  if (child.stdout) createInterface({ input: child.stdout }).on('line', (l) => process.stdout.write(p + readable(l) + '\n'));
  if (child.stderr) createInterface({ input: child.stderr }).on('line', (l) => process.stderr.write(p + readable(l) + '\n'));
}

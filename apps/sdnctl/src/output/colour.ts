/** ANSI colours for terminals; a Painter with `on = false` returns text unchanged. */
export interface Painter {
  on: boolean;
  green(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
  bold(s: string): string;
  dim(s: string): string;
}

export function painter(on: boolean): Painter {
  const wrap = (code: string) => (s: string) => (on ? `\x1b[${code}m${s}\x1b[0m` : s);
  return { on, green: wrap('32'), red: wrap('31'), yellow: wrap('33'), cyan: wrap('36'), bold: wrap('1'), dim: wrap('2') };
}

/** Colour of a node/zone/vnet state word: good green, waiting yellow, bad red. */
export function paintState(p: Painter, state: string): string {
  if (['available', 'applied', 'ok', 'online'].includes(state)) return p.green(state);
  if (['pending', 'deleted', 'new', 'changed'].includes(state)) return p.yellow(state);
  if (['error', 'offline', 'failed'].includes(state)) return p.red(state);
  return state;
}

/** A unified diff with + lines green, - lines red, hunk headers cyan. */
export function paintDiff(p: Painter, diff: string): string {
  if (!p.on) return diff;
  return diff
    .split('\n')
    .map((l) => {
      if (l.startsWith('+++') || l.startsWith('---')) return p.bold(l);
      if (l.startsWith('@@')) return p.cyan(l);
      if (l.startsWith('+')) return p.green(l);
      if (l.startsWith('-')) return p.red(l);
      return l;
    })
    .join('\n');
}

/** One interface of `ifquery -a -c -o json`. */
export interface IfqueryEntry {
  name: string;
  status: string;
  config_status?: Record<string, string>;
}

/** Interface name → check entry. Throws when the output is not ifquery's JSON. */
export function parseIfqueryCheck(stdout: string): Map<string, IfqueryEntry> {
  const parsed = JSON.parse(stdout || '[]') as IfqueryEntry[];
  if (!Array.isArray(parsed)) throw new Error('ifquery output is not a JSON array');
  return new Map(parsed.map((e) => [e.name, e]));
}

/** `<iface>: <failing options>` for each of `names` that does not pass. */
export function failingInterfaces(check: Map<string, IfqueryEntry>, names: string[]): string[] {
  const out: string[] = [];
  for (const n of names) {
    const e = check.get(n);
    if (!e) out.push(`${n}: not known to ifquery`);
    else if (e.status !== 'pass') {
      const bad = Object.entries(e.config_status ?? {})
        .filter(([, v]) => v === 'fail')
        .map(([k]) => k);
      out.push(`${n}: ${e.status}${bad.length ? ` (${bad.join(', ')})` : ''}`);
    }
  }
  return out;
}

import { stringify as toYaml } from 'yaml';

export const OUTPUT_FORMATS = ['text', 'json', 'json-pretty', 'yaml'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

function cell(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** Aligned columns with a header row; the last column is not padded. */
export function table(rows: readonly Record<string, unknown>[], columns?: readonly string[]): string {
  const cols = columns ?? columnsOf(rows);
  if (!cols.length) return '';
  const cells = rows.map((r) => cols.map((c) => cell(r[c]).replace(/\n/g, ' ')));
  const widths = cols.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i].length)));
  const line = (vals: string[]) =>
    vals
      .map((v, i) => (i === vals.length - 1 ? v : v.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line([...cols]), ...cells.map(line)].join('\n');
}

/** Columns of a list: keys in first-seen order, the identifying ones first. */
export function columnsOf(rows: readonly Record<string, unknown>[], first: readonly string[] = []): string[] {
  const seen = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r)) seen.add(k);
  const lead = first.filter((k) => seen.has(k));
  return [...lead, ...[...seen].filter((k) => !lead.includes(k))];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The API's `data` in the chosen format. text: a list of objects is a table,
 * an object is `key value` lines (pvesh's layout), a scalar is itself;
 * json is one line, json-pretty indented, yaml a YAML document.
 */
export function formatData(data: unknown, format: OutputFormat, opts: { columns?: readonly string[]; first?: readonly string[] } = {}): string {
  switch (format) {
    case 'json':
      return JSON.stringify(data ?? null);
    case 'json-pretty':
      return JSON.stringify(data ?? null, null, 2);
    case 'yaml':
      return toYaml(data ?? null).replace(/\n$/, '');
    case 'text':
      break;
  }
  if (data === null || data === undefined) return '';
  if (Array.isArray(data)) {
    if (data.every(isRecord)) return data.length ? table(data, opts.columns ?? columnsOf(data, opts.first)) : '';
    return data.map(cell).join('\n');
  }
  if (isRecord(data)) {
    const keys = Object.keys(data);
    const w = Math.max(0, ...keys.map((k) => k.length));
    return keys.map((k) => `${k.padEnd(w)}  ${cell(data[k])}`.trimEnd()).join('\n');
  }
  return cell(data);
}

export function printData(data: unknown, format: OutputFormat, opts?: { columns?: readonly string[]; first?: readonly string[] }): void {
  const text = formatData(data, format, opts);
  if (text !== '') process.stdout.write(`${text}\n`);
}

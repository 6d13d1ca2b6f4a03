import type { NodeSet, Scalar } from './model';

/**
 * "Set" in the reference's (Perl) sense: absent, empty string, 0 and "0" are
 * not set. Rendering decisions depend on exactly this notion.
 */
export function isSet(v: unknown): boolean {
  if (v === undefined || v === null || v === false) return false;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') return v !== '' && v !== '0';
  return true;
}

/** The value as the reference would print it: numbers and strings verbatim. */
export function text(v: Scalar | unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'boolean') return v ? '1' : '0';
  return String(v);
}

/** Integer value of a number-or-string, or undefined when absent or not an integer. */
export function int(v: unknown): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'number') return Number.isInteger(v) ? v : undefined;
  if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) return Number(v.trim());
  return undefined;
}

/** Boolean from 0/1, "0"/"1", true/false, "true"/"false", "on"/"off", "yes"/"no". */
export function bool(v: unknown): boolean {
  if (typeof v === 'string') return /^(1|true|on|yes)$/i.test(v.trim());
  return isSet(v);
}

/**
 * Splits a list value the way the reference's list formats do: any run of
 * commas, semicolons and whitespace separates items; empty items vanish.
 */
export function splitList(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v.map(String).filter((s) => s !== '');
  return String(v)
    .split(/[,;\s]+/)
    .filter((s) => s !== '');
}

/** Node names of a node set, whether stored as `{node: 1}` or as a list string. */
export function nodeList(v: NodeSet | undefined | null): string[] {
  if (v === undefined || v === null) return [];
  if (typeof v === 'string') return splitList(v);
  return Object.keys(v).filter((k) => v[k] !== undefined && v[k] !== null);
}

/** Byte-order comparison (ASCII), the only ordering the reference ever uses for names. */
export function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Keys of a record in byte order. */
export function sortedKeys(o: Record<string, unknown> | undefined | null): string[] {
  return o ? Object.keys(o).sort(byteOrder) : [];
}

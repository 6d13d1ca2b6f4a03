/**
 * A list property (a fabric node's interfaces: property strings, which hold
 * commas) edited in a text area, one value per line.
 */
export const listText = (v: unknown[]): string => v.map(String).join('\n');

/** The lines of the text area, trimmed, blanks dropped. */
export function listLines(text: unknown): string[] {
  return String(text ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}

/**
 * What a save sends for the list: the new values, `delete` when an edit emptied it,
 * nothing when unchanged (or empty on create).
 */
export function listChange(text: unknown, before: unknown, editing: boolean): { set: string[] } | { delete: true } | undefined {
  const now = listLines(text);
  if (!editing) return now.length ? { set: now } : undefined;
  const was = Array.isArray(before) ? before.map(String) : [];
  if (now.length === was.length && now.every((v, i) => v === was[i])) return undefined;
  return now.length ? { set: now } : { delete: true };
}

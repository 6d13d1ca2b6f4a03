/**
 * Writes section-config text the way `PVE::SectionConfig::write_config` lays
 * it out, so a Proxmox node reads our files as its own and a diff against
 * one it wrote shows only real differences: per section the header, then
 * `comment`, then the type's required keys sorted, then the other keys
 * sorted, one TAB-indented `key value` line each; an array is one line per
 * element; booleans as 0/1; empty strings are not written; every section
 * ends with an empty line.
 */

export type WritableValue = string | number | boolean | readonly string[] | undefined | null;

export interface WritableSection {
  type: string;
  id: string;
  props: Readonly<Record<string, WritableValue>>;
}

export interface WriteOptions {
  /** Required keys of a section type: written first (sorted), as the reference does. */
  requiredKeys?(type: string): readonly string[];
  /** Keys holding booleans (written 0/1, whatever form the value has). */
  isBooleanKey?(type: string, key: string): boolean;
}

function checkLine(section: WritableSection, key: string, value: string): void {
  if (/[\r\n]/.test(key) || /[\r\n]/.test(value)) throw new Error(`section '${section.id}': property '${key}' contains a line feed`);
}

function optionLines(section: WritableSection, key: string, v: WritableValue, opts: WriteOptions): string {
  if (v === undefined || v === null) return '';
  if (Array.isArray(v)) {
    return v
      .filter((x) => x !== '')
      .map((x) => {
        checkLine(section, key, x);
        return `\t${key} ${x}\n`;
      })
      .join('');
  }
  let s: string;
  if (opts.isBooleanKey?.(section.type, key) || typeof v === 'boolean') s = v === true || v === 1 || v === '1' ? '1' : '0';
  else s = String(v);
  if (s === '') return '';
  checkLine(section, key, s);
  return `\t${key} ${s}\n`;
}

const byteOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function writeSectionConfig(sections: readonly WritableSection[], opts: WriteOptions = {}): string {
  let out = '';
  for (const s of sections) {
    if (/\s/.test(s.type) || /\s/.test(s.id) || !s.id) throw new Error(`invalid section header '${s.type}: ${s.id}'`);
    let text = `${s.type}: ${s.id}\n`;
    const done = new Set(['type']);
    if (s.props.comment) {
      text += optionLines(s, 'comment', s.props.comment, opts);
      done.add('comment');
    }
    const required = [...(opts.requiredKeys?.(s.type) ?? [])].sort(byteOrder);
    for (const k of required) {
      if (done.has(k)) continue;
      done.add(k);
      if (s.props[k] === undefined || s.props[k] === null) throw new Error(`section '${s.id}' - missing value for required option '${k}'`);
      text += optionLines(s, k, s.props[k], opts);
    }
    for (const k of Object.keys(s.props).sort(byteOrder)) {
      if (done.has(k)) continue;
      text += optionLines(s, k, s.props[k], opts);
    }
    out += `${text}\n`;
  }
  return out;
}

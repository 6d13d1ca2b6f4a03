/**
 * Proxmox's section-config text format (pve-common `PVE::SectionConfig`), as
 * the files in `/etc/pve/sdn` hold it:
 *
 *     <type>: <id>
 *     <TAB><key> <value>
 *     <TAB><flag>
 *
 * A section runs from its header to the next empty line. Lines whose first
 * non-blank character is `#` are comments anywhere (they neither end a
 * section nor belong to it); lines of only blanks are skipped. An option line
 * starts with white space; a key without a value is a flag (booleans: 1).
 *
 * The reference warns and skips what it cannot read. An import must not
 * half-apply a file, so here every such line is an error naming the file,
 * the line and the reason.
 */

export class SectionConfigError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly reason: string,
  ) {
    super(`${file} line ${line}: ${reason}`);
    this.name = 'SectionConfigError';
  }
}

export interface SectionOption {
  key: string;
  /** `undefined` for a flag line (a key with no value). */
  value: string | undefined;
  line: number;
}

export interface ParsedSection {
  /** The section type as written, lower-cased (the SDN plugins lower-case it). */
  type: string;
  id: string;
  /** Line of the header. */
  line: number;
  /** Option lines in file order. */
  options: SectionOption[];
}

export interface ParseOptions {
  /** Keys that may repeat (array properties, e.g. a subnet's `dhcp-range`). Others must not. */
  isArrayKey?(type: string, key: string): boolean;
}

const HEADER_RE = /^(\S+):\s*(\S+)\s*$/;
const OPTION_RE = /^\s+(\S+)(?:\s+(.*\S))?\s*$/;
/** The reference checks section types against `pve-configid`. */
const TYPE_RE = /^[a-z][a-z0-9_-]+$/i;

export function parseSectionConfig(text: string, file: string, opts: ParseOptions = {}): ParsedSection[] {
  const sections: ParsedSection[] = [];
  const seen = new Map<string, number>();
  let current: ParsedSection | undefined;
  let keys = new Set<string>();
  // CRLF files (edited on another system) read like LF ones: `\s*$` in the reference's patterns eats the CR too.
  const lines = text.split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  lines.forEach((raw, i) => {
    const lineNo = i + 1;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (/^\s*#/.test(line)) return;
    if (line === '') {
      current = undefined;
      return;
    }
    if (/^\s+$/.test(line)) return;
    if (current && /^\s/.test(line)) {
      const m = OPTION_RE.exec(line);
      if (!m) throw new SectionConfigError(file, lineNo, `cannot read option line '${line.trim()}'`);
      const [, key, value] = m;
      if (keys.has(key) && !opts.isArrayKey?.(current.type, key)) {
        throw new SectionConfigError(file, lineNo, `duplicate attribute '${key}' in section '${current.id}'`);
      }
      keys.add(key);
      current.options.push({ key, value, line: lineNo });
      return;
    }
    const h = HEADER_RE.exec(line);
    if (!h) {
      const why = /^\s/.test(line) ? 'option line outside a section (no section header above it)' : `expected a section header '<type>: <id>', got '${line.trim()}'`;
      throw new SectionConfigError(file, lineNo, why);
    }
    if (current) {
      // Proxmox would silently ignore this header and everything up to the next blank line.
      throw new SectionConfigError(file, lineNo, `section header '${line.trim()}' needs an empty line before it (section '${current.id}' is still open)`);
    }
    const type = h[1].toLowerCase();
    if (!TYPE_RE.test(type)) throw new SectionConfigError(file, lineNo, `invalid section type '${h[1]}'`);
    const id = h[2];
    const before = seen.get(id);
    if (before !== undefined) throw new SectionConfigError(file, lineNo, `duplicate section id '${id}' (first defined on line ${before})`);
    seen.set(id, lineNo);
    current = { type, id, line: lineNo, options: [] };
    keys = new Set();
    sections.push(current);
  });
  return sections;
}

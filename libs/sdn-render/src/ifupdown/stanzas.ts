import { byteOrder } from '@sdn/model';

/**
 * The ifupdown2 stanzas being generated: interface name -> option lines in
 * the order generators added them (rendering.md §1.1, §1.2).
 *
 * Generators never edit a stanza another vnet created, except through the
 * two explicit list operations (`append`, `accumulateInFirstLine`); that is
 * what makes zone-level stanzas belong to the zone's first vnet.
 */
export class Stanzas {
  private readonly byName = new Map<string, string[]>();

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** Option lines of a stanza (a copy), or undefined when it does not exist. */
  get(name: string): string[] | undefined {
    const lines = this.byName.get(name);
    return lines && [...lines];
  }

  get size(): number {
    return this.byName.size;
  }

  /**
   * "First writer wins": creates the stanza with these options only when no
   * stanza of that name exists. An empty option list still creates it.
   * Returns whether the stanza was created.
   */
  addIfAbsent(name: string, options: readonly string[]): boolean {
    if (this.byName.has(name)) return false;
    this.byName.set(name, [...options]);
    return true;
  }

  /** Appends one option line, creating the stanza if needed; duplicates are kept on purpose. */
  append(name: string, option: string): void {
    const lines = this.byName.get(name);
    if (lines) lines.push(option);
    else this.byName.set(name, [option]);
  }

  /**
   * Uses the stanza's first option line as a word list (OVS `ovs_ports` of
   * QinQ zones, §1.6): the line starts as `head` when the stanza has none,
   * and `word` is appended unless that line already contains it. Whatever
   * line another generator put first is extended, not replaced.
   */
  accumulateInFirstLine(name: string, head: string, word: string): void {
    let lines = this.byName.get(name);
    if (!lines) {
      lines = [];
      this.byName.set(name, lines);
    }
    if (lines.length === 0) lines.push(head);
    if (!lines[0].split(/\s+/).includes(word)) lines[0] += ` ${word}`;
  }

  /** Stanza names in byte order, the order of the file. */
  names(): string[] {
    return [...this.byName.keys()].sort(byteOrder);
  }

  /** Stanzas in byte order of name, without copying their option lists (for serialisation). */
  sortedEntries(): [string, readonly string[]][] {
    return [...this.byName.entries()].sort((a, b) => byteOrder(a[0], b[0]));
  }
}

/**
 * The zone part of the `sdn` file (§1.1 step 4): version header, then every
 * stanza in byte order of name, each preceded by an empty line, options
 * TAB-indented in generation order. No trailing blank line.
 */
export function serialiseStanzas(version: string, stanzas: Stanzas): string {
  // One string per stanza rather than per line: large clusters have tens of
  // thousands of lines per node, and per-line pieces dominate the render time.
  const parts = [`#version:${version}\n`];
  for (const [name, options] of stanzas.sortedEntries()) {
    parts.push(options.length ? `\nauto ${name}\niface ${name}\n\t${options.join('\n\t')}\n` : `\nauto ${name}\niface ${name}\n`);
  }
  return parts.join('');
}

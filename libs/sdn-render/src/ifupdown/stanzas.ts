import { versionLine } from './version-line';
import { byteOrder } from '@sdn/model';

/**
 * Consecutive option lines that many stanzas of one node share (a VXLAN
 * zone's head-end replication list), serialised once. With every node a peer
 * of every other, that list is as long as the cluster and appears in every
 * vnet of the zone: joining it once per node instead of once per vnet keeps
 * a node's render linear in vnets + peers instead of vnets × peers.
 */
export class LineGroup {
  /** The lines joined as they appear inside a stanza (without the first TAB and last newline). */
  readonly text: string;

  constructor(readonly lines: readonly string[]) {
    this.text = lines.join('\n\t');
  }
}

/** One option line, or a group of them. */
export type OptionLine = string | LineGroup;

function flatten(options: readonly OptionLine[]): string[] {
  const out: string[] = [];
  for (const o of options) {
    if (typeof o === 'string') out.push(o);
    else out.push(...o.lines);
  }
  return out;
}

/**
 * What a zone generator may do to the stanzas: only commands, never reads.
 * That is what lets a vnet's contribution be recorded once and replayed on
 * every node with the same view (render-interfaces.ts).
 */
export interface StanzaSink {
  addIfAbsent(name: string, options: readonly OptionLine[]): void;
  append(name: string, option: string): void;
  accumulateInFirstLine(name: string, head: string, word: string): void;
}

/**
 * A stanza as stored: either shared with a recording (never edited in place)
 * or owned by this node's `Stanzas` (edited in place, `owned` set).
 */
interface Stanza {
  readonly lines: readonly OptionLine[];
  /** The serialised stanza, when known for exactly these lines. */
  readonly block?: string;
  readonly owned?: true;
}

interface OwnedStanza {
  lines: string[];
  owned: true;
}

/**
 * The ifupdown2 stanzas being generated: interface name -> option lines in
 * the order generators added them (rendering.md §1.1, §1.2).
 *
 * Generators never edit a stanza another vnet created, except through the
 * two explicit list operations (`append`, `accumulateInFirstLine`); that is
 * what makes zone-level stanzas belong to the zone's first vnet.
 */
export class Stanzas implements StanzaSink {
  private readonly byName = new Map<string, Stanza>();

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** Option lines of a stanza (a copy), or undefined when it does not exist. */
  get(name: string): string[] | undefined {
    const stanza = this.byName.get(name);
    return stanza && flatten(stanza.lines);
  }

  get size(): number {
    return this.byName.size;
  }

  /**
   * "First writer wins": creates the stanza with these options only when no
   * stanza of that name exists. An empty option list still creates it.
   * Returns whether the stanza was created.
   */
  addIfAbsent(name: string, options: readonly OptionLine[]): boolean {
    if (this.byName.has(name)) return false;
    this.byName.set(name, { lines: [...options] });
    return true;
  }

  /**
   * `addIfAbsent` of a stanza that is shared, unchanged, by every node that
   * replays it (a recording): stored without copying, copied on first edit.
   */
  addSharedIfAbsent(name: string, stanza: { readonly lines: readonly OptionLine[]; readonly block: string }): void {
    if (!this.byName.has(name)) this.byName.set(name, stanza);
  }

  /** The stanza's lines, private to this node and with no stale block, ready for an edit. */
  private editable(name: string): string[] {
    const stanza = this.byName.get(name);
    if (stanza?.owned) {
      (stanza as { block?: string }).block = undefined;
      return stanza.lines as string[];
    }
    const owned: OwnedStanza = { lines: stanza ? flatten(stanza.lines) : [], owned: true };
    this.byName.set(name, owned);
    return owned.lines;
  }

  /** Appends one option line, creating the stanza if needed; duplicates are kept on purpose. */
  append(name: string, option: string): void {
    this.editable(name).push(option);
  }

  /**
   * Uses the stanza's first option line as a word list (OVS `ovs_ports` of
   * QinQ zones, §1.6): the line starts as `head` when the stanza has none,
   * and `word` is appended unless that line already contains it. Whatever
   * line another generator put first is extended, not replaced.
   */
  accumulateInFirstLine(name: string, head: string, word: string): void {
    const lines = this.editable(name);
    if (lines.length === 0) lines.push(head);
    if (!lines[0].split(/\s+/).includes(word)) lines[0] += ` ${word}`;
  }

  /** Stanza names in byte order, the order of the file. */
  names(): string[] {
    return [...this.byName.keys()].sort(byteOrder);
  }

  /**
   * Serialised stanzas in byte order of name. `previousOrder` is the sorted
   * name list of another node of the same config: when this node has exactly
   * those stanzas (the common case) it is reused instead of sorting again.
   */
  sortedBlocks(previousOrder?: readonly string[]): { blocks: string[]; order: readonly string[] } {
    const names = previousOrder && this.hasExactly(previousOrder) ? previousOrder : this.names();
    const blocks = new Array<string>(names.length);
    for (let i = 0; i < names.length; i++) {
      const stanza = this.byName.get(names[i])!;
      blocks[i] = stanza.block ?? stanzaBlock(names[i], stanza.lines);
    }
    return { blocks, order: names };
  }

  private hasExactly(names: readonly string[]): boolean {
    if (names.length !== this.byName.size) return false;
    for (const n of names) if (!this.byName.has(n)) return false;
    return true;
  }
}

/** One stanza as it appears in the file: an empty line, `auto`, `iface`, TAB-indented options. */
export function stanzaBlock(name: string, options: readonly OptionLine[]): string {
  let block = `\nauto ${name}\niface ${name}\n`;
  // Concatenation, not join: a group's long text is then referenced, not copied, until the file is joined.
  for (const o of options) {
    if (typeof o === 'string') block += `\t${o}\n`;
    else if (o.lines.length > 0) block += `\t${o.text}\n`;
  }
  return block;
}

/**
 * The zone part of the `sdn` file (§1.1 step 4): version header, then every
 * stanza in byte order of name, each preceded by an empty line, options
 * TAB-indented in generation order. No trailing blank line.
 */
export function serialiseStanzas(version: string, stanzas: Stanzas): string {
  return serialiseStanzasInOrder(version, stanzas).text;
}

/** `serialiseStanzas`, reusing (and returning) a sorted name order shared by the nodes of one config. */
export function serialiseStanzasInOrder(version: string, stanzas: Stanzas, previousOrder?: readonly string[]): { text: string; order: readonly string[] } {
  // One string per stanza rather than per line: large clusters have tens of
  // thousands of lines per node, and per-line pieces dominate the render time.
  const { blocks, order } = stanzas.sortedBlocks(previousOrder);
  return { text: `${versionLine(version)}${blocks.join('')}`, order };
}

import { stanzaBlock, type OptionLine, type StanzaSink, type Stanzas } from './stanzas';

type StanzaOp =
  | { kind: 'add'; name: string; lines: readonly OptionLine[]; block: string }
  | { kind: 'append'; name: string; option: string }
  | { kind: 'accumulate'; name: string; head: string; word: string };

/**
 * A vnet's contribution to the stanzas, kept as the commands it issued.
 * Commands rather than results, because whether an `addIfAbsent` wins
 * depends on what earlier vnets (of any zone) did on that node; replaying
 * them in vnet order reproduces exactly what direct generation does.
 */
export class StanzaRecording implements StanzaSink {
  private readonly ops: StanzaOp[] = [];

  addIfAbsent(name: string, options: readonly OptionLine[]): void {
    // Serialised once here; every node that replays a winning add reuses it.
    // Serialised once here; every node whose add wins shares this object until it edits the stanza.
    this.ops.push({ kind: 'add', name, lines: [...options], block: stanzaBlock(name, options) });
  }

  append(name: string, option: string): void {
    this.ops.push({ kind: 'append', name, option });
  }

  accumulateInFirstLine(name: string, head: string, word: string): void {
    this.ops.push({ kind: 'accumulate', name, head, word });
  }

  replayOn(stanzas: Stanzas): void {
    for (const op of this.ops) {
      if (op.kind === 'add') stanzas.addSharedIfAbsent(op.name, op);
      else if (op.kind === 'append') stanzas.append(op.name, op.option);
      else stanzas.accumulateInFirstLine(op.name, op.head, op.word);
    }
  }
}

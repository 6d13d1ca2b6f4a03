import { closeSync, existsSync, fstatSync, fsyncSync, ftruncateSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import { connect, nkeyAuthenticator, type ConnectionOptions, type ConsumerMessages, type JsMsg, type NatsConnection } from 'nats';

/**
 * An example audit consumer: reads the SDN events stream through its own
 * durable consumer and appends every event to a JSON-lines file, one
 * structured-mode CloudEvent per line (`data` is the event envelope exactly as
 * published). It depends on the `nats` client only, so it can be copied out
 * of the repository as a starting point. See README.md beside it.
 *
 * Exactly once, in order, across crashes: a line is written and flushed to
 * disk before the message is acknowledged, and each line records the stream
 * sequence it came from. After a restart the consumer reads its last line and
 * skips anything at or below it (a message written but not acknowledged comes
 * again). The durable consumer hands out one unacknowledged message at a time
 * (max_ack_pending 1), so nothing later can overtake an event that is being
 * redelivered. A line cut short by a crash is removed at start.
 */
export interface AuditConsumerOptions {
  natsUrl: string;
  /** `auditor:NAME` identity → durable consumer `audit-NAME`. */
  name: string;
  out: string;
  stream?: string;
  nkeyFile?: string;
  inboxPrefix?: string;
  log?: (msg: string) => void;
}

/** One line of the log. */
export interface AuditLine {
  specversion: string;
  id: string;
  source: string;
  type: string;
  time: string;
  subject: string;
  datacontenttype?: string;
  dataschema?: string;
  sequence?: string;
  /** Extension: the JetStream stream sequence (the resume position). */
  streamsequence: number;
  data: unknown;
}

/** The stream sequence of the file's last complete line (0 when empty); cuts off a torn last line. */
export function resumePosition(file: string): number {
  if (!existsSync(file)) return 0;
  const fd = openSync(file, 'r+');
  try {
    let size = fstatSync(fd).size;
    // Read backwards in growing chunks until the last complete line is in hand.
    for (let chunk = 64 * 1024; ; chunk *= 4) {
      if (size === 0) return 0;
      const start = Math.max(0, size - chunk);
      const buf = Buffer.alloc(size - start);
      readSync(fd, buf, 0, buf.length, start);
      const lastNl = buf.lastIndexOf(0x0a);
      if (lastNl < buf.length - 1 && (lastNl >= 0 || start === 0)) {
        // Bytes after the last newline: a write cut short by a crash. Drop them.
        size = start + lastNl + 1;
        ftruncateSync(fd, size);
        fsyncSync(fd);
        if (lastNl < 0) return 0;
        chunk /= 4; // read again from the new end
        continue;
      }
      if (lastNl < 0) continue; // a line longer than the chunk and no newline yet: read more
      const prevNl = buf.lastIndexOf(0x0a, lastNl - 1);
      if (prevNl < 0 && start > 0) continue;
      return (JSON.parse(buf.subarray(prevNl + 1, lastNl).toString('utf8')) as AuditLine).streamsequence;
    }
  } finally {
    closeSync(fd);
  }
}

/** The line for one message: its CloudEvents attributes (NATS headers) around the payload. */
export function auditLine(m: Pick<JsMsg, 'seq' | 'headers' | 'data'>): AuditLine {
  const h = (k: string) => m.headers?.get(k) || undefined;
  const line: AuditLine = {
    specversion: h('ce-specversion') ?? '1.0',
    id: h('ce-id') ?? '',
    source: h('ce-source') ?? '',
    type: h('ce-type') ?? '',
    time: h('ce-time') ?? '',
    subject: h('ce-subject') ?? '',
    datacontenttype: h('Content-Type'),
    dataschema: h('ce-dataschema'),
    sequence: h('ce-sequence'),
    streamsequence: m.seq,
    data: JSON.parse(new TextDecoder().decode(m.data)),
  };
  for (const k of Object.keys(line) as (keyof AuditLine)[]) if (line[k] === undefined) delete line[k];
  return line;
}

export class AuditConsumer {
  private nc: NatsConnection | undefined;
  private messages: ConsumerMessages | undefined;
  private loop: Promise<void> | undefined;
  private fd = -1;
  /** Stream sequence of the last line written. */
  position = 0;
  written = 0;

  constructor(private readonly o: AuditConsumerOptions) {}

  async start(): Promise<void> {
    const log = this.o.log ?? ((m: string) => console.error(m));
    this.position = resumePosition(this.o.out);
    this.fd = openSync(this.o.out, 'a');
    const opts: ConnectionOptions = { servers: this.o.natsUrl.split(','), name: `audit-${this.o.name}`, maxReconnectAttempts: -1, reconnectTimeWait: 1000, waitOnFirstConnect: true };
    if (this.o.nkeyFile) {
      const file = this.o.nkeyFile;
      opts.authenticator = nkeyAuthenticator(() => new TextEncoder().encode(readFileSync(file, 'utf8').trim()));
    }
    if (this.o.inboxPrefix) opts.inboxPrefix = this.o.inboxPrefix;
    this.nc = await connect(opts);
    const js = this.nc.jetstream();
    const stream = this.o.stream ?? 'SDN_EVENTS';
    const durable = `audit-${this.o.name}`;
    log(`audit consumer ${durable}: resuming after stream sequence ${this.position}, writing ${this.o.out}`);
    // The consumer must exist (an operator creates it: sdnctl nats auditor NAME); wait for it, and for NATS.
    for (;;) {
      try {
        const c = await js.consumers.get(stream, durable);
        this.messages = await c.consume({ max_messages: 64 });
        break;
      } catch (e) {
        log(`waiting for consumer ${stream}/${durable}: ${(e as Error).message}`);
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
    this.loop = (async () => {
      for await (const m of this.messages!) {
        if (m.seq > this.position) {
          const text = JSON.stringify(auditLine(m)) + '\n';
          writeSync(this.fd, text);
          // On disk before the ack: an acknowledged event is never fetched again.
          fsyncSync(this.fd);
          this.position = m.seq;
          this.written++;
        }
        // Retried until the server has it (NATS restarts): an ack lost would only mean a skipped redelivery.
        for (let i = 0; ; i++) {
          try {
            await m.ackAck();
            break;
          } catch (e) {
            if (i === 0) log(`ack of stream sequence ${m.seq} failed, retrying: ${(e as Error).message}`);
            await new Promise((r) => setTimeout(r, 500));
            if (i > 20) break; // it will come again after ack_wait and be skipped
          }
        }
      }
    })();
  }

  async stop(): Promise<void> {
    this.messages?.stop();
    await this.loop;
    await this.nc?.close();
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}

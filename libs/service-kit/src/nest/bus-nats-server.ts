import { type Deserializer, type IncomingRequest, type OutgoingResponse, type Serializer, ServerNats } from '@nestjs/microservices';
import type { Msg, NatsConnection, Subscription } from 'nats';
import type { Bus } from '@sdn/bus';

const enc = new TextEncoder();
const dec = new TextDecoder();

/** What a request that is not JSON becomes (the `RefuseUnreadable` pipe answers it). */
export class UnreadableRequest {
  constructor(readonly reason: string) {}
}

/**
 * Requests on the wire are the bare JSON body (`{}` when empty), not Nest's `{pattern,data,id}`
 * envelope: the callers (the API's IpamClient, `nats req`, older replicas during an upgrade) send
 * plain JSON on plain NATS request/reply. Every request gets an id, so Nest treats it as a
 * message (request/reply) whether or not the sender waits for the answer.
 */
export class BareJsonDeserializer implements Deserializer<Uint8Array, IncomingRequest> {
  deserialize(value: Uint8Array, options?: { channel?: string; replyTo?: string }): IncomingRequest {
    let data: unknown;
    try {
      data = value?.length ? JSON.parse(dec.decode(value)) : {};
    } catch {
      data = new UnreadableRequest('request is not JSON');
    }
    return { id: options?.replyTo ?? '-', pattern: options?.channel ?? '', data };
  }
}

/**
 * Replies are the handler's value as bare JSON; a failure is `{ok:false,error}` (what
 * `RpcReplyFilter` makes of any exception), never Nest's `{err,response,isDisposed,id}` envelope.
 */
export class BareJsonSerializer implements Serializer<OutgoingResponse, { data: Uint8Array }> {
  serialize(packet: OutgoingResponse): { data: Uint8Array } {
    const body = packet.err !== undefined ? packet.err : packet.response;
    return { data: enc.encode(JSON.stringify(body ?? null)) };
  }
}

export interface BusNatsServerOptions {
  bus: Pick<Bus, 'nc' | 'topology'>;
  /** Queue group: each request is answered by exactly one replica. */
  queue?: string;
}

/**
 * Nest's NATS transport (`Transport.NATS`: its handler dispatch, `@MessagePattern`, pipes,
 * filters, serializer and deserializer hooks) on the service's bus connection, with three changes:
 * - the connection is the bus's (one per process, with the service's NATS identity and reconnect
 *   policy; tests run several replicas on one isolated bus) rather than one of its own;
 * - a pattern is served on its subject in the bus namespace (`<namespace>.<pattern>`: tests and
 *   second installations get their own copy, like every other subject), so the handlers keep
 *   the plain subjects of libs/contracts in `@MessagePattern`;
 * - `close` stops taking requests, answers the ones in hand, and leaves the connection to its
 *   owner (Nest's own either drops them or sleeps a fixed grace period).
 */
export class BusNatsServer extends ServerNats {
  private readonly bus: BusNatsServerOptions['bus'];
  private readonly queue?: string;
  private readonly subs: Subscription[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(o: BusNatsServerOptions) {
    super({ queue: o.queue, serializer: new BareJsonSerializer(), deserializer: new BareJsonDeserializer() });
    this.bus = o.bus;
    this.queue = o.queue;
  }

  override async createNatsClient(): Promise<NatsConnection> {
    return this.bus.nc;
  }

  /** The bus logs its connection's changes already. */
  override async handleStatusUpdates(): Promise<void> {}

  override bindEvents(client: NatsConnection): void {
    const ns = this.bus.topology.namespace;
    for (const [pattern, handler] of this.messageHandlers) {
      const subject = ns ? `${ns}.${pattern}` : pattern;
      this.subs.push(client.subscribe(subject, { queue: (handler.extras?.queue as string | undefined) ?? this.queue, callback: this.getMessageHandler(pattern).bind(this) }));
    }
  }

  override handleMessage(channel: string, msg: Msg): Promise<unknown> {
    const p = super.handleMessage(channel, msg);
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p)).catch(() => undefined);
    return p;
  }

  override async close(): Promise<void> {
    for (const s of this.subs.splice(0)) s.unsubscribe();
    await Promise.allSettled([...this.inFlight]);
    // Nest sends a reply on the tick after its handler settled.
    await new Promise((r) => setImmediate(r));
  }
}

import type { Subscription } from 'nats';
import { IPAM_PATTERNS } from '@sdn/contracts';
import { IPAM_RPC_QUEUE, ipamRpcSubject, MAX_ALLOCATE_EACH, type AllocateEachRequest } from '@sdn/ipam';
import type { Bus } from '@sdn/bus';
import type { IpamRpc } from './ipam-rpc';
import type { SubnetSync } from './subnet-sync';

const enc = new TextEncoder();
const dec = new TextDecoder();

/**
 * Serves IPAM_PATTERNS on plain NATS request/reply, in the bus namespace and
 * in one queue group (each request is answered by exactly one replica).
 * Plain subscriptions rather than a framework transport: the subjects must
 * follow the bus namespace, and the hot path is one JSON decode, one call,
 * one JSON encode.
 */
export function serveIpamRpc(bus: Pick<Bus, 'nc' | 'topology' | 'log'>, rpc: IpamRpc, sync?: SubnetSync): { stop(): Promise<void> } {
  const handlers: Record<string, (body: any) => Promise<unknown>> = {
    [IPAM_PATTERNS.allocate]: (b) => rpc.allocate(b),
    // Each request on its own (its own result, its own event); together they fill the next-free groups.
    [IPAM_PATTERNS.allocateEach]: async (b: AllocateEachRequest) => {
      if (!Array.isArray(b?.requests) || b.requests.length > MAX_ALLOCATE_EACH) return { ok: false, error: `requests must be a list of at most ${MAX_ALLOCATE_EACH}` };
      return { ok: true, data: await Promise.all(b.requests.map((r) => rpc.allocate(r))) };
    },
    [IPAM_PATTERNS.update]: (b) => rpc.update(b),
    [IPAM_PATTERNS.release]: (b) => rpc.release(b),
    [IPAM_PATTERNS.list]: (b) => rpc.list(b ?? {}),
    [IPAM_PATTERNS.status]: () => rpc.status(),
    ...(sync ? { [IPAM_PATTERNS.subnet]: (b) => sync.handle(b) } : {}),
  };
  const subs: Subscription[] = [];
  const inFlight = new Set<Promise<void>>();
  for (const [pattern, handle] of Object.entries(handlers)) {
    subs.push(
      bus.nc.subscribe(ipamRpcSubject(bus.topology.namespace, pattern), {
        queue: IPAM_RPC_QUEUE,
        callback: (err, msg) => {
          if (err) return;
          const p = (async () => {
            let reply: unknown;
            try {
              reply = await handle(msg.data.length ? JSON.parse(dec.decode(msg.data)) : {});
            } catch (e) {
              reply = { ok: false, error: e instanceof SyntaxError ? 'request is not JSON' : String((e as Error)?.message ?? e) };
            }
            if (msg.reply) msg.respond(enc.encode(JSON.stringify(reply)));
          })().catch((e) => bus.log.error('ipam rpc reply failed', { pattern, error: String(e) }));
          inFlight.add(p);
          void p.finally(() => inFlight.delete(p));
        },
      }),
    );
  }
  return {
    async stop() {
      for (const s of subs) s.unsubscribe();
      await Promise.all([...inFlight]);
    },
  };
}

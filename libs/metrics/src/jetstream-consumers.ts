import type { JetStreamManager } from 'nats';
import type { Gauge } from 'prom-client';
import { jetstreamAckPending, jetstreamPending, jetstreamRedelivered } from './sdn-metrics';

interface Watched {
  jsm: JetStreamManager;
  stream: string;
  consumer: string;
}

const watched = new Set<Watched>();
/** One consumer-info request per consumer and scrape, shared by the three gauges. */
let snapshot: { at: number; infos: Promise<{ w: Watched; pending: number; ackPending: number; redelivered: number }[]> } | null = null;

function infos() {
  const now = Date.now();
  if (snapshot && now - snapshot.at < 1000) return snapshot.infos;
  const read = Promise.all(
    [...watched].map(async (w) => {
      const i = await w.jsm.consumers.info(w.stream, w.consumer).catch(() => null);
      return i && { w, pending: i.num_pending, ackPending: i.num_ack_pending, redelivered: i.num_redelivered };
    }),
  ).then((all) => all.filter((x) => x !== null));
  snapshot = { at: now, infos: read };
  return read;
}

let attached = false;

/**
 * Exports pending, ack-pending and redelivered counts of a durable consumer
 * (read from the server at scrape time). Every replica sharing the durable
 * reports the same server-side numbers; aggregate with max, not sum.
 * Returns a function that stops watching.
 */
export function watchJetStreamConsumer(jsm: JetStreamManager, stream: string, consumer: string): () => void {
  if (!attached) {
    attached = true;
    const read = (pick: 'pending' | 'ackPending' | 'redelivered') => async (g: Gauge<'stream' | 'consumer'>) => {
      for (const i of await infos()) g.set({ stream: i.w.stream, consumer: i.w.consumer }, i[pick]);
    };
    jetstreamPending().onCollect(read('pending'));
    jetstreamAckPending().onCollect(read('ackPending'));
    jetstreamRedelivered().onCollect(read('redelivered'));
  }
  const w: Watched = { jsm, stream, consumer };
  watched.add(w);
  snapshot = null;
  return () => {
    watched.delete(w);
    snapshot = null;
  };
}

import type { DnsPlugin, DnsServerConfig } from '../plugin';
import { sameName } from '../powerdns/naming';
import type { DnsWork } from './dns-work';

/** Which IPAM event is being applied (IpEventV1 events of aggregate `ip`). */
export type IpEventKind = 'IpAllocated' | 'IpUpdated' | 'IpReleased';

export type PluginFor = (serverId: string, server: DnsServerConfig) => DnsPlugin;

/**
 * Applies the DNS side of one IP event. Every step is idempotent (adding a
 * present record and deleting an absent one change nothing), so the whole
 * function can be re-run for a redelivered event. Updates and releases
 * keep the reference's order: forward record first, then PTR (§6.7).
 */
export async function applyIpEvent(kind: IpEventKind, work: DnsWork, pluginFor: PluginFor): Promise<void> {
  const fwd = work.forward ? pluginFor(work.forward.serverId, work.forward.server) : undefined;
  const rev = work.reverse ? pluginFor(work.reverse.serverId, work.reverse.server) : undefined;

  switch (kind) {
    case 'IpAllocated':
      // Forward and reverse records live in different zones and do not depend on each other:
      // writing them together saves a round trip. Both are awaited before any error is
      // raised, so nothing of this event is still running when the caller retries it.
      await settleAll([
        fwd && work.forward?.fqdn && work.hostname ? fwd.addARecord(work.forward.zone, work.hostname, work.ip) : undefined,
        rev && work.reverse?.ptrTarget ? rev.addPtrRecord(work.reverse.zone, work.reverse.ptrTarget, work.ip) : undefined,
      ]);
      return;

    case 'IpUpdated':
      // The event carries only the new name: the old one is whatever other name holds the address.
      if (fwd && work.forward) {
        await fwd.delAddressFromOtherNames(work.forward.zone, work.ip, work.forward.fqdn);
        if (work.forward.fqdn && work.hostname) await fwd.addARecord(work.forward.zone, work.hostname, work.ip);
      }
      if (rev && work.reverse) {
        // PTR add is a REPLACE, so it also overwrites the old target.
        if (work.reverse.ptrTarget) await rev.addPtrRecord(work.reverse.zone, work.reverse.ptrTarget, work.ip);
        else await rev.delPtrRecord(work.reverse.zone, work.ip);
      }
      return;

    case 'IpReleased':
      if (fwd && work.forward) {
        if (work.hostname) await fwd.delARecord(work.forward.zone, work.hostname, work.ip);
        // Without a hostname the reference skips the forward record; we remove the address wherever it is.
        else await fwd.delAddressFromOtherNames(work.forward.zone, work.ip);
      }
      if (rev && work.reverse) await rev.delPtrRecord(work.reverse.zone, work.ip);
      return;
  }
}

/** Waits for every operation, then throws the first failure (if any). */
async function settleAll(ops: Array<Promise<void> | undefined>): Promise<void> {
  const results = await Promise.allSettled(ops.filter((p): p is Promise<void> => p !== undefined));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

/**
 * What is still true of an event on an address after a newer event on that
 * address was already applied (it lost a race between replicas, or is a
 * redelivery). The newest event defines the address' PTR (add and delete are
 * full replacements) and the one forward name holding it (`newestFqdn`;
 * undefined when it released the address or has no name in this zone), so
 * the stale event writes no PTR and adds nothing; it only takes the address
 * out of the names it touched (its own name, or every name for the scanning
 * kinds) other than the newest one. Idempotent, like applyIpEvent.
 */
export async function applyStaleIpEvent(kind: IpEventKind, work: DnsWork, newestFqdn: string | undefined, pluginFor: PluginFor): Promise<void> {
  const f = work.forward;
  if (!f) return;
  const fwd = pluginFor(f.serverId, f.server);
  const scans = kind === 'IpUpdated' || (kind === 'IpReleased' && !f.fqdn);
  if (scans) await fwd.delAddressFromOtherNames(f.zone, work.ip, newestFqdn);
  else if (f.fqdn && work.hostname && !(newestFqdn && sameName(f.fqdn, newestFqdn))) await fwd.delARecord(f.zone, work.hostname, work.ip);
}

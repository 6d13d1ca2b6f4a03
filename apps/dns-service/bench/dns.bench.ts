/**
 * DNS benchmark: 1000 addresses with hostnames go in as IpAllocated events,
 * published directly on JetStream exactly as the IPAM service does (the API's
 * IP endpoints are not wired to IPAM yet), and the time from publish until the
 * A record (and then the PTR) answers on PowerDNS' DNS port is measured.
 *
 * Runs the real DNS service in-process on an isolated bus namespace against a
 * private PowerDNS (tools/pdns/start.sh). Needs root (pdns install/start).
 * Env: BENCH_COUNT (1000), BENCH_RATE events/s (200; 0 = all at once),
 * BENCH_IN_FLIGHT (service concurrency, 64), BENCH_LOG=1 for service logs.
 */
import { performance } from 'node:perf_hooks';
import { consoleLogger, isolatedBus, publishContract, silentLogger } from '@sdn/bus';
import { CONTRACTS, type ConfigAppliedV1, type IpEventV1 } from '@sdn/contracts';
import { startDnsService } from '../src/dns-service';
import { envelope, PdnsFixture, pdnsSkipReason } from '../src/testing/pdns-fixture';

const COUNT = Number(process.env.BENCH_COUNT ?? 1000);
const RATE = Number(process.env.BENCH_RATE ?? 200);
const TARGET_P99_MS = 500;

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const end = performance.now() + timeoutMs;
  while (performance.now() < end) {
    if (await check().catch(() => false)) return true;
    await new Promise((r) => setTimeout(r, 5));
  }
  return false;
}

const pdns = new PdnsFixture();

async function main(): Promise<void> {
  const skip = pdnsSkipReason();
  if (skip) {
    console.log(`bench:dns skipped: ${skip}`);
    return;
  }
  await pdns.start({ reset: true });
  await pdns.createZone('bench.test');
  await pdns.createZone('10.in-addr.arpa.');
  const bus = await isolatedBus({ name: 'dns-bench', log: process.env.BENCH_LOG ? consoleLogger('dns-bench') : silentLogger });
  const running = {
    version: 1,
    zones: { ids: { zb: { type: 'simple', ipam: 'pve', dns: 'pdns', reversedns: 'pdns', dnszone: 'bench.test' } } },
    vnets: { ids: { vb: { type: 'vnet', zone: 'zb' } } },
    subnets: { ids: { 'zb-10.20.0.0-16': { type: 'subnet', vnet: 'vb' } } },
    dns: { ids: { pdns: { type: 'powerdns', url: pdns.apiUrl, key: pdns.key, ttl: 60 } } },
  };
  await publishContract(bus.js, bus.topology.eventSubject('config', 'ConfigApplied'), CONTRACTS.event, envelope<ConfigAppliedV1>('ConfigApplied', 'config', 'running', { version: 1, running }));
  // Polling DNS for every outstanding name from the moment of publish would
  // flood PowerDNS with queries and slow it down; polling starts when the
  // service has acked the event (after both PATCHes), which can only make the
  // measured time longer than the real one.
  const applied = new Map<string, () => void>();
  const appliedP = new Map<string, Promise<void>>();
  const svc = await startDnsService(bus, {
    durable: 'dns-bench',
    log: process.env.BENCH_LOG ? bus.log : silentLogger,
    maxInFlight: Number(process.env.BENCH_IN_FLIGHT) || undefined,
    onApplied: (_kind, p) => applied.get(p.ip)?.(),
  });

  const aMs: number[] = [];
  const ackMs: number[] = [];
  const ptrMs: number[] = [];
  let failed = 0;
  const started = performance.now();
  const waits: Promise<void>[] = [];
  for (let i = 0; i < COUNT; i++) {
    if (RATE > 0) {
      const due = started + (i * 1000) / RATE;
      const now = performance.now();
      if (due > now) await new Promise((r) => setTimeout(r, due - now));
    }
    const ip = `10.20.${Math.floor(i / 250)}.${(i % 250) + 1}`;
    const hostname = `host${i}`;
    const payload: IpEventV1 = { zone: 'zb', vnet: 'vb', subnet: 'zb-10.20.0.0-16', ip, hostname, mac: `BC:24:11:00:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`, vmid: 1000 + i };
    appliedP.set(ip, new Promise<void>((r) => applied.set(ip, r)));
    const t0 = performance.now();
    await publishContract(bus.js, bus.topology.eventSubject('ip', 'IpAllocated'), CONTRACTS.event, envelope('IpAllocated', 'ip', `zb/${ip}`, payload), {});
    waits.push(
      (async () => {
        await Promise.race([appliedP.get(ip), new Promise((r) => setTimeout(r, 30_000))]);
        ackMs.push(performance.now() - t0);
        const okA = await until(async () => (await pdns.query('A', `${hostname}.bench.test`)).join() === ip, 30_000);
        const tA = performance.now() - t0;
        const okPtr = await until(async () => (await pdns.query('PTR', ip)).join() === `${hostname}.bench.test`, 30_000);
        const tPtr = performance.now() - t0;
        if (!okA || !okPtr) failed++;
        else {
          aMs.push(tA);
          ptrMs.push(tPtr);
        }
      })(),
    );
  }
  await Promise.all(waits);
  const total = (performance.now() - started) / 1000;
  aMs.sort((a, b) => a - b);
  ackMs.sort((a, b) => a - b);
  ptrMs.sort((a, b) => a - b);
  const f = (n: number) => `${n.toFixed(1)} ms`;
  console.log(`bench:dns — ${COUNT} IpAllocated events published directly on JetStream (IP endpoints not wired), rate ${RATE > 0 ? `${RATE}/s` : 'burst'}`);
  console.log(`  PowerDNS ${pdns.apiUrl}, dns-service in-process, consumer stats ${JSON.stringify(svc.consumer.stats)}`);
  console.log(`  acked       : p50 ${f(pct(ackMs, 50))}  p90 ${f(pct(ackMs, 90))}  p99 ${f(pct(ackMs, 99))}  max ${f(ackMs[ackMs.length - 1])}`);
  console.log(`  A   resolves: p50 ${f(pct(aMs, 50))}  p90 ${f(pct(aMs, 90))}  p99 ${f(pct(aMs, 99))}  max ${f(aMs[aMs.length - 1])}`);
  console.log(`  PTR resolves: p50 ${f(pct(ptrMs, 50))}  p90 ${f(pct(ptrMs, 90))}  p99 ${f(pct(ptrMs, 99))}  max ${f(ptrMs[ptrMs.length - 1])}`);
  console.log(`  failed ${failed}, wall ${total.toFixed(1)} s, target p99 < ${TARGET_P99_MS} ms: ${failed === 0 && pct(aMs, 99) < TARGET_P99_MS ? 'MET' : 'MISSED'}`);

  await svc.stop();
  await bus.destroy();
  await pdns.destroy();
  process.exitCode = failed === 0 && pct(aMs, 99) < TARGET_P99_MS ? 0 : 1;
}

main().catch(async (e) => {
  console.error(e);
  // The private PowerDNS must not outlive a failed run.
  await pdns.destroy().catch(() => undefined);
  process.exit(1);
});

/**
 * npm run bench:ipam — allocation through the API, as a client sees it:
 *
 *   32 keep-alive HTTP clients → API process (POST /cluster/sdn/vnets/{vnet}/ips, no ip)
 *     → NATS request/reply (queue group) → two ipam-service processes → PostgreSQL
 *     (+ each IpAllocated event through the outbox and relay to JetStream).
 *
 * Prints: allocations/s and duplicates in one /16; the per-allocation time in an empty and in
 * a 90%-full /16 (through the API, one client, and the database call alone); next-free in an
 * IPv6 /64 after 100 000 allocations. Everything runs on a fresh database pair and an
 * isolated bus namespace (dropped at the end).
 * Options: --allocs N (20000) --clients C (32) --v6 N (100000) --sample N (1000, sequential
 * allocations per timing) --profile DIR (V8 CPU profiles of every process)
 */
import * as path from 'node:path';
import { isolatedBus } from '@sdn/bus';
import { createTestDatabase } from '@sdn/event-store';
import { startStack, until, type Stack } from '@sdn/bench-stack';
import { freshDatabase, pveDataSource } from '../src/testing/pg';
import { PveIpamStore } from '../src/pve/pve-ipam.store';

const args = process.argv.slice(2);
const opt = (name: string, dflt: number) => (args.includes(`--${name}`) ? Number(args[args.indexOf(`--${name}`) + 1]) : dflt);
const TOTAL = opt('allocs', 20000);
const CLIENTS = opt('clients', 32);
const V6 = opt('v6', 100_000);
const SAMPLE = opt('sample', 1000);
const PROFILE = args.includes('--profile') ? path.resolve(args[args.indexOf('--profile') + 1]) : undefined;

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

/** Sequential POSTs (one client): mean ms per allocation through the whole chain. */
async function perAllocation({ ok }: Stack, vnet: string, zone: string, subnet: string, n: number): Promise<number> {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await ok('POST', `/cluster/sdn/vnets/${vnet}/ips`, { zone, subnet });
  return ms(t0) / n;
}
/** The same, the database call alone (the next-free statement, ipam_take_free), for where the time goes. */
async function perAllocationDb(store: PveIpamStore, zone: string, subnet: string, n: number): Promise<number> {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await store.nextFreeIp(zone, subnet, {});
  return ms(t0) / n;
}

async function main() {
  const apiDb = await createTestDatabase('ipam_bench_api');
  const ipamDb = await freshDatabase('ipam_bench');
  const bus = await isolatedBus({ name: 'ipam-bench' });
  const ns = bus.topology.namespace;
  const stack = await startStack({ apiDbUrl: apiDb.url, ipamDbUrl: ipamDb.url, namespace: ns, ipamReplicas: 2, profileDir: PROFILE, sockets: CLIENTS });
  const { call, ok } = stack;
  const ds = await pveDataSource(ipamDb.url, 2).initialize();
  const store = new PveIpamStore(ds);
  try {
    // Subnets reach the IPAM the production way: API write → SubnetCreated → ipam-service.
    await ok('POST', '/cluster/sdn/zones', { zone: 'zb', type: 'simple', ipam: 'pve' });
    const subnets = { vb: '10.100.0.0/16', ve: '10.200.0.0/16', vf: '10.201.0.0/16', v6: '2001:db8:42::/64' };
    for (const [vnet, cidr] of Object.entries(subnets)) {
      await ok('POST', '/cluster/sdn/vnets', { vnet, zone: 'zb' });
      await ok('POST', `/cluster/sdn/vnets/${vnet}/subnets`, { subnet: cidr, type: 'subnet', ...(vnet === 'vb' ? { gateway: '10.100.0.1' } : {}) });
    }
    await until('subnets registered', async () => (await store.subnetsOf('zb')).length === 4 && (await store.gatewayOf('zb', subnets.vb)) !== undefined);
    for (let i = 0; i < 200; i++) await ok('POST', '/cluster/sdn/vnets/ve/ips', { zone: 'zb', subnet: subnets.ve }); // warm-up (JIT, pools)

    // 1) throughput: CLIENTS concurrent clients, next-free in one /16
    const ips: string[] = [];
    const lat: number[] = [];
    let next = 0;
    let failures = 0;
    const t0 = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        while (next++ < TOTAL) {
          const s = process.hrtime.bigint();
          const r = await call('POST', '/cluster/sdn/vnets/vb/ips', { zone: 'zb', subnet: subnets.vb });
          lat.push(ms(s));
          if (r.status !== 200) {
            if (failures++ < 3) console.error(r.status, JSON.stringify(r.body));
            continue;
          }
          ips.push(r.body.data.ip);
        }
      }),
    );
    const secs = ms(t0) / 1000;
    lat.sort((a, b) => a - b);
    const db = (await ds.query(`SELECT count(*)::int AS n, count(DISTINCT ip)::int AS d FROM ipam_ip WHERE zone='zb' AND subnet=$1 AND NOT gateway`, [subnets.vb]))[0];

    // 2) per allocation, empty vs 90%-full /16. Filling 59 000 addresses through the API would
    // only repeat phase 1, so the full subnet is prepared in SQL: every 10th address free
    // (fragmented: the worst case for a free list), the rest taken.
    await ds.query(`
      WITH a AS (SELECT ('10.201.0.0'::inet + g) AS ip, g FROM generate_series(1, 65534) g)
      INSERT INTO ipam_ip (ipam, zone, subnet, ip, auto) SELECT 'pve', 'zb', $1, ip, true FROM a WHERE g % 10 <> 0`, [subnets.vf]);
    await ds.query(`DELETE FROM ipam_free_block WHERE zone='zb' AND subnet=$1`, [subnets.vf]);
    await ds.query(`INSERT INTO ipam_free_block (ipam, zone, subnet, start, "end")
      SELECT 'pve', 'zb', $1, '10.201.0.0'::inet + g, '10.201.0.0'::inet + g FROM generate_series(10, 65534, 10) g`, [subnets.vf]);
    await ds.query('ANALYZE');
    const filled = (await ds.query(`SELECT count(*)::int AS n FROM ipam_ip WHERE zone='zb' AND subnet=$1`, [subnets.vf]))[0].n;
    const apiEmpty = await perAllocation(stack, 've', 'zb', subnets.ve, SAMPLE);
    const apiFull = await perAllocation(stack, 'vf', 'zb', subnets.vf, SAMPLE);
    const dbEmpty = await perAllocationDb(store, 'zb', subnets.ve, SAMPLE);
    const dbFull = await perAllocationDb(store, 'zb', subnets.vf, SAMPLE);

    // 3) IPv6 /64: 100 000 allocations through the API's batch form, then next-free timed.
    const t6 = process.hrtime.bigint();
    for (let done = 0; done < V6; ) {
      const n = Math.min(4096, V6 - done);
      done += (await ok('POST', '/cluster/sdn/vnets/v6/ips', { zone: 'zb', subnet: subnets.v6, count: n })).length;
    }
    const v6Fill = ms(t6) / 1000;
    const t6n = process.hrtime.bigint();
    let last6 = '';
    for (let i = 0; i < SAMPLE; i++) last6 = (await ok('POST', '/cluster/sdn/vnets/v6/ips', { zone: 'zb', subnet: subnets.v6 })).ip;
    const v6Next = ms(t6n) / SAMPLE;
    const v6DbNext = await perAllocationDb(store, 'zb', subnets.v6, SAMPLE);

    // 4) every event relayed: outbox empty, one IpAllocated per address on the stream (and one for vb's gateway)
    await until('outbox drained', async () => (await ds.query(`SELECT count(*)::int AS n FROM ipam_event_outbox`))[0].n === 0, 120_000);
    const ipSubject = bus.topology.eventSubject('ip', 'IpAllocated');
    const onStream = ((await bus.jsm.streams.info(bus.topology.streams.events.name, { subjects_filter: ipSubject })).state.subjects as Record<string, number> | undefined)?.[ipSubject] ?? 0;
    const viaApi = ips.length + 200 + 2 * SAMPLE + V6 + SAMPLE;

    console.log(JSON.stringify({
      path: `HTTP keep-alive (${CLIENTS} clients) → API → NATS request/reply → 2 ipam-service processes → PostgreSQL (+ outbox → JetStream)`,
      throughput: {
        allocations: ips.length,
        failures,
        seconds: +secs.toFixed(2),
        allocationsPerSecond: Math.round(ips.length / secs),
        latencyMs: { p50: +pct(lat, 50).toFixed(2), p99: +pct(lat, 99).toFixed(2), max: +lat[lat.length - 1].toFixed(2) },
        duplicates: ips.length - new Set(ips).size,
        dbRows: db.n,
        dbDistinct: db.d,
      },
      perAllocationMs: {
        viaApiOneClient: { empty16: +apiEmpty.toFixed(3), full90pct16: +apiFull.toFixed(3), ratio: +(apiFull / apiEmpty).toFixed(2) },
        databaseCallOnly: { empty16: +dbEmpty.toFixed(3), full90pct16: +dbFull.toFixed(3), ratio: +(dbFull / dbEmpty).toFixed(2) },
        full16Rows: filled,
      },
      ipv6_64: { allocationsBefore: V6, fillSeconds: +v6Fill.toFixed(1), nextFreeViaApiMs: +v6Next.toFixed(3), nextFreeDatabaseCallMs: +v6DbNext.toFixed(3), lastAllocated: last6 },
      events: { allocatedViaApi: viaApi, gatewaysReserved: 1, ipAllocatedOnStream: onStream, outboxLeft: 0 },
    }, null, 2));
  } finally {
    await ds.destroy();
    await stack.stop();
    await bus.destroy();
    await ipamDb.drop();
    await apiDb.drop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

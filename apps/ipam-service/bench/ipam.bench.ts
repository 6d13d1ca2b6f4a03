/**
 * npm run bench:ipam — two ipam-service replicas (in-process, each with its own PG pool and
 * NATS connection), 32 concurrent clients allocating next-free addresses in one /16 over NATS
 * request/reply (IPAM_PATTERNS.allocate; the API's ips module adds one HTTP hop on top).
 */
import 'reflect-metadata';
import { ClientProxyFactory, Transport, type ClientProxy } from '@nestjs/microservices';
import { IPAM_PATTERNS } from '@sdn/contracts';
import { isolatedBus } from '@sdn/bus';
import { firstValueFrom } from 'rxjs';
import { startIpamService } from '../src/main';
import { freshDatabase } from '../src/testing/pg';

const CLIENTS = 32;
const TOTAL = Number(process.env.BENCH_ALLOCS ?? 20000);

async function timed(n: number, f: () => Promise<unknown>): Promise<number> {
  const t = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await f();
  return Number(process.hrtime.bigint() - t) / 1e6 / n;
}

async function main() {
  const db = await freshDatabase('ipam_bench');
  const bus = await isolatedBus({ name: 'ipam-bench' });
  const r1 = await startIpamService({ pgUrl: db.url, bus, consumeSubnets: false, poolSize: 16 });
  const r2 = await startIpamService({ pgUrl: db.url, bus, consumeSubnets: false, poolSize: 16 });
  const clients: ClientProxy[] = [];
  for (let i = 0; i < 4; i++) {
    const c = ClientProxyFactory.create({ transport: Transport.NATS, options: { servers: ['nats://127.0.0.1:4222'] } });
    await c.connect();
    clients.push(c);
  }
  try {
    await r1.rpc.onSubnet('SubnetCreated', 'bench', 'v', '10.100.0.0/16', '10.100.0.1');
    // 1) throughput, 32 concurrent clients
    const ips: string[] = [];
    let next = 0;
    const t0 = Date.now();
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, w) => {
        const c = clients[w % clients.length];
        while (next++ < TOTAL) {
          const r: any = await firstValueFrom(c.send(IPAM_PATTERNS.allocate, { zone: 'bench', vnet: 'v', subnet: '10.100.0.0/16', vmid: w }));
          if (!r.ok) throw new Error(r.error);
          ips.push(r.data[0].ip);
        }
      }),
    );
    const secs = (Date.now() - t0) / 1000;
    const dupes = ips.length - new Set(ips).size;
    const dbCount = (await r1.db.query(`SELECT count(*)::int AS n, count(DISTINCT ip)::int AS d FROM ipam_ip WHERE zone='bench'`))[0];

    // 2) per-allocation cost, empty vs 90%-full /16 (fragmented: every 10th address free)
    const s = r1.store;
    await s.addSubnet('empty', '10.200.0.0/16');
    await s.addSubnet('full', '10.201.0.0/16');
    await r1.db.query(`
      WITH a AS (SELECT ('10.201.0.0'::inet + g) AS ip, g FROM generate_series(1, 65534) g)
      INSERT INTO ipam_ip (ipam, zone, subnet, ip, auto) SELECT 'pve', 'full', '10.201.0.0/16', ip, true FROM a WHERE g % 10 <> 0`);
    await r1.db.query(`DELETE FROM ipam_free_block WHERE zone='full'`);
    await r1.db.query(`
      INSERT INTO ipam_free_block (ipam, zone, subnet, start, "end")
      SELECT 'pve', 'full', '10.201.0.0/16', '10.201.0.0'::inet + g, '10.201.0.0'::inet + g FROM generate_series(10, 65534, 10) g`);
    await r1.db.query('ANALYZE');
    const filled = (await r1.db.query(`SELECT count(*)::int AS n FROM ipam_ip WHERE zone='full'`))[0].n;
    const SAMPLE = 1000;
    await timed(100, () => s.nextFreeIp('empty', '10.200.0.0/16', {})); // warm-up
    const tEmpty = await timed(SAMPLE, () => s.nextFreeIp('empty', '10.200.0.0/16', {}));
    const tFull = await timed(SAMPLE, () => s.nextFreeIp('full', '10.201.0.0/16', {}));

    // 3) IPv6 /64 after 100 000 allocations (made through the normal next-free path, 32 at a time)
    await s.addSubnet('v6', '2001:db8:42::/64');
    let k = 0;
    const t6 = Date.now();
    await Promise.all(Array.from({ length: CLIENTS }, async (_, w) => {
      const st = w % 2 ? r1.store : r2.store;
      while (k++ < 100_000) await st.nextFreeIp('v6', '2001:db8:42::/64', {});
    }));
    const v6Fill = (Date.now() - t6) / 1000;
    const t6next = await timed(SAMPLE, () => s.nextFreeIp('v6', '2001:db8:42::/64', {}));
    const last6 = await s.nextFreeIp('v6', '2001:db8:42::/64', {});

    console.log(JSON.stringify({
      transport: 'NATS request/reply (Nest NATS transport), 2 replicas in-process',
      allocations: ips.length,
      seconds: secs,
      allocationsPerSecond: Math.round(ips.length / secs),
      duplicates: dupes,
      dbRows: dbCount.n, dbDistinct: dbCount.d,
      perAllocMs: { empty16: +tEmpty.toFixed(3), full90pct16: +tFull.toFixed(3), ratio: +(tFull / tEmpty).toFixed(2), filledRows: filled },
      ipv6: { allocationsBefore: 100_000, fillSeconds: v6Fill, fillPerSecondDirect: Math.round(100_000 / v6Fill), nextFreeMs: +t6next.toFixed(3), lastAllocated: last6 },
    }, null, 2));
  } finally {
    for (const c of clients) await c.close();
    await r1.close();
    await r2.close();
    await bus.destroy();
    await db.drop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

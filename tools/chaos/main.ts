/**
 * `npm run test:chaos` (root): the whole control plane under load while a
 * seeded chaos loop kills its processes, then checks that nothing was lost,
 * duplicated or reordered. See tools/chaos/README.md.
 *
 * Started here, on free ports, all of it ours to kill: one PostgreSQL, one
 * NATS, one PowerDNS, HAProxy in front of 3 API replicas, 2 replicas each of
 * the config, IPAM and DNS services, 3 node agents in safe mode and the
 * example audit consumer. CHAOS_SEED (printed either way) fixes the workload
 * and the chaos schedule; CHAOS_OPS the number of operations (default 5000).
 */
import { randomBytes, randomInt } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { Client } from 'pg';
import { AckPolicy, connect, DeliverPolicy, type NatsConnection } from 'nats';
import { auditorConsumer, busTopology, ensureDurableConsumer, ensureStreams, sdnStreamSpecs } from '@sdn/bus';
import type { EventEnvelope, IpEventV1, NodeFactsMessageV1, NodeStatus } from '@sdn/contracts';
import { adminQuery, foldLog, loadProjection, rowToEnvelope } from '@sdn/event-store';
import { seededRandom, type RunningConfig } from '@sdn/model';
import { PrivateNatsServer } from '@sdn/netns-lab';
import { renderNode, type NodeFacts } from '@sdn/render';
import { PdnsFixture } from '../../apps/dns-service/src/testing/pdns-fixture';
import { Haproxy, PrivatePostgres, Proc, sleep, until, freePort } from './infra';

const SECRET = randomBytes(16).toString('hex');
const TOKEN_ID = 'root@pam!chaos';
const AUTH = `PVEAPIToken=${TOKEN_ID}=${SECRET}`;
const NODES = ['pve1', 'pve2', 'pve3'];
const CLIENTS = 16;
const DNS_ZONE = 'chaos.test';
const t = busTopology('');

const log = (m: string) => console.log(`[chaos ${new Date().toISOString().slice(11, 23)}] ${m}`);

interface Done {
  corr: string;
  what: string;
  /** The operation's kind (allocate, release, create zone…), for the summary by kind. */
  kind: string;
  ms: number;
  status: number;
  /** Where its event must be: the API's log, or (address events) the stream. */
  in: 'log' | 'ip';
}

class Api {
  constructor(readonly base: string) {}
  async call(method: string, path: string, body?: object, corr?: string): Promise<{ status: number; data: any }> {
    try {
      const r = await fetch(`${this.base}/api2/json${path}`, {
        method,
        headers: { Authorization: AUTH, 'Content-Type': 'application/json', ...(corr ? { 'X-Correlation-Id': corr } : {}) },
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(60_000),
      });
      const text = await r.text();
      let data: any;
      try {
        data = text ? JSON.parse(text).data : undefined;
      } catch {
        data = undefined;
      }
      return { status: r.status, data };
    } catch {
      return { status: 0, data: undefined };
    }
  }
  async ok(method: string, path: string, body?: object): Promise<any> {
    for (let i = 0; ; i++) {
      const r = await this.call(method, path, body);
      if (r.status === 200) return r.data;
      if (i > 40) throw new Error(`${method} ${path}: HTTP ${r.status} ${JSON.stringify(r.data)}`);
      await sleep(500);
    }
  }
}

/** One client of the workload: its own zones, VNets and subnets, and addresses in the DNS zone. */
async function client(api: Api, c: number, ops: number, rnd: () => number, seed: number, done: Done[], progress: { n: number }): Promise<void> {
  const zones: string[] = [];
  const vnets: { id: string; zone: string }[] = [];
  const subnets: { vnet: string; id: string }[] = [];
  const addrs: { vnet: string; ip: string }[] = [];
  let subnetNo = 0;
  const c36 = c.toString(36);
  for (let k = 0; k < ops; k++) {
    const corr = `chaos-${seed}-${c}-${k}`;
    const k36 = k.toString(36);
    const r = rnd();
    const t0 = Date.now();
    let what: string;
    let into: Done['in'] = 'log';
    let res: { status: number; data: any };
    if (r < 0.3 || (r < 0.5 && !addrs.length)) {
      const vnet = rnd() < 0.5 ? 'vd1' : 'vd2';
      what = `allocate in ${vnet}`;
      into = 'ip';
      res = await api.call('POST', `/cluster/sdn/vnets/${vnet}/ips`, { zone: 'zd', hostname: `h${c36}x${k36}` }, corr);
      if (res.status === 200 && res.data?.ip) addrs.push({ vnet, ip: res.data.ip });
    } else if (r < 0.5) {
      const [a] = addrs.splice(Math.floor(rnd() * addrs.length), 1);
      what = `release ${a.ip}`;
      into = 'ip';
      res = await api.call('DELETE', `/cluster/sdn/vnets/${a.vnet}/ips`, { zone: 'zd', ip: a.ip }, corr);
      if (res.status !== 200) addrs.push(a); // unknown outcome: try again later (a second release of a released address is a 400)
    } else if (r < 0.6 || !zones.length) {
      const zone = `z${c36}${k36}`;
      what = `create zone ${zone}`;
      res = await api.call('POST', '/cluster/sdn/zones', { zone, type: 'simple' }, corr);
      if (res.status === 200) zones.push(zone);
    } else if (r < 0.7 || !vnets.length) {
      const zone = zones[Math.floor(rnd() * zones.length)];
      const vnet = `v${c36}${k36}`;
      what = `create vnet ${vnet}`;
      res = await api.call('POST', '/cluster/sdn/vnets', { vnet, zone }, corr);
      if (res.status === 200) vnets.push({ id: vnet, zone });
    } else if (r < 0.78 && subnetNo < 250) {
      const v = vnets[Math.floor(rnd() * vnets.length)];
      const cidr = `10.${100 + c}.${subnetNo++}.0/24`;
      what = `create subnet ${cidr} in ${v.id}`;
      res = await api.call('POST', `/cluster/sdn/vnets/${v.id}/subnets`, { subnet: cidr, type: 'subnet' }, corr);
      if (res.status === 200) subnets.push({ vnet: v.id, id: `${v.zone}-${cidr.replace('/', '-')}` });
    } else if (r < 0.86) {
      const v = vnets[Math.floor(rnd() * vnets.length)];
      what = `update vnet ${v.id}`;
      res = await api.call('PUT', `/cluster/sdn/vnets/${v.id}`, { alias: `a${k36}` }, corr);
    } else if (r < 0.9) {
      const z = zones[Math.floor(rnd() * zones.length)];
      what = `update zone ${z}`;
      res = await api.call('PUT', `/cluster/sdn/zones/${z}`, { mtu: 1000 + k }, corr);
    } else if (r < 0.98) {
      if (subnets.length) {
        const [s] = subnets.splice(Math.floor(rnd() * subnets.length), 1);
        what = `delete subnet ${s.id}`;
        res = await api.call('DELETE', `/cluster/sdn/vnets/${s.vnet}/subnets/${s.id}`, undefined, corr);
      } else {
        const i = vnets.findIndex((v) => !subnets.some((s) => s.vnet === v.id));
        const [v] = vnets.splice(i, 1);
        what = `delete vnet ${v.id}`;
        res = await api.call('DELETE', `/cluster/sdn/vnets/${v.id}`, undefined, corr);
      }
    } else {
      what = 'apply';
      res = await api.call('PUT', '/cluster/sdn', {}, corr);
    }
    done.push({ corr, what, kind: /^(create|update|delete) \w+|^\w+/.exec(what)![0], ms: Date.now() - t0, status: res.status, in: into });
    progress.n++;
  }
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) {
    console.log('test:chaos skipped: needs root (its own PostgreSQL runs as the postgres user, PowerDNS is installed and run by tools/pdns)');
    return;
  }
  if (!Haproxy.installed()) throw new Error('haproxy is not installed: run through `npm run test:chaos` (tools/chaos/run.sh installs it)');
  if (!PrivateNatsServer.binary()) throw new Error('nats-server is not installed (tools/setup-test-env.sh)');
  const seed = process.env.CHAOS_SEED ? Number(process.env.CHAOS_SEED) : randomInt(1, 2 ** 31 - 1);
  const totalOps = Number(process.env.CHAOS_OPS) || 5000;
  log(`CHAOS_SEED=${seed} (operations: ${totalOps}, clients: ${CLIENTS}; machine: ${cpus().length} cores, load ${loadavg().map((l) => l.toFixed(1)).join(' ')})`);
  const started = Date.now();
  const dir = `/tmp/sdn-chaos-${process.pid}`;
  const logDir = join(dir, 'logs');
  mkdirSync(logDir, { recursive: true });
  const procs: Proc[] = [];
  let pg: PrivatePostgres | undefined;
  let nats: PrivateNatsServer | undefined;
  let proxy: Haproxy | undefined;
  let nc: NatsConnection | undefined;
  const pdns = new PdnsFixture();
  let pgc: Client | undefined;
  let ipamc: Client | undefined;
  let failed = false;
  try {
    pg = await PrivatePostgres.start(join(dir, 'pg'));
    for (const db of ['sdn', 'sdn_ipam']) await adminQuery(pg.server, `CREATE DATABASE ${db}`);
    nats = await PrivateNatsServer.start('127.0.0.1', { maxPayload: 8 * 1024 * 1024 });
    await pdns.start({ reset: true });
    for (const z of [DNS_ZONE, '10.in-addr.arpa.']) await pdns.createZone(z);
    log(`PostgreSQL ${pg.server}, NATS ${nats.url}, PowerDNS ${pdns.apiUrl}; logs in ${logDir}`);

    nc = await connect({ servers: nats.url, maxReconnectAttempts: -1, reconnectTimeWait: 500, name: 'chaos' });
    await ensureStreams(await nc.jetstreamManager(), sdnStreamSpecs(t));
    await ensureDurableConsumer(await nc.jetstreamManager(), auditorConsumer(t, 'chaos'));

    const secretKey = randomBytes(32).toString('hex');
    const common = { NATS_URL: nats.url, SDN_NATS_URL: nats.url, SDN_SECRET_KEY: secretKey, SDN_API_TLS: 'off' };
    const apiPorts = [await freePort(), await freePort(), await freePort()];
    const metrics = async () => ({ SDN_METRICS_HOST: '127.0.0.1', SDN_METRICS_PORT: String(await freePort()) });
    const apiDb = `${pg.server}/sdn`;
    const apis = await Promise.all(
      apiPorts.map(async (port, i) =>
        new Proc(`api${i + 1}`, 'apps/api/src/main.ts', { ...common, ...(await metrics()), SDN_DATABASE_URL: apiDb, DATABASE_URL: apiDb, SDN_API_HOST: '127.0.0.1', SDN_API_PORT: String(port), SDN_BOOTSTRAP_TOKEN: `${TOKEN_ID}=${SECRET}`, SDN_API_NATS: '1', SDN_API_RELAY: '1', SDN_NODE_NAME: 'pve1' }, logDir),
      ),
    );
    const services: Proc[] = [];
    for (let i = 1; i <= 2; i++) {
      services.push(new Proc(`config${i}`, 'apps/config-service/src/main.ts', { ...common, ...(await metrics()) }, logDir));
      services.push(new Proc(`ipam${i}`, 'apps/ipam-service/src/main.ts', { ...common, ...(await metrics()), IPAM_PG_URL: `${pg.server}/sdn_ipam`, DATABASE_URL: `${pg.server}/sdn_ipam` }, logDir));
      services.push(new Proc(`dns${i}`, 'apps/dns-service/src/main.ts', { ...common, ...(await metrics()) }, logDir));
    }
    const agents = await Promise.all(
      NODES.map(async (n) => new Proc(`agent-${n}`, 'apps/node-agent/src/main.ts', { ...common, ...(await metrics()), SDN_NODE_NAME: n, SDN_AGENT_MODE: 'safe', SDN_AGENT_ROOT: join(dir, 'nodes', n), SDN_AGENT_KERNEL_FACTS: '0', SDN_HEARTBEAT_MS: '2000' }, logDir)),
    );
    const auditOut = join(dir, 'audit.jsonl');
    const audit = new Proc('audit-consumer', 'apps/audit-consumer/src/main.ts', { ...common, SDN_AUDIT_NAME: 'chaos' }, logDir, ['--out', auditOut]);
    procs.push(...apis, ...services, ...agents, audit);
    // The first API runs the migrations; the rest start once it answers.
    apis[0].start();
    await until('api1 up', async () => (await fetch(`http://127.0.0.1:${apiPorts[0]}/health`)).status < 500, 120_000);
    for (const p of procs.slice(1)) p.start();
    proxy = await Haproxy.start(dir, apiPorts, logDir);
    const api = new Api(`http://127.0.0.1:${proxy.port}`);
    await until('all APIs up', async () => (await Promise.all(apiPorts.map((p) => fetch(`http://127.0.0.1:${p}/health`).then((r) => r.status < 500)))).every(Boolean), 120_000);

    // The fixed part of the config: a zone with DNS and two VNets for the addresses.
    await api.ok('POST', '/cluster/sdn/dns', { dns: 'pdns', type: 'powerdns', url: pdns.apiUrl, key: pdns.key, ttl: 60 });
    await api.ok('POST', '/cluster/sdn/zones', { zone: 'zd', type: 'simple', ipam: 'pve', dns: 'pdns', reversedns: 'pdns', dnszone: DNS_ZONE });
    for (const [v, n] of [['vd1', 50], ['vd2', 51]] as const) {
      await api.ok('POST', '/cluster/sdn/vnets', { vnet: v, zone: 'zd' });
      await api.ok('POST', `/cluster/sdn/vnets/${v}/subnets`, { subnet: `10.${n}.0.0/16`, type: 'subnet', gateway: `10.${n}.0.1` });
    }
    await api.ok('PUT', '/cluster/sdn', {});
    await until('the IPAM knows the subnets', async () => ((await api.ok('GET', '/cluster/sdn/ipams/pve/status')) as { gateway?: number }[]).filter((r) => r.gateway === 1).length === 2, 120_000);
    await until('every agent applied version 1', async () => (await agentStatuses(nc!)).every((s) => s && s.version >= 1), 120_000);
    log(`stack up in ${((Date.now() - started) / 1000).toFixed(0)} s: 3 APIs behind HAProxy :${proxy.port}, 2× config/ipam/dns, 3 agents, audit consumer`);

    // Workload and chaos at once.
    const done: Done[] = [];
    const progress = { n: 0 };
    let working = true;
    const chaos = { kills: 0, natsRestarts: 0, pgRestarts: 0, lastFault: 0, byName: {} as Record<string, number> };
    const chaosRnd = seededRandom((seed ^ 0x5bd1e995) >>> 0);
    const victims = procs;
    const chaosLoop = (async () => {
      const faults: [number, 'nats' | 'pg'][] = [
        [0.25, 'nats'],
        [0.45, 'pg'],
        [0.65, 'nats'],
      ];
      while (working) {
        await sleep(1500 + chaosRnd() * 2500);
        if (!working) break;
        const due = faults[0] && progress.n / totalOps >= faults[0][0] ? faults.shift()![1] : undefined;
        if (due === 'nats') {
          log(`chaos: restarting NATS (${progress.n}/${totalOps} operations done)`);
          await nats!.restart();
          chaos.natsRestarts++;
        } else if (due === 'pg') {
          log(`chaos: crashing and restarting PostgreSQL (${progress.n}/${totalOps})`);
          await pg!.restart();
          chaos.pgRestarts++;
        } else {
          const v = victims[Math.floor(chaosRnd() * victims.length)];
          await v.kill('SIGKILL');
          chaos.kills++;
          chaos.byName[v.name] = (chaos.byName[v.name] ?? 0) + 1;
          await sleep(300 + chaosRnd() * 1500);
          v.start();
        }
        chaos.lastFault = Date.now();
      }
      // Faults left when the workload ended early still happen: the checks need them all.
      for (const [, f] of faults) {
        if (f === 'nats') await nats!.restart(), chaos.natsRestarts++;
        else await pg!.restart(), chaos.pgRestarts++;
        chaos.lastFault = Date.now();
      }
    })();
    const perClient = Math.ceil(totalOps / CLIENTS);
    const workStart = Date.now();
    const ticker = setInterval(() => log(`progress: ${progress.n}/${totalOps} operations, ${chaos.kills} kills, NATS restarts ${chaos.natsRestarts}, PostgreSQL restarts ${chaos.pgRestarts}`), 15_000);
    await Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(api, c, perClient, seededRandom((seed * 31 + c + 1) >>> 0), seed, done, progress)));
    working = false;
    await chaosLoop;
    clearInterval(ticker);
    const ok = done.filter((d) => d.status === 200);
    const byStatus: Record<string, number> = {};
    for (const d of done) byStatus[d.status || 'no answer'] = (byStatus[d.status || 'no answer'] ?? 0) + 1;
    log(`answers by HTTP status: ${JSON.stringify(byStatus)}`);
    for (const line of byKind(done)) log(line);
    log(`workload done: ${done.length} operations in ${((Date.now() - workStart) / 1000).toFixed(0)} s, ${ok.length} answered 2xx; ${chaos.kills} kills (${Object.entries(chaos.byName).map(([k, v]) => `${k}×${v}`).join(' ')}), NATS restarted ${chaos.natsRestarts}×, PostgreSQL ${chaos.pgRestarts}×`);

    // Quiet: everything runs again; the pending config is applied once more so the agents have a last version to reach.
    for (const p of procs) if (!p.alive) p.start();
    const finalApply = await api.ok('PUT', '/cluster/sdn', {});
    log(`final apply ${String(finalApply)}`);

    pgc = new Client({ connectionString: apiDb });
    pgc.on('error', () => undefined);
    await pgc.connect();
    ipamc = new Client({ connectionString: `${pg.server}/sdn_ipam` });
    ipamc.on('error', () => undefined);
    await ipamc.connect();
    const checks = new Checks(pgc, ipamc, nc, pdns, dir, auditOut);
    const quietFrom = chaos.lastFault;
    let converged: string[] = [];
    const problems: string[] = [];
    try {
      await until('convergence', async () => {
        converged = await checks.convergence();
        return converged.length === 0;
      }, 240_000, 1000);
    } catch {
      // The checks below still run: they say what exactly is wrong.
      problems.push(`did not converge within 240 s after the last fault: ${converged.join('; ')}`);
    }
    const convergeS = (Date.now() - quietFrom) / 1000;
    const settled = !problems.length;
    if (settled) log(`converged ${convergeS.toFixed(1)} s after the last fault`);
    problems.push(...(await checks.all(ok)));
    log(`seed ${seed}: ${done.length} operations (${ok.length} 2xx), ${chaos.kills} kills, NATS restarts ${chaos.natsRestarts}, PostgreSQL restarts ${chaos.pgRestarts}, ${settled ? `converged ${convergeS.toFixed(1)} s after the last fault` : 'NOT converged'}, ${problems.length ? `${problems.length} problems` : 'every check holds'}, total ${((Date.now() - started) / 1000).toFixed(0)} s`);
    if (problems.length) {
      failed = true;
      for (const p of problems) log(`FAIL: ${p}`);
      log(`replay with CHAOS_SEED=${seed}; logs kept in ${logDir}`);
    } else log('PASS: every check holds');
  } catch (e) {
    failed = true;
    log(`FAIL: ${(e as Error).stack ?? String(e)}`);
  } finally {
    await pgc?.end().catch(() => undefined);
    await ipamc?.end().catch(() => undefined);
    for (const p of [...procs].reverse()) await p.stop().catch(() => undefined);
    if (procs.length) log(`CPU s (starts) by process: ${procs.map((p) => `${p.name} ${(p.cpuMs / 1000).toFixed(0)} (${p.starts})`).join(', ')}; machine load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
    await proxy?.stop();
    await nc?.close().catch(() => undefined);
    await nats?.destroy().catch(() => undefined);
    await pdns.destroy().catch(() => undefined);
    await pg?.stop();
    if (!failed && !process.env.CHAOS_KEEP) rmSync(dir, { recursive: true, force: true });
  }
  process.exit(failed ? 1 : 0);
}

/** Per kind of operation: how many, their answers, and how long they took (client side, through HAProxy). */
function byKind(done: Done[]): string[] {
  const kinds = new Map<string, Done[]>();
  for (const d of done) kinds.set(d.kind, [...(kinds.get(d.kind) ?? []), d]);
  return [...kinds].map(([kind, ds]) => {
    const statuses: Record<string, number> = {};
    for (const d of ds) statuses[d.status || 'none'] = (statuses[d.status || 'none'] ?? 0) + 1;
    const ms = ds.map((d) => d.ms).sort((a, b) => a - b);
    const at = (p: number) => ms[Math.min(ms.length - 1, Math.floor(p * ms.length))];
    return `  ${kind}: ${ds.length} (${Object.entries(statuses).map(([k, v]) => `${k}×${v}`).join(' ')}), ms p50 ${at(0.5)} p99 ${at(0.99)} max ${ms[ms.length - 1]}`;
  });
}

async function lastJson<T>(nc: NatsConnection, stream: string, subject: string): Promise<T | null> {
  const jsm = await nc.jetstreamManager();
  const m = await jsm.streams.getMessage(stream, { last_by_subj: subject }).catch(() => null);
  return m ? m.json<T>() : null;
}

async function agentStatuses(nc: NatsConnection): Promise<(NodeStatus | null)[]> {
  return Promise.all(NODES.map((n) => lastJson<NodeStatus>(nc, t.streams.status.name, t.statusSubject(n))));
}

/** Every message of the events stream, in stream order. */
async function readStream(nc: NatsConnection): Promise<{ seq: number; ev: EventEnvelope }[]> {
  const jsm = await nc.jetstreamManager();
  const info = await jsm.streams.info(t.streams.events.name);
  const name = `chaos-read-${randomBytes(4).toString('hex')}`;
  await jsm.consumers.add(t.streams.events.name, { name, ack_policy: AckPolicy.None, deliver_policy: DeliverPolicy.All, inactive_threshold: 60e9 });
  const consumer = await nc.jetstream().consumers.get(t.streams.events.name, name);
  const out: { seq: number; ev: EventEnvelope }[] = [];
  while (out.length < info.state.messages) {
    const batch = await consumer.fetch({ max_messages: 1000, expires: 3000 });
    let got = 0;
    for await (const m of batch) {
      out.push({ seq: m.seq, ev: m.json<EventEnvelope>() });
      got++;
    }
    if (!got) break;
  }
  await jsm.consumers.delete(t.streams.events.name, name).catch(() => undefined);
  return out;
}

/** The checks after the run. convergence() lists what is not settled yet; all() everything that is wrong. */
class Checks {
  constructor(
    private readonly db: Client,
    private readonly ipam: Client,
    private readonly nc: NatsConnection,
    private readonly pdns: PdnsFixture,
    private readonly dir: string,
    private readonly auditOut: string,
  ) {}

  private async running(): Promise<{ version: number; running: RunningConfig }> {
    const r = await this.db.query(`SELECT payload FROM events WHERE type = 'ConfigApplied' ORDER BY seq DESC LIMIT 1`);
    return r.rows[0].payload;
  }

  async convergence(): Promise<string[]> {
    const out: string[] = [];
    const [{ n: outbox }] = (await this.db.query('SELECT count(*)::int AS n FROM event_outbox')).rows;
    if (outbox) out.push(`${outbox} events in the API outbox`);
    const [{ n: ipOutbox }] = (await this.ipam.query('SELECT count(*)::int AS n FROM ipam_event_outbox')).rows;
    if (ipOutbox) out.push(`${ipOutbox} events in the IPAM outbox`);
    const jsm = await this.nc.jetstreamManager();
    for await (const c of jsm.consumers.list(t.streams.events.name)) {
      if (!c.config.durable_name) continue;
      if (c.num_pending || c.num_ack_pending) out.push(`consumer ${c.name}: ${c.num_pending} pending, ${c.num_ack_pending} unacked`);
    }
    const { version } = await this.running();
    const statuses = await agentStatuses(this.nc);
    statuses.forEach((s, i) => {
      if (!s || s.version !== version || s.apply.state !== 'applied') out.push(`${NODES[i]} at version ${s?.version} (${s?.apply.state}), running is ${version}`);
    });
    out.push(...(await this.dnsProblems()).slice(0, 3));
    return out;
  }

  /** Current addresses by folding the IP events of the stream (the DNS service's input). */
  private ipFold(stream: { ev: EventEnvelope }[]): { current: Map<string, IpEventV1>; problems: string[] } {
    const current = new Map<string, IpEventV1>();
    const problems: string[] = [];
    for (const { ev } of stream) {
      if (ev.aggregateType !== 'ip') continue;
      const p = ev.payload as IpEventV1;
      const key = `${p.zone}/${p.ip}`;
      if (ev.type === 'IpAllocated') {
        if (current.has(key)) problems.push(`${p.ip} allocated twice (IpAllocated while allocated, event ${ev.id})`);
        current.set(key, p);
      } else if (ev.type === 'IpReleased') {
        if (!current.has(key)) problems.push(`IpReleased of ${p.ip} before any IpAllocated (event ${ev.id})`);
        current.delete(key);
      } else if (ev.type === 'IpUpdated') current.set(key, { ...current.get(key), ...p });
    }
    return { current, problems };
  }

  private async dnsProblems(stream?: { ev: EventEnvelope }[]): Promise<string[]> {
    const { current } = this.ipFold(stream ?? (await readStream(this.nc)));
    const want = new Map<string, string>();
    const wantPtr = new Map<string, string>();
    for (const a of current.values()) {
      if (a.zone !== 'zd' || !a.hostname) continue;
      want.set(`${a.hostname}.${DNS_ZONE}.`, a.ip);
      wantPtr.set(`${a.ip.split('.').reverse().join('.')}.in-addr.arpa.`, `${a.hostname}.${DNS_ZONE}.`);
    }
    const have = new Map<string, string>();
    for (const s of ((await this.pdns.api('GET', `/zones/${DNS_ZONE}.`)).json?.rrsets ?? []) as { name: string; type: string; records: { content: string }[] }[]) {
      if (s.type === 'A') have.set(s.name, s.records.map((r) => r.content).sort().join(','));
    }
    const havePtr = new Map<string, string>();
    for (const s of ((await this.pdns.api('GET', '/zones/10.in-addr.arpa.')).json?.rrsets ?? []) as { name: string; type: string; records: { content: string }[] }[]) {
      if (s.type === 'PTR') havePtr.set(s.name, s.records.map((r) => r.content).sort().join(','));
    }
    const out: string[] = [];
    for (const [name, ip] of want) if (have.get(name) !== ip) out.push(`DNS A ${name}: want ${ip}, PowerDNS has ${have.get(name) ?? 'nothing'}`);
    for (const [name, ip] of have) if (!want.has(name)) out.push(`DNS A ${name} → ${ip} is stale (no such allocation)`);
    for (const [name, host] of wantPtr) if (havePtr.get(name) !== host) out.push(`DNS PTR ${name}: want ${host}, PowerDNS has ${havePtr.get(name) ?? 'nothing'}`);
    for (const [name, host] of havePtr) if (!wantPtr.has(name)) out.push(`DNS PTR ${name} → ${host} is stale`);
    return out;
  }

  async all(ok: Done[]): Promise<string[]> {
    const problems: string[] = [];
    const log = (await this.db.query(`SELECT seq, id, type, type_version, aggregate_type, aggregate_id, aggregate_version, payload, actor, correlation_id, time FROM events ORDER BY seq`)).rows;
    const logEvents: EventEnvelope[] = log.map(rowToEnvelope);
    const stream = await readStream(this.nc);

    // 1. Every 2xx request is in the event log (address requests: their event is on the stream).
    const logCorr = new Set(logEvents.map((e) => e.correlationId));
    const ipCorr = new Set(stream.filter((m) => m.ev.aggregateType === 'ip').map((m) => m.ev.correlationId));
    const missing = ok.filter((d) => !(d.in === 'log' ? logCorr : ipCorr).has(d.corr));
    if (missing.length) problems.push(`${missing.length} requests answered 2xx have no event, e.g. ${missing.slice(0, 5).map((d) => `${d.what} (${d.corr})`).join(', ')}`);
    console.log(`  check 1: ${ok.length} requests answered 2xx, each with its event (${ok.length - missing.length})`);

    // 2. The stream holds every log event once, in seq order; address events once each, in a valid order per address.
    const fromLog = stream.filter((m) => m.ev.seq > 0).map((m) => m.ev);
    const inversions = fromLog.filter((e, i) => i > 0 && e.seq <= fromLog[i - 1].seq).length;
    if (inversions) problems.push(`${inversions} log events on the stream out of seq order`);
    const seqs = fromLog.map((e) => e.seq);
    if (new Set(seqs).size !== seqs.length) problems.push(`${seqs.length - new Set(seqs).size} log events on the stream twice`);
    if (JSON.stringify(fromLog) !== JSON.stringify(logEvents)) problems.push(`the stream's log events differ from the log (${fromLog.length} on the stream, ${logEvents.length} in the log)`);
    const ipIds = stream.filter((m) => m.ev.aggregateType === 'ip').map((m) => m.ev.id);
    if (new Set(ipIds).size !== ipIds.length) problems.push(`${ipIds.length - new Set(ipIds).size} address events on the stream twice`);
    const fold = this.ipFold(stream);
    problems.push(...fold.problems.slice(0, 10));
    console.log(`  check 2: ${stream.length} messages on the stream: ${fromLog.length} log events (inversions ${inversions}), ${ipIds.length} address events`);

    // 3. Projections equal a fresh fold of the log.
    // The event store reads through `query(sql, params) → rows` (TypeORM's shape).
    const q = { query: async (sql: string, params?: unknown[]) => (await this.db.query(sql, params)).rows };
    const projected = await loadProjection(q);
    const folded = await foldLog(q);
    const strip = (s: object) => JSON.parse(JSON.stringify(s));
    // Compared as data, not as text: the tables return a section's objects by id, the fold in the order they were created.
    if (!isDeepStrictEqual(strip(projected), strip(folded))) problems.push('the projection tables differ from a fresh fold of the log');
    console.log('  check 3: projection tables compared with a fold of the whole log');

    // 4. PowerDNS equals the allocations with hostnames; 5. no address allocated twice (IPAM table and events agree).
    const dns = await this.dnsProblems(stream);
    problems.push(...dns.slice(0, 10));
    const ipamRows = (await this.ipam.query(`SELECT zone, host(ip) AS ip, hostname, gateway FROM ipam_ip WHERE zone = 'zd'`)).rows as { zone: string; ip: string; hostname: string | null; gateway: boolean }[];
    const dup = ipamRows.length - new Set(ipamRows.map((r) => r.ip)).size;
    if (dup) problems.push(`${dup} addresses held twice in the IPAM`);
    const eventIps = [...fold.current.values()].filter((a) => a.zone === 'zd').map((a) => a.ip).sort();
    const tableIps = ipamRows.map((r) => r.ip).sort();
    if (JSON.stringify(eventIps) !== JSON.stringify(tableIps)) problems.push(`IPAM table (${tableIps.length}) and address events (${eventIps.length}) disagree`);
    console.log(`  check 4/5: ${tableIps.length} addresses in zd, DNS problems ${dns.length}, duplicates ${dup}`);

    // 6. Every agent runs the latest version; its files are the render of the running config.
    const { version, running } = await this.running();
    for (const node of NODES) {
      const status = await lastJson<NodeStatus>(this.nc, t.streams.status.name, t.statusSubject(node));
      if (status?.version !== version) problems.push(`${node} runs version ${status?.version}, latest is ${version}`);
      const facts = await lastJson<NodeFactsMessageV1>(this.nc, t.streams.facts.name, t.factsSubject(node));
      const want = renderNode(running, facts!.facts as unknown as NodeFacts);
      const have = readFileSync(join(this.dir, 'nodes', node, 'etc/network/interfaces.d/sdn'), 'utf8');
      if (have !== want.interfaces) problems.push(`${node}: /etc/network/interfaces.d/sdn differs from the render of running version ${version}`);
    }
    console.log(`  check 6: ${NODES.length} agents at version ${version}, files compared with the render`);

    // 7. The audit consumer's log: every event exactly once, in order, equal to the stream (and so to the log).
    const lines = readFileSync(this.auditOut, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { streamsequence: number; data: EventEnvelope });
    if (JSON.stringify(lines.map((l) => [l.streamsequence, l.data])) !== JSON.stringify(stream.map((m) => [m.seq, m.ev]))) {
      problems.push(`the audit consumer's log (${lines.length} lines) differs from the stream (${stream.length} messages)`);
    }
    const auditLog = lines.map((l) => l.data).filter((e) => e.seq > 0);
    if (JSON.stringify(auditLog) !== JSON.stringify(logEvents)) problems.push("the audit consumer's log events differ from the event log");
    console.log(`  check 7: audit consumer wrote ${lines.length} lines (${auditLog.length} log events)`);
    return problems;
  }
}

void main();

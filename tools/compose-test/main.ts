/**
 * `npm run test:compose` (root): the shipped docker-compose.yml on a real Docker engine, public images
 * replaced by the local stand-ins of ../shared/e2e/containers through the compose file's image variables.
 * Steps (each printed with its time): engine and stand-ins, one image build, the stack with 3 API
 * replicas and 2 of every service, the seed's VXLAN and EVPN examples created and applied through the
 * proxy until the safe-mode agent reports them applied, 500 allocations with hostnames from 16 parallel
 * clients while one replica of each service and one NATS server are killed, then the checks (no 5xx but
 * requests in flight at the kill, no duplicate address, every address in PowerDNS, the agent on the
 * latest version), the API scaled to 4 and back, and the teardown. SDN_COMPOSE_KEEP=1 keeps the stack.
 */
import { execFile } from 'node:child_process';
import { Resolver } from 'node:dns/promises';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { SCENARIOS, type ApiCall } from '@sdn/netns-lab';

const ROOT = resolve(__dirname, '..', '..');
const CONTAINERS = resolve(ROOT, '..', 'shared', 'e2e', 'containers');
const PROJECT = 'sdn-compose-test';
const NODE = 'node1';
const ALLOCATIONS = 500;
const CLIENTS = 16;
/** The kills happen once this many allocations have been answered. */
const KILL_AFTER = 150;
const DNS_ZONE = 'sdn.test';

const t0 = Date.now();
const secs = (ms: number) => (ms / 1000).toFixed(1);
const say = (line: string) => process.stdout.write(`[compose-test +${secs(Date.now() - t0).padStart(6)} s] ${line}\n`);
const stepTimes: [string, number][] = [];

async function step<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const start = Date.now();
  say(`▶ ${name}`);
  const r = await fn();
  const ms = Date.now() - start;
  stepTimes.push([name, ms]);
  say(`✔ ${name} (${secs(ms)} s)`);
  return r;
}

class CheckFailed extends Error {}
function check(ok: boolean, what: string): void {
  if (!ok) throw new CheckFailed(what);
  say(`  ok: ${what}`);
}

// ------------------------------------------------------------------ processes

function run(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number; quiet?: boolean } = {}): Promise<string> {
  return new Promise((res, rej) => {
    execFile(cmd, args, { cwd: ROOT, env: opts.env ?? process.env, maxBuffer: 64 << 20, timeout: opts.timeoutMs ?? 600_000 }, (err, stdout, stderr) => {
      if (err) rej(new Error(`${cmd} ${args.join(' ')} failed: ${err.message}\n${stderr.split('\n').slice(-30).join('\n')}`));
      else res(stdout);
    });
  });
}

const secret = () => randomBytes(16).toString('hex');
const token = `root@pam!bootstrap=${secret()}`;
const pdnsKey = secret();
const composeEnv: NodeJS.ProcessEnv = {
  ...process.env,
  COMPOSE_PROJECT_NAME: PROJECT,
  // The stand-ins, through the product's image variables (a real registry: leave them unset).
  NODE_IMAGE: 'sdn-standin/node:22-bookworm-slim',
  POSTGRES_IMAGE: 'sdn-standin/postgres:15',
  NATS_IMAGE: 'sdn-standin/nats:2.9',
  PDNS_IMAGE: 'sdn-standin/pdns-auth:4.7',
  HAPROXY_IMAGE: 'sdn-standin/haproxy:2.6',
  PROMETHEUS_IMAGE: 'sdn-standin/prometheus:2',
  SDN_SECRET_KEY: randomBytes(32).toString('hex'),
  SDN_DB_PASSWORD: secret(),
  SDN_PDNS_API_KEY: pdnsKey,
  SDN_BOOTSTRAP_TOKEN: token,
  SDN_API_PUBLISH: '127.0.0.1:',
  SDN_AGENT_NODE: NODE,
  SDN_AGENT_NODES: NODE,
};
const compose = (args: string[], timeoutMs?: number) =>
  run('docker', ['compose', '-f', 'docker-compose.yml', '-f', 'tools/compose-test/compose.test.yml', ...args], { env: composeEnv, timeoutMs });

async function published(service: string, port: string, protocol = 'tcp'): Promise<number> {
  const out = (await compose(['port', '--protocol', protocol, service, port])).trim();
  const n = Number(out.split(':').pop());
  if (!n) throw new Error(`${service} ${port}/${protocol} is not published (${out})`);
  return n;
}

const containersOf = async (service: string) => (await compose(['ps', '-q', service])).split('\n').filter(Boolean);

// ------------------------------------------------------------------ HTTPS through the proxy

interface Reply {
  status: number;
  data: unknown;
  text: string;
  /** Answered by an API replica (it echoes the correlation id on every response), not by the proxy. */
  fromApi: boolean;
}

class ApiClient {
  private readonly agent: Agent;
  constructor(
    private readonly port: number,
    ca: Buffer,
  ) {
    // The deployment's own CA: the proxy's certificate is verified, as a client of the product would.
    this.agent = new Agent({ ca, keepAlive: true, maxSockets: CLIENTS * 2 });
  }

  request(method: string, path: string, params?: Record<string, string | number>): Promise<Reply> {
    const body = params ? new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)])).toString() : undefined;
    const [tokenId, tokenSecret] = token.split('=');
    return new Promise((res, rej) => {
      const req = httpsRequest(
        {
          host: '127.0.0.1',
          port: this.port,
          method,
          path: path.startsWith('/') ? path : `/api2/json/${path}`,
          agent: this.agent,
          servername: 'localhost',
          timeout: 60_000,
          headers: {
            Authorization: `PVEAPIToken=${tokenId}=${tokenSecret}`,
            ...(body ? { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': Buffer.byteLength(body) } : {}),
          },
        },
        (r) => {
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c));
          r.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let data: unknown;
            try {
              data = (JSON.parse(text) as { data?: unknown }).data;
            } catch {
              data = undefined;
            }
            res({ status: r.statusCode ?? 0, data, text, fromApi: r.headers['x-correlation-id'] !== undefined });
          });
          r.on('error', rej);
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', rej);
      req.end(body);
    });
  }

  async ok(method: string, path: string, params?: Record<string, string | number>): Promise<unknown> {
    const r = await this.request(method, path, params);
    if (r.status < 200 || r.status > 299) throw new Error(`${method} ${path}: HTTP ${r.status} ${r.text.slice(0, 500)}`);
    return r.data;
  }

  close(): void {
    this.agent.destroy();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new CheckFailed(`${what}: not within ${timeoutMs / 1000} s${last ? ` (last error: ${String((last as Error).message ?? last)})` : ''}`);
    await sleep(500);
  }
}

// ------------------------------------------------------------------ the scenario

/** The seed's VXLAN and EVPN examples (@sdn/netns-lab), with this deployment's agent as the first node. */
function seedCalls(agentIp: string): ApiCall[] {
  const pick = (name: string) => {
    const s = SCENARIOS.find((x) => x.name === name);
    if (!s) throw new Error(`@sdn/netns-lab has no '${name}' example`);
    return s.calls;
  };
  // Both examples name their first vnet myvnet1 (the lab runs them one at a time); here they coexist.
  const evpnVnet: Record<string, string> = { myvnet1: 'myvnet3', myvnet2: 'myvnet4' };
  const rename = (c: ApiCall): ApiCall => ({
    path: c.path.replace(/vnets\/(myvnet[12])\//, (_m, v: string) => `vnets/${evpnVnet[v]}/`),
    params: Object.fromEntries(Object.entries(c.params).map(([k, v]) => [k, k === 'vnet' && typeof v === 'string' ? (evpnVnet[v] ?? v) : v])),
  });
  const withNode = (c: ApiCall): ApiCall => ({
    path: c.path,
    params: Object.fromEntries(Object.entries(c.params).map(([k, v]) => [k, typeof v === 'string' ? v.replace(/\b192\.168\.0\.1\b/, agentIp).replace(/\bnode1\b/, NODE) : v])),
  });
  return [...pick('vxlan').map(withNode), ...pick('evpn').map(rename).map(withNode)];
}

interface Allocation {
  n: number;
  start: number;
  end: number;
  status: number;
  /** See Reply.fromApi; false when no answer came at all. */
  fromApi: boolean;
  ip?: string;
  error?: string;
}

async function allocateWhileKilling(api: ApiClient): Promise<{ results: Allocation[]; killStart: number; killEnd: number; killed: string[] }> {
  const results: Allocation[] = [];
  let next = 0;
  let killStart = Infinity;
  let killEnd = Infinity;
  const killed: string[] = [];
  let killing: Promise<void> | undefined;
  // The victims are looked up before the clients start: `docker compose ps` takes seconds under load, and
  // the kill must land while allocations are still running, not after the last one.
  const victims: [string, string][] = [];
  for (const s of ['api', 'config-service', 'ipam-service', 'dns-service', 'nats2']) victims.push([s, (await containersOf(s))[0]]);
  const kill = async () => {
    killStart = Date.now();
    await Promise.all(victims.map(([, id]) => run('docker', ['kill', id])));
    killEnd = Date.now();
    for (const [s, id] of victims) killed.push(`${s}:${id.slice(0, 12)}`);
    say(`  docker kill ${victims.map(([s]) => s).join(', ')} (${killEnd - killStart} ms) after ${results.length} answers`);
  };
  const client = async () => {
    for (;;) {
      const n = next++;
      if (n >= ALLOCATIONS) return;
      const start = Date.now();
      let a: Allocation;
      try {
        const r = await api.request('POST', 'cluster/sdn/vnets/allocvn/ips', { zone: 'alloczn', hostname: `host${n}`, mac: mac(n), vmid: 1000 + n });
        const ip = (r.data as { ip?: string } | undefined)?.ip;
        a = { n, start, end: Date.now(), status: r.status, fromApi: r.fromApi, ip, error: r.status === 200 ? undefined : r.text.slice(0, 200) };
      } catch (e) {
        a = { n, start, end: Date.now(), status: 0, fromApi: false, error: (e as Error).message };
      }
      results.push(a);
      if (results.length === KILL_AFTER && !killing) killing = kill();
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, client));
  await killing;
  return { results, killStart, killEnd, killed };
}

const mac = (n: number) => `BC:24:11:00:${((n >> 8) & 0xff).toString(16).padStart(2, '0')}:${(n & 0xff).toString(16).padStart(2, '0')}`.toUpperCase();

async function applyAndWait(api: ApiClient, what: string): Promise<number> {
  const task = String(await api.ok('PUT', 'cluster/sdn'));
  say(`  PUT /cluster/sdn -> ${task}`);
  const view = await until(`${what}: ${NODE} reports the apply`, 180_000, async () => {
    const v = (await api.ok('GET', `cluster/sdn/apply/${encodeURIComponent(task)}`)) as { version: number; nodes: { node: string; state: string; version: number; message?: string }[] };
    const st = v.nodes.find((x) => x.node === NODE);
    return st && st.state !== 'pending' ? { version: v.version, st } : undefined;
  });
  check(view.st.state === 'applied' && view.st.version === view.version, `${what}: ${NODE} applied version ${view.version} (${view.st.state}${view.st.message ? `: ${view.st.message}` : ''})`);
  return view.version;
}

async function haproxyServersUp(statsPort: number): Promise<number> {
  const r = await fetch(`http://127.0.0.1:${statsPort}/stats;csv`);
  const rows = (await r.text()).split('\n').map((l) => l.split(','));
  const head = rows[0].map((h) => h.replace(/^# /, ''));
  const [px, sv, status] = ['pxname', 'svname', 'status'].map((k) => head.indexOf(k));
  return rows.filter((c) => c[px] === 'api' && /^api\d+$/.test(c[sv] ?? '') && c[status] === 'UP').length;
}

async function main(): Promise<void> {
  say(`project ${PROJECT}, ${ALLOCATIONS} allocations from ${CLIENTS} clients, kills after ${KILL_AFTER}`);
  await step('Docker engine and public-image stand-ins (../shared/e2e/containers)', async () => {
    await run('bash', [join(CONTAINERS, 'dockerd.sh'), 'start']);
    await run('bash', [join(CONTAINERS, 'base-images.sh'), 'node', 'postgres', 'nats', 'haproxy', 'pdns'], { timeoutMs: 1_200_000 });
    await compose(['down', '-v', '--remove-orphans']);
  });

  await step('build the product image once (sdn-init) and the agent image from the same stages', async () => {
    const images = ['sdn-control-plane:latest', 'sdn-node-agent:latest'];
    const idOf = (image: string) => run('docker', ['image', 'inspect', '-f', '{{.Id}}', image]).then((o) => o.trim(), () => '');
    const before = await Promise.all(images.map(idOf));
    // One after the other: the agent image reuses the stages (dependencies, compiled code) the first build cached.
    await compose(['build', 'sdn-init'], 1_200_000);
    await compose(['build', 'node-agent'], 1_200_000);
    for (const [i, image] of images.entries()) {
      const size = Number((await run('docker', ['image', 'inspect', '-f', '{{.Size}}', image])).trim());
      say(`  image ${image}: ${(size / 1e6).toFixed(0)} MB`);
      // The image this build replaced (now untagged) goes, or every run would keep another ~1.2 GB; the build cache stays.
      if (before[i] && before[i] !== (await idOf(image))) await run('docker', ['image', 'rm', before[i]]).catch(() => undefined);
    }
  });

  let api: ApiClient | undefined;
  try {
    await step('docker compose up: 3 API replicas, 2 of every service, 3 NATS servers, PostgreSQL, PowerDNS, HAProxy', async () => {
      await compose(['up', '-d', '--no-build', '--wait', '--scale', 'api=3'], 600_000);
      const ps = JSON.parse(`[${(await compose(['ps', '--format', 'json'])).trim().split('\n').join(',')}]`) as { Service: string; State: string; Health: string }[];
      const count = (s: string) => ps.filter((p) => p.Service === s && p.State === 'running').length;
      for (const [s, n] of [['api', 3], ['config-service', 2], ['ipam-service', 2], ['dns-service', 2], ['nats1', 1], ['nats2', 1], ['nats3', 1], ['node-agent', 1], ['haproxy', 1]] as const) {
        check(count(s) === n, `${s}: ${count(s)} running (want ${n})`);
      }
    });

    const ports = { api: await published('haproxy', '8006'), stats: await published('haproxy', '8404'), pdnsApi: await published('pdns', '8081'), dns: await published('pdns', '53', 'udp'), nats: await published('nats1', '8222') };
    const tmp = mkdtempSync(join(tmpdir(), 'sdn-compose-'));
    const init = (await compose(['ps', '-a', '-q', 'sdn-init'])).trim();
    await run('docker', ['cp', `${init}:/var/lib/sdn/tls/ca.crt`, join(tmp, 'ca.crt')]);
    api = new ApiClient(ports.api, readFileSync(join(tmp, 'ca.crt')));
    rmSync(tmp, { recursive: true, force: true });
    const client = api;

    await step('NATS: three servers in one cluster, the SDN streams at R3', async () => {
      const streams = await until('the SDN streams', 60_000, async () => {
        const j = (await (await fetch(`http://127.0.0.1:${ports.nats}/jsz?accounts=true&streams=true&config=true`)).json()) as {
          meta_cluster?: { cluster_size?: number };
          account_details?: { stream_detail?: { name: string; config: { num_replicas: number }; cluster?: { replicas?: unknown[] } }[] }[];
        };
        const all = (j.account_details ?? []).flatMap((a) => a.stream_detail ?? []);
        return all.length >= 4 ? { size: j.meta_cluster?.cluster_size, all } : undefined;
      });
      check(streams.size === 3, `JetStream meta cluster of ${streams.size} servers`);
      for (const name of ['SDN_EVENTS', 'SDN_BUNDLES', 'SDN_STATUS', 'SDN_FACTS']) {
        const s = streams.all.find((x) => x.name === name);
        check(s?.config.num_replicas === 3 && (s.cluster?.replicas?.length ?? 0) === 2, `${name}: ${s?.config.num_replicas} replicas (leader + ${s?.cluster?.replicas?.length ?? 0})`);
      }
    });

    let firstVersion = 0;
    await step("the seed's VXLAN and EVPN examples and an allocation zone with PowerDNS, through the proxy; apply", async () => {
      const agentIp = (await run('docker', ['inspect', '-f', '{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}', (await containersOf('node-agent'))[0]])).trim().split(' ')[0];
      const pdns = await fetch(`http://127.0.0.1:${ports.pdnsApi}/api/v1/servers/localhost/zones`, {
        method: 'POST',
        headers: { 'X-API-Key': pdnsKey, 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: `${DNS_ZONE}.`, kind: 'Native', nameservers: [] }),
      });
      check(pdns.status === 201, `PowerDNS zone ${DNS_ZONE} created (HTTP ${pdns.status})`);
      const ipams = (await client.ok('GET', 'cluster/sdn/ipams')) as { ipam: string }[];
      const calls: ApiCall[] = [
        ...(ipams.some((i) => i.ipam === 'pve') ? [] : [{ path: 'cluster/sdn/ipams', params: { ipam: 'pve', type: 'pve' } }]),
        { path: 'cluster/sdn/dns', params: { dns: 'pdns', type: 'powerdns', url: 'http://pdns:8081/api/v1/servers/localhost', key: pdnsKey, ttl: 60 } },
        ...seedCalls(agentIp),
        { path: 'cluster/sdn/zones', params: { zone: 'alloczn', type: 'simple', ipam: 'pve', dns: 'pdns', dnszone: DNS_ZONE } },
        { path: 'cluster/sdn/vnets', params: { vnet: 'allocvn', zone: 'alloczn' } },
        { path: 'cluster/sdn/vnets/allocvn/subnets', params: { subnet: '10.20.0.0/22', type: 'subnet', gateway: '10.20.0.1' } },
      ];
      for (const c of calls) {
        await client.ok('POST', c.path, c.params);
        say(`  POST /api2/json/${c.path} ${Object.entries(c.params).map(([k, v]) => `${k}=${k === 'key' ? '***' : v}`).join(' ')}`);
      }
      firstVersion = await applyAndWait(client, 'first apply');
      // Each API replica follows the node's status stream itself: the one answering may be a moment behind.
      const want = ['vxlanzn', 'evpnzone', 'alloczn'];
      const zones = await until(`${NODE}'s zone status on the replica that answers`, 30_000, async () => {
        const z = (await client.ok('GET', `nodes/${NODE}/sdn/zones`)) as { zone: string; status: string }[];
        return want.every((w) => z.some((x) => x.zone === w && x.status !== 'pending')) ? z : undefined;
      });
      for (const z of want) {
        const st = zones.find((x) => x.zone === z)?.status;
        check(st === 'available', `${NODE} reports zone ${z} ${st}`);
      }
    });

    const alloc = await step(`${ALLOCATIONS} allocations with hostnames from ${CLIENTS} clients; docker kill one api, config-service, ipam-service, dns-service and NATS server meanwhile`, async () => {
      const r = await allocateWhileKilling(client);
      const ok = r.results.filter((a) => a.status === 200);
      say(`  ${ok.length} allocated, ${r.results.length - ok.length} failed; killed ${r.killed.join(', ')}`);
      const after = r.results.filter((a) => a.start > r.killEnd).length;
      check(r.killed.length === 5 && after >= ALLOCATIONS / 4, `the kills landed while allocating: ${after} of ${ALLOCATIONS} allocations were sent after them`);
      return r;
    });

    await step('restart the killed containers (what their restart policy does on a real failure)', async () => {
      await run('docker', ['start', ...alloc.killed.map((k) => k.split(':')[1])]);
      await compose(['up', '-d', '--no-build', '--no-recreate', '--wait', '--scale', 'api=3'], 300_000);
    });

    await step('checks: errors only for requests in flight to the killed API replica, no duplicate address, every address in PowerDNS', async () => {
      const failed = alloc.results.filter((a) => a.status !== 200);
      for (const f of failed.slice(0, 20)) say(`  #${f.n} HTTP ${f.status} after ${f.end - f.start} ms: ${f.error}`);
      const inFlight = (a: Allocation) => a.start <= alloc.killEnd && a.end >= alloc.killStart;
      check(failed.every((a) => a.status >= 500 || a.status === 0), `no allocation refused with a 4xx (${failed.filter((a) => a.status > 0 && a.status < 500).length})`);
      const atKill = alloc.results.filter(inFlight).length;
      check(failed.every(inFlight), `every one of the ${failed.length} failed requests was in flight when the replicas were killed (${atKill} were in flight then); none started later failed`);
      // A living API replica rides out a killed IPAM replica, DNS replica, config replica and NATS server
      // (it sends the request again); only requests the killed API replica had are lost, and those are
      // answered by the proxy (or not at all), never by an API replica.
      const byApi = failed.filter((a) => a.fromApi);
      check(byApi.length === 0, `no API replica answered an allocation with an error (${byApi.length} did${byApi.length ? `: HTTP ${byApi[0].status} ${byApi[0].error}` : ''})`);
      const ok = alloc.results.filter((a) => a.status === 200);
      check(ok.every((a) => !!a.ip), 'every successful allocation returned its address');
      const ips = ok.map((a) => a.ip as string);
      check(new Set(ips).size === ips.length, `no duplicate address among ${ips.length} allocations`);
      const resolver = new Resolver({ timeout: 2000, tries: 2 });
      resolver.setServers([`127.0.0.1:${ports.dns}`]);
      let missing: Allocation[] = ok;
      await until(`all ${ok.length} names resolvable in PowerDNS`, 180_000, async () => {
        const still: Allocation[] = [];
        for (let i = 0; i < missing.length; i += 32) {
          const batch = missing.slice(i, i + 32);
          const answers = await Promise.all(batch.map((a) => resolver.resolve4(`host${a.n}.${DNS_ZONE}`).catch(() => [] as string[])));
          batch.forEach((a, j) => {
            if (!answers[j].includes(a.ip as string)) still.push(a);
          });
        }
        missing = still;
        return missing.length === 0 ? true : undefined;
      });
      check(missing.length === 0, `every one of the ${ok.length} allocations resolves in PowerDNS (host<n>.${DNS_ZONE} -> its address)`);
    });

    await step('the agent on the latest version after the failures: one more change, applied', async () => {
      await client.ok('POST', 'cluster/sdn/vnets', { vnet: 'myvnet9', zone: 'vxlanzn', tag: 100009 });
      const version = await applyAndWait(client, 'apply after the kills');
      check(version > firstVersion, `running version advanced ${firstVersion} -> ${version}`);
      const running = (JSON.parse((await client.request('GET', '/health')).text) as { version?: number }).version;
      check(running === version, `the API's running version is ${running}, the one ${NODE} applied`);
    });

    await step('scale the API to 4 replicas and back to 3 under load', async () => {
      await compose(['up', '-d', '--no-build', '--no-recreate', '--wait', '--scale', 'api=4'], 300_000);
      check((await containersOf('api')).length === 4, '4 API containers');
      await until('HAProxy sees 4 API replicas up', 60_000, async () => ((await haproxyServersUp(ports.stats)) === 4 ? true : undefined));
      say('  HAProxy has 4 API replicas up');
      let stop = false;
      const statuses: number[] = [];
      const failures: string[] = [];
      const load = Array.from({ length: CLIENTS }, async () => {
        while (!stop) {
          const r = await client.request('GET', 'cluster/sdn/vnets').catch((e: Error) => ({ status: 0, text: e.message }));
          statuses.push(r.status);
          if (r.status !== 200) failures.push(`HTTP ${r.status} ${r.text.slice(0, 160)}`);
        }
      });
      await compose(['up', '-d', '--no-build', '--no-recreate', '--wait', '--scale', 'api=3'], 300_000);
      await until('HAProxy sees 3 API replicas up', 60_000, async () => ((await haproxyServersUp(ports.stats)) === 3 ? true : undefined));
      await sleep(2000);
      stop = true;
      await Promise.all(load);
      check((await containersOf('api')).length === 3, '3 API containers');
      for (const f of failures.slice(0, 10)) say(`  ${f}`);
      const bad = statuses.filter((s) => s !== 200).length;
      check(bad === 0 && statuses.length > 0, `${statuses.length} requests while scaling down, ${bad} not 200`);
    });
  } catch (e) {
    // What the containers said, before the teardown removes them.
    say('state of the stack at the failure:');
    process.stdout.write(await compose(['ps', '-a']).catch((x: Error) => x.message));
    process.stdout.write(await compose(['logs', '--no-color', '--tail', '25']).catch((x: Error) => x.message));
    throw e;
  } finally {
    api?.close();
    if (process.env.SDN_COMPOSE_KEEP === '1') say(`keeping the stack (project ${PROJECT}); remove it with: docker compose -p ${PROJECT} down -v`);
    else await step('docker compose down -v', () => compose(['down', '-v', '--remove-orphans'], 300_000));
  }
}

main().then(
  () => {
    say(`PASS in ${secs(Date.now() - t0)} s`);
    for (const [name, ms] of stepTimes) say(`  ${secs(ms).padStart(6)} s  ${name}`);
  },
  (e: unknown) => {
    say(`FAIL: ${e instanceof Error ? (e instanceof CheckFailed ? e.message : e.stack) : String(e)}`);
    process.exit(1);
  },
);

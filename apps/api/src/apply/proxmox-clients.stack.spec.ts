import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import proxmoxApi, { type ProxmoxEngineOptions } from 'proxmox-api';
import { Agent, fetch as undiciFetch } from 'undici';
import { isolatedBus, type IsolatedBus } from '@sdn/bus';
import { SCENARIOS } from '@sdn/netns-lab';
import { TicketService } from '../auth/tickets';
import { createPrincipal } from '../testing/access';
import { startTestApi, type TestApi } from '../testing/test-app';

/**
 * What issue 15 promises a Proxmox administrator: an off-the-shelf client
 * (npm `proxmox-api`, unchanged) pointed at the API over HTTPS, trusting the
 * CA the API generated, with an API token and, separately, with a user name
 * and password. Real components: two API replicas (HTTPS, one database, one
 * isolated NATS namespace), the config service and two safe-mode node agents
 * as processes; the apply's UPID is followed through
 * /nodes/{node}/tasks/{upid}/status until the agents have applied.
 */

const repo = resolve(__dirname, '../../../..');
const PASSWORD = 'seed examples 4 all';
const RATE = { threshold: 3, baseMs: 60_000 };
// The seed's node names: the EVPN example names node1 and node2 as exit nodes.
const NODES = ['node1', 'node2'];

/** The fenced code blocks of the README's "Using existing Proxmox tools" section, by language, in order. */
function readmeExamples(): Record<string, string[]> {
  const readme = readFileSync(join(repo, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Using existing Proxmox tools'), readme.indexOf('\n## ', readme.indexOf('## Using existing Proxmox tools') + 3));
  const out: Record<string, string[]> = {};
  for (const m of section.matchAll(/^```(\w+)\n([\s\S]*?)^```$/gm)) (out[m[1]] ??= []).push(m[2]);
  return out;
}

/** Replaces `from` (which must occur) with `to` everywhere: the README's paths and port become the test's. */
function point(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`README example no longer contains ${from}:\n${text}`);
  return text.split(from).join(to);
}

/** Runs a program with `input` on stdin; answers exit code and output. */
function run(cmd: string, args: string[], input: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(cmd, args, { cwd: repo, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.on('data', (d) => (stderr += String(d)));
    const t = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('error', fail);
    child.on('exit', (code) => {
      clearTimeout(t);
      done({ code, stdout, stderr });
    });
    child.stdin.end(input);
  });
}

const hasPython = spawnSync('python3', ['--version']).status === 0;

const seed = (name: string) => SCENARIOS.find((s) => s.name === name)!.calls;
type Px = ReturnType<typeof proxmoxApi>;

/** POSTs one seed call through the client's generic path API, as a script looping over the documentation would. */
async function create(px: Px, call: { path: string; params: Record<string, string | number> }) {
  // The client's proxy turns every property into a path segment (px.cluster.sdn.vnets.myvnet1.subnets).
  let node = px as unknown as Record<string, unknown>;
  for (const part of call.path.split('/')) node = node[part] as typeof node;
  await (node as unknown as { $post(p: object): Promise<unknown> }).$post(call.params);
}

/** Follows a UPID the way Proxmox tools do: the node is the UPID's second field; polls until `stopped`. */
async function waitTask(px: Px, upid: string, timeoutMs = 90_000) {
  const node = upid.split(':')[1];
  const end = Date.now() + timeoutMs;
  for (;;) {
    const st = await px.nodes.$(node).tasks.$(upid).status.$get();
    if (st.status === 'stopped') return st;
    if (Date.now() > end) throw new Error(`task ${upid} still ${st.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('Proxmox clients over HTTPS against the running control plane', () => {
  let dir: string;
  let dataDir: string;
  let bus: IsolatedBus;
  let a: TestApi;
  let b: TestApi;
  let ca: string;
  let dispatcher: Agent;
  const procs: ChildProcess[] = [];
  const output: string[] = [];
  let tokenID = '';
  let tokenSecret = '';

  /** fetch that trusts only the API's CA: what the client is given instead of NODE_EXTRA_CA_CERTS (read at process start, too late for a test). */
  const tlsFetch = ((url: string | URL, init?: object) => undiciFetch(url, { ...(init as object), dispatcher })) as unknown as NonNullable<ProxmoxEngineOptions['fetch']>;
  const port = (api: TestApi) => Number(new URL(api.url).port);
  /** One raw request over HTTPS (the CA trusted), as curl would send it. */
  const call = (api: { url: string }, method: string, path: string, opts: { cookie?: string; csrf?: string; form?: Record<string, string> } = {}) =>
    undiciFetch(`${api.url}/api2/json${path}`, {
      method,
      dispatcher,
      headers: {
        ...(opts.cookie ? { Cookie: `PVEAuthCookie=${opts.cookie}` } : {}),
        ...(opts.csrf ? { CSRFPreventionToken: opts.csrf } : {}),
        ...(opts.form ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}),
      },
      body: opts.form ? new URLSearchParams(opts.form).toString() : undefined,
    });
  const login = async (api: { url: string }, username: string, password: string) => {
    const r = await call(api, 'POST', '/access/ticket', { form: { username, password } });
    return { status: r.status, data: r.status === 200 ? ((await r.json()) as { data: { ticket: string; CSRFPreventionToken: string } }).data : undefined };
  };
  const spawnService = (name: string, main: string, env: NodeJS.ProcessEnv) => {
    const child = spawn(process.execPath, ['-r', join(repo, 'tools/register.js'), join(repo, main)], {
      cwd: repo,
      env: { ...process.env, SDN_BUS_NAMESPACE: bus.topology.namespace, SDN_METRICS_PORT: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d) => output.push(`[${name}] ${String(d)}`));
    child.stderr!.on('data', (d) => output.push(`[${name}] ${String(d)}`));
    procs.push(child);
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'proxmox-clients-'));
    dataDir = join(dir, 'data');
    bus = await isolatedBus({ name: 'api-proxmox-clients' });
    const common = { tls: true, dataDir, nats: true, busNamespace: bus.topology.namespace, authRateLimit: RATE };
    a = await startTestApi({ ...common, relay: true }, { listen: true });
    // A second replica: same database, same bus, same data directory (so the same certificate), nothing in memory shared.
    b = await startTestApi(common, { listen: true, dbUrl: a.dbUrl });
    ca = a.ca!;
    dispatcher = new Agent({ connect: { ca } });
    spawnService('config-service', 'apps/config-service/src/main.ts', {});
    for (const node of NODES) {
      spawnService(`agent-${node}`, 'apps/node-agent/src/main.ts', {
        SDN_NODE_NAME: node,
        SDN_AGENT_MODE: 'safe',
        SDN_AGENT_ROOT: join(dir, node),
        SDN_HEARTBEAT_MS: '500',
        SDN_FACTS_INTERVAL_MS: '60000',
        SDN_AGENT_KERNEL_FACTS: '0',
      });
    }
    const end = Date.now() + 120_000;
    for (;;) {
      const nodes = (await a.get('/api2/json/nodes').expect(200)).body.data as { node: string; status: string }[];
      if (NODES.every((n) => nodes.some((x) => x.node === n && x.status === 'online'))) break;
      if (Date.now() > end) throw new Error(`agents never reported:\n${output.join('').slice(-4000)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    // A token user and a password user, both SDN administrators, created through /access like real ones.
    const auth = await createPrincipal(a, 'tok@pve', 'sdn', { userGrants: [{ path: '/sdn', role: 'PVESDNAdmin' }] });
    tokenID = 'tok@pve!sdn';
    tokenSecret = auth.slice(auth.lastIndexOf('=') + 1);
    await a.post('/api2/json/access/users', { userid: 'alice@pve', password: PASSWORD }).expect(200);
    await a.put('/api2/json/access/acl', { path: '/sdn', roles: 'PVESDNAdmin', users: 'alice@pve' }).expect(200);
  }, 180_000);

  afterAll(async () => {
    for (const p of procs) p.kill('SIGTERM');
    await Promise.all(procs.map((p) => (p.exitCode === null && p.signalCode === null ? new Promise((r) => p.once('exit', r)) : null)));
    await b?.app.close();
    await a?.close();
    await dispatcher?.close();
    await bus?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it("with an API token: creates the seed's VXLAN example, applies, waits on the UPID until stopped/OK, reads the nodes' status", async () => {
    const px = proxmoxApi({ host: '127.0.0.1', port: port(a), tokenID, tokenSecret, fetch: tlsFetch });
    // What clients call first.
    expect(await px.version.$get()).toMatchObject({ version: expect.stringMatching(/^\d+\.\d+/), release: expect.any(String), repoid: expect.any(String) });
    expect((await px.nodes.$get()).map((n) => [n.node, n.status])).toEqual(NODES.map((n) => [n, 'online']));

    for (const c of seed('vxlan')) await create(px, c);
    const upid = await px.cluster.sdn.$put();
    expect(upid).toMatch(/^UPID:testnode:[0-9A-F]{8}:[0-9A-F]{8}:[0-9A-F]{8}:reloadnetworkall::tok@pve!sdn:$/);
    const st = await waitTask(px, upid);
    expect(st).toMatchObject({ upid, status: 'stopped', exitstatus: 'OK', type: 'reloadnetworkall', user: 'tok@pve!sdn' });
    const log = await px.nodes.$('testnode').tasks.$(upid).log.$get();
    expect(log.map((l) => l.t)).toEqual([expect.stringMatching(/^start/), ...NODES.map((n) => expect.stringMatching(new RegExp(`^${n}: applied version \\d+ in \\d+ ms`))), 'TASK OK']);
    expect((await px.cluster.tasks.$get()).map((t) => t.upid)).toContain(upid);

    for (const node of NODES) {
      expect(await px.nodes.$(node).sdn.zones.$get()).toEqual([expect.objectContaining({ zone: 'vxlanzn', status: 'available' })]);
      expect(await px.nodes.$(node).sdn.zones.$('vxlanzn').content.$get()).toEqual([expect.objectContaining({ vnet: 'myvnet1', status: 'available' })]);
    }
  }, 150_000);

  it("with user name and password (a ticket): creates the seed's EVPN example through the other replica, applies, waits on the UPID, reads the nodes' status", async () => {
    const px = proxmoxApi({ host: '127.0.0.1', port: port(b), username: 'alice@pve', password: PASSWORD, fetch: tlsFetch });
    // The VXLAN example holds myvnet1 already: the EVPN example's vnets are evvnet1/evvnet2 here.
    const calls = seed('evpn').map((c) => ({ path: c.path.replace(/myvnet(\d)/, 'evvnet$1'), params: Object.fromEntries(Object.entries(c.params).map(([k, v]) => [k, typeof v === 'string' ? v.replace(/^myvnet(\d)$/, 'evvnet$1') : v])) }));
    for (const c of calls) await create(px, c);
    // Written by alice, authenticated by the client's cookie and CSRF header.
    const events = (await a.get('events?limit=1000').expect(200)).body.data as { type: string; actor: string; aggregateId: string }[];
    expect(events.filter((e) => e.actor === 'alice@pve').map((e) => e.type)).toEqual(['ControllerCreated', 'ZoneCreated', 'VnetCreated', 'VnetCreated', 'SubnetCreated', 'SubnetCreated']);

    const upid = await px.cluster.sdn.$put();
    expect(upid).toMatch(/^UPID:testnode:.*:reloadnetworkall::alice@pve:$/);
    const st = await waitTask(px, upid);
    expect(st).toMatchObject({ status: 'stopped', exitstatus: 'OK', user: 'alice@pve' });
    for (const node of NODES) {
      const zones = await px.nodes.$(node).sdn.zones.$get();
      expect(zones.map((z) => [z.zone, z.status]).sort()).toEqual([
        ['evpnzone', 'available'],
        ['vxlanzn', 'available'],
      ]);
      expect((await px.nodes.$(node).sdn.zones.$('evpnzone').content.$get()).map((v) => [v.vnet, v.status]).sort()).toEqual([
        ['evvnet1', 'available'],
        ['evvnet2', 'available'],
      ]);
    }
    // Read back through the first replica, as running config.
    const running = (await a.get('/api2/json/cluster/sdn/vnets/evvnet1/subnets?running=1').expect(200)).body.data;
    expect(running).toEqual([expect.objectContaining({ subnet: 'evpnzone-10.0.1.0-24', gateway: '10.0.1.1' })]);
  }, 150_000);

  it('a cookie write without the CSRFPreventionToken header is 403; a ticket of one replica works on the other; an expired one is 401', async () => {
    const t = await login(a, 'alice@pve', PASSWORD);
    expect(t.status).toBe(200);
    const { ticket, CSRFPreventionToken: csrf } = t.data!;
    // Cookie as proxmox-api sends it: the ticket verbatim.
    expect((await call(a, 'GET', '/cluster/sdn/zones', { cookie: ticket })).status).toBe(200);
    const refused = await call(a, 'POST', '/cluster/sdn/zones', { cookie: ticket, form: { zone: 'csrf', type: 'simple' } });
    expect([refused.status, ((await refused.json()) as { message: string }).message]).toEqual([403, expect.stringMatching(/CSRF/)]);
    expect((await call(a, 'GET', '/cluster/sdn/zones/csrf?pending=1', { cookie: ticket })).status).toBe(404);

    // Replica B never saw this ticket: it verifies it with the key in PostgreSQL.
    expect((await call(b, 'GET', '/cluster/sdn/zones', { cookie: ticket })).status).toBe(200);
    expect((await call(b, 'POST', '/cluster/sdn/zones', { cookie: ticket, csrf, form: { zone: 'csrf', type: 'simple' } })).status).toBe(200);

    // Issued two hours and a minute ago with the control plane's real key: refused by both replicas, and not renewable.
    const old = a.app.get(TicketService).issue('alice@pve', Date.now() - (2 * 3600 + 60) * 1000);
    for (const api of [a, b]) {
      const r = await call(api, 'GET', '/cluster/sdn/zones', { cookie: old.ticket });
      expect([r.status, r.statusText]).toEqual([401, 'permission denied - invalid PVE ticket']);
    }
    expect((await login(b, 'alice@pve', old.ticket)).status).toBe(401);
  });

  it('the CA and certificate survive a restart of a replica unchanged, and its tickets stay valid', async () => {
    const files = ['ca.pem', 'ca.key', 'server.pem', 'server.key'].map((f) => readFileSync(join(dataDir, 'tls', f), 'utf8'));
    const t = (await login(b, 'alice@pve', PASSWORD)).data!;
    await b.app.close();
    b = await startTestApi({ tls: true, dataDir, nats: true, busNamespace: bus.topology.namespace, authRateLimit: RATE }, { listen: true, dbUrl: a.dbUrl });
    expect(['ca.pem', 'ca.key', 'server.pem', 'server.key'].map((f) => readFileSync(join(dataDir, 'tls', f), 'utf8'))).toEqual(files);
    expect(b.ca).toBe(ca);
    // The restarted replica serves the same certificate, which the old CA still verifies.
    const px = proxmoxApi({ host: '127.0.0.1', port: port(b), tokenID, tokenSecret, fetch: tlsFetch });
    expect((await px.version.$get()).version).toMatch(/^\d/);
    expect(new X509Certificate(files[2]).verify(new X509Certificate(ca).publicKey)).toBe(true);
    expect((await call(b, 'GET', '/cluster/sdn/zones', { cookie: t.ticket })).status).toBe(200);
  });

  it('the README examples run as printed: the fingerprint step, curl, the proxmox-api client and the Python script', async () => {
    const ex = readmeExamples();
    expect([ex.sh?.length, ex.js?.length, ex.python?.length]).toEqual([2, 1, 1]);
    const local = (text: string) => point(point(text, '.data/tls/', `${dataDir}/tls/`), 'https://127.0.0.1:8006', a.url);
    const env = { PW: PASSWORD };

    const fp = await run('bash', ['-e'], point(ex.sh[0], '.data/tls/', `${dataDir}/tls/`), env);
    expect(fp).toMatchObject({ code: 0 });
    expect(fp.stdout.trim()).toBe(`sha256 Fingerprint=${new X509Certificate(readFileSync(join(dataDir, 'tls', 'server.pem'))).fingerprint256}`);

    const curl = await run('bash', ['-e', '-o', 'pipefail'], local(ex.sh[1]), env);
    expect({ ...curl, ok: curl.code === 0 }).toMatchObject({ ok: true });
    expect(curl.stdout.trim().split('\n').pop()).toMatch(/"status":"stopped"/);
    expect(curl.stdout).toMatch(/"exitstatus":"OK"/);

    // The client as published, unchanged: Node trusts the CA through NODE_EXTRA_CA_CERTS, as the README says.
    const js = await run(process.execPath, ['--input-type=module'], point(ex.js[0], 'port: 8006', `port: ${port(a)}`), { ...env, NODE_EXTRA_CA_CERTS: join(dataDir, 'tls', 'ca.pem') });
    expect({ ...js, ok: js.code === 0 }).toMatchObject({ ok: true });
    expect(js.stdout).toMatch(/^UPID:testnode:\S+:reloadnetworkall::alice@pve: OK$/m);

    if (hasPython) {
      const py = await run('python3', ['-'], local(ex.python[0]), env);
      expect({ ...py, ok: py.code === 0 }).toMatchObject({ ok: true });
      expect(py.stdout).toMatch(/^UPID:testnode:\S+:reloadnetworkall::alice@pve: OK$/m);
    } else console.log('README Python example not run: python3 is not installed');

    // What they made is running on every node.
    for (const node of NODES) {
      const zones = (await a.get(`/api2/json/nodes/${node}/sdn/zones`).expect(200)).body.data as { zone: string; status: string }[];
      for (const zone of ['curlzone', 'jszone', ...(hasPython ? ['pyzone'] : [])]) expect(zones).toContainEqual(expect.objectContaining({ zone, status: 'available' }));
    }
  }, 240_000);

  it('passwords, tickets and CSRF tokens never reach the logs, even at trace level (a replica as its own process)', async () => {
    const logsFrom = output.length;
    const srv = net.createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const cPort = (srv.address() as net.AddressInfo).port;
    await new Promise((r) => srv.close(r));
    spawnService('api-c', 'apps/api/src/main.ts', { SDN_DATABASE_URL: a.dbUrl, SDN_API_HOST: '127.0.0.1', SDN_API_PORT: String(cPort), SDN_DATA_DIR: dataDir, SDN_API_RELAY: '0', SDN_NODE_NAME: 'replica-c', SDN_LOG_LEVEL: 'trace' });
    const c = { url: `https://127.0.0.1:${cPort}` };
    const end = Date.now() + 60_000;
    while (!(await undiciFetch(`${c.url}/health`, { dispatcher }).then((r) => r.ok, () => false))) {
      if (Date.now() > end) throw new Error(`replica C never answered:\n${output.slice(logsFrom).join('').slice(-4000)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    // The earlier tests' deliberate failures must not block this one's logins.
    await a.state().store.ds.query('DELETE FROM auth_failures');
    const FIRST = 'dora-first-Pw-7f3e';
    const SECOND = 'dora-second-Pw-91ab';
    const WRONG = 'dora-wrong-Pw-5c2d';
    await a.post('/api2/json/access/users', { userid: 'dora@pve', password: FIRST }).expect(200);
    await a.put('/api2/json/access/acl', { path: '/sdn', roles: 'PVESDNAdmin', users: 'dora@pve' }).expect(200);
    const t = (await login(c, 'dora@pve', FIRST)).data!;
    const renewed = await login(c, 'dora@pve', t.ticket);
    expect(renewed.status).toBe(200);
    expect((await call(c, 'POST', '/cluster/sdn/zones', { cookie: t.ticket, csrf: t.CSRFPreventionToken, form: { zone: 'logz', type: 'simple' } })).status).toBe(200);
    const changed = await call(c, 'PUT', '/access/password', { cookie: t.ticket, csrf: t.CSRFPreventionToken, form: { userid: 'dora@pve', password: SECOND } });
    expect(changed.status).toBe(200);
    expect((await login(c, 'dora@pve', SECOND)).status).toBe(200);
    expect((await login(c, 'dora@pve', WRONG)).status).toBe(401);
    // Give the access lines of the last requests time to be written.
    await new Promise((r) => setTimeout(r, 500));
    // Replica C's own output, unprefixed: a chunk may end mid-line.
    const logs = output
      .slice(logsFrom)
      .filter((o) => o.startsWith('[api-c] '))
      .map((o) => o.slice('[api-c] '.length))
      .join('');
    // The check can fail: every login and the password change have their access line.
    const access = logs
      .split('\n')
      .filter((l) => l.includes('"msg":"request"'))
      .map((l) => JSON.parse(l) as { method: string; path: string; status: number });
    expect(access.filter((l) => l.path === '/api2/json/access/ticket').map((l) => l.status)).toEqual([200, 200, 200, 401]);
    expect(access.filter((l) => l.path === '/api2/json/access/password').map((l) => [l.method, l.status])).toEqual([['PUT', 200]]);
    for (const secret of [FIRST, SECOND, WRONG, t.ticket.slice(t.ticket.indexOf('::') + 2), renewed.data!.ticket.slice(renewed.data!.ticket.indexOf('::') + 2), t.CSRFPreventionToken.slice(9)]) {
      expect(logs).not.toContain(secret);
    }
    await a.state().store.ds.query('DELETE FROM auth_failures');
  }, 120_000);

  // Last: it blocks this file's source address on both replicas.
  it('failed logins are limited across the two replicas: 3 failures in total, not 3 per replica', async () => {
    await a.post('/api2/json/access/users', { userid: 'carl@pve', password: 'carls-pass' }).expect(200);
    // The source address is shared by every test here: the expired-ticket login above counted.
    await a.state().store.ds.query('DELETE FROM auth_failures');
    const statuses: number[] = [];
    for (const api of [a, b, a, b]) statuses.push((await login(api, 'carl@pve', 'wrong-pass')).status);
    expect(statuses).toEqual([401, 401, 401, 401]);
    // Now blocked everywhere, even with the right password, and the client sees it.
    const blocked = await call(a, 'POST', '/access/ticket', { form: { username: 'carl@pve', password: 'carls-pass' } });
    expect([blocked.status, Number(blocked.headers.get('retry-after')) > 0]).toEqual([429, true]);
    expect((await login(b, 'carl@pve', 'carls-pass')).status).toBe(429);
    const px = proxmoxApi({ host: '127.0.0.1', port: port(b), username: 'carl@pve', password: 'carls-pass', fetch: tlsFetch });
    await expect(px.version.$get()).rejects.toThrow(/Auth .*access\/ticket Failed/);
  });
});

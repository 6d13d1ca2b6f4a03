/**
 * `npm run test:observability`: the whole product as `npm start` runs it
 * (API, config, IPAM and DNS services, one safe-mode node agent; private NATS
 * and a fresh database), scraped by a real `prometheus` binary. Checks:
 * - every /metrics served passes `promtool check metrics`;
 * - after one apply, PromQL returns series for apply latency
 *   (`sdn_apply_latency_seconds_count`) and outbox depth (`sdn_outbox_events`);
 * - that apply's correlation id is in the API's response header, its events
 *   (`events?correlation=`), the config service's log, the agent's log (as
 *   its `correlationId` field), the node's status on NATS, the apply task
 *   view and the task log;
 * - every service answers /health/live and /health/ready with 200;
 * - no log line of any service carries the run's secrets (the API token's
 *   secret, SDN_SECRET_KEY) or a token/ticket shape.
 * Needs prometheus/promtool (Debian `prometheus`, installed by
 * tools/setup-test-env.sh), nats-server and PostgreSQL. Exit 0 only when
 * every check held.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { connect } from 'nats';
import { busTopology } from '@sdn/bus';
import { adminQuery, TEST_PG_SERVER } from '@sdn/event-store';
import { promtoolCheck } from '@sdn/metrics';
import { scanLogsForSecrets } from '@sdn/service-kit/testing';
import { freePort, PrivateNatsServer } from '@sdn/netns-lab';
import { generateSecretKey } from '@sdn/secrets';

const ROOT = resolve(__dirname, '..', '..');
const APPS = ['api', 'config-service', 'ipam-service', 'dns-service', 'node-agent'] as const;
const NODE = 'obsnode';
const log = (s: string) => process.stdout.write(`[observability] ${s}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const children: ChildProcess[] = [];
process.on('exit', () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined | null | false>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(300);
  }
}

async function main(): Promise<void> {
  for (const bin of ['prometheus', 'promtool']) {
    if (spawnSync(bin, ['--version']).error) throw new Error(`${bin} not found: install Debian's prometheus package (tools/setup-test-env.sh does, as root)`);
  }
  if (!PrivateNatsServer.binary()) throw new Error('nats-server not found');
  const work = mkdtempSync(join(tmpdir(), 'sdn-observability-'));
  // Every process's stdout and stderr: grepped for the correlation id, scanned for secrets.
  const logs = join(work, 'logs');
  mkdirSync(logs);
  const db = `sdn_obs_${randomBytes(5).toString('hex')}`;
  const nats = await PrivateNatsServer.start('127.0.0.1');
  let prometheus: ChildProcess | undefined;
  let ok = false;
  try {
    await adminQuery(TEST_PG_SERVER, `CREATE DATABASE ${db}`);
    const apiPort = await freePort('127.0.0.1');
    const tokenSecret = randomUUID();
    const token = `root@pam!obs=${tokenSecret}`;
    const secretKey = generateSecretKey();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      SDN_API_HOST: '127.0.0.1',
      SDN_API_PORT: String(apiPort),
      SDN_API_TLS: 'off',
      DATABASE_URL: `${TEST_PG_SERVER}/${db}`,
      SDN_DATABASE_URL: `${TEST_PG_SERVER}/${db}`,
      NATS_URL: nats.url,
      SDN_NATS_URL: nats.url,
      SDN_BOOTSTRAP_TOKEN: token,
      SDN_SECRET_KEY: secretKey,
      SDN_DATA_DIR: join(work, 'data'),
    };
    // Workers serve /metrics on SDN_METRICS_PORT once the service skeleton has it; each gets its own port.
    const metricsPorts: Record<string, number> = {};
    for (const name of APPS) {
      const appEnv: NodeJS.ProcessEnv = { ...env };
      if (name !== 'api') {
        metricsPorts[name] = await freePort('127.0.0.1');
        Object.assign(appEnv, { SDN_METRICS_HOST: '127.0.0.1', SDN_METRICS_PORT: String(metricsPorts[name]) });
      }
      if (name === 'node-agent') Object.assign(appEnv, { SDN_AGENT_MODE: 'safe', SDN_NODE_NAME: NODE, SDN_AGENT_ROOT: join(work, 'node'), SDN_HEARTBEAT_MS: '1000' });
      const out = createWriteStream(join(logs, `${name}.log`));
      const child = spawn(process.execPath, ['-r', './tools/register.js', join('apps', name, 'src', 'main.ts')], { cwd: ROOT, env: appEnv, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout!.pipe(out);
      child.stderr!.pipe(out);
      children.push(child);
    }
    const base = `http://127.0.0.1:${apiPort}`;
    const auth = { Authorization: `PVEAPIToken=${token}` };
    const api = async (method: string, path: string, body?: object, headers: Record<string, string> = {}) => {
      const r = await fetch(`${base}/api2/json/${path}`, { method, headers: { ...auth, ...headers, ...(body ? { 'Content-Type': 'application/json' } : {}) }, body: body && JSON.stringify(body) });
      const text = await r.text();
      if (!r.ok) throw new Error(`${method} ${path}: HTTP ${r.status} ${text}`);
      return { data: (JSON.parse(text) as { data: unknown }).data, headers: r.headers };
    };
    await until('the API', 90_000, async () => (await fetch(`${base}/health`)).ok);
    log(`stack up: API ${base}, NATS ${nats.url}, database ${db}, logs in ${work}`);

    const promPort = await freePort('127.0.0.1');
    const targets = [`127.0.0.1:${apiPort}`];
    writeFileSync(
      join(work, 'prometheus.yml'),
      `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: sdn-api\n    static_configs:\n      - targets: ['${targets.join("', '")}']\n` +
        `  - job_name: sdn-workers\n    static_configs:\n${Object.entries(metricsPorts)
          .map(([name, port]) => `      - targets: ['127.0.0.1:${port}']\n        labels: { service: '${name}' }\n`)
          .join('')}`,
    );
    prometheus = spawn('prometheus', [`--config.file=${join(work, 'prometheus.yml')}`, `--storage.tsdb.path=${join(work, 'tsdb')}`, `--web.listen-address=127.0.0.1:${promPort}`], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const promLog = createWriteStream(join(logs, 'prometheus.log'));
    prometheus.stdout!.pipe(promLog);
    prometheus.stderr!.pipe(promLog);
    children.push(prometheus);
    const promql = async (q: string) => {
      const r = await fetch(`http://127.0.0.1:${promPort}/api/v1/query?query=${encodeURIComponent(q)}`);
      const j = (await r.json()) as { status: string; data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
      if (j.status !== 'success') throw new Error(`PromQL ${q}: ${JSON.stringify(j)}`);
      return j.data.result;
    };
    await until('prometheus', 60_000, async () => (await fetch(`http://127.0.0.1:${promPort}/-/ready`)).ok);

    // The agent has published facts and a status: the config service renders for it.
    await until(`a status from ${NODE}`, 60_000, async () => ((await api('GET', `nodes/${NODE}/sdn/zones`).catch(() => null)) ? true : null));
    await api('POST', 'cluster/sdn/zones', { zone: 'obsz', type: 'simple' });
    await api('POST', 'cluster/sdn/vnets', { vnet: 'obsv', zone: 'obsz' });
    const correlation = `obs-apply-${randomBytes(4).toString('hex')}`;
    const applied = await api('PUT', 'cluster/sdn', undefined, { 'X-Correlation-Id': correlation });
    const task = String(applied.data);
    const problems: string[] = [];
    const expect = (cond: boolean, what: string) => {
      log(`${cond ? 'ok  ' : 'FAIL'} ${what}`);
      if (!cond) problems.push(what);
    };
    expect(applied.headers.get('x-correlation-id') === correlation, `API response header X-Correlation-Id is ${correlation}`);
    const view = await until('the apply on the node', 60_000, async () => {
      const v = (await api('GET', `cluster/sdn/apply/${encodeURIComponent(task)}`)).data as { done: boolean; correlationId?: string };
      return v.done ? v : null;
    });
    expect(view.correlationId === correlation, `apply task view ${task} shows correlation id (${view.correlationId})`);
    const taskLog = (await api('GET', `nodes/${task.split(':')[1]}/tasks/${encodeURIComponent(task)}/log`)).data as { t: string }[];
    expect(taskLog[0]?.t.includes(`correlation id ${correlation}`), `task log's first line names the correlation id (${taskLog[0]?.t})`);
    const events = (await api('GET', `cluster/sdn/events?correlation=${correlation}`)).data as { type: string; correlationId: string }[];
    expect(events.some((e) => e.type === 'ConfigApplied') && events.every((e) => e.correlationId === correlation), `events?correlation= lists its ConfigApplied (${events.map((e) => e.type).join(', ')})`);
    const logOf = (name: string) => readFileSync(join(logs, `${name}.log`), 'utf8');
    await until('the agent log line', 10_000, async () => logOf('node-agent').includes(correlation)).catch(() => undefined);
    expect(logOf('config-service').includes(correlation), 'config service log has the correlation id');
    const agentLines = logOf('node-agent')
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { correlationId?: string; node?: string; service?: string });
    expect(
      agentLines.some((l) => l.correlationId === correlation && l.node === NODE && l.service === 'node-agent'),
      'node agent log has a line with correlationId, node and service fields of the apply',
    );
    // Back in the node's status (the latest message on its status subject).
    const nc = await connect({ servers: nats.url });
    try {
      const t = busTopology('');
      const m = await (await nc.jetstreamManager()).streams.getMessage(t.streams.status.name, { last_by_subj: t.statusSubject(NODE) });
      const apply = (m.json() as { apply: { correlationId?: string } }).apply;
      expect(apply.correlationId === correlation, `node status reports the apply with its correlation id (${apply.correlationId})`);
    } finally {
      await nc.close();
    }

    // Prometheus scrapes every second: apply latency and outbox depth come in within a few scrapes.
    const latency = await until('sdn_apply_latency_seconds in Prometheus', 30_000, async () => {
      const r = await promql(`sdn_apply_latency_seconds_count{node="${NODE}"}`);
      return r.length && Number(r[0].value[1]) >= 1 ? r : null;
    }).catch((e: Error) => (log(e.message), []));
    expect(latency.length > 0, `PromQL sdn_apply_latency_seconds_count{node="${NODE}"} returns a series (${latency.map((s) => s.value[1]).join(',')})`);
    const took = await promql(`sdn_apply_latency_seconds_sum{node="${NODE}"}`);
    log(`     apply latency of that apply: ${took.map((s) => Number(s.value[1]).toFixed(3)).join(',')} s`);
    const outbox = await until('sdn_outbox_events in Prometheus', 30_000, async () => {
      const r = await promql('sdn_outbox_events');
      return r.some((s) => s.metric.outbox === 'api') ? r : null;
    }).catch((e: Error) => (log(e.message), []));
    expect(outbox.some((s) => s.metric.outbox === 'api'), `PromQL sdn_outbox_events returns series (${outbox.map((s) => `${s.metric.outbox}=${s.value[1]}`).join(', ')})`);
    const lag = await promql('sdn_outbox_oldest_event_age_seconds');
    expect(lag.length > 0, `PromQL sdn_outbox_oldest_event_age_seconds returns series (${lag.map((s) => `${s.metric.outbox}=${s.value[1]}`).join(', ')})`);
    const nodes = await promql('sdn_nodes{state="applied"}');
    expect(nodes.length === 1 && nodes[0].value[1] === '1', `PromQL sdn_nodes{state="applied"} is 1 (${nodes.map((s) => s.value[1]).join(',')})`);

    // Every /metrics served passes promtool.
    const api1 = await (await fetch(`${base}/metrics`)).text();
    const check = promtoolCheck(api1);
    expect(check === null, `API /metrics passes promtool check metrics${check ? `: ${check}` : ''}`);
    for (const [name, port] of Object.entries(metricsPorts)) {
      const text = await fetch(`http://127.0.0.1:${port}/metrics`).then((r) => (r.ok ? r.text() : null), () => null);
      expect(text !== null, `${name} serves /metrics on SDN_METRICS_PORT`);
      if (text === null) continue;
      const c = promtoolCheck(text);
      expect(c === null, `${name} /metrics passes promtool check metrics${c ? `: ${c}` : ''}`);
    }
    // Health on every service: the API's on its port, the others' on SDN_METRICS_PORT.
    for (const [name, origin] of [['api', base], ...Object.entries(metricsPorts).map(([n, p]) => [n, `http://127.0.0.1:${p}`])]) {
      const live = await fetch(`${origin}/health/live`).then((r) => r.status, () => 0);
      const ready = await fetch(`${origin}/health/ready`).then(async (r) => `${r.status} ${await r.text()}`, (e: Error) => e.message);
      expect(live === 200 && ready.startsWith('200 '), `${name} /health/live ${live}, /health/ready ${ready}`);
    }
    // No secret of this run in any log line (every service's stdout and stderr).
    const scan = scanLogsForSecrets(logs, [
      { name: 'API token secret', value: tokenSecret },
      { name: 'SDN_SECRET_KEY', value: secretKey },
    ]);
    expect(scan.findings.length === 0, `secret scan: ${scan.lines} log lines in ${scan.files} files, ${scan.findings.map((f) => `${f.file}:${f.line} ${f.what}`).join('; ') || 'no secret'}`);
    ok = problems.length === 0;
    if (!ok) log(`${problems.length} check(s) failed; logs kept in ${work}`);
  } finally {
    for (const c of children.splice(0).reverse()) {
      if (c.exitCode !== null) continue;
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGTERM');
      await Promise.race([exited, sleep(10_000).then(() => c.kill('SIGKILL'))]);
    }
    await nats.destroy().catch(() => undefined);
    await adminQuery(TEST_PG_SERVER, `DROP DATABASE IF EXISTS ${db} WITH (FORCE)`).catch(() => undefined);
    if (ok) rmSync(work, { recursive: true, force: true });
  }
  if (!ok) process.exit(1);
  log('all checks passed');
}

main().catch((e) => {
  log(`failed: ${e instanceof Error ? e.stack : String(e)}`);
  process.exit(1);
});

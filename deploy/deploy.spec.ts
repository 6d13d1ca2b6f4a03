import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix, relative } from 'node:path';
import { parse } from 'yaml';
import { SETTINGS } from '@sdn/config';

/**
 * The shipped deployment files: docker-compose.yml names every public image through a variable, the
 * Prometheus scrape config passes promtool, and the Grafana dashboard is well formed, shows the pipeline
 * in order and holds only PromQL that promtool accepts. (`npm run test:compose` runs the stack itself.)
 */
const ROOT = join(__dirname, '..');
const read = (p: string) => readFileSync(join(ROOT, p), 'utf8');
const promtool = spawnSync('promtool', ['--version']).status === 0;
// tools/setup-test-env.sh installs Debian's prometheus package (promtool) as root.
const withPromtool = promtool ? it : it.skip;
if (!promtool) console.warn('skipping the promtool checks: promtool is not installed (npm test installs it as root)');

interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { h: number; w: number; x: number; y: number };
  datasource?: { type: string; uid: string };
  targets?: { refId: string; expr: string; datasource?: { uid: string } }[];
}
const dashboard = JSON.parse(read('deploy/grafana/dashboards/sdn-pipeline.json')) as {
  uid: string;
  title: string;
  schemaVersion: number;
  panels: Panel[];
  templating: { list: { name: string; type: string; query: string; current: { value: string } }[] };
};

describe('docker-compose.yml', () => {
  const compose = read('docker-compose.yml');

  it('names every public image through a variable whose default is the official image', () => {
    const images = [...compose.matchAll(/^\s+image:\s*(.+)$/gm)].map((m) => m[1].trim());
    expect(images.length).toBeGreaterThan(5);
    for (const image of images) {
      if (image === '*sdn-image') continue;
      expect(image).toMatch(/^\$\{[A-Z_]+_IMAGE:-[a-z0-9./-]+(:[\w.-]+)?\}(:\w+)?$/);
      expect(image).not.toMatch(/standin/);
    }
    expect(read('Dockerfile')).toMatch(/^ARG NODE_IMAGE=node:22-bookworm-slim$/m);
  });

  interface Service {
    image?: string;
    profiles?: string[];
    environment?: Record<string, string>;
    volumes?: string[];
    healthcheck?: { test: string[] };
    deploy?: { replicas?: number };
    depends_on?: Record<string, { condition: string }>;
  }
  // Anchors and merge keys resolved as Compose resolves them.
  const services = (parse(compose, { merge: true }) as { services: Record<string, Service> }).services;
  const running = Object.entries(services).filter(([name, s]) => name !== 'sdn-init' && !s.profiles);
  const apps = ['api', 'config-service', 'ipam-service', 'dns-service', 'node-agent'] as const;

  it('gives every long-running service a healthcheck, and the control plane two or more replicas', () => {
    expect(running.length).toBeGreaterThanOrEqual(11);
    for (const [name, s] of running) expect(`${name}: ${(s.healthcheck?.test ?? []).length > 0}`).toBe(`${name}: true`);
    for (const name of ['api', 'config-service', 'ipam-service', 'dns-service']) expect(`${name}: ${services[name].deploy?.replicas ?? 1}`).toMatch(/: [2-9]$/);
    // Each product service probes its own readiness endpoint.
    for (const app of apps) expect(services[app].healthcheck?.test).toEqual(['CMD', 'sdn-health', '/health/ready']);
  });

  it('sets only settings that the service it is set on reads (@sdn/config names, aliases or _FILE variants)', () => {
    // The compose file once set DATABASE_URL where the API read SDN_DATABASE_URL: the API dialled 127.0.0.1 forever.
    const all = Object.values(SETTINGS as Record<string, { name: string; aliases: readonly string[]; secret: boolean; apps: readonly string[] }>);
    const unread: string[] = [];
    for (const app of apps) {
      const env = services[app].environment ?? {};
      expect(env.SDN_APP).toBe(app);
      for (const variable of Object.keys(env).filter((v) => v !== 'SDN_APP')) {
        const known = all.find((s) => [s.name, ...s.aliases].some((n) => n === variable || (s.secret && `${n}_FILE` === variable)));
        if (!known?.apps.includes(app)) unread.push(`${app} ${variable}: ${known ? `read only by ${known.apps.join(', ')}` : 'unknown to @sdn/config'}`);
      }
    }
    expect(unread).toEqual([]);
  });

  it('starts what depends on a service once that service is healthy (one-shot sdn-init: once it completed)', () => {
    for (const [name, s] of running) {
      for (const [dep, { condition }] of Object.entries(s.depends_on ?? {})) {
        const want = dep === 'sdn-init' ? 'service_completed_successfully' : 'service_healthy';
        expect(`${name} -> ${dep}: ${condition}`).toBe(`${name} -> ${dep}: ${want}`);
      }
    }
  });

  it('needs no database password: PostgreSQL and the services with a database read the file sdn-init writes', () => {
    // Before, `docker compose up` (and `config`) refused to start without SDN_DB_PASSWORD.
    expect(compose).not.toMatch(/SDN_DB_PASSWORD:\?/);
    /** The volume `service` mounts at the directory of `file`, and whether read-only. */
    const volumeOf = (service: string, file: string) => {
      const dir = posix.dirname(file);
      const m = (services[service].volumes ?? []).map((v) => v.split(':')).find(([, target]) => target === dir);
      return m ? `${m[0]}${m[2] === 'ro' ? ' (ro)' : ''}` : `${service}: nothing mounted at ${dir}`;
    };
    const init = read('deploy/docker/sdn-init.sh');
    const written = `${/^SECRETS=(\S+)$/m.exec(init)?.[1]}/db-password`;
    expect(init).toContain('"$SECRETS/db-password"');
    const volume = volumeOf('sdn-init', written);
    expect(volume).toMatch(/^[\w-]+$/);
    expect(volumeOf('postgres', services.postgres.environment?.POSTGRES_PASSWORD_FILE ?? '')).toBe(`${volume} (ro)`);
    for (const app of ['api', 'ipam-service']) {
      const env = services[app].environment ?? {};
      expect(new URL(env.SDN_DATABASE_URL).password).toBe('');
      expect(volumeOf(app, env.SDN_DATABASE_PASSWORD_FILE ?? '')).toBe(`${volume} (ro)`);
    }
    // The other services get no access to it.
    for (const app of ['config-service', 'dns-service', 'node-agent', 'haproxy', 'pdns']) expect(JSON.stringify(services[app].volumes ?? [])).not.toContain(volume);
  });

  it('runs Prometheus and Grafana only under the monitoring profile', () => {
    for (const service of ['prometheus', 'grafana']) {
      const block = compose.split(new RegExp(`^  ${service}:$`, 'm'))[1]?.split(/^  \S/m)[0] ?? '';
      expect(block).toMatch(/profiles: \[monitoring\]/);
    }
    expect(compose.match(/profiles:/g)).toHaveLength(2);
  });
});

describe('Dockerfile', () => {
  const stage = (name: string) => read('Dockerfile').split(/^FROM /m).find((s) => s.split('\n')[0].endsWith(` AS ${name}`)) ?? '';

  it("puts the web panel where the API's SDN_WEB_DIR default finds it in the product image", () => {
    // The image holds the repository's layout compiled under /app/dist (tools/build/build.js); the default is
    // relative to the checkout, so in the image it is the same path under /app/dist.
    const inImage = posix.join('/app/dist', relative(ROOT, (SETTINGS.webDir.default as () => string)()));
    const runtime = stage('runtime');
    expect(runtime).toMatch(/^base AS runtime$/m);
    expect(stage('base')).toMatch(/^WORKDIR \/app$/m);
    const target = /^COPY --from=build \/src\/apps\/web\/dist (\S+)$/m.exec(runtime)?.[1] ?? '(no COPY of the panel)';
    expect(posix.resolve('/app', target)).toBe(inImage);
    expect(stage('build')).toMatch(/^RUN .*npm run -s build:web/m);
  });
});

describe('deploy/prometheus/prometheus.yml', () => {
  withPromtool('passes promtool check config', () => {
    const out = execFileSync('promtool', ['check', 'config', join(ROOT, 'deploy/prometheus/prometheus.yml')], { encoding: 'utf8' });
    expect(out).toMatch(/SUCCESS/);
  });

  it('scrapes every service of the compose file', () => {
    const jobs = [...read('deploy/prometheus/prometheus.yml').matchAll(/job_name:\s*(\S+)/g)].map((m) => m[1]);
    expect(jobs).toEqual(expect.arrayContaining(['api', 'config-service', 'ipam-service', 'dns-service', 'node-agent']));
  });
});

describe('deploy/grafana/dashboards/sdn-pipeline.json', () => {
  const rows = dashboard.panels.filter((p) => p.type === 'row');
  const graphs = dashboard.panels.filter((p) => p.type !== 'row');

  it('shows the pipeline API → event store → outbox → NATS → config service → agents → status, in that order', () => {
    const stages = ['API', 'Event store', 'Outbox', 'NATS', 'Config service', 'Agents', 'Status'];
    const at = stages.map((s) => rows.findIndex((r) => r.title.includes(s)));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    // Rows are laid out top to bottom in that order as well.
    const ys = at.map((i) => rows[i].gridPos.y);
    expect([...ys].sort((a, b) => a - b)).toEqual(ys);
  });

  it('is a loadable dashboard: uid, unique ids, panels on the 24-column grid without overlaps, one data source', () => {
    expect(dashboard.uid).toMatch(/^[a-z0-9-]{1,40}$/);
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    expect(new Set(dashboard.panels.map((p) => p.id)).size).toBe(dashboard.panels.length);
    const cells = new Set<string>();
    for (const p of dashboard.panels) {
      const g = p.gridPos;
      expect(g.x + g.w).toBeLessThanOrEqual(24);
      for (let y = g.y; y < g.y + g.h; y++)
        for (let x = g.x; x < g.x + g.w; x++) {
          expect(cells.has(`${x},${y}`)).toBe(false);
          cells.add(`${x},${y}`);
        }
    }
    const ds = dashboard.templating.list.find((v) => v.name === 'datasource');
    expect(ds).toMatchObject({ type: 'datasource', query: 'prometheus' });
    // The default is the data source deploy/grafana/provisioning creates.
    expect(read('deploy/grafana/provisioning/datasources/prometheus.yml')).toContain(`uid: ${ds?.current.value}`);
    for (const p of graphs) {
      expect(p.datasource?.uid).toBe('${datasource}');
      expect(p.targets?.length).toBeGreaterThan(0);
      for (const t of p.targets ?? []) expect(t.expr).toMatch(/\bsdn_\w+|\bup\b/);
    }
  });

  withPromtool('holds only PromQL that promtool accepts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sdn-dashboard-'));
    try {
      // Grafana's interval variables are not PromQL; promtool checks each expression as a recording rule.
      const exprs = graphs.flatMap((p) => (p.targets ?? []).map((t) => t.expr.replace(/\$__(rate_interval|range|interval)/g, '5m')));
      const rules = ['groups:', '  - name: sdn-dashboard', '    rules:', ...exprs.flatMap((e, i) => [`      - record: sdn_dashboard_expr_${i}`, `        expr: ${JSON.stringify(e)}`])].join('\n');
      writeFileSync(join(dir, 'rules.yml'), rules + '\n');
      const out = execFileSync('promtool', ['check', 'rules', join(dir, 'rules.yml')], { encoding: 'utf8' });
      expect(out).toMatch(new RegExp(`SUCCESS: ${exprs.length} rules found`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createTestDatabase } from '@sdn/event-store';
import { freePort } from '../testing/free-port';
import { seedObjects, vxlanVnets } from '../testing/seed';
import { AUTH, ROOT_SECRET, ROOT_TOKEN_ID } from '../testing/test-app';

const REPO = join(__dirname, '../../../..');
/** The API's V8 heap ceiling: a dry run beyond it kills the process (what a container memory limit does). */
const HEAP_MIB = 512;

/**
 * Issue 22: a first apply of 2 500 VNets (nothing running yet) took the API to
 * ~10 GB. The API runs here as its own process with a 512 MiB heap and must
 * answer the dry run (a 35 001-line addition) and the cluster summary, and live on.
 */
describe(`dry run of 2 500 pending VNets in an API limited to a ${HEAP_MIB} MiB heap`, () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let api: ChildProcess;
  let base: string;
  let stderr = '';
  beforeAll(async () => {
    db = await createTestDatabase();
    await seedObjects(db.url, vxlanVnets(2500, ['192.0.2.1', '192.0.2.2']));
    const port = await freePort();
    base = `http://127.0.0.1:${port}/api2/json`;
    api = spawn(process.execPath, [`--max-old-space-size=${HEAP_MIB}`, '-r', join(REPO, 'tools/register.js'), join(REPO, 'apps/api/src/main.ts')], {
      cwd: REPO,
      env: { ...process.env, SDN_DATABASE_URL: db.url, SDN_API_HOST: '127.0.0.1', SDN_API_PORT: String(port), SDN_API_TLS: 'off', SDN_API_NATS: '0', SDN_API_RELAY: '0', SDN_BOOTSTRAP_TOKEN: `${ROOT_TOKEN_ID}=${ROOT_SECRET}` },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    api.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    for (let i = 0; ; i++) {
      if (await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.ok, () => false)) break;
      if (api.exitCode !== null || i > 300) throw new Error(`API did not start: ${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }, 120_000);
  afterAll(async () => {
    if (api && api.exitCode === null) {
      api.kill('SIGTERM');
      await new Promise((r) => api.once('exit', r));
    }
    await db?.drop();
  });

  const get = async (path: string) => {
    const r = await fetch(`${base}${path}`, { headers: { Authorization: AUTH } });
    return { status: r.status, body: (await r.json()) as { data: any } };
  };

  it('answers the one-node dry run: the whole file as an addition', async () => {
    const r = await get('/cluster/sdn/dry-run?node=pve1');
    expect(r.status).toBe(200);
    const lines: string[] = r.body.data['interfaces-diff'].split('\n');
    expect(lines.slice(0, 3)).toEqual(['--- /etc/network/interfaces.d/sdn', '+++ pending', '@@ -0,0 +1,35001 @@']);
    expect(lines.filter((l) => l.startsWith('+') && !l.startsWith('+++'))).toHaveLength(35_001);
    expect(lines).toContain('+auto vx2499');
    expect(api.exitCode).toBeNull();
  }, 120_000);

  it('answers the cluster-wide summary for the same nodes and stays up', async () => {
    const r = await get('/cluster/sdn/dry-run/summary?nodes=pve1,pve2,pve3');
    expect(r.status).toBe(200);
    expect(r.body.data).toEqual(['pve1', 'pve2', 'pve3'].map((node) => expect.objectContaining({ node, changed: true, 'interfaces-added': 35_001, 'interfaces-removed': 0 })));
    expect((await get('/cluster/sdn/zones')).status).toBe(200);
    expect(api.exitCode).toBeNull();
  }, 120_000);
});

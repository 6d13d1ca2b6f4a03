import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exec } from './exec';
import { dataplaneUnavailable, NetnsLab, reapStaleLabs } from './lab';
import { ping } from './ping';

const reason = dataplaneUnavailable();
if (reason) console.log(`netns-lab tests skipped: ${reason}`);
const suite = reason ? describe.skip : describe;

const namespaces = async () => (await exec('ip', ['netns', 'list'])).stdout;

suite('NetnsLab', () => {
  it('wires hosts on the underlay, pings between them, and removes everything on destroy', async () => {
    const lab = new NetnsLab(`lt${Math.random().toString(36).slice(2, 6)}`);
    try {
      await lab.underlay();
      const a = await lab.addHost('a', '192.168.7.1/24');
      const b = await lab.addHost('b', '192.168.7.2/24');
      expect(await namespaces()).toContain(a);
      const p = await ping(a, '192.168.7.2', { count: 1 });
      expect(p.ok).toBe(true);
      expect(p.output).toMatch(/1 received/);
      expect((await ping(b, '192.168.7.99', { count: 1 })).ok).toBe(false);
    } finally {
      await lab.destroy();
    }
    expect(await namespaces()).not.toContain(`${lab.prefix}-`);
    expect(existsSync(lab.base)).toBe(false);
  });

  it('reaps labs whose owning process is gone', async () => {
    const prefix = `lr${Math.random().toString(36).slice(2, 6)}`;
    const dir = join(process.env.SDN_LAB_WORK ?? '/tmp/sdn-netns-lab', prefix);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'owner.pid'), '999999999'); // no such process
    await exec('ip', ['netns', 'add', `${prefix}-left`]);
    expect(reapStaleLabs()).toContain(prefix);
    expect(await namespaces()).not.toContain(`${prefix}-left`);
    expect(existsSync(dir)).toBe(false);
  });
});

import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InlineNodeBundleV1 } from '@sdn/contracts';
import { configFromEnv } from '../config/agent-config';
import { Applier } from './applier';

/**
 * The apply transaction with stand-in commands (no root needed): the
 * "ifreload" fails when the SDN file contains `broken`, the "ifquery"
 * reports every stanza of the file as passing, the "FRR reload" records its call.
 */
describe('Applier (live mode, stand-in commands)', () => {
  let root: string;
  let applier: Applier;
  const bundle = (version: number, interfaces: string, frr?: string): InlineNodeBundleV1 => ({
    node: 'n1',
    version,
    hash: `h${version}-${interfaces.length}-${frr?.length ?? 0}`,
    files: frr === undefined ? { interfaces } : { interfaces, frr },
    renderedAt: new Date(0).toISOString(),
  });
  const sdnPath = () => join(root, 'etc/network/interfaces.d/sdn');
  const frrPath = () => join(root, 'etc/frr/frr.conf');
  const v1 = '#version:1\n\nauto a\niface a\n\tbridge_ports none\n';
  const v2 = '#version:2\n\nauto a\niface a\n\tbridge_ports none\n\nauto b\niface b\n\tbridge_ports none\n';

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'applier-'));
    const sdn = join(root, 'etc/network/interfaces.d/sdn');
    const base = configFromEnv({ SDN_NODE_NAME: 'n1', SDN_AGENT_MODE: 'live', SDN_AGENT_ROOT: root });
    applier = new Applier({
      ...base,
      commands: {
        wrapper: [],
        ifreload: ['sh', '-c', `! grep -q broken ${sdn} || { echo boom >&2; exit 1; }`],
        ifquery: ['sh', '-c', `printf '['; sed -n 's/^iface \\([^ ]*\\).*/{"name":"\\1","status":"pass"},/p' ${sdn} | tr -d '\\n' | sed 's/,$//'; printf ']'`],
        frrReload: ['sh', '-c', `echo "$0" >> ${root}/frr-reloads; ! grep -q broken "$0" || exit 3`, '{frrConf}'],
      },
    });
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('writes the files, records the version, keeps history, and skips an identical bundle', async () => {
    const out = await applier.apply(bundle(1, v1, 'frr defaults datacenter\n'));
    expect(out).toMatchObject({ state: 'applied', running: { version: 1 } });
    expect(readFileSync(sdnPath(), 'utf8')).toBe(v1);
    expect(readFileSync(join(root, 'frr-reloads'), 'utf8').trim()).toBe(frrPath());
    expect(readdirSync(join(root, 'var/lib/sdn-agent/history'))).toHaveLength(1);
    expect(applier.check?.get('a')?.status).toBe('pass');
    const mtime = statSync(sdnPath()).mtimeMs;
    expect((await applier.apply(bundle(1, v1, 'frr defaults datacenter\n'))).state).toBe('unchanged');
    expect(statSync(sdnPath()).mtimeMs).toBe(mtime);
    expect(readFileSync(join(root, 'frr-reloads'), 'utf8').trim().split('\n')).toHaveLength(1);
    // History entries are links to what was written; the next write must not change them.
    await applier.apply(bundle(2, v2, 'frr defaults datacenter\n'));
    const history = join(root, 'var/lib/sdn-agent/history');
    const dirs = readdirSync(history).sort();
    expect(dirs).toHaveLength(2);
    expect(dirs.map((d) => readFileSync(join(history, d, 'sdn'), 'utf8'))).toEqual([v1, v2]);
    expect(readFileSync(join(history, dirs[1], 'frr.conf'), 'utf8')).toBe('frr defaults datacenter\n');
  });

  it('restores the previous files when the reload fails and keeps the running version', async () => {
    await applier.apply(bundle(1, v1));
    const out = await applier.apply(bundle(2, `${v2}\nauto broken\niface broken\n`));
    expect(out.state).toBe('error');
    expect(out.message).toMatch(/ifreload failed \(rc 1\): boom/);
    expect(out.running?.version).toBe(1);
    expect(readFileSync(sdnPath(), 'utf8')).toBe(v1);
    expect((await applier.state())?.version).toBe(1);
    expect((await applier.apply(bundle(3, v2))).state).toBe('applied');
  });

  it('a failed first apply leaves no SDN file behind', async () => {
    const out = await applier.apply(bundle(1, '#version:1\n\nauto broken\niface broken\n'));
    expect(out.state).toBe('error');
    expect(existsSync(sdnPath())).toBe(false);
  });

  it('a failing FRR reload rolls back both files', async () => {
    await applier.apply(bundle(1, v1, 'router bgp 65000\n'));
    const out = await applier.apply(bundle(2, v2, 'router bgp 65000\n broken\n'));
    expect(out.state).toBe('error');
    expect(out.message).toMatch(/FRR reload failed \(rc 3\)/);
    expect(readFileSync(sdnPath(), 'utf8')).toBe(v1);
    expect(readFileSync(frrPath(), 'utf8')).toBe('router bgp 65000\n');
  });

  it('fails the apply when ifquery reports an SDN interface as not passing', async () => {
    const failing = new Applier({
      ...configFromEnv({ SDN_NODE_NAME: 'n1', SDN_AGENT_MODE: 'live', SDN_AGENT_ROOT: root }),
      commands: { wrapper: [], ifreload: ['true'], ifquery: ['echo', '[{"name":"a","status":"fail","config_status":{"mtu":"fail"}}]'], frrReload: [] },
    });
    const out = await failing.apply(bundle(1, v1));
    expect(out.state).toBe('error');
    expect(out.message).toBe('ifquery check failed: a: fail (mtu)');
  });

  it('applies files given as bytes like text, skips them when unchanged, and reports every write of the SDN file', async () => {
    const seen: (string | null)[] = [];
    applier.onInterfacesWritten = async (c) => {
      seen.push(c === null ? null : c.toString());
    };
    const asBytes = (b: InlineNodeBundleV1) => ({ ...b, files: { interfaces: Buffer.from(b.files.interfaces), ...(b.files.frr === undefined ? {} : { frr: Buffer.from(b.files.frr) }) } });
    expect((await applier.apply(asBytes(bundle(1, v1, 'frr ✓\n')))).state).toBe('applied');
    expect([readFileSync(sdnPath(), 'utf8'), readFileSync(frrPath(), 'utf8')]).toEqual([v1, 'frr ✓\n']);
    // The same files as text or as bytes are the same bundle: nothing written, FRR not reloaded.
    expect((await applier.apply(bundle(1, v1, 'frr ✓\n'))).state).toBe('unchanged');
    expect((await applier.apply(asBytes(bundle(1, v1, 'frr ✓\n')))).state).toBe('unchanged');
    expect((await applier.apply(asBytes(bundle(2, v2, 'frr ✓\n')))).state).toBe('applied');
    expect(readFileSync(join(root, 'frr-reloads'), 'utf8').trim().split('\n')).toHaveLength(1);
    // A failed apply writes twice: the new file, then the previous one back.
    const broken = `${v2}\nauto broken\niface broken\n`;
    expect((await applier.apply(asBytes(bundle(3, broken)))).state).toBe('error');
    expect(seen).toEqual([v1, v2, broken, v2]);
    expect(readFileSync(sdnPath(), 'utf8')).toBe(v2);
  });

  describe('FRR daemons (fabricd/ospfd in /etc/frr/daemons)', () => {
    const daemonsPath = () => join(root, 'etc/frr/daemons');
    const DAEMONS = 'bgpd=no\nospfd=no\nfabricd=no\nvtysh_enable=yes\n';
    const fabricBundle = (version: number, frr: string, daemons: { fabricd: boolean; ospfd: boolean }) => ({ ...bundle(version, v1, frr), frrDaemons: daemons });
    const calls = () => (existsSync(join(root, 'frr-calls')) ? readFileSync(join(root, 'frr-calls'), 'utf8').trim().split('\n').map((l) => l.trim()) : []);
    let restarting: Applier;
    beforeEach(() => {
      const sdn = join(root, 'etc/network/interfaces.d/sdn');
      restarting = new Applier({
        ...configFromEnv({ SDN_NODE_NAME: 'n1', SDN_AGENT_MODE: 'live', SDN_AGENT_ROOT: root }),
        commands: {
          wrapper: [],
          ifreload: ['true'],
          ifquery: ['sh', '-c', `printf '['; sed -n 's/^iface \\([^ ]*\\).*/{"name":"\\1","status":"pass"},/p' ${sdn} | tr -d '\\n' | sed 's/,$//'; printf ']'`],
          frrReload: ['sh', '-c', `echo reload >> ${root}/frr-calls`],
          // The restart sees the daemons file it must start from; it fails when frr.conf asks it to.
          frrRestart: ['sh', '-c', `echo "restart $(grep -E '^(fabricd|ospfd)=' ${root}/etc/frr/daemons | tr '\\n' ' ')" >> ${root}/frr-calls; ! grep -q broken "$0"`, '{frrConf}'],
        },
      });
      mkdirSync(join(root, 'etc/frr'), { recursive: true });
      writeFileSync(daemonsPath(), DAEMONS);
    });

    it('switches fabricd on with a restart (not a reload), then reloads while the daemon set stays', async () => {
      expect((await restarting.apply(fabricBundle(1, 'router openfabric f\n', { fabricd: true, ospfd: false }))).state).toBe('applied');
      expect(readFileSync(daemonsPath(), 'utf8')).toBe('bgpd=no\nospfd=no\nfabricd=yes\nvtysh_enable=yes\n');
      expect(calls()).toEqual(['restart ospfd=no fabricd=yes']);
      expect((await restarting.apply(fabricBundle(1, 'router openfabric f\n', { fabricd: true, ospfd: false }))).state).toBe('unchanged');
      expect((await restarting.apply(fabricBundle(2, 'router openfabric f\n net 1\n', { fabricd: true, ospfd: false }))).state).toBe('applied');
      expect(calls()).toEqual(['restart ospfd=no fabricd=yes', 'reload']);
    });

    it('puts a hand-edited daemons file back even when the files are unchanged', async () => {
      await restarting.apply(fabricBundle(1, 'router openfabric f\n', { fabricd: true, ospfd: false }));
      writeFileSync(daemonsPath(), DAEMONS);
      expect((await restarting.apply(fabricBundle(1, 'router openfabric f\n', { fabricd: true, ospfd: false }))).state).toBe('applied');
      expect(readFileSync(daemonsPath(), 'utf8')).toContain('fabricd=yes');
      expect(calls()).toEqual(['restart ospfd=no fabricd=yes', 'restart ospfd=no fabricd=yes']);
    });

    it('a failed restart restores frr.conf and the daemons file and restarts FRR on them', async () => {
      await restarting.apply(bundle(1, v1, 'frr defaults datacenter\n'));
      const out = await restarting.apply(fabricBundle(2, 'router ospf\n broken\n', { fabricd: false, ospfd: true }));
      expect(out.state).toBe('error');
      expect(out.message).toMatch(/FRR restart failed \(rc 1\)/);
      expect(readFileSync(daemonsPath(), 'utf8')).toBe(DAEMONS);
      expect(readFileSync(frrPath(), 'utf8')).toBe('frr defaults datacenter\n');
      expect(calls()).toEqual(['reload', 'restart ospfd=yes fabricd=no', 'restart ospfd=no fabricd=no']);
      expect((await restarting.state())?.version).toBe(1);
    });

    it("refuses a fabric when FRR is not installed (no daemons file), with the reference's error, writing nothing", async () => {
      rmSync(daemonsPath());
      const out = await restarting.apply(fabricBundle(1, 'router openfabric f\n', { fabricd: true, ospfd: false }));
      expect(out).toMatchObject({ state: 'error', message: `${daemonsPath()} file does not exist; is the frr package installed?` });
      expect(existsSync(frrPath())).toBe(false);
      expect(existsSync(sdnPath())).toBe(false);
      // With every managed daemon off there is nothing to switch: the apply goes on.
      expect((await restarting.apply(fabricBundle(2, 'frr defaults datacenter\n', { fabricd: false, ospfd: false }))).state).toBe('applied');
      expect(existsSync(daemonsPath())).toBe(false);
    });
  });
});

import { randomBytes } from 'node:crypto';
import { BUNDLE_ENCODING_GZIP_V1, bundleContentHash } from '@sdn/contracts';
import { connectBus, silentLogger, type IsolatedBus } from '@sdn/bus';
import { renderNode } from '@sdn/render';
import { sampleConfig, factsMessage } from '../planner/test-fixtures';
import { BundleBus } from '../bundles/bundle-bus';
import { appliedVersions, bundleHistory, bundleHistoryBus, drained, publishConfigApplied, rawBundleHistory, registerNode, until, versionHistory } from '../testing/bus-fixtures';
import { ConfigService, type ReconcileReport } from './config-service';

const NODES: [string, string][] = [
  ['n1', '10.0.0.1'],
  ['n2', '10.0.0.2'],
  ['n3', '10.0.0.3'],
];

describe('ConfigService (real NATS)', () => {
  let bus: IsolatedBus;
  const services: ConfigService[] = [];
  const start = async (opts: Partial<ConstructorParameters<typeof ConfigService>[0]> = {}) => {
    const s = new ConfigService({ bus, ackWaitMs: 1500, retryDelayMs: () => 100, ...opts });
    await s.start();
    services.push(s);
    return s;
  };
  const idle = async () => {
    await drained(bus, bus.topology.streams.events.name, 'config-service-config-applied');
    await drained(bus, bus.topology.streams.facts.name, 'config-service-facts');
  };
  /** The versions the node was told to run, full bundles and version-only messages alike (sampleConfig(v) differs from v-1 only in the version). */
  const versions = (node: string) => appliedVersions(bus, node);
  const fullVersions = async (node: string) => (await bundleHistory(bus, node)).map((b) => b.version);

  beforeEach(async () => {
    bus = await bundleHistoryBus('config-service-spec');
    for (const [n, ip] of NODES) await registerNode(bus, n, ip);
  });
  afterEach(async () => {
    for (const s of services.splice(0)) await s.stop();
    await bus.destroy();
  });

  it('publishes each node its rendered bundle for a ConfigApplied', async () => {
    await start();
    await publishConfigApplied(bus, 1, sampleConfig(1), 'UPID:apply1');
    await until(async () => (await bundleHistory(bus, 'n3')).length === 1);
    await idle();
    for (const [n, ip] of NODES) {
      const [bundle] = await bundleHistory(bus, n);
      const files = renderNode(sampleConfig(1), factsMessage(n, ip).facts as never);
      expect(bundle).toMatchObject({ node: n, version: 1, task: 'UPID:apply1', files, hash: bundleContentHash(files) });
    }
    expect((await bundleHistory(bus, 'n1'))[0].files.interfaces).toContain('auto vs1');
    expect((await bundleHistory(bus, 'n2'))[0].files.interfaces).not.toContain('vs1');
    expect((await bundleHistory(bus, 'n2'))[0].scope).toEqual({ zones: { zx: { type: 'vxlan' } }, vnets: { vx1: { zone: 'zx' } } });
    // On the wire the content is packed: no plain files, an explicit encoding.
    const [raw] = await rawBundleHistory(bus, 'n1');
    expect(raw).toMatchObject({ encoding: BUNDLE_ENCODING_GZIP_V1, packed: expect.any(String) });
    expect(raw.files).toBeUndefined();
  });

  it("refuses loudly a bundle that exceeds the server's max_payload even packed, and still serves the other nodes", async () => {
    const errors: string[] = [];
    const log = { ...bus.log, error: (m: string) => void errors.push(m) };
    // Random text barely compresses: n2's file stays above 1 MiB once packed.
    const noise = randomBytes(1200 * 1024).toString('base64');
    const svc = new ConfigService({ bus: { ...bus, log }, render: (config, f) => ({ interfaces: `#version:${config.version}\n${f.nodename === 'n2' ? noise : ''}` }) });
    const report = await svc.reconcile('config', async () => ({ version: 1, running: sampleConfig(1) }));
    expect(report.skipped['too-large']).toEqual(['n2']);
    expect(report.published.sort()).toEqual(['n1', 'n3']);
    expect(errors).toEqual([expect.stringMatching(new RegExp(`^bundle of node n2 \\(version 1\\) is \\d+ bytes on the wire .*max_payload of ${bus.nc.info!.max_payload} bytes`))]);
    expect(await versions('n2')).toEqual([]);
  });

  it('does not re-send an unchanged bundle (facts re-published, event delivered again)', async () => {
    const svc = await start();
    const event = await publishConfigApplied(bus, 1, sampleConfig(1));
    await until(async () => (await versions('n3')).length === 1);
    await idle();
    await registerNode(bus, 'n2', '10.0.0.2'); // same facts, new publishedAt
    await svc.onConfigApplied(event); // as a redelivery would
    await idle();
    for (const [n] of NODES) expect(await versions(n)).toEqual([1]);
  });

  it('re-renders only the node whose facts changed', async () => {
    await start();
    await publishConfigApplied(bus, 1, sampleConfig(1));
    await until(async () => (await versions('n3')).length === 1);
    await registerNode(bus, 'n2', '10.0.0.9');
    await until(async () => (await versions('n2')).length === 2);
    await idle();
    const n2 = await bundleHistory(bus, 'n2');
    expect(n2[1].version).toBe(1);
    expect(n2[1].hash).not.toBe(n2[0].hash);
    expect(await versions('n1')).toEqual([1]);
    expect(await versions('n3')).toEqual([1]);
  });

  it('gives a node that registers later the current bundle', async () => {
    await start();
    await publishConfigApplied(bus, 1, sampleConfig(1));
    await publishConfigApplied(bus, 2, sampleConfig(2));
    await until(async () => (await versions('n1')).includes(2));
    await registerNode(bus, 'n4', '10.0.0.4');
    await until(async () => (await versions('n4')).length === 1);
    expect((await bundleHistory(bus, 'n4'))[0]).toMatchObject({ node: 'n4', version: 2 });
  });

  it('publishes nothing for facts before the first ConfigApplied, then everything on it', async () => {
    await start();
    await registerNode(bus, 'n5', '10.0.0.5');
    await idle();
    expect(await versions('n5')).toEqual([]);
    await publishConfigApplied(bus, 1, sampleConfig(1));
    await until(async () => (await versions('n5')).length === 1);
  });

  it('renders only the newest config of a backlog', async () => {
    for (let v = 1; v <= 5; v++) await publishConfigApplied(bus, v, sampleConfig(v));
    const svc = await start();
    await until(async () => (await versions('n1')).includes(5));
    await idle();
    expect(svc.handledVersions).toEqual([1, 2, 3, 4, 5]);
    for (const [n] of NODES) expect(await versions(n)).toEqual([5]);
  });

  it('loses and duplicates nothing when a replica dies after publishing but before acking', async () => {
    // Replica A "crashes" (connection gone, no ack) right after the bundles of version 2 are stored.
    const busA = await connectBus({ name: 'replica-a', topology: bus.topology, log: silentLogger });
    const a = new ConfigService({
      bus: busA,
      ackWaitMs: 1000,
      afterPublished: async (r: ReconcileReport) => {
        if (r.trigger === 'config' && r.version === 2) {
          await busA.nc.close();
          throw new Error('simulated crash');
        }
      },
    });
    await a.start();
    await publishConfigApplied(bus, 1, sampleConfig(1));
    await until(async () => (await versions('n3')).includes(1));
    await publishConfigApplied(bus, 2, sampleConfig(2));
    await until(async () => busA.nc.isClosed());
    await a.stop();
    // Replica B takes over the unacked event (after ack_wait) and the next one.
    const b = await start();
    await publishConfigApplied(bus, 3, sampleConfig(3));
    await until(async () => (await versions('n3')).includes(3));
    await idle();
    // v2 comes back only after ack_wait, so B may see it after v3 (then it is superseded).
    expect([...b.handledVersions].sort()).toEqual([2, 3]);
    for (const [n] of NODES) expect(await versions(n)).toEqual([1, 2, 3]);
  });

  it('shares the work between two replicas: each event handled once, bundles in order', async () => {
    const r1 = await start();
    const r2 = await start();
    for (let v = 1; v <= 12; v++) {
      await publishConfigApplied(bus, v, sampleConfig(v));
      await new Promise((r) => setTimeout(r, 15));
    }
    await until(async () => (await versions('n1')).includes(12));
    await idle();
    const handled = [...r1.handledVersions, ...r2.handledVersions].sort((x, y) => x - y);
    expect(handled).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(r1.handledVersions.length).toBeGreaterThan(0);
    expect(r2.handledVersions.length).toBeGreaterThan(0);
    for (const [n] of NODES) {
      const vs = await versions(n);
      expect(vs).toEqual([...new Set(vs)].sort((x, y) => x - y)); // strictly increasing: no duplicate, no going back
      expect(vs[vs.length - 1]).toBe(12);
    }
  });

  it('sends nodes whose files changed only in the version a version-only message on the full bundle they run', async () => {
    const reports: ReconcileReport[] = [];
    const svc = await start({ afterPublished: (r) => void reports.push(r) });
    await publishConfigApplied(bus, 1, sampleConfig(1));
    await until(async () => (await versions('n3')).length === 1);
    // Version 2 adds a vnet to zone zs, which only n1 carries.
    const v2 = sampleConfig(2);
    v2.vnets!.ids.vs2 = { type: 'vnet', zone: 'zs' };
    await publishConfigApplied(bus, 2, v2, 'UPID:apply2');
    await until(async () => (await versions('n3')).length === 2);
    await idle();
    expect(await fullVersions('n1')).toEqual([1, 2]);
    expect(await versionHistory(bus, 'n1')).toEqual([]);
    for (const [n, ip] of NODES.slice(1)) {
      expect(await fullVersions(n)).toEqual([1]);
      const [base] = await bundleHistory(bus, n);
      const [m] = await versionHistory(bus, n);
      // Its hash is that of the full bundle of version 2: the agent checks what it writes against it.
      const full2 = renderNode(v2, factsMessage(n, ip).facts as never);
      expect(m).toMatchObject({ node: n, version: 2, baseVersion: 1, baseHash: base.hash, hash: bundleContentHash(full2), task: 'UPID:apply2' });
      expect(full2.interfaces).toBe(base.files.interfaces.replace('#version:1\n', '#version:2\n'));
    }
    // Only n1's inputs changed: n2 and n3 kept their last render here, re-versioned (the facts backlog may render a node first).
    const renderedFor = (v: number) => reports.filter((r) => r.version === v).reduce((sum, r) => sum + r.rendered, 0);
    expect([renderedFor(1), renderedFor(2)]).toEqual([3, 1]);
    // The state is on the bus, not in the replica: another one (or this one restarted) carries on the same way,
    // rendering every node once as it has no render of its own yet.
    const other = new ConfigService({ bus });
    const report = await other.reconcile('config', async () => ({ version: 3, running: sampleConfig(3) }));
    expect(report.versionOnly.sort()).toEqual(['n2', 'n3']);
    expect(report.published).toEqual(['n1']); // vs2 is gone again
    expect(report.rendered).toBe(3);
    expect((await other.reconcile('config', async () => ({ version: 4, running: sampleConfig(4) }))).rendered).toBe(0);
    expect((await versionHistory(bus, 'n2')).map((m) => [m.version, m.baseVersion])).toEqual([
      [2, 1],
      [3, 1],
      [4, 1],
    ]);
    expect(svc.handledVersions).toEqual([1, 2]);
  });

  it('sends a full bundle when the stored one has no content key (an older config service wrote it)', async () => {
    const store = new BundleBus(bus);
    const old = new ConfigService({ bus });
    // What an older release stored: the same bundles, without the content key header.
    const seeded = await old.reconcile('config', async () => ({ version: 1, running: sampleConfig(1) }));
    expect(seeded.published.sort()).toEqual(['n1', 'n2', 'n3']);
    for (const [n] of NODES) {
      const [b] = await bundleHistory(bus, n);
      expect(await store.publish({ ...b, version: 2, files: { ...b.files, interfaces: b.files.interfaces.replace('#version:1', '#version:2') }, hash: bundleContentHash({ ...b.files, interfaces: b.files.interfaces.replace('#version:1', '#version:2') }) }, (await store.lastBundles([n])).get(n)!.seq)).toBe('stored');
    }
    const report = await old.reconcile('config', async () => ({ version: 3, running: sampleConfig(3) }));
    expect(report.published.sort()).toEqual(['n1', 'n2', 'n3']);
    expect(report.versionOnly).toEqual([]);
    // Those carry the key: the next version is version-only.
    const next = await old.reconcile('config', async () => ({ version: 4, running: sampleConfig(4) }));
    expect(next.versionOnly.sort()).toEqual(['n1', 'n2', 'n3']);
  });

  it('re-plans a node whose full bundle another writer replaced while a version-only message was on its way', async () => {
    const a = new ConfigService({ bus });
    const b = new ConfigService({ bus });
    await a.reconcile('config', async () => ({ version: 1, running: sampleConfig(1) }));
    // A reads the latest bundles, then waits; meanwhile B stores n2's bundle of version 1 for other facts.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const aDone = a.reconcile('config', async () => {
      await gate;
      return { version: 2, running: sampleConfig(2) };
    });
    await new Promise((r) => setTimeout(r, 50));
    await registerNode(bus, 'n2', '10.0.0.9');
    expect((await b.reconcile('facts', async () => ({ version: 1, running: sampleConfig(1) }), ['n2'])).published).toEqual(['n2']);
    await registerNode(bus, 'n2', '10.0.0.2');
    release();
    const report = await aDone;
    // A's version-only message re-versioned a full bundle that was no longer n2's latest: n2 is planned again.
    expect(report.rounds).toBe(2);
    const n2 = await bundleHistory(bus, 'n2');
    expect(n2.map((x) => x.version)).toEqual([1, 1, 2]);
    expect(n2[2].hash).toBe(bundleContentHash(renderNode(sampleConfig(2), factsMessage('n2', '10.0.0.2').facts as never)));
    expect((await new BundleBus(bus).lastBundles(['n2'])).get('n2')).toMatchObject({ version: 2, hash: n2[2].hash });
  });

  it('renders a facts update with the config it was handed, and reads the event back once a newer one is stored', async () => {
    const svc = await start();
    await publishConfigApplied(bus, 1, sampleConfig(1));
    await until(async () => (await versions('n3')).length === 1);
    await idle();
    const configSubject = bus.topology.eventSubject('config', 'ConfigApplied');
    const getMessage = jest.spyOn(bus.jsm.streams, 'getMessage');
    const configReads = () => getMessage.mock.calls.filter(([, q]) => (q as { last_by_subj?: string }).last_by_subj === configSubject).length;
    await registerNode(bus, 'n2', '10.0.0.9');
    await until(async () => (await fullVersions('n2')).length === 2);
    await idle();
    expect(configReads()).toBe(0);
    // Version 2 stored but not delivered to this replica (its consumers stopped): the held config is not the latest.
    await svc.stop();
    await publishConfigApplied(bus, 2, sampleConfig(2, { vnets: 1 }));
    await registerNode(bus, 'n3', '10.0.0.8');
    await svc.onFacts(factsMessage('n3', '10.0.0.8'), bus.topology.factsSubject('n3'));
    expect(configReads()).toBe(1);
    expect((await bundleHistory(bus, 'n3')).map((b) => b.version)).toEqual([1, 2]);
  });

  it('re-plans a node when another writer stored its bundle in between (compare-and-set)', async () => {
    // A reads the latest bundles, then waits; meanwhile B stores n2's bundle for other facts.
    const a = new ConfigService({ bus });
    const b = new ConfigService({ bus });
    const config = { version: 1, running: sampleConfig(1) };
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const aDone = a.reconcile('config', async () => {
      await gate;
      return config;
    });
    await new Promise((r) => setTimeout(r, 50));
    await registerNode(bus, 'n2', '10.0.0.9');
    const bReport = await b.reconcile('facts', async () => config, ['n2']);
    expect(bReport.published).toEqual(['n2']);
    await registerNode(bus, 'n2', '10.0.0.2'); // back to the original facts before A renders
    release();
    const aReport = await aDone;
    expect(aReport.rounds).toBe(2);
    expect(aReport.published.sort()).toEqual(['n1', 'n2', 'n3']);
    const n2 = await bundleHistory(bus, 'n2');
    expect(n2).toHaveLength(2);
    // The last word is the render of the facts stored last, not B's older view.
    expect(n2[1].hash).toBe(bundleContentHash(renderNode(sampleConfig(1), factsMessage('n2', '10.0.0.2').facts as never)));
  });
});

import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AckPolicy, DeliverPolicy } from 'nats';
import { busTopology, connectBus, ensureDurableConsumer, ensureStreams, nodeAgentDurable, nodeBundleConsumer, nodeInboxPrefix, parseNatsIdentity, sdnStreamSpecs, silentLogger, withDirect, type Bus } from '@sdn/bus';
import { PrivateNatsServer } from '@sdn/netns-lab';
import { run as nats } from './nats';

/**
 * `sdnctl nats` end to end: the identities and the server config it writes
 * run a real nats-server (JetStream, own port and store), and the rules hold
 * against the client calls the services make.
 */
const t = busTopology('');
const enc = (s: string) => new TextEncoder().encode(s);

describe('sdnctl nats credentials / config', () => {
  let dir: string;
  let out: string[];
  let log: jest.SpyInstance;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sdnctl-nats-'));
    out = [];
    log = jest.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  });
  afterEach(() => {
    log.mockRestore();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates an identity once (0600 seed), prints its environment, and keeps it unless rotated', async () => {
    expect(await nats(['credentials', '--identity', 'node:pve1', '--dir', dir])).toBe(0);
    const seedFile = join(dir, 'node-pve1.nk');
    expect(out).toContain(`SDN_NATS_NKEY_FILE=${seedFile}`);
    expect(out).toContain(`SDN_NATS_INBOX_PREFIX=${nodeInboxPrefix('pve1')}`);
    expect(statSync(seedFile).mode & 0o777).toBe(0o600);
    const seed = readFileSync(seedFile, 'utf8');
    expect(seed).toMatch(/^SU[A-Z2-7]{56}\n$/);
    await nats(['credentials', '--identity', 'node:pve1', '--dir', dir]);
    expect(readFileSync(seedFile, 'utf8')).toBe(seed);
    await nats(['credentials', '--identity', 'node:pve1', '--dir', dir, '--rotate']);
    expect(readFileSync(seedFile, 'utf8')).not.toBe(seed);
  });

  it('creates an auditor identity: its own inbox prefix, and rules that allow reading its own events consumer only', async () => {
    expect(await nats(['credentials', '--identity', 'auditor:alice', '--dir', dir])).toBe(0);
    expect(out).toContain(`SDN_NATS_NKEY_FILE=${join(dir, 'auditor-alice.nk')}`);
    expect(out).toContain('SDN_NATS_INBOX_PREFIX=_INBOX_audit_alice');
    expect(out).toContain('SDN_AUDIT_NAME=alice');
    const file = join(dir, 'nats.conf');
    await nats(['config', '--out', file, '--dir', dir]);
    const text = readFileSync(file, 'utf8');
    const block = text.slice(text.indexOf('# auditor:alice'), text.indexOf('# config-service'));
    expect(block).toContain('"$JS.API.CONSUMER.MSG.NEXT.SDN_EVENTS.audit-alice"');
    expect(block).toContain('"_INBOX_audit_alice.>"');
    expect(block).not.toContain('">"');
    await expect(nats(['credentials', '--identity', 'auditor:a.b', '--dir', dir])).rejects.toThrow(/unknown NATS identity/);
  });

  it('writes a config with the public keys only, and rejects bad identities and options', async () => {
    await nats(['credentials', '--identity', 'node:pve1', '--dir', dir]);
    const file = join(dir, 'nats.conf');
    expect(await nats(['config', '--out', file, '--dir', dir, '--nodes', 'pve2', '--listen', '127.0.0.1:4333'])).toBe(0);
    const text = readFileSync(file, 'utf8');
    for (const id of ['# admin', '# api', '# config-service', '# dns-service', '# ipam-service', '# node:pve1', '# node:pve2']) expect(text).toContain(id);
    expect(text).not.toMatch(/SU[A-Z2-7]{56}/);
    expect(text).toContain('"sdn.node.pve2.status"');
    expect(text).toContain('listen: "127.0.0.1:4333"');
    await expect(nats(['credentials', '--identity', 'node:../../etc', '--dir', dir])).rejects.toThrow(/unknown NATS identity/);
    await expect(nats(['credentials', '--identity', 'root', '--dir', dir])).rejects.toThrow(/unknown NATS identity/);
    await expect(nats(['config', '--out', file, '--dir', dir, '--nodes', 'a b'])).rejects.toThrow(/invalid node name/);
    await expect(nats(['config', '--dir', dir])).rejects.toThrow(/missing --out/);
  });
});

const skip = PrivateNatsServer.binary() ? undefined : 'nats-server is not installed';
if (skip) console.warn(`SKIP NATS permission tests on a dedicated server: ${skip}`);
const describeNats = skip ? describe.skip : describe;

describeNats('NATS identities on a dedicated nats-server with the generated config', () => {
  let server: PrivateNatsServer;
  let ids: string;
  const buses: Bus[] = [];
  const as = async (identity: string, name = identity): Promise<Bus> => {
    const id = parseNatsIdentity(identity);
    const seedFile = join(ids, id.kind === 'node' ? `node-${id.node}.nk` : `${identity}.nk`);
    const bus = await connectBus({ name, url: server.url, topology: t, log: silentLogger, credentials: { nkeyFile: seedFile, inboxPrefix: id.kind === 'node' ? nodeInboxPrefix(id.node) : undefined } });
    buses.push(bus);
    return bus;
  };
  let admin: Bus;
  let config: Bus;
  let nodeA: Bus;

  beforeAll(async () => {
    ids = mkdtempSync(join(tmpdir(), 'sdnctl-nats-ids-'));
    const conf = join(ids, 'nats.conf');
    const quiet = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    await nats(['config', '--out', conf, '--dir', ids, '--nodes', 'pva,pvb', '--namespace', '']);
    quiet.mockRestore();
    server = await PrivateNatsServer.start('127.0.0.1', { config: readFileSync(conf, 'utf8') });
    admin = await as('admin');
    await ensureStreams(admin.jsm, sdnStreamSpecs(t));
    config = await as('config-service');
    await config.js.publish(t.bundleSubject('pva'), enc('{"for":"pva","v":1}'));
    await config.js.publish(t.bundleSubject('pvb'), enc('{"for":"pvb","v":1}'));
    nodeA = await as('node:pva');
  });
  afterAll(async () => {
    for (const b of buses) await b.close().catch(() => undefined);
    await server?.destroy();
    rmSync(ids, { recursive: true, force: true });
  });

  it('has generated one identity per service, admin and node', () => {
    expect(readdirSync(ids).filter((f) => f.endsWith('.nk')).sort()).toEqual(['admin.nk', 'api.nk', 'config-service.nk', 'dns-service.nk', 'ipam-service.nk', 'node-pva.nk', 'node-pvb.nk']);
  });

  const violation = (e: unknown) => (e as { code?: string })?.code === 'PERMISSIONS_VIOLATION';
  const outcome = (p: Promise<unknown>) => p.then(() => 'allowed', (e) => (violation(e) ? 'denied' : `error: ${String(e)}`));
  const lastSeq = (b: Bus, subject: string, stream = t.streams.bundles.name) =>
    b.jsm.streams.getMessage(stream, { last_by_subj: subject }).then((m) => m.seq, () => 0);

  it("lets node A read its own bundle through its durable consumer (created by the config service), and ack it", async () => {
    const spec = nodeBundleConsumer(t, 'pva');
    expect(await outcome(ensureDurableConsumer(nodeA.jsm, spec))).toBe('denied');
    await ensureDurableConsumer(config.jsm, spec);
    const consumer = await nodeA.js.consumers.get(spec.stream, spec.durable);
    const got: string[] = [];
    for await (const m of await consumer.fetch({ max_messages: 1, expires: 3000 })) {
      got.push(new TextDecoder().decode(m.data));
      await m.ackAck();
    }
    expect(got).toEqual(['{"for":"pva","v":1}']);
    expect((await admin.jsm.consumers.info(spec.stream, spec.durable)).num_ack_pending).toBe(0);
    // Its own last bundle, as the agent reads it at start.
    const last = await withDirect(nodeA.jsm).direct.getMessage(spec.stream, { last_by_subj: t.bundleSubject('pva') });
    expect(new TextDecoder().decode(last.data)).toBe('{"for":"pva","v":1}');
  });

  it("denies node A every way to node B's bundle", async () => {
    const stream = t.streams.bundles.name;
    // Node B's agent has its durable, as in production.
    const nodeB = await as('node:pvb');
    await ensureDurableConsumer(config.jsm, nodeBundleConsumer(t, 'pvb'));
    expect({
      ownDurableOtherFilter: await outcome(nodeA.jsm.consumers.add(stream, { durable_name: nodeAgentDurable('pva'), ack_policy: AckPolicy.Explicit, filter_subject: t.bundleSubject('pvb') })),
      refilterOwnDurable: await outcome(nodeA.jsm.consumers.update(stream, nodeAgentDurable('pva'), { filter_subject: t.bundleSubject('pvb') })),
      otherDurable: await outcome(ensureDurableConsumer(nodeA.jsm, { stream, durable: nodeAgentDurable('pvb'), filterSubject: t.bundleSubject('pvb') })),
      ephemeral: await outcome(nodeA.jsm.consumers.add(stream, { ack_policy: AckPolicy.None, deliver_policy: DeliverPolicy.LastPerSubject, filter_subject: t.bundleSubject('pvb') })),
      unfiltered: await outcome(nodeA.jsm.consumers.add(stream, { ack_policy: AckPolicy.None })),
      pullFromB: await outcome(nodeA.js.consumers.get(stream, nodeAgentDurable('pvb'))),
      pullRaw: await outcome(nodeA.nc.request(`$JS.API.CONSUMER.MSG.NEXT.${stream}.${nodeAgentDurable('pvb')}`, enc('{"batch":1}'), { timeout: 2000 })),
      getMessage: await outcome(nodeA.jsm.streams.getMessage(stream, { last_by_subj: t.bundleSubject('pvb') })),
      directGet: await outcome(withDirect(nodeA.jsm).direct.getMessage(stream, { last_by_subj: t.bundleSubject('pvb') })),
      purge: await outcome(nodeA.jsm.streams.purge(stream)),
      deleteB: await outcome(nodeA.jsm.consumers.delete(stream, nodeAgentDurable('pvb'))),
    }).toEqual({
      ownDurableOtherFilter: 'denied',
      refilterOwnDurable: 'denied',
      otherDurable: 'denied',
      ephemeral: 'denied',
      unfiltered: 'denied',
      pullFromB: 'denied',
      pullRaw: 'denied',
      getMessage: 'denied',
      directGet: 'denied',
      purge: 'denied',
      deleteB: 'denied',
    });
    // Not even its own durable can it re-create as a push consumer: the delivery target would escape every permission.
    const push = JSON.stringify({ stream_name: stream, config: { durable_name: nodeAgentDurable('pva'), filter_subject: t.bundleSubject('pva'), ack_policy: 'none', deliver_subject: t.statusSubject('pvb') } });
    expect(await outcome(nodeA.nc.request(`$JS.API.CONSUMER.CREATE.${stream}.${nodeAgentDurable('pva')}.${t.bundleSubject('pva')}`, enc(push), { timeout: 2000 }))).toBe('denied');
    expect(await outcome(nodeA.nc.request(`$JS.API.CONSUMER.DURABLE.CREATE.${stream}.${nodeAgentDurable('pva')}`, enc(push), { timeout: 2000 }))).toBe('denied');

    // Core subscriptions to B's bundle subject or to other connections' replies deliver nothing.
    const seenByA: string[] = [];
    const errors: unknown[] = [];
    for (const subject of [t.bundleSubject('pvb'), t.bundleSubject('*'), '_INBOX.>', `${nodeInboxPrefix('pvb')}.>`]) {
      nodeA.nc.subscribe(subject, { callback: (err, m) => (err ? errors.push(err) : seenByA.push(m.subject)) });
    }
    const control: string[] = [];
    admin.nc.subscribe(t.bundleSubject('pvb'), { callback: (_e, m) => control.push(m.subject) });
    await nodeA.nc.flush();
    await admin.nc.flush();
    await config.js.publish(t.bundleSubject('pvb'), enc('{"for":"pvb","v":2}'));
    await nodeB.jsm.streams.info(stream); // a request of B's, whose reply A must not see
    await new Promise((r) => setTimeout(r, 300));
    expect(control).toEqual([t.bundleSubject('pvb')]);
    expect(seenByA).toEqual([]);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every(violation)).toBe(true);
  });

  it('denies node A publishing any bundle, or status and facts for node B', async () => {
    const before = { a: await lastSeq(admin, t.bundleSubject('pva')), b: await lastSeq(admin, t.bundleSubject('pvb')) };
    expect({
      bundleForB: await outcome(nodeA.js.publish(t.bundleSubject('pvb'), enc('{"for":"pvb","evil":true}'), { timeout: 2000 })),
      bundleForA: await outcome(nodeA.js.publish(t.bundleSubject('pva'), enc('{"for":"pva","evil":true}'), { timeout: 2000 })),
      statusForB: await outcome(nodeA.js.publish(t.statusSubject('pvb'), enc('{"node":"pvb"}'), { timeout: 2000 })),
      factsForB: await outcome(nodeA.js.publish(t.factsSubject('pvb'), enc('{"node":"pvb"}'), { timeout: 2000 })),
      ownStatus: await outcome(nodeA.js.publish(t.statusSubject('pva'), enc('{"node":"pva"}'), { timeout: 2000 })),
      ownFacts: await outcome(nodeA.js.publish(t.factsSubject('pva'), enc('{"node":"pva"}'), { timeout: 2000 })),
    }).toEqual({ bundleForB: 'denied', bundleForA: 'denied', statusForB: 'denied', factsForB: 'denied', ownStatus: 'allowed', ownFacts: 'allowed' });
    // Even a plain (fire-and-forget) publish does not reach the streams.
    nodeA.nc.publish(t.bundleSubject('pvb'), enc('{"for":"pvb","evil":"core"}'));
    nodeA.nc.publish(t.statusSubject('pvb'), enc('{"node":"pvb","evil":"core"}'));
    await nodeA.nc.flush().catch(() => undefined);
    await new Promise((r) => setTimeout(r, 200));
    expect({ a: await lastSeq(admin, t.bundleSubject('pva')), b: await lastSeq(admin, t.bundleSubject('pvb')) }).toEqual(before);
    expect(await lastSeq(admin, t.statusSubject('pvb'), t.streams.status.name)).toBe(0);
    expect(await lastSeq(admin, t.statusSubject('pva'), t.streams.status.name)).toBeGreaterThan(0);
  });

  it('sdnctl nats auditor NAME creates the auditor\'s durable consumer on the events stream, as admin', async () => {
    const quiet = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const url = process.env.NATS_URL;
    process.env.NATS_URL = server.url;
    try {
      expect(await nats(['auditor', 'alice', '--dir', ids, '--namespace', ''])).toBe(0);
      expect(await nats(['auditor', 'alice', '--dir', ids, '--namespace', ''])).toBe(0); // idempotent
    } finally {
      if (url === undefined) delete process.env.NATS_URL;
      else process.env.NATS_URL = url;
      quiet.mockRestore();
    }
    const info = await admin.jsm.consumers.info(t.streams.events.name, 'audit-alice');
    expect(info.config).toMatchObject({ durable_name: 'audit-alice', filter_subject: t.streams.events.subjects, max_ack_pending: 1, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All });
    await expect(nats(['auditor', '--dir', ids])).rejects.toThrow(/usage/);
  });

  it('lets only the config service publish bundles', async () => {
    const ack = await config.js.publish(t.bundleSubject('pva'), enc('{"for":"pva","v":3}'));
    expect(ack.seq).toBe(await lastSeq(admin, t.bundleSubject('pva')));
    for (const service of ['api', 'ipam-service', 'dns-service']) {
      const bus = await as(service);
      expect([service, await outcome(bus.js.publish(t.bundleSubject('pva'), enc('{}'), { timeout: 2000 }))]).toEqual([service, 'denied']);
      expect([service, await outcome(bus.jsm.streams.purge(t.streams.bundles.name))]).toEqual([service, 'denied']);
      // What services do need still works: events in, streams checked.
      await bus.js.publish(t.eventSubject('probe', 'Probed'), enc('{}'));
      await ensureStreams(bus.jsm, sdnStreamSpecs(t));
    }
    expect(await lastSeq(admin, t.bundleSubject('pva'))).toBe(ack.seq);
  });

  it('refuses connections without valid credentials', async () => {
    await expect(connectBus({ name: 'anonymous', url: server.url, log: silentLogger, credentials: {} }).then((b) => b.close())).rejects.toThrow(/Authorization/i);
  });
});

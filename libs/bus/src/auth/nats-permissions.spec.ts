import { busTopology } from '../topology/bus-topology';
import { natsPermissions, nodeInboxPrefix, parseNatsIdentity } from './nats-permissions';
import { natsServerConfig } from './nats-server-config';

const t = busTopology('');

describe('natsPermissions (rules)', () => {
  it('confines a node to its own subjects, durable, acks and inbox', () => {
    const p = natsPermissions(parseNatsIdentity('node:pva'), t);
    expect(JSON.stringify(p)).not.toContain('pvb');
    expect(p.publish.allow).toEqual(expect.arrayContaining(['sdn.node.pva.facts', 'sdn.node.pva.status', '$JS.API.CONSUMER.MSG.NEXT.SDN_BUNDLES.node-agent-pva', '$JS.ACK.SDN_BUNDLES.node-agent-pva.>']));
    // It creates, changes and deletes nothing: a push consumer could deliver anywhere.
    expect(p.publish.allow!.filter((s) => /\.(CREATE|UPDATE|DELETE|PURGE)\./.test(s))).toEqual([]);
    // No wildcard reaches past the node's own names, except its inbox and its own acks.
    for (const s of [...p.publish.allow!, ...p.subscribe.allow!]) {
      if (/[*>]/.test(s)) expect([`$JS.ACK.SDN_BUNDLES.node-agent-pva.>`, `$JS.ACK.SDN_BUNDLES.node-agent-pva_version.>`, `${nodeInboxPrefix('pva')}.>`]).toContain(s);
    }
    expect(p.publish.allow).not.toContain('sdn.node.pva.bundle');
    // Its version-only messages: its own second durable and its own last message; no name another node's durable can have.
    expect(p.publish.allow).toEqual(expect.arrayContaining(['$JS.API.CONSUMER.MSG.NEXT.SDN_BUNDLES.node-agent-pva_version', '$JS.API.DIRECT.GET.SDN_BUNDLES.sdn.node.pva.bundle-version']));
    expect(natsPermissions(parseNatsIdentity('node:pva-version'), t).publish.allow!.filter((r) => p.publish.allow!.includes(r))).toEqual([
      '$JS.API.INFO',
      ...['SDN_EVENTS', 'SDN_BUNDLES', 'SDN_FACTS', 'SDN_STATUS'].map((s) => `$JS.API.STREAM.INFO.${s}`),
      'sdn.ipam.v1.list',
    ]);
  });

  it('lets a node read what its DHCP servers serve (the IPAM list, the IP events) and report leases on its own subject, nothing else of the IPAM', () => {
    const p = natsPermissions(parseNatsIdentity('node:pva'), busTopology('t1'));
    expect(p.publish.allow).toContain('t1.sdn.ipam.v1.list');
    expect(p.publish.allow!.filter((s) => s.includes('ipam'))).toEqual(['t1.sdn.ipam.v1.list', 't1.sdn.ipam.v1.dhcp-lease.pva']);
    expect(p.subscribe.allow!.filter((s) => s.includes('events'))).toEqual(['t1.sdn.events.ip.IpAllocated', 't1.sdn.events.ip.IpUpdated', 't1.sdn.events.ip.IpReleased']);
  });

  it('namespaces every rule with the topology', () => {
    const p = natsPermissions(parseNatsIdentity('node:pva'), busTopology('t1'));
    expect(p.publish.allow).toEqual(expect.arrayContaining(['t1.sdn.node.pva.status', '$JS.API.CONSUMER.MSG.NEXT.T1_SDN_BUNDLES.node-agent-pva', '$JS.API.DIRECT.GET.T1_SDN_BUNDLES.t1.sdn.node.pva.bundle']));
  });

  it('rejects unknown identities and bad node names', () => {
    expect(() => parseNatsIdentity('node:../x')).toThrow(/unknown NATS identity/);
    expect(() => parseNatsIdentity('nodes')).toThrow(/unknown NATS identity/);
    expect(parseNatsIdentity('config-service')).toEqual({ kind: 'service', service: 'config-service' });
  });

  it('writes quoted subjects and only public keys', () => {
    const text = natsServerConfig({ users: [{ identity: { kind: 'node', node: 'pva' }, publicKey: 'U' + 'A'.repeat(55) }], topology: t, listen: '127.0.0.1:4333' });
    expect(text).toContain('"$JS.API.INFO"');
    expect(text).not.toMatch(/[^"]\$JS/);
    expect(text).toContain('listen: "127.0.0.1:4333"');
    expect(() => natsServerConfig({ users: [{ identity: { kind: 'admin' }, publicKey: 'SUABC' }], topology: t })).toThrow(/not an nkey user public key/);
  });

  it('node queries: only the node listens on its query subject and answers once per request; only the API asks', () => {
    const node = natsPermissions(parseNatsIdentity('node:pva'), t);
    expect(node.subscribe.allow).toContain('sdn.node.pva.query');
    expect(node.allowResponses).toBe(true);
    const api = natsPermissions(parseNatsIdentity('api'), t);
    expect(api.publish.deny).not.toContain('sdn.node.>');
    expect(api.publish.deny).toEqual(expect.arrayContaining(['sdn.node.*.bundle', 'sdn.node.*.facts', 'sdn.node.*.status']));
    for (const id of ['api', 'config-service', 'ipam-service', 'dns-service']) expect(natsPermissions(parseNatsIdentity(id), t).subscribe.deny).toContain('sdn.node.*.query');
    expect(natsPermissions(parseNatsIdentity('ipam-service'), t).publish.deny).toContain('sdn.node.>');
    const text = natsServerConfig({ users: [{ identity: { kind: 'node', node: 'pva' }, publicKey: 'U' + 'A'.repeat(55) }], topology: t });
    expect(text).toMatch(/subscribe: \{[^}]*"sdn\.node\.pva\.query"[^}]*\}\n\s*allow_responses: true/);
  });
});

import { gzipSync } from 'node:zlib';
import {
  assertContract,
  BUNDLE_CONTENT_CONTRACT,
  BUNDLE_ENCODING_GZIP_V1,
  bundleContentHash,
  check,
  CONTRACTS,
  ContractViolation,
  packNodeBundle,
  renderFactsV1Schema,
  unpackNodeBundle,
  unpackNodeBundleBytes,
} from './index';

const envelope = (payload: unknown) => ({
  id: 'e1',
  seq: 1,
  type: 'ConfigApplied',
  typeVersion: 1,
  aggregateType: 'config',
  aggregateId: 'running',
  aggregateVersion: 1,
  payload,
  actor: 'root@pam',
  correlationId: 'c1',
  time: '2026-01-01T00:00:00Z',
});

describe('CONTRACTS.configAppliedEvent', () => {
  it('accepts a ConfigApplied envelope and checks its payload too', () => {
    expect(check(CONTRACTS.configAppliedEvent.schema, envelope({ version: 3, running: {}, task: 'UPID:x' }))).toEqual({});
    expect(check(CONTRACTS.configAppliedEvent.schema, envelope({ version: '3', running: [] }))).toEqual({
      'payload.version': 'must be a non-negative integer',
      'payload.running': 'must be an object',
    });
  });
  it('is looser for the generic envelope, whose payload is anything', () => {
    expect(check(CONTRACTS.event.schema, envelope('whatever'))).toEqual({});
  });
});

describe('renderFactsV1Schema', () => {
  const facts = {
    nodename: 'pve1',
    addresses: { vmbr0: '192.0.2.1' },
    routes: [{ dst: '0.0.0.0/0', dev: 'vmbr0', src: null }],
    bridges: { vmbr0: { ovs: false, vlanAware: true, ports: ['eno1'] } },
    macs: {},
    frrLocal: null,
  };
  it('accepts what the node agent collects (null route source and frrLocal included)', () => {
    expect(check(renderFactsV1Schema, facts)).toEqual({});
  });
  it('names each wrong field', () => {
    expect(check(renderFactsV1Schema, { ...facts, bridges: { vmbr0: { ovs: 'no', vlanAware: true, ports: [1] } }, routes: {} })).toEqual({
      routes: 'must be an array',
      'bridges.vmbr0.ovs': 'must be a boolean',
      'bridges.vmbr0.ports[0]': 'must be a string',
    });
  });
});

describe('assertContract', () => {
  it('throws a ContractViolation naming the contract and the field', () => {
    expect(() => assertContract(CONTRACTS.nodeBundle.name, CONTRACTS.nodeBundle.schema, { node: 'n1' })).toThrow(ContractViolation);
    expect(() => assertContract(CONTRACTS.nodeBundle.name, CONTRACTS.nodeBundle.schema, { node: 'n1' })).toThrow(/NodeBundle\/v1: version must be/);
  });
});

describe('bundleContentHash', () => {
  it('is the sha256 of the files and tells a missing frr file from an empty one', () => {
    const a = bundleContentHash({ interfaces: 'auto vnet1\n' });
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(bundleContentHash({ interfaces: 'auto vnet1\n' })).toBe(a);
    expect(bundleContentHash({ interfaces: 'auto vnet1\n', frr: '' })).not.toBe(a);
    expect(bundleContentHash({ interfaces: 'auto vnet2\n' })).not.toBe(a);
  });

  it('hashes an interfaces file given as head and rest as the joined file (multi-byte text included)', () => {
    const files = { interfaces: 'auto vnet1\n# zone «é»\n', frr: 'router bgp 1\n', dnsmasq: { 'z/10-v.conf': 'interface=v\n' } };
    const joined = bundleContentHash({ ...files, interfaces: `#version:7\n${files.interfaces}` });
    expect(bundleContentHash(files, '#version:7\n')).toBe(joined);
    expect(bundleContentHash(files, '#version:8\n')).not.toBe(joined);
    expect(bundleContentHash(files, '')).toBe(bundleContentHash(files));
  });
});

describe('NodeBundle/v1 encodings', () => {
  const inline = {
    node: 'n1',
    version: 2,
    hash: bundleContentHash({ interfaces: '#version:2\nauto vnet1\n', frr: '' }),
    files: { interfaces: '#version:2\nauto vnet1\n', frr: '' },
    scope: { zones: { z1: { type: 'vlan', bridge: 'vmbr0' } }, vnets: { vnet1: { zone: 'z1' } } },
    renderedAt: '2026-01-01T00:00:00Z',
  };

  it('packs to gzip-base64/v1 and unpacks to the same bundle, hash intact', async () => {
    const packed = await packNodeBundle(inline);
    expect(packed).toEqual({ node: 'n1', version: 2, hash: inline.hash, renderedAt: inline.renderedAt, encoding: BUNDLE_ENCODING_GZIP_V1, packed: expect.any(String) });
    expect(check(CONTRACTS.nodeBundle.schema, packed)).toEqual({});
    expect(await unpackNodeBundle(packed)).toEqual(inline);
  });

  it('keeps non-ASCII text, and an absent frr file apart from an empty one', async () => {
    for (const files of [{ interfaces: '# zone ünïcode ✓\n' }, { interfaces: 'é', frr: '' }, { interfaces: '', frr: 'router bgp 65000 — ✓\n' }]) {
      const { scope: _scope, ...noScope } = inline;
      const b = { ...noScope, files, hash: bundleContentHash(files) };
      expect((await unpackNodeBundle(await packNodeBundle(b))).files).toEqual(files);
    }
  });

  it('carries dnsmasq files (with or without frr), their hash covering each path and content', async () => {
    const dnsmasq = { 'z1/10-vnet1.conf': 'interface=vnet1\n', 'z1/00-default.conf': 'bind-dynamic\n# ✓\n' };
    for (const files of [{ interfaces: 'auto vnet1\n', dnsmasq }, { interfaces: '', frr: 'router bgp 1\n', dnsmasq }]) {
      const b = { ...inline, files, hash: bundleContentHash(files) };
      expect((await unpackNodeBundle(await packNodeBundle(b))).files).toEqual(files);
      const bytes = await unpackNodeBundleBytes(await packNodeBundle(b));
      expect(Object.fromEntries(Object.entries(bytes.files.dnsmasq!).map(([p, v]) => [p, v.toString('utf8')]))).toEqual(dnsmasq);
    }
    const base = bundleContentHash({ interfaces: '' });
    const hashes = [
      base,
      bundleContentHash({ interfaces: '', dnsmasq: {} }),
      bundleContentHash({ interfaces: '', dnsmasq }),
      bundleContentHash({ interfaces: '', dnsmasq: { ...dnsmasq, 'z1/10-vnet1.conf': 'interface=vnet2\n' } }),
      bundleContentHash({ interfaces: '', dnsmasq: { 'z1/10-vnet2.conf': 'interface=vnet1\n', 'z1/00-default.conf': dnsmasq['z1/00-default.conf'] } }),
    ];
    expect(new Set(hashes).size).toBe(hashes.length);
    // Path order does not change the hash: the files are a set.
    expect(bundleContentHash({ interfaces: '', dnsmasq: { 'z1/00-default.conf': dnsmasq['z1/00-default.conf'], 'z1/10-vnet1.conf': 'interface=vnet1\n' } })).toBe(hashes[2]);
  });

  it('shrinks a large repetitive interfaces file well below its size', async () => {
    const interfaces = Array.from({ length: 5000 }, (_, i) => `auto vnet${i}\niface vnet${i}\n\tbridge_ports vxlan_vnet${i}\n\tmtu 1450\n`).join('\n');
    const packed = await packNodeBundle({ ...inline, files: { interfaces }, hash: bundleContentHash({ interfaces }) });
    expect(Buffer.byteLength(JSON.stringify(packed))).toBeLessThan(interfaces.length / 5);
  });

  it('unpacks to the files as UTF-8 bytes too, with the same checks', async () => {
    const asBytes = { ...inline, files: { interfaces: Buffer.from(inline.files.interfaces), frr: Buffer.from('') } };
    expect(await unpackNodeBundleBytes(await packNodeBundle(inline))).toEqual(asBytes);
    expect(await unpackNodeBundleBytes(inline)).toEqual(asBytes);
    const files = { interfaces: '# zone ünïcode ✓\n' };
    const b = await unpackNodeBundleBytes(await packNodeBundle({ ...inline, files, hash: bundleContentHash(files) }));
    expect([b.files.interfaces.toString('utf8'), 'frr' in b.files]).toEqual([files.interfaces, false]);
    const mismatch = new ContractViolation(BUNDLE_CONTENT_CONTRACT, { hash: 'does not match the files' });
    await expect(unpackNodeBundleBytes(await packNodeBundle({ ...inline, hash: bundleContentHash({ interfaces: 'other' }) }))).rejects.toThrow(mismatch);
    await expect(unpackNodeBundleBytes({ ...inline, hash: bundleContentHash({ interfaces: 'other' }) })).rejects.toThrow(mismatch);
    const { files: _f, scope: _s, ...head } = inline;
    const bad = gzipSync(`${JSON.stringify({ interfaces: 0, frr: null, scope: { zones: [], vnets: {} } })}\n`).toString('base64');
    await expect(unpackNodeBundleBytes({ ...head, encoding: BUNDLE_ENCODING_GZIP_V1, packed: bad })).rejects.toThrow(
      new ContractViolation(BUNDLE_CONTENT_CONTRACT, { 'scope.zones': 'must be an object' }),
    );
  });

  it('keeps inline bundles readable (unpack is the identity)', async () => {
    expect(check(CONTRACTS.nodeBundle.schema, inline)).toEqual({});
    expect(await unpackNodeBundle(inline)).toEqual(inline);
  });

  it('refuses files that are not the ones the hash names, packed or inline', async () => {
    const mismatch = new ContractViolation(BUNDLE_CONTENT_CONTRACT, { hash: 'does not match the files' });
    const other = { ...inline, hash: bundleContentHash({ interfaces: 'other' }) };
    await expect(unpackNodeBundle(other)).rejects.toThrow(mismatch);
    await expect(unpackNodeBundle(await packNodeBundle(other))).rejects.toThrow(mismatch);
    // The frr file is covered too: dropping it changes the hash.
    await expect(unpackNodeBundle(await packNodeBundle({ ...inline, files: { interfaces: inline.files.interfaces } }))).rejects.toThrow(mismatch);
  });

  it('rejects mixed and unknown encodings in the envelope', () => {
    expect(check(CONTRACTS.nodeBundle.schema, { ...inline, encoding: BUNDLE_ENCODING_GZIP_V1, packed: 'x' })).toEqual({
      files: 'must be absent when the content is packed',
      scope: 'must be absent when the content is packed',
    });
    expect(check(CONTRACTS.nodeBundle.schema, { ...inline, files: undefined, scope: undefined, encoding: 'zstd/v9', packed: 'x' })).toEqual({
      encoding: `must be one of ${BUNDLE_ENCODING_GZIP_V1}`,
    });
    expect(check(CONTRACTS.nodeBundle.schema, { ...inline, packed: 'x' })).toEqual({ packed: 'must be absent when the content is packed' });
    expect(check(CONTRACTS.nodeBundle.schema, { ...inline, scope: { zones: { z1: {} }, vnets: {} } })).toEqual({ 'scope.zones.z1.type': 'must be a string' });
  });

  it('refuses packed data that is not gzip, or whose content breaks the contract', async () => {
    const head = { node: 'n1', version: 2, hash: 'h', renderedAt: 'now', encoding: BUNDLE_ENCODING_GZIP_V1 } as const;
    await expect(unpackNodeBundle({ ...head, packed: Buffer.from('not gzip').toString('base64') })).rejects.toThrow(/NodeBundle\/v1 content: packed does not decode/);
    const frame = (header: object, body: string) => gzipSync(`${JSON.stringify(header)}\n${body}`).toString('base64');
    await expect(unpackNodeBundle({ ...head, packed: frame({ interfaces: 3, frr: null }, 'auto x') })).rejects.toThrow(
      new ContractViolation(BUNDLE_CONTENT_CONTRACT, { packed: 'frame holds 6 bytes of files, its header says 3' }),
    );
    await expect(unpackNodeBundle({ ...head, packed: frame({ interfaces: 'x', frr: null }, '') })).rejects.toThrow(
      new ContractViolation(BUNDLE_CONTENT_CONTRACT, { 'packed.interfaces': 'must be a non-negative integer' }),
    );
    await expect(unpackNodeBundle({ ...head, packed: frame({ interfaces: 0, frr: null, scope: { zones: [], vnets: {} } }, '') })).rejects.toThrow(
      new ContractViolation(BUNDLE_CONTENT_CONTRACT, { 'scope.zones': 'must be an object' }),
    );
  });
});

import { assertContract, bundleContentHash, check, CONTRACTS, ContractViolation, renderFactsV1Schema } from './index';

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
});

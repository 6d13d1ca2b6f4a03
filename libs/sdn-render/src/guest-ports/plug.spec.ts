import type { RunningConfig } from '@sdn/model';
import { nodeScope } from '../node-scope';
import { guestPortCommands } from './plug';

const config = {
  version: 1,
  zones: {
    ids: {
      vlanz: { type: 'vlan', bridge: 'vmbr0', 'bridge-disable-mac-learning': 1 },
      simple: { type: 'simple' },
      other: { type: 'simple', nodes: { n2: 1 } },
    },
  },
  vnets: {
    ids: {
      vl1: { type: 'vnet', zone: 'vlanz', tag: 10, 'isolate-ports': 1 },
      sv1: { type: 'vnet', zone: 'simple' },
      sv2: { type: 'vnet', zone: 'simple', 'isolate-ports': 1 },
      ov1: { type: 'vnet', zone: 'other' },
    },
  },
} as unknown as RunningConfig;

describe('guest port plug (§7.7)', () => {
  const scope = nodeScope(config, 'n1');

  it('carries the guest-port options in the node scope', () => {
    expect(scope.zones.vlanz).toEqual({ type: 'vlan', bridge: 'vmbr0', disableMacLearning: true });
    expect(scope.zones.simple).toEqual({ type: 'simple' });
    expect(scope.vnets.vl1).toEqual({ zone: 'vlanz', isolatePorts: true });
    expect(scope.vnets.sv1).toEqual({ zone: 'simple' });
  });

  it('learning off with a static FDB entry, isolated on, as the zone and vnet say', () => {
    expect(guestPortCommands(scope, { port: 'tap100i0', vnet: 'vl1', mac: 'BC:24:11:00:00:01' })).toEqual([
      ['ip', 'link', 'set', 'dev', 'tap100i0', 'master', 'vl1'],
      ['bridge', 'link', 'set', 'dev', 'tap100i0', 'learning', 'off'],
      ['bridge', 'fdb', 'replace', 'bc:24:11:00:00:01', 'dev', 'tap100i0', 'master', 'static'],
      ['bridge', 'link', 'set', 'dev', 'tap100i0', 'isolated', 'on'],
      ['ip', 'link', 'set', 'dev', 'tap100i0', 'up'],
    ]);
    expect(guestPortCommands(scope, { port: 'tap101i0', vnet: 'sv2' })).toEqual([
      ['ip', 'link', 'set', 'dev', 'tap101i0', 'master', 'sv2'],
      ['bridge', 'link', 'set', 'dev', 'tap101i0', 'isolated', 'on'],
      ['ip', 'link', 'set', 'dev', 'tap101i0', 'up'],
    ]);
    expect(guestPortCommands(scope, { port: 'tap102i0', vnet: 'sv1' })).toEqual([
      ['ip', 'link', 'set', 'dev', 'tap102i0', 'master', 'sv1'],
      ['ip', 'link', 'set', 'dev', 'tap102i0', 'up'],
    ]);
  });

  it('refuses a vnet not deployed here with the reference\'s words, and bad names', () => {
    expect(() => guestPortCommands(scope, { port: 'tap1i0', vnet: 'ov1' })).toThrow('vnet ov1 is not allowed on this node');
    expect(() => guestPortCommands(scope, { port: 'tap1i0', vnet: 'toString' })).toThrow('vnet toString is not allowed on this node');
    expect(() => guestPortCommands(scope, { port: 'tap1i0; rm -rf', vnet: 'sv1' })).toThrow(/invalid port name/);
    expect(() => guestPortCommands(scope, { port: 'tap1i0', vnet: 'sv1', mac: 'zz' })).toThrow(/invalid MAC/);
  });
});

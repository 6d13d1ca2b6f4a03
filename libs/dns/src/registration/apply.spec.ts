import type { DnsPlugin } from '../plugin';
import { applyIpEvent, applyStaleIpEvent } from './apply';
import type { DnsWork } from './dns-work';

function recordingPlugin(calls: string[]): DnsPlugin {
  return {
    verifyZone: async (z) => void calls.push(`verify ${z}`),
    verifyServer: async () => void calls.push('server'),
    addARecord: async (z, h, ip) => void calls.push(`addA ${z} ${h} ${ip}`),
    delARecord: async (z, h, ip) => void calls.push(`delA ${z} ${h} ${ip}`),
    delAddressFromOtherNames: async (z, ip, keep) => (calls.push(`delOther ${z} ${ip} ${keep ?? '-'}`), []),
    addPtrRecord: async (z, h, ip) => void calls.push(`addPTR ${z} ${h} ${ip}`),
    delPtrRecord: async (z, ip) => void calls.push(`delPTR ${z} ${ip}`),
    reverseZone: () => '',
  };
}

const server = { type: 'powerdns', url: 'http://x' };
const work: DnsWork = {
  ip: '10.0.3.100',
  hostname: 'vm1.lab',
  forward: { serverId: 'fwd', server, zone: 'example.test', fqdn: 'vm1.lab.example.test.' },
  reverse: { serverId: 'rev', server, zone: '10.in-addr.arpa.', ptrTarget: 'vm1.lab.example.test' },
};

describe('applyIpEvent', () => {
  it('allocation: forward record on the dns server, then PTR on the reversedns server', async () => {
    const calls: string[] = [];
    const used: string[] = [];
    await applyIpEvent('IpAllocated', work, (id) => (used.push(id), recordingPlugin(calls)));
    expect(calls).toEqual(['addA example.test vm1.lab 10.0.3.100', 'addPTR 10.in-addr.arpa. vm1.lab.example.test 10.0.3.100']);
    expect(used.sort()).toEqual(['fwd', 'rev']);
  });

  it('release: removes by name, and by address when the event has no hostname', async () => {
    const calls: string[] = [];
    await applyIpEvent('IpReleased', work, () => recordingPlugin(calls));
    await applyIpEvent('IpReleased', { ...work, hostname: undefined }, () => recordingPlugin(calls));
    expect(calls).toEqual([
      'delA example.test vm1.lab 10.0.3.100',
      'delPTR 10.in-addr.arpa. 10.0.3.100',
      'delOther example.test 10.0.3.100 -',
      'delPTR 10.in-addr.arpa. 10.0.3.100',
    ]);
  });

  it('update: drops the address from other names, adds the new name, replaces the PTR', async () => {
    const calls: string[] = [];
    await applyIpEvent('IpUpdated', work, () => recordingPlugin(calls));
    expect(calls).toEqual([
      'delOther example.test 10.0.3.100 vm1.lab.example.test.',
      'addA example.test vm1.lab 10.0.3.100',
      'addPTR 10.in-addr.arpa. vm1.lab.example.test 10.0.3.100',
    ]);
  });

  it('allocation: a failing forward write still lets the PTR write finish before the error surfaces', async () => {
    let ptrDone = false;
    const p = recordingPlugin([]);
    p.addARecord = async () => Promise.reject(new Error('A refused'));
    p.addPtrRecord = async () => {
      await new Promise((r) => setTimeout(r, 10));
      ptrDone = true;
    };
    await expect(applyIpEvent('IpAllocated', work, () => p)).rejects.toThrow('A refused');
    expect(ptrDone).toBe(true);
  });

  it('allocation without hostname writes nothing', async () => {
    const calls: string[] = [];
    await applyIpEvent('IpAllocated', { ip: '10.0.0.1', forward: { serverId: 'f', server, zone: 'z' }, reverse: { serverId: 'r', server, zone: '10.in-addr.arpa.' } }, () => recordingPlugin(calls));
    expect(calls).toEqual([]);
  });
});

describe('applyStaleIpEvent (a newer event on the address was applied first)', () => {
  it('writes no PTR and adds nothing; takes the address out of its own name unless the newest event names it', async () => {
    const calls: string[] = [];
    const plugin = () => recordingPlugin(calls);
    // Release of the old host overtaken by the allocation to a new one: the old name must not keep the address.
    await applyStaleIpEvent('IpReleased', work, 'other.example.test.', plugin);
    // An allocation overtaken by the release (newest: no name): its name must not get the address.
    await applyStaleIpEvent('IpAllocated', work, undefined, plugin);
    // Same name as the newest event: the newest one's record stays.
    await applyStaleIpEvent('IpAllocated', work, 'VM1.lab.example.test.', plugin);
    await applyStaleIpEvent('IpReleased', work, 'vm1.lab.example.test.', plugin);
    expect(calls).toEqual(['delA example.test vm1.lab 10.0.3.100', 'delA example.test vm1.lab 10.0.3.100']);
  });

  it('scanning kinds (update, release without hostname) clear every other name but the newest one', async () => {
    const calls: string[] = [];
    await applyStaleIpEvent('IpUpdated', work, 'new.example.test.', () => recordingPlugin(calls));
    await applyStaleIpEvent('IpReleased', { ...work, hostname: undefined, forward: { ...work.forward!, fqdn: undefined } }, undefined, () => recordingPlugin(calls));
    expect(calls).toEqual(['delOther example.test 10.0.3.100 new.example.test.', 'delOther example.test 10.0.3.100 -']);
  });
});

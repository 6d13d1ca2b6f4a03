import { addAddressChange, findRrset, ptrReplaceChange, removeAddressChange, type PdnsRrset } from './rrset';

const rrset = (ips: string[], ttl: number | string = 3600): PdnsRrset => ({
  name: 'h.z.',
  type: 'A',
  ttl,
  records: ips.map((content) => ({ content, disabled: false })),
});

describe('rrset edits', () => {
  it('adding an address already present is a no-op (idempotent redelivery)', () => {
    expect(addAddressChange(rrset(['10.0.0.1']), 'h.z.', 'A', '10.0.0.1', 60)).toBeNull();
    expect(addAddressChange({ ...rrset(['2001:db8:0::1']), type: 'AAAA' }, 'h.z.', 'AAAA', '2001:db8::1', 60)).toBeNull();
  });

  it('appends to existing records, keeping them verbatim', () => {
    const change = addAddressChange(rrset(['10.0.0.2']), 'h.z.', 'A', '10.0.0.1', '3600');
    expect(change).toEqual({
      changetype: 'REPLACE',
      name: 'h.z.',
      type: 'A',
      ttl: '3600',
      records: [{ content: '10.0.0.2', disabled: false }, { content: '10.0.0.1', disabled: false, name: 'h.z.', type: 'A' }],
    });
  });

  it('removing keeps the rrset ttl for the rest, deletes when empty, and ignores absent addresses', () => {
    expect(removeAddressChange(rrset(['10.0.0.1', '10.0.0.2'], 77), 'h.z.', 'A', '10.0.0.1')).toEqual({
      changetype: 'REPLACE', name: 'h.z.', type: 'A', ttl: 77, records: [{ content: '10.0.0.2', disabled: false }],
    });
    expect(removeAddressChange(rrset(['10.0.0.1']), 'h.z.', 'A', '10.0.0.1')).toEqual({ changetype: 'DELETE', name: 'h.z.', type: 'A', records: [] });
    expect(removeAddressChange(rrset(['10.0.0.2']), 'h.z.', 'A', '10.0.0.1')).toBeNull();
    expect(removeAddressChange(undefined, 'h.z.', 'A', '10.0.0.1')).toBeNull();
  });

  it('finds rrsets by name case-insensitively and by type', () => {
    const sets = [rrset(['1.1.1.1']), { ...rrset(['::1']), type: 'AAAA' }];
    expect(findRrset(sets, 'H.Z.', 'AAAA')?.records[0].content).toBe('::1');
    expect(findRrset(sets, 'x.z.', 'A')).toBeUndefined();
  });

  it('PTR target gets exactly one trailing dot', () => {
    expect(ptrReplaceChange('1.0.0.10.in-addr.arpa.', 'vm.z', 60).records[0].content).toBe('vm.z.');
    expect(ptrReplaceChange('1.0.0.10.in-addr.arpa.', 'vm.z.', 60).records[0].content).toBe('vm.z.');
  });
});

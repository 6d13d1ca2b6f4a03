import { describe, expect, it } from 'vitest';
import { listChange, listLines, listText } from './list-values';

describe('list values edited one per line', () => {
  const ifaces = ['name=ens19,hello_multiplier=3', 'name=ens20,ip=10.0.0.1/31'];

  it('keeps property strings whole (their commas are not separators)', () => {
    expect(listLines(listText(ifaces))).toEqual(ifaces);
    expect(listLines('  name=a \n\n name=b,ip=10.1.1.1/31\n')).toEqual(['name=a', 'name=b,ip=10.1.1.1/31']);
  });

  it('sends the list on create only when it has values', () => {
    expect(listChange('', undefined, false)).toBeUndefined();
    expect(listChange('name=a', undefined, false)).toEqual({ set: ['name=a'] });
  });

  it('sends an edit only when the list changed, and deletes an emptied one', () => {
    expect(listChange(listText(ifaces), ifaces, true)).toBeUndefined();
    expect(listChange(ifaces[0], ifaces, true)).toEqual({ set: [ifaces[0]] });
    expect(listChange(' \n', ifaces, true)).toEqual({ delete: true });
    expect(listChange('', undefined, true)).toBeUndefined();
  });
});

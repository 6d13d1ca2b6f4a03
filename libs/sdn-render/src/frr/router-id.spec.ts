import { frrFacts } from './test-fixtures';
import { routerId, routerIdFromMac } from './router-id';

describe('router-id (rendering.md §2.3.4)', () => {
  it('is the own IP when it is IPv4', () => {
    expect(routerId(frrFacts(), '10.1.1.1', 'vmbr0')).toBe('10.1.1.1');
  });
  it('comes from bytes 3–6 of the interface MAC for an IPv6 or missing own IP', () => {
    expect(routerId(frrFacts(), '2a08::10', 'vmbr0')).toBe('17.29.105.96');
    expect(routerId(frrFacts(), null, 'vmbr0')).toBe('17.29.105.96');
  });
  it('is undefined when the interface MAC is unknown', () => {
    expect(routerId(frrFacts(), null, null)).toBeUndefined();
  });
  it('rejects an all-zero MAC', () => {
    expect(() => routerIdFromMac('00:00:00:00:00:00', 'eth0')).toThrow(/zero MAC/);
  });
});

import { describe, expect, it } from 'vitest';
import { freeCount } from './free';

describe('freeCount', () => {
  it('counts usable IPv4 addresses left', () => {
    expect(freeCount('10.0.0.0/24', 1)).toBe(253n);
    expect(freeCount('10.0.0.0/31', 0)).toBe(2n);
    expect(freeCount('10.0.0.0/30', 5)).toBe(0n);
  });
  it('handles IPv6 sizes', () => {
    expect(freeCount('fd00::/64', 1)).toBe((1n << 64n) - 2n);
  });
});

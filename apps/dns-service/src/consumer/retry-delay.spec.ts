import { retryDelayMs } from './retry-delay';

describe('retryDelayMs', () => {
  it('doubles from 0.5 s and stops at the cap', () => {
    const mid = () => 0.5; // no jitter
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, 30_000, mid))).toEqual([500, 1000, 2000, 4000]);
    expect(retryDelayMs(30, 30_000, mid)).toBe(30_000);
    expect(retryDelayMs(30, 1_000, mid)).toBe(1_000);
  });
  it('jitters within ±20 %', () => {
    expect(retryDelayMs(1, 30_000, () => 0)).toBe(400);
    expect(retryDelayMs(1, 30_000, () => 1)).toBe(600);
  });
});

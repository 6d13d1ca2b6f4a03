/**
 * Delay before a failed IP event is redelivered, by delivery count (1 = first
 * delivery failed): 0.5 s doubling to `maxMs`, with ±20 % jitter so a burst of
 * events that failed together (PowerDNS down) does not come back as a burst.
 */
export function retryDelayMs(deliveryCount: number, maxMs = 30_000, random: () => number = Math.random): number {
  const base = Math.min(maxMs, 500 * 2 ** Math.max(0, deliveryCount - 1));
  return Math.max(1, Math.round(base * (0.8 + 0.4 * random())));
}

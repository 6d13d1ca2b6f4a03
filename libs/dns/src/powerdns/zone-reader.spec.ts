import type { PdnsRrset } from './rrset';
import { ZoneReader } from './zone-reader';

const rrset = (name: string, ...ips: string[]): PdnsRrset => ({ name, type: 'A', ttl: 60, records: ips.map((content) => ({ content, disabled: false })) });

/** A fake server: zone contents, the reads it was asked for, and a gate that holds the answers back. */
function fakeServer(zone: PdnsRrset[]) {
  const asked: string[] = [];
  let open!: () => void;
  let gate = new Promise<void>((r) => (open = r));
  let active = 0;
  let peak = 0;
  const fetch = async (z: string, name?: string, type?: string): Promise<PdnsRrset[]> => {
    asked.push(name ? `${z} ${name} ${type}` : `${z} *`);
    active++;
    peak = Math.max(peak, active);
    await gate;
    active--;
    if (z === 'broken.test') throw new Error('500 Internal Server Error');
    return name ? zone.filter((r) => r.name === name && r.type === type) : zone;
  };
  return {
    fetch,
    asked,
    peak: () => peak,
    release() {
      open();
      gate = new Promise<void>((r) => (open = r));
    },
  };
}

describe('ZoneReader', () => {
  const zone = [rrset('a.ex.test.', '10.0.0.1'), rrset('b.ex.test.', '10.0.0.2', '10.0.0.3'), { ...rrset('a.ex.test.'), type: 'TXT' }];

  it('sends a lookup alone as a single-rrset GET', async () => {
    const s = fakeServer(zone);
    const r = new ZoneReader({ fetch: s.fetch, max: 7 });
    const p = r.rrsets('ex.test', 'b.ex.test.', 'A');
    s.release();
    expect(await p).toEqual([zone[1]]);
    expect(s.asked).toEqual(['ex.test b.ex.test. A']);
  });

  it('answers lookups that queued up behind the zone\'s reads with one listing, each with its own rrset', async () => {
    const s = fakeServer(zone);
    const r = new ZoneReader({ fetch: s.fetch, max: 7, perZone: 1, firstListingAt: 3 });
    const first = r.rrsets('ex.test', 'a.ex.test.', 'A');
    const waiting = [r.rrsets('ex.test', 'b.ex.test.', 'A'), r.rrsets('ex.test.', 'A.EX.TEST.', 'A'), r.rrsets('ex.test', 'new.ex.test.', 'A')];
    expect(s.asked).toEqual(['ex.test a.ex.test. A']); // the rest wait for the zone's read slot
    s.release();
    await first;
    await new Promise((res) => setImmediate(res));
    expect(s.asked).toEqual(['ex.test a.ex.test. A', 'ex.test *']);
    s.release();
    // Names compare case-insensitively and with or without the zone's dot; an absent name gets [].
    expect(await Promise.all(waiting)).toEqual([[zone[1]], [zone[0]], []]);
    // The listing told the zone's size (3 rrsets): from now on 2 waiting lookups are worth one.
    expect(r.threshold('ex.test')).toBe(2);
  });

  it('below the threshold the waiting lookups go out as single GETs, oldest first', async () => {
    const s = fakeServer(zone);
    const r = new ZoneReader({ fetch: s.fetch, max: 7, perZone: 1, firstListingAt: 3 });
    const all = [r.rrsets('ex.test', 'a.ex.test.', 'A'), r.rrsets('ex.test', 'b.ex.test.', 'A')];
    for (let i = 0; i < 3; i++) {
      s.release();
      await new Promise((res) => setImmediate(res));
    }
    await Promise.all(all);
    expect(s.asked).toEqual(['ex.test a.ex.test. A', 'ex.test b.ex.test. A']);
  });

  it('a zone without a free read slot does not hold up other zones or other requests; max bounds them all', async () => {
    const s = fakeServer(zone);
    const r = new ZoneReader({ fetch: s.fetch, max: 3, perZone: 1 });
    const ps = [r.rrsets('ex.test', 'a.ex.test.', 'A'), r.rrsets('ex.test', 'b.ex.test.', 'A'), r.rrsets('other.test', 'x.other.test.', 'A')];
    const task = r.run(async () => 'verified');
    const late = r.rrsets('third.test', 'y.third.test.', 'A');
    expect(s.asked).toEqual(['ex.test a.ex.test. A', 'other.test x.other.test. A']);
    for (let i = 0; i < 4; i++) {
      s.release();
      await new Promise((res) => setImmediate(res));
    }
    await Promise.all([...ps, late]);
    expect(await task).toBe('verified');
    expect(s.peak()).toBeLessThanOrEqual(3);
    expect(s.asked).toHaveLength(4);
  });

  it('a whole-zone read takes the lookups waiting for the zone along', async () => {
    const s = fakeServer(zone);
    const r = new ZoneReader({ fetch: s.fetch, max: 7, perZone: 1 });
    const first = r.rrsets('ex.test', 'a.ex.test.', 'A');
    const whole = r.rrsets('ex.test');
    const one = r.rrsets('ex.test', 'b.ex.test.', 'A');
    s.release();
    await first;
    await new Promise((res) => setImmediate(res));
    s.release();
    expect(await whole).toEqual(zone);
    expect(await one).toEqual([zone[1]]);
    expect(s.asked).toEqual(['ex.test a.ex.test. A', 'ex.test *']);
  });

  it('a failed listing fails every lookup it was to answer, and the next ones are asked again', async () => {
    const s = fakeServer(zone);
    const r = new ZoneReader({ fetch: s.fetch, max: 7, perZone: 1, firstListingAt: 2 });
    const first = r.rrsets('broken.test', 'a.broken.test.', 'A');
    const waiting = [r.rrsets('broken.test', 'b.broken.test.', 'A'), r.rrsets('broken.test', 'c.broken.test.', 'A')];
    s.release();
    await expect(first).rejects.toThrow('500');
    await new Promise((res) => setImmediate(res));
    s.release();
    for (const w of waiting) await expect(w).rejects.toThrow('500');
    expect(s.asked).toEqual(['broken.test a.broken.test. A', 'broken.test *']);
    const again = r.rrsets('broken.test', 'a.broken.test.', 'A');
    s.release();
    await expect(again).rejects.toThrow('500');
    expect(s.asked).toHaveLength(3);
  });

  it('weighs a listing by the zone size it last saw; a big zone is read with single GETs on every slot', async () => {
    const big = Array.from({ length: 5000 }, (_, i) => rrset(`h${i}.ex.test.`, `10.1.${i >> 8}.${i & 255}`));
    const s = fakeServer(big);
    const r = new ZoneReader({ fetch: s.fetch, max: 4, perZone: 1 });
    const whole = r.rrsets('ex.test');
    s.release();
    await whole;
    await new Promise((res) => setImmediate(res)); // its slot is freed just after it answered
    expect(r.threshold('ex.test')).toBe(21);
    const ps = Array.from({ length: 8 }, (_, i) => r.rrsets('ex.test', `h${i}.ex.test.`, 'A'));
    expect(s.asked.slice(1)).toHaveLength(4); // all slots, not perZone
    for (let i = 0; i < 2; i++) {
      s.release();
      await new Promise((res) => setImmediate(res));
    }
    expect((await Promise.all(ps)).map((x) => x[0].name)).toEqual(Array.from({ length: 8 }, (_, i) => `h${i}.ex.test.`));
    expect(s.asked.filter((a) => a.endsWith('*'))).toHaveLength(1);
  });
});

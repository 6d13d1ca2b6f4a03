import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Group next-free: `ipam_take_free` claims up to N addresses in one call, so a group of requests
 * costs one block lock and one block update instead of N calls of ipam_next_free (each a lock,
 * an update and a function call). The caller inserts the addresses (and their outbox rows) in
 * the same statement, so they commit together or not at all, and the primary key of ipam_ip
 * still rejects any duplicate.
 *
 * Same parallelism as ipam_next_free: the lowest *unlocked* interval is taken (SKIP LOCKED),
 * and the rest of a large interval is cut off into its own row at the next 256-address
 * boundary (counted from the interval's start), so concurrent groups work on different rows.
 *
 * Fewer than N addresses come back when the subnet ran out, or when the intervals left are all
 * locked by other allocators after this call already took some: it then returns what it has
 * instead of waiting while holding locks (two callers waiting on each other's intervals would
 * otherwise spin until they fail). An empty result means full: with nothing claimed yet it
 * waits for locked intervals (it holds none of its own then, so waiting is safe).
 */
export class IpamTakeFree1764300000003 implements MigrationInterface {
  name = 'IpamTakeFree1764300000003';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
CREATE FUNCTION ipam_take_free(p_ipam text, p_zone text, p_subnet text, p_n int)
RETURNS inet[] LANGUAGE plpgsql AS $$
DECLARE s inet; e inet; top inet; sz bigint; k bigint; step bigint; got inet[] := '{}'; want bigint := p_n;
BEGIN
  FOR attempt IN 1..5000 LOOP
    EXIT WHEN want <= 0;
    SELECT start, "end" INTO s, e FROM ipam_free_block
     WHERE ipam = p_ipam AND zone = p_zone AND subnet = p_subnet ORDER BY start LIMIT 1 FOR UPDATE SKIP LOCKED;
    IF NOT FOUND THEN
      IF cardinality(got) > 0 THEN RETURN got; END IF;
      PERFORM 1 FROM ipam_free_block WHERE ipam = p_ipam AND zone = p_zone AND subnet = p_subnet LIMIT 1;
      IF NOT FOUND THEN RETURN got; END IF;
      PERFORM pg_sleep(0.0002);
      CONTINUE;
    END IF;
    -- The interval's size without overflowing bigint (an IPv6 /64 is 2^64 addresses): only
    -- computed when it is small, and "small" is tested without running past the family's top.
    top := CASE family(s) WHEN 4 THEN '255.255.255.255'::inet ELSE 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'::inet END;
    sz := CASE WHEN s > top - 1048576 THEN (e - s) + 1 WHEN e <= s + 1048576 THEN (e - s) + 1 ELSE 4611686018427387904 END;
    k := least(want, sz);
    got := got || ARRAY(SELECT s + g FROM generate_series(0::bigint, k - 1) g);
    want := want - k;
    step := 256 * (k / 256 + 1);
    IF k = sz THEN
      DELETE FROM ipam_free_block WHERE ipam = p_ipam AND zone = p_zone AND subnet = p_subnet AND start = s;
    ELSIF sz > step THEN
      INSERT INTO ipam_free_block (ipam, zone, subnet, start, "end") VALUES (p_ipam, p_zone, p_subnet, s + step, e);
      UPDATE ipam_free_block SET start = s + k, "end" = s + (step - 1) WHERE ipam = p_ipam AND zone = p_zone AND subnet = p_subnet AND start = s;
    ELSE
      UPDATE ipam_free_block SET start = s + k WHERE ipam = p_ipam AND zone = p_zone AND subnet = p_subnet AND start = s;
    END IF;
  END LOOP;
  IF want <= 0 OR cardinality(got) > 0 THEN RETURN got; END IF;
  RAISE EXCEPTION 'next free ip: too much contention in subnet %', p_subnet;
END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION ipam_take_free(text, text, text, int)`);
  }
}

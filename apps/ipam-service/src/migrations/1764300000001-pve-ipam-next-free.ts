import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Next-free as a server-side function. Why not one SQL statement: a data-modifying CTE runs
 * with the statement's snapshot, so after waiting on the interval row lock it cannot see the
 * row's new `start` and updates nothing. In PL/pgSQL each statement takes a fresh snapshot, so
 * lock → shrink → insert works in one round trip.
 *
 * Parallelism: taking an interval cuts it to at most 256 addresses and puts the rest in its own
 * row, and the lowest *unlocked* interval is taken (SKIP LOCKED). Concurrent allocators thus work
 * on different rows instead of queueing behind one lock (and one WAL flush) each; a lone
 * allocator still always gets the lowest free address.
 */
export class PveIpamNextFree1764300000001 implements MigrationInterface {
  name = 'PveIpamNextFree1764300000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
CREATE FUNCTION ipam_next_free(p_ipam text, p_zone text, p_subnet text, p_vnet text, p_mac text, p_hostname text, p_vmid text)
RETURNS inet LANGUAGE plpgsql AS $$
DECLARE s inet; e inet;
BEGIN
  FOR attempt IN 1..5000 LOOP
    SELECT start, "end" INTO s, e FROM ipam_free_block
     WHERE ipam = p_ipam AND zone = p_zone AND subnet = p_subnet ORDER BY start LIMIT 1 FOR UPDATE SKIP LOCKED;
    IF NOT FOUND THEN
      -- Nothing unlocked: full, or every interval is being cut right now (retry shortly).
      PERFORM 1 FROM ipam_free_block WHERE ipam = p_ipam AND zone = p_zone AND subnet = p_subnet LIMIT 1;
      IF NOT FOUND THEN RETURN NULL; END IF;
      PERFORM pg_sleep(0.0002);
      CONTINUE;
    END IF;
    IF s = e THEN
      DELETE FROM ipam_free_block WHERE ipam = p_ipam AND zone = p_zone AND subnet = p_subnet AND start = s;
    ELSIF s + 256 <= e THEN
      INSERT INTO ipam_free_block (ipam, zone, subnet, start, "end") VALUES (p_ipam, p_zone, p_subnet, s + 256, e);
      UPDATE ipam_free_block SET start = s + 1, "end" = s + 255 WHERE ipam = p_ipam AND zone = p_zone AND subnet = p_subnet AND start = s;
    ELSE
      UPDATE ipam_free_block SET start = s + 1 WHERE ipam = p_ipam AND zone = p_zone AND subnet = p_subnet AND start = s;
    END IF;
    INSERT INTO ipam_ip (ipam, zone, subnet, ip, vnet, gateway, mac, hostname, vmid, auto)
    VALUES (p_ipam, p_zone, p_subnet, s, p_vnet, false, p_mac, p_hostname, p_vmid, true);
    RETURN s;
  END LOOP;
  RAISE EXCEPTION 'next free ip: too much contention in subnet %', p_subnet;
END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION ipam_next_free(text, text, text, text, text, text, text)`);
  }
}

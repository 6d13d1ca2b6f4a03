import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Initial schema: event log, outbox, tokens and the SDN projection tables. */
export class Initial1764300000000 implements MigrationInterface {
  name = 'Initial1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE events (
        seq bigserial PRIMARY KEY,
        id uuid NOT NULL,
        aggregate_type text NOT NULL,
        aggregate_id text NOT NULL,
        aggregate_version integer NOT NULL,
        type text NOT NULL,
        type_version integer NOT NULL,
        payload jsonb NOT NULL,
        actor text NOT NULL,
        correlation_id text NOT NULL,
        time timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT events_aggregate_version_uq UNIQUE (aggregate_type, aggregate_id, aggregate_version)
      )`);
    await q.query(`CREATE UNIQUE INDEX events_id_uq ON events (id)`);
    // The log is append-only: make the database refuse anything else, not just our code.
    await q.query(`
      CREATE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'events is append-only'; END $$`);
    await q.query(`
      CREATE TRIGGER events_no_update BEFORE UPDATE OR DELETE ON events
      FOR EACH ROW EXECUTE FUNCTION events_append_only()`);
    await q.query(`CREATE TABLE event_outbox (seq bigint PRIMARY KEY REFERENCES events (seq))`);
    await q.query(`
      CREATE TABLE api_tokens (
        id text PRIMARY KEY,
        salt text NOT NULL,
        hash text NOT NULL,
        comment text NOT NULL DEFAULT '',
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE TABLE sdn_objects (section text NOT NULL, id text NOT NULL, data jsonb NOT NULL, PRIMARY KEY (section, id))`);
    await q.query(`CREATE TABLE sdn_running (name text PRIMARY KEY, version integer NOT NULL, config jsonb NOT NULL)`);
    await q.query(`CREATE TABLE sdn_lock (name text PRIMARY KEY, token_hash text NOT NULL)`);
    await q.query(`CREATE TABLE projection_checkpoints (name text PRIMARY KEY, seq bigint NOT NULL)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['projection_checkpoints', 'sdn_lock', 'sdn_running', 'sdn_objects', 'api_tokens', 'event_outbox', 'events']) {
      await q.query(`DROP TABLE IF EXISTS ${t}`);
    }
    await q.query(`DROP FUNCTION IF EXISTS events_append_only()`);
  }
}

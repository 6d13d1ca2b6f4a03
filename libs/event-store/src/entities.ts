import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn, Unique } from 'typeorm';

/**
 * The append-only event log. Rows are never updated or deleted; every piece of
 * served state is a projection of it. `seq` is the global order; the unique
 * (aggregate_type, aggregate_id, aggregate_version) makes two writers that raced
 * on the same aggregate conflict instead of silently interleaving.
 */
@Entity({ name: 'events' })
@Unique('events_aggregate_version_uq', ['aggregateType', 'aggregateId', 'aggregateVersion'])
export class EventRecord {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  seq!: string;

  @Index('events_id_uq', { unique: true })
  @Column({ type: 'uuid' })
  id!: string;

  @Column({ name: 'aggregate_type', type: 'text' })
  aggregateType!: string;

  @Column({ name: 'aggregate_id', type: 'text' })
  aggregateId!: string;

  @Column({ name: 'aggregate_version', type: 'integer' })
  aggregateVersion!: number;

  @Column({ type: 'text' })
  type!: string;

  @Column({ name: 'type_version', type: 'integer' })
  typeVersion!: number;

  @Column({ type: 'jsonb' })
  payload!: unknown;

  @Column({ type: 'text' })
  actor!: string;

  @Column({ name: 'correlation_id', type: 'text' })
  correlationId!: string;

  @Column({ type: 'timestamptz' })
  time!: Date;
}

/**
 * Transactional outbox: one row per event not yet acknowledged by JetStream.
 * Inserted in the same transaction as the event, deleted by the relay after the
 * publish ack; kept apart from `events` so the log itself stays append-only.
 */
@Entity({ name: 'event_outbox' })
export class OutboxRecord {
  @PrimaryColumn({ type: 'bigint' })
  seq!: string;
}

/** API tokens. Credentials, not SDN state: deliberately not event-sourced (no hashes on the bus). */
@Entity({ name: 'api_tokens' })
export class ApiTokenRecord {
  /** `USER@REALM!TOKENID` */
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ type: 'text' })
  salt!: string;

  /** hex sha256(salt ‖ secret); secrets are random UUIDs, so a fast hash is enough. */
  @Column({ type: 'text' })
  hash!: string;

  @Column({ type: 'text', default: '' })
  comment!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

/** Projection: the pending (editable) objects of every section. */
@Entity({ name: 'sdn_objects' })
export class SdnObjectRecord {
  @PrimaryColumn({ type: 'text' })
  section!: string;

  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ type: 'jsonb' })
  data!: Record<string, unknown>;
}

/** Projection: the running configuration snapshot and its version. */
@Entity({ name: 'sdn_running' })
export class SdnRunningRecord {
  @PrimaryColumn({ type: 'text' })
  name!: string;

  @Column({ type: 'integer' })
  version!: number;

  @Column({ type: 'jsonb' })
  config!: Record<string, unknown>;
}

/** Projection: the global SDN lock (hash of the token only). */
@Entity({ name: 'sdn_lock' })
export class SdnLockRecord {
  @PrimaryColumn({ type: 'text' })
  name!: string;

  @Column({ name: 'token_hash', type: 'text' })
  tokenHash!: string;
}

/** Last event sequence folded into the projection tables. */
@Entity({ name: 'projection_checkpoints' })
export class ProjectionCheckpointRecord {
  @PrimaryColumn({ type: 'text' })
  name!: string;

  @Column({ type: 'bigint' })
  seq!: string;
}

export const EVENT_STORE_ENTITIES = [
  EventRecord,
  OutboxRecord,
  ApiTokenRecord,
  SdnObjectRecord,
  SdnRunningRecord,
  SdnLockRecord,
  ProjectionCheckpointRecord,
];

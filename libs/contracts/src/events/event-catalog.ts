import { configAppliedV1Schema, eventEnvelopeSchema, ipEventV1Schema } from '../messages';
import { any, arrayOf, bool, int, nonEmptyStr, object, oneOfInt, optional, record, str, toJsonSchema, type Check, type JsonSchema } from '../schema';
import { cloudEventType, eventSchemaPath } from '../cloudevents/cloud-event';

/**
 * Every event type on the events stream, with the schema of its payload: the
 * one definition of each event contract. Producers' TypeScript types live
 * beside their code (event-store `sdn/events.ts`, access `events.ts`, IpEventV1
 * here); these checks describe the same shapes, and the JSON Schemas served by
 * the API (GET /cluster/sdn/events/schemas) are generated from them.
 */
export interface EventTypeContract {
  type: string;
  typeVersion: number;
  aggregateType: string;
  description: string;
  payload: Check;
}

const sdnObject = record;
const objectCreated = object({ id: nonEmptyStr, object: sdnObject });
const objectUpdated = object({ id: nonEmptyStr, object: sdnObject, set: arrayOf(str), deleted: arrayOf(str) });
const objectDeleted = object({ id: nonEmptyStr });
/** Subnets' events also say when the request accepted a gateway outside the subnet (`gateway-outside-subnet=1`, rule S4 lifted). */
const lifted = { gatewayOutsideSubnet: optional(bool) };
const subnetCreated = object({ id: nonEmptyStr, object: sdnObject, ...lifted });
const subnetUpdated = object({ id: nonEmptyStr, object: sdnObject, set: arrayOf(str), deleted: arrayOf(str), ...lifted });

/** Object sections of the SDN config: event stem and aggregate type (as SECTION_META of the event store). */
const SECTIONS: [stem: string, aggregate: string, what: string][] = [
  ['Zone', 'zone', 'zone'],
  ['Vnet', 'vnet', 'VNet'],
  ['Subnet', 'subnet', 'subnet'],
  ['Controller', 'controller', 'controller'],
  ['Ipam', 'ipam', 'IPAM'],
  ['Dns', 'dns', 'DNS server'],
  ['Fabric', 'fabric', 'fabric'],
  ['FabricNode', 'fabric-node', 'fabric node'],
];

const aclEntry = object({ path: str, type: str, ugid: str, roleid: str, propagate: optional(any) });

const types: EventTypeContract[] = [
  ...SECTIONS.flatMap(([stem, aggregate, what]): EventTypeContract[] => [
    { type: `${stem}Created`, typeVersion: 1, aggregateType: aggregate, description: `A ${what} was created (pending until applied; IPAM and DNS act at once). Carries the whole object.`, payload: stem === 'Subnet' ? subnetCreated : objectCreated },
    { type: `${stem}Updated`, typeVersion: 1, aggregateType: aggregate, description: `A ${what} was changed: the whole object after the change, and the keys the request set and deleted.`, payload: stem === 'Subnet' ? subnetUpdated : objectUpdated },
    { type: `${stem}Deleted`, typeVersion: 1, aggregateType: aggregate, description: `A ${what} was deleted.`, payload: objectDeleted },
  ]),
  { type: 'ConfigApplied', typeVersion: 1, aggregateType: 'config', description: 'PUT /cluster/sdn: the pending config became running version `version`; `running` is the full snapshot.', payload: configAppliedV1Schema },
  { type: 'ConfigRolledBack', typeVersion: 1, aggregateType: 'config', description: 'The pending config was reset to running version `version` (0 = none).', payload: object({ version: int }) },
  { type: 'LockAcquired', typeVersion: 1, aggregateType: 'lock', description: 'The global SDN lock was taken; the token itself never enters the log, only its sha256.', payload: object({ tokenHash: nonEmptyStr }) },
  { type: 'LockReleased', typeVersion: 1, aggregateType: 'lock', description: 'The global SDN lock was released (`reason`: unlock, apply or rollback).', payload: object({ forced: bool, reason: str }) },
  { type: 'UserCreated', typeVersion: 1, aggregateType: 'user', description: 'A user was created (the record as stored; no secrets).', payload: object({ user: record }) },
  { type: 'UserUpdated', typeVersion: 1, aggregateType: 'user', description: 'A user was changed (the record after the change).', payload: object({ user: record }) },
  { type: 'UserDeleted', typeVersion: 1, aggregateType: 'user', description: 'A user was deleted (its tokens and ACL entries go with it, as their own events).', payload: object({ userid: nonEmptyStr }) },
  { type: 'TokenCreated', typeVersion: 1, aggregateType: 'token', description: 'An API token was created (never its secret).', payload: object({ token: record }) },
  { type: 'TokenUpdated', typeVersion: 1, aggregateType: 'token', description: 'An API token was changed.', payload: object({ token: record }) },
  { type: 'TokenDeleted', typeVersion: 1, aggregateType: 'token', description: 'An API token was deleted.', payload: object({ fullTokenId: nonEmptyStr }) },
  { type: 'GroupCreated', typeVersion: 1, aggregateType: 'group', description: 'A group was created (members join through their user records).', payload: object({ group: record }) },
  { type: 'GroupUpdated', typeVersion: 1, aggregateType: 'group', description: 'A group was changed (the record after the change).', payload: object({ group: record }) },
  { type: 'GroupDeleted', typeVersion: 1, aggregateType: 'group', description: "A group was deleted (its members' records and its ACL entries change first, as their own events).", payload: object({ groupid: nonEmptyStr }) },
  { type: 'AclChanged', typeVersion: 1, aggregateType: 'acl', description: 'PUT /access/acl on one path: the entries added and removed.', payload: object({ path: str, set: arrayOf(aclEntry), removed: arrayOf(aclEntry) }) },
  {
    type: 'AccessDenied',
    typeVersion: 1,
    aggregateType: 'audit',
    description: 'A refused request (401, 403 or 429), for the audit trail.',
    payload: object({
      status: oneOfInt(401, 403, 429),
      method: nonEmptyStr,
      url: str,
      principal: optional(str),
      reason: nonEmptyStr,
      required: optional(object({ privileges: arrayOf(str), path: str })),
      source: str,
    }),
  },
  { type: 'IpAllocated', typeVersion: 1, aggregateType: 'ip', description: 'An address was allocated (or a subnet gateway reserved, `gateway: true`) by the IPAM service.', payload: ipEventV1Schema },
  { type: 'IpUpdated', typeVersion: 1, aggregateType: 'ip', description: 'An allocated address changed its MAC, hostname or VM id.', payload: ipEventV1Schema },
  { type: 'IpReleased', typeVersion: 1, aggregateType: 'ip', description: 'An address was released.', payload: ipEventV1Schema },
];

/** Event contracts by `<type>/v<version>`. */
export const EVENT_TYPES: ReadonlyMap<string, EventTypeContract> = new Map(types.map((t) => [`${t.type}/v${t.typeVersion}`, t]));

export function eventTypeContract(type: string, typeVersion: number): EventTypeContract | undefined {
  return EVENT_TYPES.get(`${type}/v${typeVersion}`);
}

const DRAFT = 'https://json-schema.org/draft/2020-12/schema';

/**
 * The JSON Schema of one event type: the envelope (as published on
 * `sdn.events.<aggregate>.<type>`) with its `type`, `aggregateType` and
 * `typeVersion` fixed and its payload described. `$id` is the path the API
 * serves it under, also the events' `ce-dataschema`.
 */
export function eventJsonSchema(t: EventTypeContract): JsonSchema {
  const envelope = toJsonSchema(eventEnvelopeSchema) as { properties: Record<string, JsonSchema>; required: string[] };
  return {
    $schema: DRAFT,
    $id: eventSchemaPath(t.type, t.typeVersion),
    title: `${t.type} v${t.typeVersion}`,
    description: `${t.description} CloudEvents type ${cloudEventType(t)}; NATS subject sdn.events.${t.aggregateType}.${t.type}.`,
    type: 'object',
    properties: {
      ...envelope.properties,
      type: { const: t.type },
      typeVersion: { const: t.typeVersion },
      aggregateType: { const: t.aggregateType },
      payload: toJsonSchema(t.payload),
    },
    required: [...new Set([...envelope.required, 'payload'])],
  };
}

/** The list the API serves at …/events/schemas: one entry per event type. */
export function eventSchemaIndex(): { type: string; typeVersion: number; aggregateType: string; cloudEventType: string; subject: string; schema: string; description: string }[] {
  return types.map((t) => ({
    type: t.type,
    typeVersion: t.typeVersion,
    aggregateType: t.aggregateType,
    cloudEventType: cloudEventType(t),
    subject: `sdn.events.${t.aggregateType}.${t.type}`,
    schema: eventSchemaPath(t.type, t.typeVersion),
    description: t.description,
  }));
}

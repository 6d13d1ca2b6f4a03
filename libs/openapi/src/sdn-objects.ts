import { type KindSchema, type ObjectKind, OBJECT_KINDS, SCHEMAS, typeAllows } from '@sdn/model';
import { propertySchema } from './property-schema';
import type { OperationSpec, ParamSpec } from './spec';
import type { JsonSchema } from './types';

/** Where each kind lives and which ACL path guards it (the API's controllers). */
const KIND_ROUTES: Record<ObjectKind, { collection: string; title: string; acl: string; itemAcl: string; listAcl: string }> = {
  zones: { collection: '/cluster/sdn/zones', title: 'zone', acl: '/sdn/zones', itemAcl: '/sdn/zones/{zone}', listAcl: '/sdn/zones/{zone}' },
  vnets: { collection: '/cluster/sdn/vnets', title: 'vnet', acl: '/sdn/zones/{zone}', itemAcl: '/sdn/zones/{vnet.zone}/{vnet}', listAcl: '/sdn/zones/{zone}/{vnet}' },
  subnets: { collection: '/cluster/sdn/vnets/{vnet}/subnets', title: 'subnet', acl: '/sdn/zones/{vnet.zone}/{vnet}', itemAcl: '/sdn/zones/{vnet.zone}/{vnet}', listAcl: '/sdn/zones/{vnet.zone}/{vnet}' },
  controllers: { collection: '/cluster/sdn/controllers', title: 'controller', acl: '/sdn/controllers', itemAcl: '/sdn/controllers', listAcl: '/sdn/controllers/{controller}' },
  ipams: { collection: '/cluster/sdn/ipams', title: 'IPAM', acl: '/sdn/ipams', itemAcl: '/sdn/ipams', listAcl: '/sdn/ipams/{ipam}' },
  dns: { collection: '/cluster/sdn/dns', title: 'DNS server', acl: '/sdn/dns', itemAcl: '/sdn/dns', listAcl: '/sdn/dns/{dns}' },
};

/** Parameters that steer a request rather than describe the object (the API's CONTROL_PARAMS). */
export const CONTROL_PARAMS: Record<'lock-token' | 'digest' | 'delete' | 'running' | 'pending', Omit<JsonSchema, 'required'>> = {
  'lock-token': { type: 'string', description: 'Token of the global SDN lock (POST /cluster/sdn/lock); required while the lock is held.' },
  digest: { type: 'string', maxLength: 64, description: 'Refuse the change if the section changed since this digest was read (from a GET).' },
  delete: { type: 'string', format: 'pve-configid-list', description: 'Properties to remove, comma separated.' },
  running: { type: 'boolean', default: false, description: 'The running (applied) configuration instead of the pending one.' },
  pending: { type: 'boolean', default: false, description: 'Running values with the pending changes beside them (state, pending).' },
};

/** Request flags of one kind that are not properties (the API's ZONE_FLAGS and SUBNET_FLAGS). */
const KIND_FLAGS: Partial<Record<ObjectKind, Record<string, Omit<JsonSchema, 'required'>>>> = {
  zones: { 'generate-mac': { type: 'boolean', default: true, description: 'Our extension: 0 keeps an evpn zone without `mac` instead of generating one (imports of zones that have none).' } },
  subnets: {
    'gateway-outside-subnet': {
      type: 'boolean',
      default: false,
      writeOnly: true,
      description:
        'Our extension: 1 accepts a `gateway` outside the subnet for this request (rule S4 lifted), as Proxmox nodes render one that is on disk (imports of such clusters). Not stored: the object and subnets.cfg do not carry it; the event records it. A gateway so accepted stays accepted while it is unchanged.',
    },
  },
};

const ANSWER_ONLY: Record<string, JsonSchema> = {
  digest: { type: 'string', description: 'Digest of the section, for `digest` on a later update.' },
  state: { type: 'string', enum: ['new', 'changed', 'deleted'], description: 'pending=1 only: how the pending object differs from the running one.' },
  pending: { type: 'object', additionalProperties: true, description: 'pending=1 only: pending values that differ from the running ones (`deleted` for removed keys).' },
};

const SUBNET_DERIVED: Record<string, JsonSchema> = {
  id: { type: 'string', description: 'Subnet ID <zone>-<address>-<prefix length>.' },
  cidr: { type: 'string', format: 'cidr', description: 'The network in CIDR notation.' },
  zone: { type: 'string', format: 'zone-id', description: 'Zone of the subnet (its vnet\'s).' },
  network: { type: 'string', format: 'ip', description: 'Network address.' },
  mask: { type: 'string', description: 'Prefix length.' },
};

export const schemaName = (kind: ObjectKind, what: 'object' | 'create' | 'update', type?: string) => `${kind}.${what}${type ? `.${type}` : ''}`;
const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });

/** Plugin types that accept `key`. */
function typesOf(schema: KindSchema, key: string): string[] {
  return Object.entries(schema.types)
    .filter(([, o]) => typeAllows(o, key))
    .map(([t]) => t);
}

/** `x-sdn-types` when only some types take the key (said of every key it would be noise). */
function typesNote(schema: KindSchema, key: string): Pick<JsonSchema, 'x-sdn-types'> {
  const types = typesOf(schema, key);
  return types.length < Object.keys(schema.types).length ? { 'x-sdn-types': types } : {};
}

function idSchema(schema: KindSchema): JsonSchema {
  return { type: 'string', format: schema.kind === 'subnets' ? 'cidr' : schema.idFormat, description: schema.idDescription };
}

/** Keys the route's path supplies (subnets: the vnet); they are not body properties. */
function pathKeys(kind: ObjectKind): string[] {
  return kind === 'subnets' ? ['vnet'] : [];
}

/** The create body of one plugin type: its required and optional keys, nothing else. */
function createSchema(schema: KindSchema, type: string): JsonSchema {
  const options = schema.types[type];
  const skip = pathKeys(schema.kind);
  const properties: Record<string, JsonSchema> = {
    [schema.idParam]: idSchema(schema),
    type: { type: 'string', enum: [type], description: schema.implicitType ? `Plugin type (optional: always ${type}).` : 'Plugin type.' },
  };
  for (const key of [...options.required, ...options.optional]) if (!skip.includes(key)) properties[key] = propertySchema(schema.properties[key]);
  Object.assign(properties, KIND_FLAGS[schema.kind]);
  properties['lock-token'] = CONTROL_PARAMS['lock-token'];
  const required = [schema.idParam, ...(schema.implicitType ? [] : ['type']), ...options.required.filter((k) => !skip.includes(k))];
  return { type: 'object', properties, required, additionalProperties: false };
}

/** The update body: any key of the object's type (the type itself cannot change), `delete`, `digest`. */
function updateSchema(schema: KindSchema): JsonSchema {
  const skip = pathKeys(schema.kind);
  const properties: Record<string, JsonSchema> = {};
  for (const [key, def] of Object.entries(schema.properties)) {
    const types = typesOf(schema, key);
    if (!types.length || skip.includes(key)) continue;
    properties[key] = { ...propertySchema(def), ...typesNote(schema, key) };
  }
  Object.assign(properties, KIND_FLAGS[schema.kind]);
  for (const k of ['delete', 'digest', 'lock-token'] as const) properties[k] = CONTROL_PARAMS[k];
  return { type: 'object', properties, additionalProperties: false, description: 'Only properties of the object\'s type are accepted (x-sdn-types lists the types of each).' };
}

function objectSchema(schema: KindSchema): JsonSchema {
  const properties: Record<string, JsonSchema> = {
    [schema.idParam]: { ...idSchema(schema), format: schema.idFormat },
    type: { type: 'string', enum: Object.keys(schema.types), description: 'Plugin type.' },
  };
  for (const [key, def] of Object.entries(schema.properties)) {
    if (def.writeOnly || !typesOf(schema, key).length) continue;
    properties[key] = { ...propertySchema(def, 'response'), ...typesNote(schema, key) };
  }
  if (schema.kind === 'subnets') Object.assign(properties, SUBNET_DERIVED);
  Object.assign(properties, ANSWER_ONLY);
  return { type: 'object', properties, required: [schema.idParam, 'type'] };
}

/** Component schemas of every kind: the answer object, the create body (one per type) and the update body. */
export function objectSchemas(): Record<string, JsonSchema> {
  const out: Record<string, JsonSchema> = {};
  for (const kind of OBJECT_KINDS) {
    const schema = SCHEMAS[kind];
    out[schemaName(kind, 'object')] = objectSchema(schema);
    const types = Object.keys(schema.types);
    for (const t of types) out[schemaName(kind, 'create', t)] = createSchema(schema, t);
    out[schemaName(kind, 'create')] =
      types.length === 1
        ? ref(schemaName(kind, 'create', types[0]))
        : {
            oneOf: types.map((t) => ref(schemaName(kind, 'create', t))),
            discriminator: { propertyName: 'type', mapping: Object.fromEntries(types.map((t) => [t, `#/components/schemas/${schemaName(kind, 'create', t)}`])) },
          };
    out[schemaName(kind, 'update')] = updateSchema(schema);
  }
  return out;
}

/** List, read, create, update and delete of every kind, from the property schema. */
export function objectOperations(): OperationSpec[] {
  const out: OperationSpec[] = [];
  for (const kind of OBJECT_KINDS) {
    const schema = SCHEMAS[kind];
    const r = KIND_ROUTES[kind];
    const item = `${r.collection}/{${schema.idParam}}`;
    const tag = kind;
    const pathParams = { [schema.idParam]: { type: 'string' as const, format: schema.idFormat, description: schema.idDescription } };
    const view = { running: CONTROL_PARAMS.running, pending: CONTROL_PARAMS.pending };
    const typeFilter: Record<string, ParamSpec> = Object.keys(schema.types).length > 1 ? { type: { type: 'string', enum: Object.keys(schema.types), description: 'Only objects of this type.' } } : {};
    // Lists show the objects the caller may see; subnets are guarded by their vnet as a whole.
    const listAccess = { privs: ['SDN.Audit', 'SDN.Allocate'], path: r.listAcl, filtered: kind !== 'subnets' };
    out.push(
      { method: 'GET', path: r.collection, tag, summary: `List ${r.title}s`, access: listAccess, params: { ...typeFilter, ...view }, data: { type: 'array', items: ref(schemaName(kind, 'object')) } },
      { method: 'GET', path: item, tag, summary: `Read a ${r.title}`, access: { privs: ['SDN.Audit', 'SDN.Allocate'], path: r.itemAcl }, pathParams, params: view, data: ref(schemaName(kind, 'object')) },
      { method: 'POST', path: r.collection, tag, summary: `Create a ${r.title} (in the pending configuration)`, access: { privs: ['SDN.Allocate'], path: r.acl }, body: ref(schemaName(kind, 'create')), data: { nullable: true } },
      { method: 'PUT', path: item, tag, summary: `Update a ${r.title}`, access: { privs: ['SDN.Allocate'], path: r.itemAcl }, pathParams, body: ref(schemaName(kind, 'update')), data: { nullable: true } },
      { method: 'DELETE', path: item, tag, summary: `Delete a ${r.title}`, access: { privs: ['SDN.Allocate'], path: r.itemAcl }, pathParams, params: { 'lock-token': CONTROL_PARAMS['lock-token'] }, data: { nullable: true } },
    );
  }
  return out;
}

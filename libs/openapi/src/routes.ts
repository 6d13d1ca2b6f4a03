import { FABRIC_ROUTES } from './fabric-routes';
import type { OperationSpec, ParamSpec } from './spec';
import type { JsonSchema } from './types';

/**
 * The API's routes besides the SDN objects (those come from the property
 * schema, sdn-objects.ts): what each takes and answers. The route-coverage
 * test (apps/api/src/openapi) fails when the API mounts a route missing here
 * or this lists one it does not mount.
 */
/** A scalar's schema: usable as a parameter and as a property of an answer. */
type Field = Omit<JsonSchema, 'required'>;
const str = (description: string, extra: Field = {}): Field => ({ type: 'string', description, ...extra });
const int = (description: string, extra: Field = {}): Field => ({ type: 'integer', description, ...extra });
const bool = (description: string, dflt?: boolean): Field => ({ type: 'boolean', description, ...(dflt !== undefined ? { default: dflt } : {}) });
const req = (p: Field): ParamSpec => ({ ...p, required: true });
const obj = (properties: Record<string, JsonSchema>, extra: JsonSchema = {}): JsonSchema => ({ type: 'object', properties, ...extra });
const list = (items: JsonSchema): JsonSchema => ({ type: 'array', items });
const NULL: JsonSchema = { nullable: true };
const ANY_OBJECT: JsonSchema = { type: 'object', additionalProperties: true };
const INDEX = (key: string): JsonSchema => list(obj({ [key]: { type: 'string' } }));
const PRIVS: JsonSchema = { type: 'object', additionalProperties: { type: 'integer', enum: [1] }, description: 'Privilege names mapped to 1.' };

const SDN_AUDIT = { privs: ['SDN.Audit'], path: '/sdn' } as const;
const SDN_ALLOCATE = { privs: ['SDN.Allocate'], path: '/sdn' } as const;
const USER_ADMIN = { privs: ['User.Modify'], path: '/access' } as const;
const USER_AUDIT = { privs: ['User.Modify', 'Sys.Audit'], path: '/access' } as const;
const ZONE_AUDIT = { privs: ['SDN.Audit'], path: '/sdn/zones/{zone}' } as const;
const VNET_AUDIT = { privs: ['SDN.Audit'], path: '/sdn/zones/{vnet.zone}/{vnet}' } as const;
const IPS_ALLOCATE = { privs: ['SDN.Allocate'], path: '/sdn/zones/{vnet.zone}/{vnet}' } as const;

const LOCK_TOKEN = str('Token of the global SDN lock; required while the lock is held.');
const RELEASE_LOCK = bool('Release the lock afterwards.', true);
const USER_TEXTS = {
  enable: bool('Account enabled.', true),
  expire: int('Expiry as seconds since the epoch (0: never).', { minimum: 0, default: 0 }),
  comment: str('Comment.', { maxLength: 2048 }),
  email: str('E-mail address.', { maxLength: 2048 }),
  firstname: str('First name.', { maxLength: 2048 }),
  lastname: str('Last name.', { maxLength: 2048 }),
  groups: str('Groups the user is in, comma separated (replaces the list unless `append`).'),
};
const TOKEN_FIELDS = {
  privsep: bool("Privilege separation: the token holds only its own ACL entries, not its user's.", true),
  expire: int('Expiry as seconds since the epoch (0: never).', { minimum: 0, default: 0 }),
  comment: str('Comment.', { maxLength: 2048 }),
};
const TOKEN_INFO = obj(TOKEN_FIELDS);
const GROUP_ACCESS = { privs: ['Group.Allocate'], path: '/access/groups/{groupid}' } as const;
const USER = obj({ userid: str('User ID USER@REALM.'), ...USER_TEXTS, tokens: list(obj({ tokenid: str('Token ID.'), ...TOKEN_FIELDS })) });
const TASK = obj(
  {
    upid: str('Task ID (UPID).'),
    node: str('Node (API replica) that started the task.'),
    pid: int('PID part of the UPID.'),
    pstart: int('Process start part of the UPID.'),
    starttime: int('Start, seconds since the epoch.'),
    type: str('Task type (reloadnetworkall).'),
    id: str('Task object ID.'),
    user: str('User who started it.'),
    status: { type: 'string', enum: ['running', 'stopped'], description: 'running until every node applied or failed.' },
    exitstatus: str('stopped only: OK, or which nodes failed.'),
    endtime: int('stopped only: when the last node finished.'),
  },
  { required: ['upid', 'node', 'starttime', 'type', 'user', 'status'] },
);
const NODE_STATE = { type: 'string', enum: ['available', 'pending', 'error', 'offline'] } as const;
const IP_PARAMS: Record<string, ParamSpec> = {
  zone: req(str('Zone of the vnet.', { format: 'zone-id', maxLength: 64 })),
  ip: str('The address (POST without it: allocate the next free one).', { format: 'ip', maxLength: 64 }),
  mac: str('MAC address of the guest NIC.', { format: 'mac-addr', maxLength: 64 }),
  hostname: str('Host name (for DNS records).', { maxLength: 255 }),
  vmid: str('Guest ID.', { maxLength: 16 }),
  subnet: str('Subnet to allocate from (CIDR).', { maxLength: 64 }),
};
const IP_RECORD = obj({ ip: str('The address.', { format: 'ip' }), zone: str('Zone.'), vnet: str('Vnet.'), subnet: str('Subnet.'), mac: str('MAC address.'), hostname: str('Host name.'), vmid: str('Guest ID.') }, { additionalProperties: true });

/** `/health/live` and `/health/ready` of the API, as every service answers them (libs/service-kit). */
const HEALTH_CHECKS = obj({ status: { type: 'string', enum: ['ok', 'error'] }, checks: { type: 'object', additionalProperties: obj({ status: { type: 'string', enum: ['up', 'down'] } }) } });

export const ROUTES: OperationSpec[] = [
  // --- outside /api2/json ----------------------------------------------------------------
  { method: 'GET', root: true, path: '/health', tag: 'service', summary: 'Liveness for orchestrators: the state is loaded (not a Proxmox endpoint: no {data} envelope)', access: 'public', raw: { contentType: 'application/json' }, data: obj({ status: { type: 'string', enum: ['ok'] }, seq: int('Last event folded.'), version: int('Running configuration version.') }) },
  { method: 'GET', root: true, path: '/health/live', tag: 'service', summary: 'Liveness: the process answers (same body as the services\' /health/live)', access: 'public', raw: { contentType: 'application/json' }, data: HEALTH_CHECKS },
  { method: 'GET', root: true, path: '/health/ready', tag: 'service', summary: 'Readiness (terminus): PostgreSQL and NATS answer, the relay and the node-status consumer are bound, the replica is not draining; 503 naming the checks that are down otherwise', access: 'public', raw: { contentType: 'application/json' }, data: HEALTH_CHECKS },
  { method: 'GET', root: true, path: '/metrics', tag: 'service', summary: 'Prometheus metrics of this API replica', access: 'public', raw: { contentType: 'text/plain' }, data: { type: 'string' } },
  { method: 'GET', root: true, path: '/api2/openapi.json', tag: 'service', summary: 'This document, generated from the property schema and the route table', access: 'public', raw: { contentType: 'application/json' }, data: ANY_OBJECT },

  // --- version, nodes, tasks -------------------------------------------------------------------
  { method: 'GET', path: '/version', tag: 'cluster', summary: 'API version: the Proxmox VE API level implemented (version, release) and this build (repoid)', access: 'user', data: obj({ version: str('Proxmox VE version mirrored.'), release: str('Its release (major.minor).'), repoid: str('Build of this product.'), product: str('Product name.'), productversion: str('Product version.') }, { required: ['version', 'release', 'repoid'] }) },
  { method: 'GET', path: '/nodes', tag: 'nodes', summary: 'Known nodes (from their agents), online or offline by heartbeat', access: 'user', data: list(obj({ node: str('Node name.'), status: { type: 'string', enum: ['online', 'offline'] }, type: str('Always node.'), id: str('node/<name>.') }, { required: ['node', 'status'] })) },
  {
    method: 'GET',
    path: '/cluster/status',
    tag: 'cluster',
    summary: 'Cluster status: one `cluster` entry (nodes, quorate) and one `node` entry per known node (online from heartbeats, local)',
    access: { privs: ['Sys.Audit'], path: '/' },
    data: list(obj({ type: { type: 'string', enum: ['cluster', 'node'] }, id: str('cluster, or node/<name>.'), name: str('Cluster or node name.'), nodes: int('cluster: number of known nodes.'), quorate: { type: 'integer', enum: [0, 1], description: 'cluster: always 1 (writes need no node quorum).' }, online: { type: 'integer', enum: [0, 1], description: 'node: heartbeats arrive.' }, local: { type: 'integer', enum: [0, 1], description: 'node: the node this API replica is named after.' } }, { required: ['type', 'id', 'name'] })),
  },
  { method: 'GET', path: '/cluster/tasks', tag: 'tasks', summary: 'Recent tasks of the cluster', access: SDN_AUDIT, data: list(TASK) },
  { method: 'GET', path: '/nodes/{node}/tasks', tag: 'tasks', summary: 'Recent tasks started on this node (the API replica of that name)', access: SDN_AUDIT, params: { limit: int('At most this many.', { minimum: 1, maximum: 1000, default: 50 }) }, data: list(TASK) },
  { method: 'GET', path: '/nodes/{node}/tasks/{upid}/status', tag: 'tasks', summary: "A task's status: running until every node applied or failed, then stopped with exitstatus OK or the failed nodes", access: SDN_AUDIT, data: TASK },
  { method: 'GET', path: '/nodes/{node}/tasks/{upid}/log', tag: 'tasks', summary: "A task's log: one line per node (applied version N in X ms, errors, pending)", access: SDN_AUDIT, params: { start: int('First line (0-based).', { minimum: 0, default: 0 }), limit: int('At most this many lines.', { minimum: 0, default: 50 }) }, data: list(obj({ n: int('Line number (1-based).'), t: str('Text.') }, { required: ['n', 't'] })) },
  { method: 'GET', path: '/cluster/resources', tag: 'cluster', summary: 'Cluster resources: the SDN entries (one per node and zone, plus localnetwork)', access: 'user', params: { type: str('Only this resource type (sdn; others are empty).') }, data: list(obj({ id: str('Resource ID.'), type: str('Resource type.'), node: str('Node.'), sdn: str('Zone.'), status: str('Zone state on the node.') }, { additionalProperties: true })) },

  // --- per node SDN status -----------------------------------------------------------------------
  { method: 'GET', path: '/nodes/{node}/sdn', tag: 'nodes', summary: 'Node SDN index', access: 'user', data: INDEX('subdir') },
  { method: 'GET', path: '/nodes/{node}/sdn/zones', tag: 'nodes', summary: 'Zone status on the node (available, pending, error; offline when the node misses heartbeats)', access: { privs: ['SDN.Audit'], path: '/sdn/zones/{zone}', filtered: true }, data: list(obj({ zone: str('Zone.'), status: NODE_STATE, type: str('Zone type.') }, { additionalProperties: true })) },
  { method: 'GET', path: '/nodes/{node}/sdn/zones/{zone}', tag: 'nodes', summary: 'Zone sub-index on the node', access: ZONE_AUDIT, data: INDEX('subdir') },
  { method: 'GET', path: '/nodes/{node}/sdn/zones/{zone}/content', tag: 'nodes', summary: "Status of the zone's vnets on the node", access: ZONE_AUDIT, data: list(obj({ vnet: str('Vnet.'), status: NODE_STATE, statusmsg: str('Why, when not available.') }, { additionalProperties: true })) },
  { method: 'GET', path: '/nodes/{node}/sdn/zones/{zone}/bridges', tag: 'nodes', summary: "The zone's bridges with their ports, live from the node (localnetwork: the node's own bridges)", access: ZONE_AUDIT, statuses: [503], data: list(ANY_OBJECT) },
  { method: 'GET', path: '/nodes/{node}/sdn/zones/{zone}/ip-vrf', tag: 'nodes', summary: "Installed routes of an EVPN zone's VRF on the node, live from FRR", access: ZONE_AUDIT, statuses: [503], data: list(ANY_OBJECT) },
  { method: 'GET', path: '/nodes/{node}/sdn/vnets/{vnet}', tag: 'nodes', summary: 'Vnet sub-index on the node', access: VNET_AUDIT, data: INDEX('subdir') },
  { method: 'GET', path: '/nodes/{node}/sdn/vnets/{vnet}/mac-vrf', tag: 'nodes', summary: "Best EVPN type-2 (MAC/IP) routes of the vnet's VNI on the node, live from FRR", access: VNET_AUDIT, statuses: [503], data: list(ANY_OBJECT) },

  // --- SDN configuration: apply, lock, rollback, status ----------------------------------------------
  { method: 'GET', path: '/cluster/sdn', tag: 'sdn', summary: 'Directory index', access: SDN_AUDIT, data: INDEX('id') },
  { method: 'PUT', path: '/cluster/sdn', tag: 'sdn', summary: 'Apply: commit the pending configuration as a new running version; answers the task UPID (follow it at /nodes/{node}/tasks/{upid}/status)', access: SDN_ALLOCATE, params: { 'lock-token': LOCK_TOKEN, 'release-lock': RELEASE_LOCK }, data: str('Task UPID.') },
  { method: 'GET', path: '/cluster/sdn/apply/{task}', tag: 'sdn', summary: "Progress of an apply: each node's state for that version (pending, applied, error) and the slowest node", access: SDN_AUDIT, data: obj({ task: str('Task ID.'), version: int('Configuration version.'), nodes: list(ANY_OBJECT), correlationId: str('Correlation ID of the apply request.') }, { additionalProperties: true }) },
  { method: 'POST', path: '/cluster/sdn/rollback', tag: 'sdn', summary: 'Discard the pending changes: zones, vnets, subnets and controllers back to the running configuration', access: SDN_ALLOCATE, params: { 'lock-token': LOCK_TOKEN, 'release-lock': RELEASE_LOCK }, data: NULL },
  { method: 'POST', path: '/cluster/sdn/lock', tag: 'sdn', summary: 'Acquire the global SDN lock; answers the lock token', access: SDN_ALLOCATE, params: { 'allow-pending': bool('Lock even with pending changes.', false) }, data: str('Lock token.') },
  { method: 'DELETE', path: '/cluster/sdn/lock', tag: 'sdn', summary: 'Release the global SDN lock', access: SDN_ALLOCATE, params: { 'lock-token': LOCK_TOKEN, force: bool('Release without the token.', false) }, data: NULL },
  { method: 'GET', path: '/cluster/sdn/status', tag: 'sdn', summary: 'Per node: running version, liveness, last apply, zone states with vnet state counts (zones shown with SDN.Audit on them)', access: 'user', data: ANY_OBJECT },
  { method: 'GET', path: '/cluster/sdn/dry-run', tag: 'sdn', summary: 'What apply would change on a node: whitespace-insensitive unified diffs of its interfaces and FRR files', access: { privs: ['Sys.Audit'], path: '/nodes/{node}' }, params: { node: req(str('Node.', { format: 'pve-node' })) }, statuses: [503], data: ANY_OBJECT },
  { method: 'GET', path: '/cluster/sdn/dry-run/summary', tag: 'sdn', summary: 'For every node (or the `nodes` given): whether apply would change its files, lines added and removed per file', access: { privs: ['Sys.Audit'], path: '/nodes/{node}', filtered: true }, params: { nodes: str('Nodes, comma separated (default: every node that published facts).', { format: 'pve-node-list' }) }, statuses: [503], data: list(ANY_OBJECT) },
  { method: 'GET', path: '/cluster/sdn/events', tag: 'events', summary: 'Audit: the event log after sequence `since` (who changed what, when)', access: SDN_AUDIT, params: { since: int('Only events after this sequence number.', { minimum: 0, default: 0 }), limit: int('At most this many.', { minimum: 1, maximum: 1000, default: 100 }), correlation: str('Only events of this correlation ID.', { maxLength: 200 }) }, data: list(ANY_OBJECT) },
  { method: 'GET', path: '/cluster/sdn/events/schemas', tag: 'events', summary: 'Every event type on the events stream, with its CloudEvents type, NATS subject and JSON Schema path', access: SDN_AUDIT, data: list(ANY_OBJECT) },
  { method: 'GET', path: '/cluster/sdn/events/schemas/{type}/{version}', tag: 'events', summary: 'The JSON Schema (2020-12) of one event type, e.g. schemas/ZoneCreated/v1', access: SDN_AUDIT, data: ANY_OBJECT },
  { method: 'GET', path: '/cluster/sdn/ipams/{ipam}/status', tag: 'ipams', summary: 'Entries of the IPAM (only the built-in pve IPAM; others answer 500 as the reference does)', access: { privs: ['SDN.Audit'], path: '/sdn/ipams/{ipam}' }, statuses: [503], data: list(ANY_OBJECT) },
  { method: 'POST', path: '/cluster/sdn/vnets/{vnet}/ips', tag: 'ips', summary: 'Register an IP (ip given) or allocate the next free one (no ip; count=N for a batch)', access: IPS_ALLOCATE, params: { ...IP_PARAMS, count: int('Allocate this many addresses (answers a list).', { minimum: 1, maximum: 4096 }) }, statuses: [503], data: { oneOf: [IP_RECORD, list(IP_RECORD)] } },
  { method: 'PUT', path: '/cluster/sdn/vnets/{vnet}/ips', tag: 'ips', summary: "Change an IP's MAC, host name or guest", access: IPS_ALLOCATE, params: { ...IP_PARAMS, ip: req(IP_PARAMS.ip) }, statuses: [503], data: IP_RECORD },
  { method: 'DELETE', path: '/cluster/sdn/vnets/{vnet}/ips', tag: 'ips', summary: 'Release an IP', access: IPS_ALLOCATE, params: { ...IP_PARAMS, ip: req(IP_PARAMS.ip) }, statuses: [503], data: NULL },

  // --- access -------------------------------------------------------------------------------------
  { method: 'GET', path: '/access', tag: 'access', summary: 'Directory index', access: 'user', data: INDEX('subdir') },
  { method: 'GET', path: '/access/ticket', tag: 'access', summary: 'Dummy (the reference answers null; its login page reads it)', access: 'public', data: NULL },
  {
    method: 'POST',
    path: '/access/ticket',
    tag: 'access',
    summary: 'Log in (or renew a ticket by posting it as the password): answers the ticket for the PVEAuthCookie cookie and the CSRFPreventionToken header writes need',
    access: 'public',
    statuses: [429],
    params: {
      username: req(str('User name, USER@REALM or USER with `realm`.', { maxLength: 64 })),
      password: req(str('Password, or a valid ticket to renew it.', { maxLength: 4096, format: 'password' })),
      realm: str('Realm appended to a user name without one.', { maxLength: 32 }),
      otp: str('Accepted and ignored (no second factors here).'),
      path: str('Accepted and ignored.'),
      privs: str('Accepted and ignored.'),
      'new-format': str('Accepted and ignored.'),
      'tfa-challenge': str('Accepted and ignored.'),
    },
    data: obj({ ticket: str('Ticket: the PVEAuthCookie value, valid two hours.'), CSRFPreventionToken: str('Send as the CSRFPreventionToken header with every cookie-authenticated write.'), username: str('User ID.'), cap: { type: 'object', additionalProperties: PRIVS, description: 'Capabilities per subtree (dc, sdn, access, nodes, …).' } }, { required: ['ticket', 'CSRFPreventionToken', 'username', 'cap'] }),
  },
  { method: 'PUT', path: '/access/password', tag: 'access', summary: "Set a user's password (users change their own; User.Modify on /access for others)", access: { privs: ['User.Modify'], path: '/access' }, params: { userid: req(str('User ID.', { maxLength: 128 })), password: req(str('New password.', { maxLength: 4096, format: 'password' })), 'confirmation-password': str('Accepted and ignored.', { format: 'password' }) }, data: NULL },
  { method: 'GET', path: '/access/users', tag: 'access', summary: 'List users', access: { ...USER_AUDIT, filtered: true }, params: { full: bool('Include their tokens.', false), enabled: bool('Only enabled (1) or disabled (0) users.') }, data: list(USER) },
  { method: 'POST', path: '/access/users', tag: 'access', summary: 'Create a user', access: USER_ADMIN, params: { userid: req(str('User ID USER@REALM.', { maxLength: 128 })), ...USER_TEXTS, password: str('Password (realm pve users only).', { maxLength: 4096, format: 'password' }) }, data: NULL },
  { method: 'GET', path: '/access/users/{userid}', tag: 'access', summary: 'Read a user with their tokens', access: USER_AUDIT, data: obj({ ...USER_TEXTS, groups: list(str('Group ID.')), tokens: { type: 'object', additionalProperties: TOKEN_INFO } }) },
  { method: 'GET', path: '/access/groups', tag: 'access', summary: 'List groups with their members', access: { privs: ['Sys.Audit', 'Group.Allocate'], path: '/access/groups/{groupid}', filtered: true }, data: list(obj({ groupid: str('Group ID.'), comment: str('Comment.'), users: str('Members, comma separated.') }, { required: ['groupid'] })) },
  { method: 'POST', path: '/access/groups', tag: 'access', summary: 'Create a group (members join with `groups` on /access/users)', access: { privs: ['Group.Allocate'], path: '/access/groups' }, params: { groupid: req(str('Group ID.', { maxLength: 128 })), comment: str('Comment.', { maxLength: 2048 }) }, data: NULL },
  { method: 'GET', path: '/access/groups/{groupid}', tag: 'access', summary: 'Read a group with its members', access: { privs: ['Sys.Audit', 'Group.Allocate'], path: '/access/groups/{groupid}' }, data: obj({ comment: str('Comment.'), members: list(str('User ID.')) }, { required: ['members'] }) },
  { method: 'PUT', path: '/access/groups/{groupid}', tag: 'access', summary: 'Update a group', access: GROUP_ACCESS, params: { comment: str('Comment.', { maxLength: 2048 }) }, data: NULL },
  { method: 'DELETE', path: '/access/groups/{groupid}', tag: 'access', summary: 'Delete a group: its members leave it, its ACL entries go with it', access: GROUP_ACCESS, data: NULL },
  { method: 'PUT', path: '/access/users/{userid}', tag: 'access', summary: 'Update a user', access: USER_ADMIN, params: { ...USER_TEXTS, append: bool('Add `groups` to the user\'s groups instead of replacing them.', false) }, data: NULL },
  { method: 'DELETE', path: '/access/users/{userid}', tag: 'access', summary: 'Delete a user with their tokens and ACL entries', access: USER_ADMIN, data: NULL },
  { method: 'GET', path: '/access/users/{userid}/token', tag: 'access', summary: "List a user's API tokens", access: USER_AUDIT, data: list(obj({ tokenid: str('Token ID.'), ...TOKEN_FIELDS })) },
  { method: 'GET', path: '/access/users/{userid}/token/{tokenid}', tag: 'access', summary: 'Read an API token', access: USER_AUDIT, data: TOKEN_INFO },
  { method: 'POST', path: '/access/users/{userid}/token/{tokenid}', tag: 'access', summary: 'Create an API token; its secret is answered once, as `value`', access: USER_ADMIN, params: TOKEN_FIELDS, data: obj({ 'full-tokenid': str('USER@REALM!TOKENID.'), info: TOKEN_INFO, value: str('The secret (shown once).') }, { required: ['full-tokenid', 'info', 'value'] }) },
  { method: 'PUT', path: '/access/users/{userid}/token/{tokenid}', tag: 'access', summary: 'Update an API token', access: USER_ADMIN, params: TOKEN_FIELDS, data: TOKEN_INFO },
  { method: 'DELETE', path: '/access/users/{userid}/token/{tokenid}', tag: 'access', summary: 'Delete an API token', access: USER_ADMIN, data: NULL },
  { method: 'GET', path: '/access/acl', tag: 'access', summary: 'ACL entries (on paths where the caller has Sys.Audit or Permissions.Modify)', access: { privs: ['Sys.Audit', 'Permissions.Modify'], path: '{path}', filtered: true }, data: list(obj({ path: str('ACL path.'), type: { type: 'string', enum: ['user', 'token', 'group'] }, ugid: str('User, token or group.'), roleid: str('Role.'), propagate: { type: 'integer', enum: [0, 1] } }, { required: ['path', 'type', 'ugid', 'roleid', 'propagate'] })) },
  {
    method: 'PUT',
    path: '/access/acl',
    tag: 'access',
    summary: 'Add or (delete=1) remove ACL entries',
    access: { privs: ['Permissions.Modify'], path: '{path}' },
    params: {
      path: req(str('ACL path.', { maxLength: 1024 })),
      roles: str('Roles, comma separated.'),
      users: str('Users, comma separated.'),
      tokens: str('API tokens, comma separated.'),
      groups: str('Groups, comma separated.'),
      propagate: bool('Apply to the subtree too.', true),
      delete: bool('Remove the entries instead.', false),
    },
    data: NULL,
  },
  { method: 'GET', path: '/access/permissions', tag: 'access', summary: "The caller's privileges, per ACL path", access: 'user', params: { path: str('Only this ACL path (default: every path of the ACL tree that concerns the caller, plus /, /access, /nodes, /sdn, /sdn/zones).', { maxLength: 1024 }) }, data: { type: 'object', additionalProperties: PRIVS } },
  { method: 'GET', path: '/access/roles', tag: 'access', summary: 'List roles', access: 'user', data: list(obj({ roleid: str('Role.'), privs: str('Privileges, comma separated.'), special: { type: 'integer', enum: [0, 1] } })) },
  { method: 'GET', path: '/access/roles/{roleid}', tag: 'access', summary: "A role's privileges", access: 'user', data: PRIVS },
  ...FABRIC_ROUTES,
];

/** Path parameters shared by many routes; a route's own `pathParams` say more. */
export const PATH_PARAMS: Record<string, JsonSchema> = {
  node: { type: 'string', format: 'pve-node', description: 'Node name.' },
  upid: { type: 'string', maxLength: 512, description: 'Task ID (UPID:<node>:<pid>:<pstart>:<starttime>:<type>:<id>:<user>:).' },
  task: { type: 'string', description: 'Apply task ID, as PUT /cluster/sdn answered it.' },
  userid: { type: 'string', description: 'User ID USER@REALM.' },
  tokenid: { type: 'string', description: 'Token ID (the part after !).' },
  roleid: { type: 'string', description: 'Role ID.' },
  groupid: { type: 'string', description: 'Group ID.' },
  type: { type: 'string', description: 'Event type, e.g. ZoneCreated.' },
  version: { type: 'string', pattern: '^v\\d{1,4}$', description: 'Schema version, e.g. v1.' },
};

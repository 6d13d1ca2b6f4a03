/**
 * The panel in Debian's headless Chromium against a real stack (PostgreSQL,
 * NATS, API, config/IPAM/DNS services, a safe-mode node agent), driven only
 * through the UI except where a test sets up users. The tests run in order
 * and share the stack; each saves a screenshot in apps/web/screenshots/.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, shotPath } from './browser';
import { type Stack, startStack } from './stack';
import { attribute, count, disabled, hasText, hidden, visible } from './wait';

let stack: Stack;
let browser: Browser;
let page: Page;
let auditor: { id: string; secret: string };
let fabricAdmin: { id: string; secret: string };

const ZONE = 'vxlanzn';
const OPERATOR_PASSWORD = 'panel-Test-pass-1';
const VNET = 'myvnet1';
const FABRIC = 'fab1';
const OTHER_NODE = 'pve2';

async function loginWithToken(p: Page, token: { id: string; secret: string }): Promise<void> {
  await p.goto(stack.url + '/');
  await p.getByText('API token').click();
  await p.getByLabel('Token ID').fill(token.id);
  await p.getByLabel('Secret').fill(token.secret);
  await p.getByRole('button', { name: 'Log in' }).click();
  await hasText(p.getByTestId('user'), token.id, 15_000, true);
  // The permissions are in: buttons now show what this user may do.
  await attribute(p.getByTestId('user'), 'data-ready', 'true');
}

async function loginWithPassword(p: Page, user: string, password: string): Promise<void> {
  await p.goto(stack.url + '/');
  await field(p, 'User name').fill(user);
  await field(p, 'Password').fill(password);
  await p.getByRole('button', { name: 'Log in' }).click();
  await hasText(p.getByTestId('user'), user, 15_000, true);
  await attribute(p.getByTestId('user'), 'data-ready', 'true');
}

async function view(p: Page, name: string): Promise<void> {
  await p.getByRole('navigation', { name: 'Views' }).getByRole('link', { name, exact: true }).click();
}

type Scope = Page | ReturnType<Page['getByRole']>;

/** The input labelled exactly `label` (a required field's label ends in " *"). */
function field(scope: Scope, label: string) {
  return scope.getByLabel(labelled(label));
}

const labelled = (label: string) => new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}( \\*)?$`);

/** Picks `option` in the Mantine select labelled `label` (inside `scope`). */
async function choose(scope: Scope, p: Page, label: string, option: string): Promise<void> {
  await scope.getByRole('combobox', { name: labelled(label) }).click();
  await p.getByRole('option', { name: option, exact: true }).click();
}

describe('SDN panel in Chromium', () => {
  beforeAll(async () => {
    stack = await startStack();
    await stack.api('POST', '/access/users', { userid: 'operator@pve', password: OPERATOR_PASSWORD });
    await stack.api('PUT', '/access/acl', { path: '/', roles: 'Administrator', users: 'operator@pve' });
    await stack.api('POST', '/access/users', { userid: 'auditor@pve' });
    const t = await stack.api<{ value: string }>('POST', '/access/users/auditor@pve/token/panel', { privsep: 0 });
    auditor = { id: 'auditor@pve!panel', secret: t.value };
    await stack.api('PUT', '/access/acl', { path: '/sdn', roles: 'PVEAuditor', users: 'auditor@pve' });
    // May change the fabric and see every node (the API lists a fabric's nodes to those who may audit
    // the node), with Sys.Modify on one other node only: not on the stack's node.
    await stack.api('POST', '/access/users', { userid: 'fabrics@pve' });
    const ft = await stack.api<{ value: string }>('POST', '/access/users/fabrics@pve/token/panel', { privsep: 0 });
    fabricAdmin = { id: 'fabrics@pve!panel', secret: ft.value };
    await stack.api('PUT', '/access/acl', { path: `/sdn/fabrics/${FABRIC}`, roles: 'PVESDNAdmin', users: 'fabrics@pve' });
    await stack.api('PUT', '/access/acl', { path: '/nodes', roles: 'PVEAuditor', users: 'fabrics@pve' });
    await stack.api('PUT', '/access/acl', { path: `/nodes/${OTHER_NODE}`, roles: 'Administrator', users: 'fabrics@pve' });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.setDefaultTimeout(15_000);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  }, 60_000);

  it('logs in with a password', async () => {
    await loginWithPassword(page, 'operator@pve', OPERATOR_PASSWORD);
    await visible(page.getByRole('heading', { name: 'SDN status' }));
    await visible(page.locator(`[data-node-row="${stack.node}"]`), 15_000);
    await page.screenshot({ path: shotPath('01-login-status') });
  });

  it("creates the seed's VXLAN example (zone, vnet) through the UI and shows it pending", async () => {
    await view(page, 'Zones');
    await page.getByRole('button', { name: 'Create' }).click();
    const dialog = page.getByRole('dialog');
    await field(dialog, 'ID').fill(ZONE);
    await choose(dialog, page, 'Type', 'vxlan');
    await field(dialog, 'Peers').fill('192.168.0.1,192.168.0.2,192.168.0.3');
    await field(dialog, 'MTU').fill('1450');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await hidden(dialog);
    const zoneRow = page.locator(`tr[data-row="${ZONE}"]`);
    await visible(zoneRow.locator('[data-pending="new"]'));
    await hasText(zoneRow, '192.168.0.1,192.168.0.2,192.168.0.3');

    await view(page, 'VNets');
    await page.getByRole('button', { name: 'Create' }).click();
    await field(dialog, 'Name').fill(VNET);
    await choose(dialog, page, 'Zone', ZONE);
    await field(dialog, 'Tag').fill('100000');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await hidden(dialog);
    const vnetRow = page.locator(`tr[data-row="${VNET}"]`);
    await visible(vnetRow.locator('[data-pending="new"]'));
    await hasText(vnetRow, 'tag: 100000');
    await page.screenshot({ path: shotPath('02-vnet-pending') });

    // The API agrees: both objects exist, pending and new.
    const zones = await stack.api<{ zone: string; state?: string }[]>('GET', '/cluster/sdn/zones?pending=1');
    expect(zones.find((z) => z.zone === ZONE)?.state).toBe('new');
    await view(page, 'Status');
    await hasText(page.getByTestId('pending-count'), '2 pending changes', undefined, true);
  });

  it("shows the local node's dry-run diff", async () => {
    await view(page, 'Dry run');
    await choose(page, page, 'Node', stack.node);
    const diff = page.getByTestId('diff-/etc/network/interfaces.d/sdn');
    await hasText(diff, `+auto ${VNET}`, 15_000);
    await hasText(diff, 'vxlan-id 100000');
    await page.screenshot({ path: shotPath('03-dry-run') });
  });

  it('applies and shows the local node available for the zone', async () => {
    await view(page, 'Status');
    await page.getByRole('button', { name: 'Apply' }).click();
    const progress = page.getByTestId('apply-progress');
    await hasText(progress, 'finished', 60_000);
    await visible(progress.locator(`[data-node="${stack.node}"] [data-state="applied"]`));
    const zone = page.locator(`[data-zone="${ZONE}"][data-node="${stack.node}"]`);
    await visible(zone.locator('[data-state="available"]'), 30_000);
    await zone.getByRole('button', { name: `Open zone ${ZONE} on ${stack.node}` }).click();
    await visible(page.locator(`[data-vnet="${VNET}"] [data-state="available"]`), 15_000);
    await hasText(page.getByTestId('pending-count'), '0 pending changes', 15_000, true);
    await page.screenshot({ path: shotPath('04-status-applied') });
  });

  it("shows the API's error on the ID field for a 9-character zone ID", async () => {
    const id = 'abcdefghi';
    const api = await stack.raw('POST', '/cluster/sdn/zones', { zone: id, type: 'simple' });
    expect(api.status).toBe(400);
    const message = api.body.errors?.zone;
    expect(message).toBeTruthy();
    await view(page, 'Zones');
    await page.getByRole('button', { name: 'Create' }).click();
    const dialog = page.getByRole('dialog');
    await field(dialog, 'ID').fill(id);
    await dialog.getByRole('button', { name: 'Create' }).click();
    const idInput = field(dialog, 'ID');
    await attribute(idInput, 'aria-invalid', 'true');
    const errorId = (await idInput.getAttribute('aria-describedby'))?.split(' ').find((x) => x.includes('error'));
    expect(errorId).toBeTruthy();
    await hasText(page.locator(`[id="${errorId}"]`), message!, undefined, true);
    await idInput.scrollIntoViewIfNeeded();
    await page.screenshot({ path: shotPath('05-zone-id-error') });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect((await stack.api<{ zone: string }[]>('GET', '/cluster/sdn/zones')).some((z) => z.zone === id)).toBe(false);
  });

  it('allocates an address on a subnet from the IPAM view', async () => {
    await view(page, 'Subnets');
    await choose(page, page, 'VNet', VNET);
    await page.getByRole('button', { name: 'Create' }).click();
    const dialog = page.getByRole('dialog');
    await field(dialog, 'Subnet (CIDR)').fill('10.0.3.0/24');
    await field(dialog, 'Gateway').fill('10.0.3.1');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await hidden(dialog);
    await visible(page.locator('tr').filter({ hasText: '10.0.3.0/24' }).locator('[data-pending="new"]'));

    await view(page, 'IP addresses');
    await choose(page, page, 'VNet', VNET);
    await choose(page, page, 'Subnet', '10.0.3.0/24');
    // The gateway is reserved by the IPAM once the subnet event reached it.
    await hasText(page.locator('tr[data-row="10.0.3.1"]'), 'gateway', 30_000);
    await hasText(page.getByTestId('free-count'), '1 allocated · 253 free', undefined, true);
    await page.getByRole('button', { name: 'Allocate' }).click();
    await field(dialog, 'Hostname').fill('vm1');
    await field(dialog, 'MAC address').fill('BC:24:11:00:00:01');
    await dialog.getByRole('button', { name: 'Allocate' }).click();
    await hidden(dialog);
    const row = page.locator('tr').filter({ hasText: 'vm1' });
    await hasText(row, '10.0.3.2');
    await hasText(page.getByTestId('free-count'), '2 allocated · 252 free', undefined, true);
    await page.screenshot({ path: shotPath('06-ipam-allocated') });
    const entries = await stack.api<{ ip: string; hostname?: string }[]>('GET', '/cluster/sdn/ipams/pve/status');
    expect(entries.find((e) => e.hostname === 'vm1')?.ip).toBe('10.0.3.2');
  });

  it('creates an OpenFabric fabric and a node through the UI, shows them pending, and a bad ip_prefix under its field', async () => {
    // The API's own message for the bad prefix (and it creates nothing).
    const bad = '10.99.0.0/33';
    const api = await stack.raw('POST', '/cluster/sdn/fabrics/fabric', { id: 'fabbad', protocol: 'openfabric', ip_prefix: bad });
    expect(api.status).toBe(400);
    const message = api.body.errors?.ip_prefix;
    expect(message).toBeTruthy();

    await view(page, 'Fabrics');
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    const dialog = page.getByRole('dialog');
    await field(dialog, 'ID').fill(FABRIC);
    // The fields follow the protocol: OSPF asks for an area and takes no IPv6 prefix, OpenFabric the reverse.
    await choose(dialog, page, 'Protocol', 'ospf');
    await visible(field(dialog, 'Area'));
    await count(field(dialog, 'IPv6 prefix'), 0);
    await choose(dialog, page, 'Protocol', 'openfabric');
    await visible(field(dialog, 'Hello interval'));
    await visible(field(dialog, 'IPv6 prefix'));
    await count(field(dialog, 'Area'), 0);

    const prefix = field(dialog, 'IPv4 prefix');
    await prefix.fill(bad);
    await dialog.getByRole('button', { name: 'Create' }).click();
    await attribute(prefix, 'aria-invalid', 'true');
    const errorId = (await prefix.getAttribute('aria-describedby'))?.split(' ').find((x) => x.includes('error'));
    expect(errorId).toBeTruthy();
    await hasText(page.locator(`[id="${errorId}"]`), message!, undefined, true);
    await page.screenshot({ path: shotPath('07-fabric-prefix-error') });

    await prefix.fill('10.99.0.0/24');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await hidden(dialog);
    const fabricRow = page.locator(`[data-testid="table-Fabrics"] tr[data-row="${FABRIC}"]`);
    await visible(fabricRow.locator('[data-pending="new"]'));
    await hasText(fabricRow, 'ip_prefix: 10.99.0.0/24');

    // Its nodes: picked by the fabric's ID; the node dialog is under the fabric, with its protocol's fields.
    await page.getByRole('button', { name: `${FABRIC}: show its nodes` }).click();
    await visible(page.getByRole('heading', { name: `Nodes of fabric ${FABRIC}` }));
    await page.getByRole('button', { name: 'Create fabric node' }).click();
    await attribute(field(dialog, 'Fabric'), 'readonly', '');
    await count(dialog.getByRole('combobox', { name: labelled('Protocol') }), 0);
    await field(dialog, 'Node').fill(stack.node);
    await field(dialog, 'IPv4 address').fill('10.99.0.1');
    await field(dialog, 'Interfaces').fill('name=ens19\nname=ens20,hello_multiplier=3');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await hidden(dialog);
    const nodeRow = page.locator(`[data-testid="table-Nodes of fabric ${FABRIC}"] tr[data-row="${stack.node}"]`);
    await visible(nodeRow.locator('[data-pending="new"]'));
    await hasText(nodeRow, 'name=ens19; name=ens20,hello_multiplier=3');
    await hasText(nodeRow, 'ip: 10.99.0.1');
    await page.screenshot({ path: shotPath('08-fabric-node-pending') });

    // The API agrees: both pending and new, nothing of the refused fabric.
    const fabrics = await stack.api<{ id: string; state?: string }[]>('GET', '/cluster/sdn/fabrics/fabric?pending=1');
    expect(fabrics.map((f) => [f.id, f.state])).toEqual([[FABRIC, 'new']]);
    const nodes = await stack.api<{ node_id: string; state?: string; pending?: { interfaces?: string[] } }[]>('GET', `/cluster/sdn/fabrics/node/${FABRIC}?pending=1`);
    expect(nodes).toMatchObject([{ node_id: stack.node, state: 'new', pending: { interfaces: ['name=ens19', 'name=ens20,hello_multiplier=3'] } }]);
  });

  it('shows a user with SDN.Audit only (API token login) no Apply button', async () => {
    await page.getByRole('button', { name: 'Log out' }).click();
    await loginWithToken(page, auditor);
    await visible(page.locator(`[data-zone="${ZONE}"][data-node="${stack.node}"] [data-state="available"]`), 15_000);
    await count(page.getByRole('button', { name: 'Apply' }), 0);
    await count(page.getByRole('button', { name: 'Rollback' }), 0);
    await view(page, 'Zones');
    await visible(page.locator(`tr[data-row="${ZONE}"]`));
    await disabled(page.getByRole('button', { name: 'Create' }));
    await disabled(page.getByRole('button', { name: `Edit ${ZONE}` }));
    await page.screenshot({ path: shotPath('09-auditor') });
    await view(page, 'Fabrics');
    await visible(page.locator(`tr[data-row="${FABRIC}"]`));
    await disabled(page.getByRole('button', { name: 'Create', exact: true }));
    await disabled(page.getByRole('button', { name: `Edit ${FABRIC}` }));
    await page.screenshot({ path: shotPath('10-auditor-fabrics') });
  });

  it("disables a fabric node's Edit without Sys.Modify on its node, and shows the API's 403 for a new node cleanly", async () => {
    // The API's own refusal for this user, asked directly (nothing created).
    const refused = await stack.raw('POST', `/cluster/sdn/fabrics/node/${FABRIC}`, { node_id: OTHER_NODE + 'x', protocol: 'openfabric', ip: '10.99.0.3' }, fabricAdmin);
    expect(refused.status).toBe(403);
    expect(refused.body.message).toBeTruthy();

    await page.getByRole('button', { name: 'Log out' }).click();
    await loginWithToken(page, fabricAdmin);
    await view(page, 'Fabrics');
    await page.getByRole('button', { name: `${FABRIC}: show its nodes` }).click();
    const nodes = page.getByTestId(`table-Nodes of fabric ${FABRIC}`);
    await visible(nodes.locator(`tr[data-row="${stack.node}"]`));
    // The fabric itself may be changed; its node on the stack's node may not (no Sys.Modify there).
    await count(page.locator(`[data-testid="table-Fabrics"] button[aria-label="Edit ${FABRIC}"]:disabled`), 0);
    await disabled(page.getByRole('button', { name: `Edit ${stack.node}` }));
    await disabled(page.getByRole('button', { name: `Delete ${stack.node}` }));
    // Creating is allowed (some node allows it); the node typed decides, and the API says no.
    await page.getByRole('button', { name: 'Create fabric node' }).click();
    const dialog = page.getByRole('dialog');
    await field(dialog, 'Node').fill(OTHER_NODE + 'x');
    await field(dialog, 'IPv4 address').fill('10.99.0.3');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await hasText(dialog.getByRole('alert'), refused.body.message!);
    await page.screenshot({ path: shotPath('11-fabric-node-403') });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    const after = await stack.api<{ node_id: string }[]>('GET', `/cluster/sdn/fabrics/node/${FABRIC}?pending=1`);
    expect(after.map((n) => n.node_id)).toEqual([stack.node]);
  });
});

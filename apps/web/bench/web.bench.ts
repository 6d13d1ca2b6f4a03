/**
 * `npm run bench:web`: the panel with 2 500 VNets and 100 nodes loaded, in
 * Debian's headless Chromium against a real stack. Measures, median of 5
 * page loads each, from navigation to:
 *   - status tree: the tree showing the 100 nodes with their zones (data
 *     from GET /cluster/sdn/status), then opening one node's 2 500-vnet zone
 *     until its vnet rows show, then scrolling to its last vnet;
 *   - VNet list: all 2 500 rows in the table model (counter "2500 of 2500")
 *     and the first rows painted, then a sort and a filter.
 * Target (issue 17): each first render < 2 s.
 */
import { busTopology, connectBus, publishContract } from '@sdn/bus';
import { CONTRACTS, type NodeStatusV2 } from '@sdn/contracts';
import type { Page } from 'playwright-core';
import { launchChromium } from '../test/browser/browser';
import { startStack, until } from '../test/browser/stack';

const VNETS = Number(process.env.BENCH_VNETS ?? 2500);
const NODES = Number(process.env.BENCH_NODES ?? 100);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const ZONE = 'benchz';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const vnetName = (i: number) => `bv${String(i).padStart(5, '0')}`;

/** In the page: ms from navigation start until the response to `path` ended (the API's share of a first render). */
async function dataArrived(page: Page, path: string): Promise<number> {
  return page.evaluate((p) => {
    const hit = performance.getEntriesByType('resource').find((e) => new URL(e.name).pathname + new URL(e.name).search === p) as PerformanceResourceTiming | undefined;
    return hit ? hit.responseEnd : NaN;
  }, path);
}

async function timed(f: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  await f();
  return performance.now() - t0;
}

async function main(): Promise<void> {
  console.log(`bench:web — ${VNETS} vnets in zone ${ZONE}, ${NODES} simulated nodes, median of ${RUNS}`);
  const stack = await startStack();
  const browser = await launchChromium();
  try {
    const t0 = performance.now();
    await stack.api('POST', '/cluster/sdn/zones', { zone: ZONE, type: 'vxlan', peers: '10.0.0.1,10.0.0.2' });
    for (let i = 0; i < VNETS; i += 50) {
      await Promise.all(Array.from({ length: Math.min(50, VNETS - i) }, (_, k) => stack.api('POST', '/cluster/sdn/vnets', { vnet: vnetName(i + k), zone: ZONE, tag: 1000 + i + k })));
    }
    console.log(`  loaded ${VNETS} vnets through the API in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    // The nodes report as agents do (NodeStatus v2 on their status subjects); one vnet in error per node, one pending.
    const topology = busTopology(stack.namespace);
    const bus = await connectBus({ name: 'bench-web', url: stack.natsUrl, topology });
    const names = Array.from({ length: VNETS }, (_, i) => vnetName(i));
    const now = new Date().toISOString();
    for (let n = 0; n < NODES; n++) {
      const node = `bench${String(n).padStart(3, '0')}`;
      const status: NodeStatusV2 = {
        v: 2,
        node,
        version: 1,
        apply: { version: 1, state: 'applied', at: now },
        zones: { [ZONE]: { state: 'error', message: `vnet ${names[n % VNETS]} failed` } },
        vnetsByZone: { [ZONE]: { state: 'available', vnets: names, other: { [names[n % VNETS]]: { state: 'error', message: 'ifreload: bridge missing' }, [names[(n + 1) % VNETS]]: { state: 'pending' } } } },
        heartbeatAt: now,
        heartbeatMs: 3_600_000,
      };
      await publishContract(bus.js, topology.statusSubject(node), CONTRACTS.nodeStatusV2, status);
    }
    await bus.close();
    await until(`${NODES} nodes in /cluster/sdn/status`, async () => (await stack.api<{ nodes: unknown[] }>('GET', '/cluster/sdn/status')).nodes.length >= NODES);
    const apiMs = async (path: string) => {
      const xs: number[] = [];
      for (let i = 0; i < RUNS; i++) xs.push(await timed(async () => void (await stack.api('GET', path))));
      return median(xs).toFixed(0);
    };
    console.log(`  API alone (median, from Node): /cluster/sdn/status ${await apiMs('/cluster/sdn/status')} ms, /cluster/sdn/vnets?pending=1 ${await apiMs('/cluster/sdn/vnets?pending=1')} ms`);
    const statusBytes = JSON.stringify(await stack.api('GET', '/cluster/sdn/status')).length;
    const vnetBytes = JSON.stringify(await stack.api('GET', '/cluster/sdn/vnets?pending=1')).length;
    console.log(`  payloads: /cluster/sdn/status ${(statusBytes / 1024).toFixed(0)} KiB, /cluster/sdn/vnets?pending=1 ${(vnetBytes / 1024).toFixed(0)} KiB`);

    const page: Page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.setDefaultTimeout(30_000);
    await page.addInitScript((creds) => sessionStorage.setItem('sdn-panel-session', creds), JSON.stringify({ kind: 'token', tokenId: stack.rootToken.id, secret: stack.rootToken.secret }));
    const firstNode = 'bench000';
    const arrived: Record<string, number[]> = { status: [], vnets: [] };
    const results: Record<string, number[]> = { 'status tree (100 nodes)': [], 'open a 2 500-vnet zone': [], 'scroll to its last vnet': [], 'vnet list (2 500 rows)': [], 'sort vnet list': [], 'filter vnet list': [] };
    for (let r = 0; r < RUNS; r++) {
      await page.goto('about:blank');
      results['status tree (100 nodes)'].push(
        await timed(async () => {
          await page.goto(`${stack.url}/#/status`);
          await page.locator(`[data-zone="${ZONE}"][data-node="${firstNode}"]`).waitFor();
          await page.getByText(`${NODES + 1} nodes`).waitFor();
        }),
      );
      arrived.status.push(await dataArrived(page, '/api2/json/cluster/sdn/status'));
      results['open a 2 500-vnet zone'].push(
        await timed(async () => {
          await page.getByRole('button', { name: `Open zone ${ZONE} on ${firstNode}` }).click();
          await page.locator(`[data-vnet="${vnetName(0)}"][data-node="${firstNode}"]`).waitFor();
        }),
      );
      results['scroll to its last vnet'].push(
        await timed(async () => {
          const last = vnetName(VNETS - 1);
          for (let i = 0; i < 200; i++) {
            if (await page.locator(`[data-vnet="${last}"][data-node="${firstNode}"]`).count()) break;
            await page.getByRole('tree', { name: 'SDN status' }).evaluate((el) => el.scrollBy(0, 20_000));
            await page.waitForTimeout(10);
          }
          await page.locator(`[data-vnet="${last}"][data-node="${firstNode}"]`).waitFor();
        }),
      );
      await page.goto('about:blank');
      results['vnet list (2 500 rows)'].push(
        await timed(async () => {
          await page.goto(`${stack.url}/#/vnets`);
          await page.getByText(`${VNETS} of ${VNETS}`).waitFor();
          await page.locator(`tr[data-row="${vnetName(0)}"]`).waitFor();
        }),
      );
      arrived.vnets.push(await dataArrived(page, '/api2/json/cluster/sdn/vnets?pending=1'));
      results['sort vnet list'].push(
        await timed(async () => {
          await page.getByRole('button', { name: 'Name' }).click();
          await page.getByRole('button', { name: 'Name' }).click();
          await page.locator(`tr[data-row="${vnetName(VNETS - 1)}"]`).waitFor();
        }),
      );
      results['filter vnet list'].push(
        await timed(async () => {
          await page.getByLabel('Filter vnets').fill(vnetName(1234));
          await page.getByText(`1 of ${VNETS}`).waitFor();
        }),
      );
    }
    console.log(`  of which the API's answer had arrived after: status ${median(arrived.status).toFixed(0)} ms, vnets?pending=1 ${median(arrived.vnets).toFixed(0)} ms (median, from navigation start)`);
    const domRows = await page.evaluate(() => document.querySelectorAll('tr[data-row]').length);
    console.log('  median (min–max) over', RUNS, 'runs:');
    for (const [k, xs] of Object.entries(results)) console.log(`    ${k.padEnd(28)} ${median(xs).toFixed(0).padStart(6)} ms  (${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)})`);
    console.log(`  rows in the DOM after filtering: ${domRows} (virtualised)`);
    const worst = Math.max(median(results['status tree (100 nodes)']), median(results['vnet list (2 500 rows)']));
    console.log(`  target < 2000 ms for the first render of the tree and the list: ${worst < 2000 ? 'met' : 'MISSED'} (${worst.toFixed(0)} ms)`);
  } finally {
    await browser.close();
    await stack.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

import { createObject, type ObjectKind, type RunningConfig, type SdnConfig } from '@sdn/model';
import { declaredBridges, interfaceAddresses, parseInterfaces, renderNode, type NodeFacts } from '@sdn/render';
import { ControlPlane } from './control-plane';
import { NODES, SCENARIOS, type ApiCall, type Scenario } from '@sdn/netns-lab';
import { indent, log } from './log';
import type { LabVm } from './vm';

export type Mode = 'render' | 'product';
export const SCENARIO_NAMES = SCENARIOS.map((s) => s.name);

const LAB_SH = 'bash /repo/tools/lab/guest/lab.sh';

export interface ScenarioRun {
  vm: LabVm;
  mode: Mode;
  repo: string;
  natsUrl: string;
  runDir: string;
  wanted: string[];
}

interface Outcome {
  name: string;
  ok: boolean;
  applyS: number;
  totalS: number;
  lines: string[];
}

const sec = (t0: number) => (Date.now() - t0) / 1000;

/** A bash snippet running the commands concurrently; fails when any fails. */
function parallel(cmds: string[]): string {
  return `pids=(); ${cmds.map((c) => `{ ${c}; } & pids+=($!);`).join(' ')} rc=0; for p in "\${pids[@]}"; do wait $p || rc=1; done; exit $rc`;
}

/** Sets up the node namespaces once, then runs each scenario on them in order. */
export async function runScenarios(o: ScenarioRun): Promise<boolean> {
  const { vm } = o;
  const lab = (args: string, timeoutMs = 180000) => vm.exec(`${LAB_SH} ${args}`, timeoutMs);
  let t = Date.now();
  const topo = await lab(`topology ${NODES.length}`, 240000);
  if (topo.code !== 0) throw new Error(`topology failed:\n${topo.out}`);
  log(`topology: ${NODES.length} node namespaces on the underlay, base network up in ${sec(t).toFixed(1)} s`);
  log(indent(topo.out));
  t = Date.now();
  const frr = await vm.exec(`${parallel(NODES.map((n) => `${LAB_SH} frr ${n}`))}`, 120000);
  if (frr.code !== 0) throw new Error(`FRR start failed:\n${frr.out}`);
  log(`FRR daemons (zebra bgpd bfdd staticd, datacenter profile) started on ${NODES.join(', ')} in ${sec(t).toFixed(1)} s`);

  let cp: ControlPlane | undefined;
  try {
    if (o.mode === 'product') {
      cp = await ControlPlane.start({ repo: o.repo, natsUrl: o.natsUrl, runDir: o.runDir });
      t = Date.now();
      // Agents in the node namespaces reach NATS at the runner's relay on the management bridge.
      const a = await vm.exec(NODES.map((n) => `${LAB_SH} agent ${n} nats://172.30.0.254:4222`).join(' && '), 60000);
      if (a.code !== 0) throw new Error(`agent start failed:\n${a.out}`);
      log(indent(a.out));
      await cp.waitForNodes(NODES, 240000, async () => (await vm.exec(NODES.map((n) => `echo "== ${n}"; tail -5 /lab/${n}/agent.log`).join('; '))).out);
      log(`node agents (live mode) connected and reporting in ${sec(t).toFixed(1)} s`);
    }

    if (cp) {
      // The seed's zone names are longer than PVE's 8-character zone IDs; the API must refuse them as PVE does.
      try {
        await cp.api('POST', 'cluster/sdn/zones', { zone: 'myvlanzone', type: 'vlan', bridge: 'vmbr0' });
        await cp.api('DELETE', 'cluster/sdn/zones/myvlanzone');
        log('NOTE: the API accepted the seed zone ID myvlanzone (10 characters), which PVE refuses');
      } catch (e) {
        log(`the API refuses the seed's zone ID 'myvlanzone' as PVE does: ${(e instanceof Error ? e.message : String(e)).slice(0, 160)}`);
      }
    }
    const outcomes: Outcome[] = [];
    let previous: Scenario | undefined;
    for (const s of SCENARIOS.filter((x) => o.wanted.includes(x.name))) {
      outcomes.push(await runOne(o, s, previous, cp));
      previous = s;
    }
    log('');
    log(`RESULTS (${o.mode === 'product' ? 'product path: REST API -> config-service -> node agents' : 'host-rendered files, hand-driven ifreload/frr-reload'})`);
    for (const r of outcomes) log(`  ${r.ok ? 'PASS' : 'FAIL'}  ${r.name.padEnd(6)} apply ${r.applyS.toFixed(1)} s, scenario ${r.totalS.toFixed(1)} s`);
    return outcomes.length > 0 && outcomes.every((r) => r.ok);
  } finally {
    await cp?.stop();
  }
}

async function runOne(o: ScenarioRun, s: Scenario, previous: Scenario | undefined, cp: ControlPlane | undefined): Promise<Outcome> {
  const { vm } = o;
  const t0 = Date.now();
  log('');
  log(`=== ${s.name}: ${s.title}`);
  const lines: string[] = [];
  let ok = true;
  const fail = (m: string) => {
    ok = false;
    lines.push(`FAIL: ${m}`);
    log(`FAIL: ${m}`);
  };
  const pass = (m: string) => {
    lines.push(`PASS: ${m}`);
    log(`PASS: ${m}`);
  };

  // ---- teardown of the previous example: an apply without its objects, so every node removes
  // them (ifupdown2 cannot, for one, change the VXLAN id of a running vnet device in place)
  if (previous) {
    try {
      const tt = Date.now();
      if (o.mode === 'product') await applyThroughProduct(cp!, [], previous.calls);
      else await applyRendered(vm, []);
      pass(`${previous.name} objects removed (apply without them) on ${NODES.join(', ')} in ${sec(tt).toFixed(1)} s`);
    } catch (e) {
      fail(`teardown of ${previous.name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  // ---- apply
  let applyS = 0;
  if (ok) try {
    const ta = Date.now();
    if (o.mode === 'product') await applyThroughProduct(cp!, s.calls, []);
    else await applyRendered(vm, s.calls);
    applyS = sec(ta);
    pass(`configuration applied on ${NODES.join(', ')} in ${applyS.toFixed(1)} s`);
  } catch (e) {
    fail(`apply: ${e instanceof Error ? e.message : String(e)}`);
  }

  // ---- guests and pings
  if (ok) {
    const g = await vm.exec(s.guests.map((x) => `${LAB_SH} vm ${x.name} ${x.node} ${x.vnet} ${x.vmid} ${x.cidr} '${x.gw ?? ''}' '${x.mtu ?? ''}'`).join(' && '), 60000);
    if (g.code !== 0) fail(`guests not plugged in:\n${g.out}`);
    else log(indent(g.out, '    '));
  }
  if (ok) {
    for (const c of s.checks) {
      const r = await vm.exec(c.expect === 'reach' ? `${LAB_SH} ping_ok ${c.from} ${c.to} ${c.size ?? 56}` : `${LAB_SH} ping_no ${c.from} ${c.to}`, 90000);
      const detail = r.out.trim().split('\n').filter(Boolean).join(' | ');
      if (r.code === 0) pass(`${c.label}: ${c.expect === 'reach' ? detail : `no reply, as expected (${detail})`}`);
      else fail(`${c.label}: expected ${c.expect === 'reach' ? 'replies' : 'no reply'} (${detail})`);
    }
  }
  if (ok) {
    for (const c of s.state) {
      const r = await vm.exec(c.script, 60000);
      const out = r.out.trim() ? `\n${indent(r.out, '      ')}` : '';
      if (r.code === 0) pass(`${c.label}${out}`);
      else fail(`${c.label}${out}`);
    }
  }
  if (!ok) {
    const d = await vm.exec(NODES.map((n) => `${LAB_SH} dump ${n}`).join('; '), 120000);
    log(`state of the nodes after the failure:\n${indent(d.out)}`);
  }
  await vm.exec(`${LAB_SH} vmdel ${s.guests.map((g) => g.name).join(' ')}`);
  const totalS = sec(t0);
  log(`--- ${s.name}: ${ok ? 'PASS' : 'FAIL'} in ${totalS.toFixed(1)} s`);
  return { name: s.name, ok, applyS, totalS, lines };
}

// ------------------------------------------------------------------ product path

async function applyThroughProduct(cp: ControlPlane, create: ApiCall[], remove: ApiCall[]): Promise<void> {
  for (const c of [...remove].reverse()) {
    await cp.api('DELETE', objectPath(c));
    log(`  DELETE /api2/json/${objectPath(c)}`);
  }
  for (const c of create) {
    await cp.api('POST', c.path, c.params);
    log(`  POST /api2/json/${c.path} ${new URLSearchParams(Object.entries(c.params).map(([k, v]): [string, string] => [k, String(v)])).toString()}`);
  }
  const before = await cp.runningVersion();
  const upid = await cp.api('PUT', 'cluster/sdn');
  log(`  PUT /api2/json/cluster/sdn -> ${JSON.stringify(upid)}`);
  const version = await cp.runningVersion();
  if (version <= before) throw new Error(`running version did not advance (${before} -> ${version})`);
  const statuses = await cp.waitForApplied(NODES, version, 300000);
  for (const st of statuses) log(`  ${st.node}: version ${st.apply.version} ${st.apply.state}${st.apply.message ? ` (${st.apply.message})` : ''}, zones ${JSON.stringify(st.zones)}`);
  const bad = statuses.filter((x) => x.apply.state !== 'applied');
  if (bad.length) throw new Error(bad.map((b) => `${b.node}: ${b.apply.message ?? b.apply.state}`).join('; '));
}

/** The object path a create call made, for deleting it (subnet IDs are `<zone>-<cidr with - for />`). */
function objectPath(c: ApiCall): string {
  const p = c.params;
  if (c.path.endsWith('/subnets')) {
    const zone = String(p.subnet).replace('/', '-');
    return `${c.path}/${encodeURIComponent(zone)}`;
  }
  const id = p.zone ?? p.vnet ?? p.controller;
  if (c.path === 'cluster/sdn/vnets') return `${c.path}/${p.vnet}`;
  if (c.path === 'cluster/sdn/controllers') return `${c.path}/${p.controller}`;
  return `${c.path}/${id}`;
}

// ------------------------------------------------------------------ hand-driven path (renderer only)

const KIND_BY_PATH: Array<[RegExp, ObjectKind]> = [
  [/^cluster\/sdn\/zones$/, 'zones'],
  [/^cluster\/sdn\/vnets$/, 'vnets'],
  [/^cluster\/sdn\/controllers$/, 'controllers'],
  [/^cluster\/sdn\/vnets\/[^/]+\/subnets$/, 'subnets'],
];

/** The running config the scenario's API calls produce, through the model's own edit rules. */
export function scenarioConfig(calls: ApiCall[]): RunningConfig {
  let config: SdnConfig = {};
  for (const c of calls) {
    const kind = KIND_BY_PATH.find(([re]) => re.test(c.path))?.[1];
    if (!kind) throw new Error(`no object kind for ${c.path}`);
    const params: Record<string, unknown> = { ...c.params };
    if (kind === 'subnets') params.vnet = c.path.split('/')[3];
    const r = createObject(config, kind, params);
    if (!r.ok) throw new Error(`${c.path}: ${JSON.stringify(r)}`);
    config = r.config;
  }
  return { ...config, version: 1 };
}

async function applyRendered(vm: LabVm, calls: ApiCall[]): Promise<void> {
  const config = scenarioConfig(calls);
  const script: string[] = [];
  for (const [i, node] of NODES.entries()) {
    const main = await vm.sh(`cat /lab/${node}/etc/network/interfaces`);
    const file = parseInterfaces(main);
    const addr = `192.168.0.${i + 1}`;
    const facts: NodeFacts = {
      nodename: node,
      interfaces: file,
      addresses: interfaceAddresses(file),
      routes: [{ dst: '192.168.0.0/24', dev: 'vmbr0', src: addr }],
      bridges: declaredBridges(file),
      macs: {},
      frrLocal: null,
    };
    const files = renderNode(config, facts);
    script.push(`echo ${Buffer.from(files.interfaces).toString('base64')} | ${LAB_SH} write ${node} sdn`);
    script.push(files.frr ? `echo ${Buffer.from(files.frr).toString('base64')} | ${LAB_SH} write ${node} frr` : `rm -f /lab/${node}/etc/frr/frr.conf`);
  }
  await vm.sh(script.join('\n'));
  log(`  rendered on the host by renderNode for ${NODES.join(', ')}; ifreload${config.controllers ? ' + frr-reload.py' : ''} in the node namespaces`);
  // all nodes in parallel, as the agents would
  const r = await vm.exec(`pids=(); for n in ${NODES.join(' ')}; do ${LAB_SH} apply $n > /tmp/apply-$n.log 2>&1 & pids+=($!); done; rc=0; for p in "\${pids[@]}"; do wait $p || rc=1; done; cat /tmp/apply-*.log; exit $rc`, 300000);
  log(indent(r.out, '    '));
  if (r.code !== 0) throw new Error('hand-driven apply failed');
}

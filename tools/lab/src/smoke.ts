import { indent, log } from './log';
import type { LabVm } from './vm';

/**
 * Proves the VM's only path to the host: several concurrent NATS connections
 * from the VM through guestfwd (the node agents need one each), and that the
 * VM has no other network.
 */
export async function smoke(vm: LabVm): Promise<void> {
  const t0 = Date.now();
  const info = await vm.sh(`echo "kernel $(uname -r), $(nproc) vCPU, $(awk '/MemTotal/{print int($2/1024)}' /proc/meminfo) MB"; echo "node $(node --version), $(ifreload --version 2>&1 | head -1), $(/usr/lib/frr/zebra -v | head -1)"; ip -br addr show dev eth0; ip route`);
  log(`VM: ${indent(info, '      ').trimStart()}`);
  const script = `cd /repo && node -e '
const { connect } = require("nats");
(async () => {
  const t = Date.now();
  const cs = await Promise.all([1, 2, 3, 4].map((i) => connect({ servers: "nats://10.0.2.100:4222", name: "smoke" + i })));
  for (const [i, c] of cs.entries()) { const r = await c.request("${vm.prefix}.smoke", JSON.stringify({ conn: i }), { timeout: 5000 }); if (r.string() !== "ok" + i) throw new Error("bad echo"); }
  await Promise.all(cs.map((c) => c.close()));
  console.log("4 concurrent connections through guestfwd: request/reply ok in " + (Date.now() - t) + " ms");
})().catch((e) => { console.error(String(e)); process.exit(1); });'`;
  const sub = await vm.subscribeEcho('smoke');
  try {
    log(`VM: ${(await vm.sh(script, 60000)).trim()}`);
  } finally {
    sub.unsubscribe();
  }
  // restrict=on: nothing but the forwarded port is reachable.
  const r = await vm.exec('timeout 5 bash -c "exec 3<>/dev/tcp/10.0.2.2/22" 2>&1; echo rc=$?', 15000);
  log(`VM: connection to 10.0.2.2:22 (the host, not forwarded) -> ${r.out.trim().split('\n').pop()} (expected failure)`);
  log(`smoke passed in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

// VM-side lab runner (runs in the VM's root network namespace, as root).
//
// The host drives the lab over NATS, reached only through QEMU's guestfwd
// (10.0.2.100:4222 -> the host's NATS). Subjects, prefix sdnlab.<run id>:
//   .exec      request {script, timeoutMs}  -> reply {code, out, ms}   (bash -c script)
//   .poweroff  message                       -> this process exits, init powers the VM off
// It also relays TCP 172.30.0.254:4222 (the lab management bridge that every node
// namespace hangs off) to 10.0.2.100:4222, so the node agents inside the namespaces
// reach NATS through the same single forwarded port.
'use strict';
const net = require('node:net');
const { spawn } = require('node:child_process');
const { connect, JSONCodec } = require('nats');

const RUN = process.env.SDNLAB_RUN || 'dev';
const UPSTREAM = { host: '10.0.2.100', port: 4222 };
const NATS_URL = process.env.SDNLAB_NATS || `nats://${UPSTREAM.host}:${UPSTREAM.port}`;
const PREFIX = `sdnlab.${RUN}`;
const MAX_OUT = 900 * 1024;
const jc = JSONCodec();
const log = (m) => process.stdout.write(`[runner ${(process.uptime()).toFixed(1)}s] ${m}\n`);

function startRelay() {
  const srv = net.createServer((c) => {
    const u = net.connect(UPSTREAM.port, UPSTREAM.host);
    c.pipe(u);
    u.pipe(c);
    const close = () => {
      c.destroy();
      u.destroy();
    };
    c.on('error', close);
    u.on('error', close);
    c.on('close', close);
    u.on('close', close);
  });
  srv.on('error', (e) => log(`relay: ${e.message}`));
  // 0.0.0.0: the management bridge address may be created after the runner starts.
  srv.listen(4222, '0.0.0.0', () => log('relay 0.0.0.0:4222 -> 10.0.2.100:4222 listening'));
}

function runScript(script, timeoutMs) {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const child = spawn('bash', ['-c', script], { stdio: ['ignore', 'pipe', 'pipe'], cwd: '/tmp' });
    let out = '';
    const add = (d) => {
      if (out.length < MAX_OUT) out += d;
    };
    child.stdout.on('data', add);
    child.stderr.on('data', add);
    const timer = setTimeout(() => {
      add(`\n[runner] timeout after ${timeoutMs} ms, killed\n`);
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code === null ? 124 : code, out, ms: Date.now() - t0 });
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ code: 127, out: e.message, ms: Date.now() - t0 });
    });
  });
}

async function main() {
  startRelay();
  const t0 = Date.now();
  let nc;
  for (;;) {
    try {
      nc = await connect({ servers: NATS_URL, name: `sdnlab-runner-${RUN}`, maxReconnectAttempts: -1, reconnectTimeWait: 500 });
      break;
    } catch (e) {
      if (Date.now() - t0 > 60000) throw e;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  log(`connected to ${NATS_URL} (via guestfwd) in ${Date.now() - t0} ms, subjects ${PREFIX}.*`);
  let last = Date.now();
  const done = new Promise((resolve) => {
    nc.subscribe(`${PREFIX}.poweroff`, { callback: () => resolve('poweroff requested') });
    // The host died or forgot us: do not keep the VM (and a TCG core) busy forever.
    setInterval(() => {
      if (Date.now() - last > 20 * 60000) resolve('idle for 20 minutes');
    }, 10000).unref();
  });
  nc.subscribe(`${PREFIX}.exec`, {
    callback: (err, msg) => {
      if (err) return;
      last = Date.now();
      let req;
      try {
        req = jc.decode(msg.data);
      } catch (e) {
        msg.respond(jc.encode({ code: 2, out: `bad request: ${e}`, ms: 0 }));
        return;
      }
      runScript(String(req.script), Number(req.timeoutMs) || 120000).then((r) => {
        last = Date.now();
        msg.respond(jc.encode(r));
      });
    },
  });
  nc.publish(`${PREFIX}.ready`, jc.encode({ uptime: Number(require('node:fs').readFileSync('/proc/uptime', 'utf8').split(' ')[0]) }));
  const why = await done;
  log(`stopping: ${why}`);
  await nc.drain().catch(() => undefined);
  process.exit(0);
}

main().catch((e) => {
  log(`fatal: ${e && e.stack ? e.stack : e}`);
  process.exit(1);
});

// QEMU guestfwd "cmd:" helper: QEMU starts this once per guest connection to
// 10.0.2.100:4222, with the connection on stdin/stdout; it is spliced to the host NATS.
// Usage: node stdio-relay.js HOST PORT
'use strict';
const net = require('node:net');
const [host, port] = process.argv.slice(2);
const s = net.connect(Number(port), host);
process.stdin.pipe(s);
s.pipe(process.stdout);
const end = () => process.exit(0);
s.on('error', end);
s.on('close', end);
process.stdin.on('end', () => s.end());
process.stdin.on('error', end);
process.stdout.on('error', end);

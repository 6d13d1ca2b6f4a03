#!/usr/bin/env node
// Container healthcheck of the product image: GET <path> (default /health/ready) on the app's own port —
// the API's SDN_API_PORT, the metrics port SDN_METRICS_PORT for the workers and the agent. Exit 0 on 200.
const app = process.env.SDN_APP || 'api';
const port = app === 'api' ? process.env.SDN_API_PORT || 8006 : process.env.SDN_METRICS_PORT || 9464;
const path = process.argv[2] || '/health/ready';
fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(2500) }).then(
  (r) => process.exit(r.status === 200 ? 0 : 1),
  () => process.exit(1),
);

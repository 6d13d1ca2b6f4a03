// Services that specs start as child processes inherit this: their health and
// metrics endpoint takes any free port, so parallel specs never collide on 9464.
process.env.SDN_METRICS_PORT = process.env.SDN_METRICS_PORT || '0';
// Specs start APIs without an IPAM service and expect its 503 at once; the API's sending again
// while no IPAM replica answers has its own spec (apps/api/src/ips/ipam-client.spec.ts), and
// test:compose runs the default against killed replicas.
process.env.SDN_API_IPAM_RETRY_MS = process.env.SDN_API_IPAM_RETRY_MS || '0';

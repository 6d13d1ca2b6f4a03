// Services that specs start as child processes inherit this: their health and
// metrics endpoint takes any free port, so parallel specs never collide on 9464.
process.env.SDN_METRICS_PORT = process.env.SDN_METRICS_PORT || '0';

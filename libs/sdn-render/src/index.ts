export * from './facts';
export * from './render';
export * from './node-scope';
export * from './dhcp/dnsmasq';
export * from './conformance/case';
export * from './conformance/run';
export * from './fabrics/daemons';
export * from './guest-ports/plug';

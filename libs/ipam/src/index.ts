export * from './plugin';
export * from './http/http-client';
export * from './phpipam/phpipam.plugin';
export * from './netbox/netbox.plugin';
export * from './pve/address-math';
export * from './lifecycle/subnet-lifecycle';
export { readCase, readExpected, parseDump, CONFORMANCE_DIR } from './testing/conformance';

export * from './protocol';
export * from './sections';
export * from './validate';
export * from './edits';
export * from './views';
export { OPENFABRIC } from './openfabric/protocol';
export { OSPF } from './ospf/protocol';

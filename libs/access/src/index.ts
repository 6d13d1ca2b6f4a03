export * from './privileges';
export * from './acl-path';
export * from './permissions';
export * from './events';
export * from './commands';

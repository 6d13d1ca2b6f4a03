export * from './privileges';
export * from './acl-path';
export * from './permissions';

export * from './setting';
export * from './settings';
export * from './app-configs';
export * from './settings-table';

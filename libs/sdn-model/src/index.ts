export * from './model';
export * from './values';
export * from './schema';
export * from './validation';
export * from './edits';
export * from './synthetic';
export * from './fabrics';

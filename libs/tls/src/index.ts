export * from './tls-material';
export * from './host-names';

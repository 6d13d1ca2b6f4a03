// Runs TypeScript sources directly: swc transpiles (with decorator metadata, which
// NestJS dependency injection needs) and tsconfig "paths" resolve the @sdn/* aliases.
const path = require('node:path');
process.env.SWC_NODE_PROJECT = process.env.SWC_NODE_PROJECT || path.join(__dirname, '..', 'tsconfig.base.json');
require('@swc-node/register');

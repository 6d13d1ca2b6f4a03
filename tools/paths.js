// Maps the tsconfig "paths" aliases for jest, so there is one list of aliases.
const fs = require('node:fs');
const path = require('node:path');
function pathsToModuleNameMapper() {
  const base = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'tsconfig.base.json'), 'utf8'));
  const out = {};
  for (const [alias, [target]] of Object.entries(base.compilerOptions.paths)) {
    out[`^${alias.replace(/[/.]/g, (c) => '\\' + c)}$`] = `<rootDir>/${target}`;
  }
  return out;
}
module.exports = { pathsToModuleNameMapper };

// The secret scan of every log line the run's services wrote (see
// libs/service-kit/src/testing/log-secrets.ts): a hit fails the run and keeps
// the directory; a clean run removes it.
const fs = require('node:fs');

module.exports = async function globalTeardown() {
  const dir = process.env.SDN_LOG_COPY_DIR;
  if (!dir || !fs.existsSync(dir)) return;
  require('./register.js');
  const { scanLogsForSecrets } = require('../libs/service-kit/src/testing/log-secrets.ts');
  const r = scanLogsForSecrets(dir);
  if (r.findings.length) {
    const shown = r.findings.slice(0, 20).map((f) => `  ${f.file}:${f.line}: ${f.what}`);
    throw new Error(`secret scan: ${r.findings.length} log line(s) carry a secret (logs kept in ${dir}):\n${shown.join('\n')}`);
  }
  process.stdout.write(`\nsecret scan: ${r.lines} log lines in ${r.files} file(s), ${r.secrets} recorded secret(s) and the token/ticket shapes: none found\n`);
  if (globalThis.sdnLogCopyDirOwned) fs.rmSync(dir, { recursive: true, force: true });
};

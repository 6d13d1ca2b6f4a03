// One directory per jest run for the services' log copies (SDN_LOG_COPY_DIR): every
// service a spec starts, in-process or as a child, appends its lines there, and
// the teardown scans them for the secrets the tests handed out.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

module.exports = async function globalSetup() {
  if (process.env.SDN_LOG_COPY_DIR) return;
  process.env.SDN_LOG_COPY_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'sdn-test-logs-'));
  // Only a directory made here is removed after a clean scan.
  globalThis.sdnLogCopyDirOwned = true;
};

module.exports = JSON.parse(require('node:fs').readFileSync(require('node:path').join(__dirname, '..', '.swcrc'), 'utf8'));

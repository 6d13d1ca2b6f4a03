/** `npm run -s settings:readme`: rewrites the README's settings table from libs/config's SETTINGS. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withSettingsTable } from '@sdn/config';

const file = join(__dirname, '..', 'README.md');
writeFileSync(file, withSettingsTable(readFileSync(file, 'utf8')));

import { SETTINGS } from './settings';

export const TABLE_BEGIN = '<!-- settings table: generated from libs/config (npm run -s settings:readme) -->';
export const TABLE_END = '<!-- end of settings table -->';

const cell = (s: string) => s.replace(/\|/g, '\\|');

/** The README's settings table, generated from SETTINGS so the two cannot drift apart. */
export function settingsTable(): string {
  const rows = Object.values(SETTINGS).map((s) => {
    const names = [`\`${s.name}\``, ...(s.secret ? [`\`${s.name}_FILE\``] : [])].join('<br>');
    const aliases = s.aliases.map((a) => `\`${a}\``).join(', ') || '';
    const dflt = s.defaultDoc ?? (typeof s.default === 'string' ? (s.default === '' ? '(empty)' : `\`${s.default}\``) : s.default ? '(computed)' : '(unset)');
    return `| ${names} | ${aliases} | ${cell(dflt)} | ${s.apps.join(', ')} | ${cell(s.doc)}${s.secret ? ' (secret)' : ''} |`;
  });
  return [TABLE_BEGIN, '', '| Setting | Also read as | Default | Read by | Meaning |', '|---|---|---|---|---|', ...rows, '', TABLE_END].join('\n');
}

/** `readme` with its table replaced by the current one; throws when the markers are missing. */
export function withSettingsTable(readme: string): string {
  const a = readme.indexOf(TABLE_BEGIN);
  const b = readme.indexOf(TABLE_END);
  if (a < 0 || b < a) throw new Error('README has no settings table markers');
  return readme.slice(0, a) + settingsTable() + readme.slice(b + TABLE_END.length);
}

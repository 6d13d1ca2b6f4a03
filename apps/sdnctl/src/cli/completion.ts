import type { Command } from 'commander';

/**
 * Path of words (`ips allocate`) → subcommand names and flags, from the
 * command tree itself. Global options belong to the root only: they go before the command.
 */
function table(root: Command): Map<string, { subs: string[]; flags: string[] }> {
  const out = new Map<string, { subs: string[]; flags: string[] }>();
  const walk = (c: Command, path: string[]) => {
    const flags = c.options.flatMap((o) => [o.long, o.short].filter((f): f is string => Boolean(f)));
    out.set(path.join(' '), { subs: c.commands.map((s) => s.name()), flags: [...new Set([...flags, '--help'])] });
    for (const s of c.commands) walk(s, [...path, s.name()]);
  };
  walk(root, []);
  return out;
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

function bash(root: Command): string {
  const t = table(root);
  const cases = [...t.entries()].map(([path, { subs, flags }]) => `    ${quote(path)}) words=${quote([...subs, ...flags].join(' '))} ;;`).join('\n');
  return `# bash completion for sdnctl: source this file (or put it in /etc/bash_completion.d/sdnctl)
_sdnctl() {
  local cur path="" w i words
  cur="\${COMP_WORDS[COMP_CWORD]}"
  # The command path: the words before the cursor that name subcommands.
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    [[ "$w" == -* ]] && continue
    if _sdnctl_known "\${path:+$path }$w"; then path="\${path:+$path }$w"; fi
  done
  case "$path" in
${cases}
    *) words="" ;;
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=( $(compgen -W "$(printf '%s\\n' $words | grep -- '^-')" -- "$cur") )
  else
    COMPREPLY=( $(compgen -W "$(printf '%s\\n' $words | grep -v -- '^-')" -- "$cur") )
    [[ \${#COMPREPLY[@]} -eq 0 ]] && COMPREPLY=( $(compgen -f -- "$cur") )
  fi
}
_sdnctl_known() {
  case "$1" in
${[...t.keys()]
  .filter(Boolean)
  .map((p) => `    ${quote(p)}) return 0 ;;`)
  .join('\n')}
  esac
  return 1
}
complete -F _sdnctl sdnctl
`;
}

function zsh(root: Command): string {
  const t = table(root);
  const describe = (c: Command) => c.commands.map((s) => quote(`${s.name()}:${s.description().replace(/:/g, '\\:').split('\n')[0].slice(0, 70)}`)).join(' ');
  const byPath = new Map<string, Command>();
  const walk = (c: Command, path: string[]) => {
    byPath.set(path.join(' '), c);
    for (const s of c.commands) walk(s, [...path, s.name()]);
  };
  walk(root, []);
  const cases = [...t.entries()]
    .map(([path, { subs, flags }]) => {
      const c = byPath.get(path)!;
      const subList = subs.length ? `_describe -t commands 'sdnctl command' subcmds` : '_files';
      return `    ${quote(path)})\n      subcmds=(${describe(c)})\n      if [[ $PREFIX == -* ]]; then compadd -- ${flags.map(quote).join(' ')}; else ${subList}; fi ;;`;
    })
    .join('\n');
  return `#compdef sdnctl
# zsh completion for sdnctl: save as _sdnctl in a directory on $fpath (then: autoload -U compinit && compinit)
_sdnctl() {
  local path="" w i
  local -a subcmds
  for ((i = 2; i < CURRENT; i++)); do
    w="\${words[i]}"
    [[ "$w" == -* ]] && continue
    case "\${path:+$path }$w" in
${[...t.keys()]
  .filter(Boolean)
  .map((p) => `      ${quote(p)}) path="${p}" ;;`)
  .join('\n')}
    esac
  done
  case "$path" in
${cases}
  esac
}
_sdnctl "$@"
`;
}

export function completionScript(root: Command, shell: 'bash' | 'zsh'): string {
  return shell === 'bash' ? bash(root) : zsh(root);
}

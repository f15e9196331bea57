// Finding the mpdbg executable: the `mpdbg.path` setting, then PATH, then
// cargo's bin directory (where `cargo install` puts it). Pure: the file
// system and environment come in as arguments, so it is unit-tested.
import * as path from 'path';

export interface LookupInput {
  /** The `mpdbg.path` setting, if set. */
  setting?: string;
  /** The PATH variable. */
  pathVar?: string;
  home?: string;
  /** CARGO_HOME, when set (cargo's bin directory is its `bin`). */
  cargoHome?: string;
  platform: NodeJS.Platform;
  /** True for an existing executable file. */
  isExecutable: (file: string) => boolean;
}

export type Lookup =
  | { found: string; from: 'setting' | 'PATH' | 'cargo' }
  | { found?: undefined; problem: string; searched: string[] };

export const INSTALL_HINT =
  'Install it with `cargo install --path crates/mpdbg` in a clone of the mpdbg repository, ' +
  'or set `mpdbg.path` to the executable.';

export function findMpdbg(input: LookupInput): Lookup {
  const win = input.platform === 'win32';
  const exe = win ? 'mpdbg.exe' : 'mpdbg';
  const sep = win ? ';' : ':';
  const setting = input.setting?.trim();
  if (setting) {
    const file = expandHome(setting, input.home);
    if (input.isExecutable(file)) return { found: file, from: 'setting' };
    return {
      problem: `The setting mpdbg.path is ${JSON.stringify(setting)}, which is not an executable file. ` +
        'Fix the setting, or clear it to find mpdbg on PATH.',
      searched: [file],
    };
  }
  const searched: string[] = [];
  for (const dir of (input.pathVar ?? '').split(sep)) {
    if (!dir) continue;
    const file = (win ? path.win32 : path.posix).join(dir, exe);
    searched.push(file);
    if (input.isExecutable(file)) return { found: file, from: 'PATH' };
  }
  const cargoBin = input.cargoHome
    ? (win ? path.win32 : path.posix).join(input.cargoHome, 'bin')
    : input.home
      ? (win ? path.win32 : path.posix).join(input.home, '.cargo', 'bin')
      : undefined;
  if (cargoBin) {
    const file = (win ? path.win32 : path.posix).join(cargoBin, exe);
    searched.push(file);
    if (input.isExecutable(file)) return { found: file, from: 'cargo' };
  }
  return {
    problem: `mpdbg was not found on PATH${cargoBin ? ` or in ${cargoBin}` : ''}. ${INSTALL_HINT}`,
    searched,
  };
}

function expandHome(p: string, home?: string): string {
  if (home && (p === '~' || p.startsWith('~/'))) return home + p.slice(1);
  return p;
}

// Completing a debug configuration before it starts: F5 with no launch.json
// debugs the active Python file on the selected device; a launch without a
// program takes the active file. Pure, so it is unit-tested without VS Code.
import * as path from 'path';

export interface DebugConfig {
  type?: string;
  request?: string;
  name?: string;
  [key: string]: unknown;
}

export interface EditorFacts {
  /** The active editor's file, if it is a file on disk. */
  file?: string;
  languageId?: string;
  /** The workspace folder of the configuration (or of the file). */
  folder?: string;
}

export type Resolution = { config: DebugConfig } | { error: string };

export const NO_PYTHON_FILE =
  'Open a Python file to debug it with mpdbg (F5 debugs the active file), or add an mpdbg launch configuration.';

/** The current-file launch F5 uses with no launch.json (before the device). */
export function currentFileLaunch(file: string, folder?: string): DebugConfig {
  return {
    type: 'mpdbg',
    request: 'launch',
    name: 'mpdbg: current file',
    program: file,
    cwd: folder ?? path.dirname(file),
    stopOnEntry: false,
  };
}

/**
 * What the Run view offers without a launch.json ("show all automatic debug
 * configurations"): the active Python file, when there is one.
 */
export function dynamicConfigurations(facts: EditorFacts): DebugConfig[] {
  if (facts.languageId !== 'python' || !facts.file) return [];
  return [{ ...currentFileLaunch('${file}', '${workspaceFolder}'), name: `mpdbg: ${path.basename(facts.file)}` }];
}

export function resolveConfiguration(input: DebugConfig, facts: EditorFacts, device?: string): Resolution {
  const config: DebugConfig = { ...input };
  const pythonFile = facts.languageId === 'python' && facts.file ? facts.file : undefined;
  if (!config.type && !config.request && !config.name) {
    // F5 without launch.json.
    if (!pythonFile) return { error: NO_PYTHON_FILE };
    Object.assign(config, currentFileLaunch(pythonFile, facts.folder));
  }
  if (config.request === 'launch' && (config.program === undefined || config.program === '')) {
    if (!pythonFile) return { error: NO_PYTHON_FILE };
    config.program = pythonFile;
  }
  if (config.request === 'attach' && config.connect === undefined && config.device === undefined && !device) {
    return { error: 'An mpdbg attach configuration needs "connect" ({"host", "port"}) or "device".' };
  }
  if (config.device === undefined && config.connect === undefined && device) config.device = device;
  return { config };
}

/** The `mpdbg dap --listen` server an attach configuration names, if any. */
export function attachServer(config: DebugConfig): { host: string; port: number } | undefined {
  const c = config.connect as { host?: unknown; port?: unknown } | undefined;
  if (config.request !== 'attach' || typeof c !== 'object' || c === null) return undefined;
  const port = typeof c.port === 'string' ? Number(c.port) : c.port;
  if (typeof port !== 'number' || !Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new Error(`"connect.port" must be a TCP port number, not ${JSON.stringify(c.port)}`);
  }
  return { host: typeof c.host === 'string' && c.host ? c.host : '127.0.0.1', port };
}

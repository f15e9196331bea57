// The mpdbg extension: the `mpdbg` debug type, F5 without launch.json, the
// device picker, and `mpdbg dap` as the debug adapter.
import * as cp from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { findMpdbg, Lookup } from './binary';
import { attachServer, DebugConfig, dynamicConfigurations, EditorFacts, resolveConfiguration } from './configuration';
import { RunResult } from './devices';
import { DevicePicker } from './picker';

function lookup(): Lookup {
  return findMpdbg({
    setting: vscode.workspace.getConfiguration('mpdbg').get<string>('path'),
    pathVar: process.env.PATH,
    home: os.homedir(),
    cargoHome: process.env.CARGO_HOME,
    platform: process.platform,
    isExecutable: (file) => {
      try {
        fs.accessSync(file, fs.constants.X_OK);
        return fs.statSync(file).isFile();
      } catch {
        return false;
      }
    },
  });
}

/**
 * The binary, or undefined after telling the user how to install it (the
 * message stays up with its buttons; the launch does not wait for it).
 */
function mpdbgOrExplain(context: vscode.ExtensionContext): string | undefined {
  const found = lookup();
  if (!('problem' in found)) return found.found;
  const instructions = 'Installation Instructions';
  const settings = 'Open Settings';
  void vscode.window.showErrorMessage(found.problem, instructions, settings).then((choice) => {
    if (choice === instructions) return showInstructions(context);
    if (choice === settings) return vscode.commands.executeCommand('workbench.action.openSettings', 'mpdbg.path');
    return undefined;
  });
  return undefined;
}

async function showInstructions(context: vscode.ExtensionContext): Promise<void> {
  // vsce stores the README as readme.md; a development checkout has README.md.
  const name = ['readme.md', 'README.md'].find((n) => fs.existsSync(path.join(context.extensionPath, n))) ?? 'README.md';
  await vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.joinPath(context.extensionUri, name));
}

function run(binary: string, args: string[]): Promise<RunResult> {
  return new Promise((resolve) => {
    cp.execFile(binary, args, { timeout: 15000, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      const e = err as (cp.ExecFileException & { code?: number | string }) | null;
      if (e && typeof e.code !== 'number') {
        resolve({ code: null, stdout, stderr, error: e.killed ? 'it took over 15 s' : e.message });
      } else {
        resolve({ code: e ? (e.code as number) : 0, stdout, stderr });
      }
    });
  });
}

/** The active editor's file, language and workspace folder. */
function editorFacts(folder?: vscode.WorkspaceFolder): EditorFacts {
  const doc = vscode.window.activeTextEditor?.document;
  const file = doc && doc.uri.scheme === 'file' ? doc.uri.fsPath : undefined;
  const fileFolder = doc ? vscode.workspace.getWorkspaceFolder(doc.uri) : undefined;
  return { file, languageId: doc?.languageId, folder: (folder ?? fileFolder)?.uri.fsPath };
}

class ConfigurationProvider implements vscode.DebugConfigurationProvider {
  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly picker: DevicePicker,
  ) {}

  async resolveDebugConfiguration(
    folder: vscode.WorkspaceFolder | undefined,
    config: vscode.DebugConfiguration,
  ): Promise<vscode.DebugConfiguration | undefined> {
    const r = resolveConfiguration(config as DebugConfig, editorFacts(folder), this.picker.device);
    if ('error' in r) {
      void vscode.window.showInformationMessage(r.error);
      return undefined;
    }
    return r.config as vscode.DebugConfiguration;
  }

  async resolveDebugConfigurationWithSubstitutedVariables(
    _folder: vscode.WorkspaceFolder | undefined,
    config: vscode.DebugConfiguration,
  ): Promise<vscode.DebugConfiguration | undefined> {
    // An attach to a listening `mpdbg dap` needs no local binary.
    if (attachServer(config as DebugConfig)) return config;
    return mpdbgOrExplain(this.context) ? config : undefined;
  }
}

class AdapterFactory implements vscode.DebugAdapterDescriptorFactory {
  createDebugAdapterDescriptor(session: vscode.DebugSession): vscode.DebugAdapterDescriptor {
    const server = attachServer(session.configuration as DebugConfig);
    if (server) return new vscode.DebugAdapterServer(server.port, server.host);
    const found = lookup();
    if ('problem' in found) throw new Error(found.problem);
    return new vscode.DebugAdapterExecutable(found.found, ['dap']);
  }
}

export function activate(context: vscode.ExtensionContext): void {
  const picker = new DevicePicker(context.workspaceState, async (args) => {
    const found = lookup();
    return 'problem' in found ? { code: null, stdout: '', stderr: '', error: found.problem } : run(found.found, args);
  });
  context.subscriptions.push(
    picker,
    vscode.commands.registerCommand('mpdbg.selectDevice', () => picker.pick()),
    vscode.commands.registerCommand('mpdbg.showInstallInstructions', () => showInstructions(context)),
    vscode.debug.registerDebugConfigurationProvider('mpdbg', new ConfigurationProvider(context, picker)),
    vscode.debug.registerDebugConfigurationProvider('mpdbg', {
      provideDebugConfigurations: (folder) => dynamicConfigurations(editorFacts(folder)) as vscode.DebugConfiguration[],
    }, vscode.DebugConfigurationProviderTriggerKind.Dynamic),
    vscode.debug.registerDebugAdapterDescriptorFactory('mpdbg', new AdapterFactory()),
  );
}

export function deactivate(): void {}

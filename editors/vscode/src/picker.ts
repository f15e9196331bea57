// The device picker: a command and a status-bar item, fed by
// `mpdbg devices --json`; the choice is remembered per workspace.
import * as vscode from 'vscode';
import { deviceDetail, listDevices, LOCAL, RunResult } from './devices';

const STATE_KEY = 'mpdbg.device';

export class DevicePicker implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;

  constructor(
    private readonly state: vscode.Memento,
    private readonly run: (args: string[]) => Promise<RunResult>,
  ) {
    this.item = vscode.window.createStatusBarItem('mpdbg.device', vscode.StatusBarAlignment.Left, 50);
    this.item.name = 'mpdbg device';
    this.item.command = 'mpdbg.selectDevice';
    this.show();
  }

  /** The selected device's name (`local` until one is picked). */
  get device(): string {
    return this.state.get<string>(STATE_KEY) ?? LOCAL.name;
  }

  async pick(): Promise<string | undefined> {
    const list = await listDevices(this.run);
    const items = list.devices.map((d) => ({
      label: d.name,
      description: d.description,
      detail: deviceDetail(d) || undefined,
      picked: d.name === this.device,
    }));
    const chosen = await vscode.window.showQuickPick(items, {
      title: 'mpdbg: debug on which device?',
      placeHolder: list.note ? `Only local: ${list.note}` : `Now: ${this.device}`,
      matchOnDescription: true,
      matchOnDetail: true,
    });
    if (!chosen) return undefined;
    await this.state.update(STATE_KEY, chosen.label);
    this.show();
    return chosen.label;
  }

  private show(): void {
    this.item.text = `$(circuit-board) mpdbg: ${this.device}`;
    this.item.tooltip = 'The device mpdbg debugs on (click to change)';
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}

// The devices the picker offers, from `mpdbg devices --json`. Its contract:
// a JSON array of {name, description, vid, pid, serialNumber, product,
// micropython: boolean, probe?}, with the pseudo-devices `local` and `qemu`
// first. An mpdbg without the command (or one that fails) still offers
// `local`, with a note saying why the list is short.

export interface Device {
  name: string;
  description: string;
  vid?: number | string;
  pid?: number | string;
  serialNumber?: string;
  product?: string;
  micropython: boolean;
  probe?: unknown;
}

export const LOCAL: Device = {
  name: 'local',
  description: 'the built-in debug MicroPython on this computer',
  micropython: true,
};

export interface DeviceList {
  devices: Device[];
  /** Why the list has only `local`, when it is short for a reason. */
  note?: string;
}

/** Parses the command's output; throws an Error saying what is wrong. */
export function parseDevices(stdout: string): Device[] {
  let data: unknown;
  try {
    data = JSON.parse(stdout);
  } catch (e) {
    throw new Error(`not JSON (${(e as Error).message})`);
  }
  if (!Array.isArray(data)) throw new Error('not a JSON array of devices');
  return data.map((item, i) => {
    if (typeof item !== 'object' || item === null) throw new Error(`item ${i} is not an object`);
    const o = item as Record<string, unknown>;
    if (typeof o.name !== 'string' || o.name === '') throw new Error(`item ${i} has no "name"`);
    const text = (k: string) => (typeof o[k] === 'string' ? (o[k] as string) : undefined);
    const id = (k: string) => (typeof o[k] === 'number' || typeof o[k] === 'string' ? (o[k] as number | string) : undefined);
    const d: Device = {
      name: o.name,
      description: text('description') ?? '',
      micropython: o.micropython === true,
    };
    if (id('vid') !== undefined) d.vid = id('vid');
    if (id('pid') !== undefined) d.pid = id('pid');
    if (text('serialNumber') !== undefined) d.serialNumber = text('serialNumber');
    if (text('product') !== undefined) d.product = text('product');
    if (o.probe !== undefined && o.probe !== null) d.probe = o.probe;
    return d;
  });
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Set when the command could not be started. */
  error?: string;
}

/** Lists the devices with `run(['devices', '--json'])`; never throws. */
export async function listDevices(run: (args: string[]) => Promise<RunResult>): Promise<DeviceList> {
  let r: RunResult;
  try {
    r = await run(['devices', '--json']);
  } catch (e) {
    r = { code: null, stdout: '', stderr: '', error: (e as Error).message };
  }
  if (r.error) return { devices: [LOCAL], note: `mpdbg could not list devices: ${r.error}` };
  if (r.code !== 0) {
    if (/unrecognized subcommand|unexpected argument|invalid subcommand/i.test(r.stderr)) {
      return {
        devices: [LOCAL],
        note: 'this mpdbg has no `devices` command yet, so only the built-in interpreter is offered; ' +
          'update mpdbg to pick a board',
      };
    }
    const why = r.stderr.trim().split('\n').pop() || `exit code ${r.code}`;
    return { devices: [LOCAL], note: `\`mpdbg devices --json\` failed: ${why}` };
  }
  let devices: Device[];
  try {
    devices = parseDevices(r.stdout);
  } catch (e) {
    return { devices: [LOCAL], note: `\`mpdbg devices --json\` printed no device list: ${(e as Error).message}` };
  }
  if (!devices.some((d) => d.name === LOCAL.name)) devices.unshift(LOCAL);
  return { devices };
}

/** One line about a device for the picker: product, ids, serial number. */
export function deviceDetail(d: Device): string {
  const hex = (v: number | string | undefined) =>
    typeof v === 'number' ? v.toString(16).padStart(4, '0') : v;
  const parts: string[] = [];
  if (d.product) parts.push(d.product);
  if (d.vid !== undefined && d.pid !== undefined) parts.push(`${hex(d.vid)}:${hex(d.pid)}`);
  if (d.serialNumber) parts.push(`serial ${d.serialNumber}`);
  if (d.micropython && d.name !== 'local' && d.name !== 'qemu') parts.push('MicroPython');
  return parts.join(' · ');
}

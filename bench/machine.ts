/** The facts a figure is meaningless without: the machine, the Node version, the date. */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { mib } from './stats.js';

export interface Machine {
  cores: number;
  cpuModel: string;
  totalMemoryMiB: number;
  node: string;
  platform: string;
  /** The file system type of the temp folder the data files live on (fsync cost depends on it). */
  tmpFileSystem: string;
  date: string;
  /** 1, 5 and 15 minute load averages when the bench started: other work on the machine skews every figure. */
  loadAverage: number[];
}

/** The file system of the mount holding `dir`, from /proc/mounts (longest matching mount point). */
function fileSystemOf(dir: string): string {
  try {
    let best = { point: '', type: 'unknown' };
    for (const line of readFileSync('/proc/mounts', 'utf8').split('\n')) {
      const [, point, type] = line.split(' ');
      if (point === undefined || type === undefined) continue;
      const inside = dir === point || dir.startsWith(point.endsWith('/') ? point : `${point}/`);
      if (inside && point.length > best.point.length) best = { point, type };
    }
    return `${best.type} (${best.point || '?'})`;
  } catch {
    return 'unknown';
  }
}

export function describeMachine(now = new Date()): Machine {
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    totalMemoryMiB: Math.round(mib(os.totalmem())),
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    tmpFileSystem: fileSystemOf(os.tmpdir()),
    date: now.toISOString(),
    loadAverage: os.loadavg().map((n) => Math.round(n * 100) / 100),
  };
}

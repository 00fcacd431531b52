// The machine a run happened on, for the report header.
import { cpus, loadavg, totalmem } from 'node:os';
import { hasTaskset } from '../pinned-child.ts';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
  platform: string;
  pinned: boolean;
  date: string;
  /** 1/5/15-minute load averages when the run started: other work on the machine. */
  loadAverage: number[];
}

export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    pinned: hasTaskset(),
    date: new Date().toISOString(),
    loadAverage: loadavg().map((v) => Math.round(v * 100) / 100),
  };
}

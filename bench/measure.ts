// What every benchmark prints the same way: percentiles of sorted samples and the machine it ran on.
import { cpus, platform, release } from 'node:os';

/** The p-th percentile (0–100) of ascending `sorted` samples (nearest rank); NaN when there are none. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** One line naming the machine: CPU model, cores, Node version and OS. */
export function machineLine(): string {
  const cpu = cpus();
  return `machine: ${cpu[0]?.model ?? 'unknown cpu'}, ${cpu.length} cores, node ${process.version}, ${platform()} ${release()}`;
}

// CPU of the processes, read from /proc: the server's process group (workerd and wrangler's
// other processes, by command name) and the whole machine, to tell what bounded the run.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU seconds (user + system) of each process of a group, by pid, with its command name. */
export function groupCpu(pgid: number): Map<number, { name: string; seconds: number }> {
  const found = new Map<number, { name: string; seconds: number }>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue; // It ended meanwhile.
    }
    const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
    // Fields after the name: state ppid pgrp ... utime (14th field) stime (15th).
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(fields[2]) !== pgid) continue;
    found.set(Number(entry), { name, seconds: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND });
  }
  return found;
}

/** CPU seconds the whole machine spent busy (every core), from /proc/stat. */
export function machineBusySeconds(): number {
  const [user, nice, system, , , irq, softirq, steal = 0] = readFileSync("/proc/stat", "utf8")
    .split("\n")[0]
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  return (user + nice + system + irq + softirq + steal) / TICKS_PER_SECOND;
}

export function cpuUsedByName(
  before: ReturnType<typeof groupCpu>,
  after: ReturnType<typeof groupCpu>,
): Map<string, number> {
  const byName = new Map<string, number>();
  for (const [pid, now] of after) {
    const used = now.seconds - (before.get(pid)?.seconds ?? 0);
    byName.set(now.name, (byName.get(now.name) ?? 0) + used);
  }
  return byName;
}

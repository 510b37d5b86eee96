/**
 * CPU time by process role, read from /proc: which part of a deployment (each portal instance,
 * nginx, PostgreSQL, the bench client itself) spent the machine's cores during a load phase, and
 * how busy the whole machine was (other people's work included), so a benchmark can say where its
 * ceiling is from measurements rather than guesses. Linux only.
 */
import { readdirSync, readFileSync } from "node:fs";

const CLOCK_TICKS_PER_S = 100;
const ticksToMs = (ticks: number) => (ticks * 1000) / CLOCK_TICKS_PER_S;

type Proc = { pid: number; parent: number; comm: string; cmdline: string; ticks: number };

function processes(): Map<number, Proc> {
  const all = new Map<number, Proc>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      all.set(Number(entry), {
        pid: Number(entry),
        parent: Number(fields[1]),
        comm: stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")),
        cmdline: readFileSync(`/proc/${entry}/cmdline`, "utf8").replace(/\0/g, " "),
        // utime + stime of the process (its threads included); children that exited are not counted.
        ticks: Number(fields[11]) + Number(fields[12]),
      });
    } catch {
      /* gone meanwhile */
    }
  }
  return all;
}

function subtree(all: Map<number, Proc>, root: number): Proc[] {
  const tree = all.has(root) ? [all.get(root)!] : [];
  for (let i = 0; i < tree.length; i++) for (const p of all.values()) if (p.parent === tree[i]!.pid) tree.push(p);
  return tree;
}

/** A portal instance's top process: scripts/serve.ts (under tsx), or `next start` (titled "next-server (v…)"). */
const isNext = (p: Proc) => /next-server|node_modules\/\.bin\/next |next\/dist\/bin\/next |scripts\/serve\.ts /.test(p.cmdline + " ");
/** A process whose main thread runs the portal's JavaScript: a scripts/serve.ts worker, or `next start`'s server. */
const runsPortal = (p: Proc) => /next-server|scripts\/serve-worker\.mjs /.test(p.cmdline + " ");

/**
 * CPU ms so far by role: "instance 1", "instance 2", … (each Next.js server under `serverRoot` with
 * whatever it forked, numbered by pid, i.e. start order), "nginx", "launcher" (the rest of that
 * tree: tsx, scripts/cluster.ts), "postgres" (the postmaster's tree), "bench client" (this process).
 */
export function cpuByRole(serverRoot: number, postgresRoot: number | null): Map<string, number> {
  const all = processes();
  const roles = new Map<string, number>();
  const add = (role: string, ticks: number) => roles.set(role, (roles.get(role) ?? 0) + ticksToMs(ticks));
  const tree = subtree(all, serverRoot);
  const inTree = new Set(tree.map((p) => p.pid));
  const instanceRoots = tree.filter((p) => isNext(p) && !(inTree.has(p.parent) && isNext(all.get(p.parent)!))).map((p) => p.pid).sort((a, b) => a - b);
  const instanceOf = (p: Proc): number | null => {
    for (let q: Proc | undefined = p; q && inTree.has(q.pid); q = all.get(q.parent)) {
      const index = instanceRoots.indexOf(q.pid);
      if (index >= 0) return index + 1;
    }
    return null;
  };
  for (const p of tree) {
    const instance = instanceOf(p);
    add(instance ? `instance ${instance}` : p.comm === "nginx" ? "nginx" : "launcher", p.ticks);
  }
  if (postgresRoot) for (const p of subtree(all, postgresRoot)) add("postgres", p.ticks);
  const self = process.cpuUsage();
  roles.set("bench client", (self.user + self.system) / 1000);
  return roles;
}

/** CPU ms the whole machine has spent busy so far (every core; idle and I/O wait left out), and its core count. */
export function machineBusy(): { busyMs: number; cores: number } {
  const lines = readFileSync("/proc/stat", "utf8").split("\n");
  const [, user, nice, system, , , irq, softirq, steal] = lines[0]!.trim().split(/\s+/).map(Number);
  return {
    busyMs: ticksToMs(user! + nice! + system! + irq! + softirq! + steal!),
    cores: lines.filter((line) => /^cpu\d+ /.test(line)).length,
  };
}

/** The postmaster's pid of a cluster started by scripts/pg-throwaway.sh in `dir`. */
export function postmasterPid(dir: string): number | null {
  try {
    return Number(readFileSync(`${dir}/data/postmaster.pid`, "utf8").split("\n")[0]) || null;
  } catch {
    return null;
  }
}

/**
 * CPU ms so far of each Next.js process's main thread (the one JavaScript runs on; the others are
 * libuv's pool, where password hashes run, and V8's helpers), by pid.
 */
function mainThreads(serverRoot: number): Map<number, number> {
  const all = processes();
  const threads = new Map<number, number>();
  for (const p of subtree(all, serverRoot).filter(runsPortal)) {
    try {
      const stat = readFileSync(`/proc/${p.pid}/task/${p.pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      threads.set(p.pid, ticksToMs(Number(fields[11]) + Number(fields[12])));
    } catch {
      /* gone meanwhile */
    }
  }
  return threads;
}

/**
 * Starts a measurement; the returned function gives CPU ms by role spent since, with "other" for
 * the rest of the machine, how many cores were busy, and how busy the busiest JavaScript thread
 * of the server was (1 = it never rested: one process cannot go faster).
 */
export function cpuMeter(serverRoot: number, postgresRoot: number | null): () => { byRole: Map<string, number>; busyCores: number; cores: number; busiestJsThread: number } {
  const before = cpuByRole(serverRoot, postgresRoot);
  const threadsBefore = mainThreads(serverRoot);
  const machineBefore = machineBusy();
  const started = performance.now();
  return () => {
    const wallMs = performance.now() - started;
    const threads = mainThreads(serverRoot);
    const busiestJsThread = Math.max(0, ...[...threads].map(([pid, ms]) => (ms - (threadsBefore.get(pid) ?? ms)) / wallMs));
    const after = cpuByRole(serverRoot, postgresRoot);
    const machine = machineBusy();
    const byRole = new Map<string, number>();
    for (const [role, ms] of after) byRole.set(role, Math.max(ms - (before.get(role) ?? 0), 0));
    const ours = [...byRole.values()].reduce((sum, ms) => sum + ms, 0);
    byRole.set("other", Math.max(machine.busyMs - machineBefore.busyMs - ours, 0));
    return { byRole, busyCores: (machine.busyMs - machineBefore.busyMs) / (performance.now() - started), cores: machine.cores, busiestJsThread };
  };
}

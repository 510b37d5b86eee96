import { fork, type ChildProcess } from "node:child_process";
import path from "node:path";
import type { Calls } from "./instance";

export type Instance = {
  call<K extends keyof Calls>(name: K, ...args: Parameters<Calls[K]>): ReturnType<Calls[K]>;
  stop(): Promise<void>;
};

/** Starts another portal process, on the same database unless `env` names another (the test process itself is the first). */
export async function startInstance(env: Record<string, string> = {}): Promise<Instance> {
  const child: ChildProcess = fork(path.join(__dirname, "instance.ts"), [], {
    env: { ...process.env, ...env },
    execArgv: ["--import", "tsx", "--conditions=react-server"],
    // Dates survive the trip as Dates.
    serialization: "advanced",
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let next = 0;
  await new Promise<void>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`the second instance exited (${code})`)));
    child.on("message", (message: { ready?: true; id?: number; value?: unknown; error?: string }) => {
      if (message.ready) return resolve();
      const waiting = pending.get(message.id!);
      pending.delete(message.id!);
      if (message.error !== undefined) waiting?.reject(new Error(message.error));
      else waiting?.resolve(message.value);
    });
  });
  return {
    call(name, ...args) {
      const id = next++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        child.send({ id, name, args });
      }) as never;
    },
    stop: () =>
      new Promise((resolve) => {
        child.removeAllListeners("exit");
        child.once("exit", () => resolve());
        child.kill();
      }),
  };
}

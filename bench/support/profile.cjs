/**
 * Preloaded into the server by bench/sign-in.ts --profile <phase>: SIGUSR2 starts a CPU profile of
 * this process's JavaScript thread, the next SIGUSR2 writes it to $PROFILE_DIR/<pid>.cpuprofile
 * (open it in Chrome's DevTools). Measurement only; never loaded in normal running.
 */
const { mkdirSync, writeFileSync } = require("node:fs");
const path = require("node:path");
const inspector = require("node:inspector");
const { isMainThread } = require("node:worker_threads");

const dir = process.env.PROFILE_DIR;
if (dir && isMainThread) {
  let session = null;
  process.on("SIGUSR2", () => {
    if (!session) {
      session = new inspector.Session();
      session.connect();
      session.post("Profiler.enable", () => session.post("Profiler.setSamplingInterval", { interval: 200 }, () => session.post("Profiler.start")));
      return;
    }
    const open = session;
    session = null;
    open.post("Profiler.stop", (error, result) => {
      if (!error) {
        mkdirSync(dir, { recursive: true });
        writeFileSync(path.join(dir, `${process.pid}.cpuprofile`), JSON.stringify(result.profile));
      }
      open.disconnect();
    });
  });
}

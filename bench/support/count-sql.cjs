/**
 * Preloaded into the server (NODE_OPTIONS=--require) by bench/sign-in.ts: counts every statement
 * better-sqlite3 executes in this process, BEGIN and COMMIT included, and writes the total to
 * $SQL_COUNT_DIR/<pid> four times a second. Measurement only; never loaded in normal running.
 */
const { mkdirSync, writeFileSync } = require("node:fs");
const path = require("node:path");

const { isMainThread } = require("node:worker_threads");

const dir = process.env.SQL_COUNT_DIR;
if (dir && isMainThread) {
  const Database = require(require.resolve("better-sqlite3", { paths: [process.cwd()] }));
  const probe = new Database(":memory:");
  const statement = Object.getPrototypeOf(probe.prepare("SELECT 1"));
  let count = 0;
  for (const method of ["run", "get", "all", "iterate"]) {
    const original = statement[method];
    statement[method] = function counted(...args) {
      count++;
      if (process.env.SQL_COUNT_LOG) process.stderr.write(`[sql] ${this.source.replace(/\s+/g, " ").slice(0, 160)}\n`);
      return original.apply(this, args);
    };
  }
  const exec = Database.prototype.exec;
  Database.prototype.exec = function counted(sql) {
    count += String(sql).split(";").filter((part) => part.trim()).length;
    return exec.call(this, sql);
  };
  probe.close();
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, String(process.pid));
  setInterval(() => {
    try {
      writeFileSync(file, String(count));
    } catch {
      // The bench has finished and removed the folder.
    }
  }, 250).unref();
}

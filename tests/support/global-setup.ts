import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { migrateDatabase } from "../../scripts/migrate";
import { migratePostgres } from "../../scripts/migrate-pg";

export default async function setup() {
  const url = process.env.DATABASE_URL!;
  mkdirSync(".tmp", { recursive: true });
  if (url.startsWith("postgresql:")) {
    const dir = `.tmp/pg-unit-${process.pid}`;
    const port = new URL(url).port;
    execFileSync("bash", ["scripts/pg-throwaway.sh", "start", dir, port], { stdio: ["ignore", "ignore", "inherit"] });
    try {
      await migratePostgres(url);
    } catch (error) {
      execFileSync("bash", ["scripts/pg-throwaway.sh", "stop", dir]);
      throw error;
    }
    return () => {
      execFileSync("bash", ["scripts/pg-throwaway.sh", "stop", dir]);
    };
  }
  const file = url.replace(/^file:/, "");
  for (const suffix of ["", "-wal", "-shm"]) rmSync(file + suffix, { force: true });
  migrateDatabase(url);
  return () => {
    for (const suffix of ["", "-wal", "-shm"]) rmSync(file + suffix, { force: true });
  };
}

import { mkdirSync, rmSync } from "node:fs";
import { migrateDatabase } from "../../scripts/migrate";

export default function setup() {
  const url = process.env.DATABASE_URL!;
  const file = url.replace(/^file:/, "");
  mkdirSync(".tmp", { recursive: true });
  for (const suffix of ["", "-wal", "-shm"]) rmSync(file + suffix, { force: true });
  migrateDatabase(url);
  return () => {
    for (const suffix of ["", "-wal", "-shm"]) rmSync(file + suffix, { force: true });
  };
}

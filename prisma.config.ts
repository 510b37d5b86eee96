import path from "node:path";
import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { loadEnvConfig } from "@next/env";

loadEnvConfig(process.cwd());

const DEFAULT_DATABASE_URL = "file:./prisma/dev.db";

type Factory = Awaited<ReturnType<PrismaBetterSQLite3["connectToShadowDb"]>>;

/**
 * Prisma 6.19's JS schema engine replays each migration on the shadow database through
 * `executeRaw`, which better-sqlite3 runs as a single statement; a migration with several
 * statements then fails with P3006. Running argument-less queries as a script fixes that.
 */
function withScriptShadow(factory: PrismaBetterSQLite3): PrismaBetterSQLite3 {
  const connectToShadowDb = factory.connectToShadowDb.bind(factory);
  factory.connectToShadowDb = async () => {
    const shadow: Factory = await connectToShadowDb();
    const executeRaw = shadow.executeRaw.bind(shadow);
    shadow.executeRaw = async (query) => {
      if (query.args.length === 0) {
        await shadow.executeScript(query.sql);
        return 0;
      }
      return executeRaw(query);
    };
    return shadow;
  };
  return factory;
}

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join("prisma", "schema.prisma"),
  migrations: { path: path.join("prisma", "migrations") },
  async adapter() {
    const url = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
    return withScriptShadow(new PrismaBetterSQLite3({ url }));
  },
});

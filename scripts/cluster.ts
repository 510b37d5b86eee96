/**
 * PostgreSQL, several server instances (scripts/serve.ts, one process each) and nginx in front, on this machine: the deployment
 * of README "Several instances", for the browser test, the benchmarks and trying it out.
 *
 *   tsx scripts/cluster.ts            (after `npm run build`; Ctrl-C stops everything)
 *
 * CLUSTER_BASE_PORT (default 3620): PostgreSQL on it, nginx on +1, instances on +2, +3, …
 * CLUSTER_INSTANCES (default 2). DATABASE_URL: an existing PostgreSQL or SQLite database to use
 * instead of a throwaway cluster (SQLite: every instance opens the same file).
 * AUTH_SECRET and ENCRYPTION_KEY must be the same on every instance; fresh ones are made when unset.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { isPostgresUrl } from "../lib/config-schema";
import { migrateDatabase } from "./migrate";
import { migratePostgres } from "./migrate-pg";

const root = path.resolve(__dirname, "..");
const base = Number(process.env.CLUSTER_BASE_PORT ?? 3620);
const count = Number(process.env.CLUSTER_INSTANCES ?? 2);
const nginxPort = base + 1;
const instancePorts = Array.from({ length: count }, (_, i) => base + 2 + i);
const work = path.join(root, ".tmp", `cluster-${base}`);
const pgDir = path.join(work, "pg");
const nginxDir = path.join(work, "nginx");
const children: ChildProcess[] = [];
let throwawayPostgres = false;
let stopping = false;

export function nginxConfig(listen: number, upstreams: number[]): string {
  return `worker_processes 1;
pid ./nginx.pid;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ./tmp_body;
  proxy_temp_path ./tmp_proxy;
  fastcgi_temp_path ./tmp_fcgi;
  uwsgi_temp_path ./tmp_uwsgi;
  scgi_temp_path ./tmp_scgi;
  upstream portal {
${upstreams.map((port) => `    server 127.0.0.1:${port};`).join("\n")}
    keepalive 32;
    # Below Node's 5 s keep-alive: nginx must drop an idle connection before the instance closes it,
    # or a request sent on it as it closes comes back as a 502 (POSTs are not retried).
    keepalive_timeout 4s;
  }
  server {
    listen 127.0.0.1:${listen};
    location / {
      proxy_pass http://portal;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      # One hop, replaced rather than appended to: the portal runs with TRUST_PROXY_HOPS=1.
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header X-Forwarded-Proto $scheme;
      add_header X-Upstream $upstream_addr always;
    }
  }
}
`;
}

function stopAll(): void {
  stopping = true;
  for (const child of children) child.kill("SIGTERM");
  if (throwawayPostgres) execFileSync("bash", [path.join(root, "scripts", "pg-throwaway.sh"), "stop", pgDir], { stdio: "ignore" });
  rmSync(work, { recursive: true, force: true });
}

async function main(): Promise<void> {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(nginxDir, { recursive: true });
  let url = process.env.DATABASE_URL;
  if (!url) {
    url = execFileSync("bash", [path.join(root, "scripts", "pg-throwaway.sh"), "start", pgDir, String(base)], { encoding: "utf8" }).trim();
    throwawayPostgres = true;
  }
  // Every instance would also migrate at start (npm run setup); once here is enough.
  if (isPostgresUrl(url)) await migratePostgres(url);
  else migrateDatabase(url);

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    DATABASE_URL: url,
    AUTH_SECRET: process.env.AUTH_SECRET ?? randomBytes(32).toString("base64"),
    ENCRYPTION_KEY: process.env.ENCRYPTION_KEY ?? randomBytes(32).toString("base64"),
    NEXTAUTH_URL: process.env.NEXTAUTH_URL ?? `http://127.0.0.1:${nginxPort}`,
    TRUST_PROXY_HOPS: "1",
    NEXT_TELEMETRY_DISABLED: "1",
  };
  for (const port of instancePorts) {
    children.push(
      spawn(path.join(root, "node_modules", ".bin", "tsx"), ["scripts/serve.ts"], {
        cwd: root,
        env: { ...env, PORT: String(port), HOSTNAME: "127.0.0.1", WEB_CONCURRENCY: "1" },
        stdio: ["ignore", "inherit", "inherit"],
      }).on("exit", (code, signal) => {
        if (stopping) return;
        console.error(`The instance on port ${port} stopped (${signal ?? code}).`);
        stopAll();
        process.exit(1);
      }),
    );
  }
  writeFileSync(path.join(nginxDir, "nginx.conf"), nginxConfig(nginxPort, instancePorts));
  // In the foreground, as a child: it goes when this script goes.
  children.push(spawn("nginx", ["-p", nginxDir, "-c", "nginx.conf", "-e", "error.log", "-g", "daemon off;"], { stdio: "inherit" }));
  console.log(`Portal at http://127.0.0.1:${nginxPort} (nginx) over instances on ${instancePorts.join(", ")}; database ${isPostgresUrl(url) ? "PostgreSQL" : url}.`);
}

if (require.main === module) {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      stopAll();
      process.exit(0);
    });
  }
  main().catch((error) => {
    console.error(error);
    stopAll();
    process.exit(1);
  });
}

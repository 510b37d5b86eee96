import "server-only";
import { parseConfig, type Config } from "./config-schema";

let cached: Config | undefined;

/** The validated configuration, parsed once per process from the environment. */
export function getConfig(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}

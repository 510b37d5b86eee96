import { ConfigError, parseConfig } from "@/lib/config-schema";

/** The sentences parseConfig refuses `env` with; empty when it is valid. */
export function configProblems(env: Record<string, string | undefined>): string[] {
  try {
    parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

/** Runs once when the server starts: a misconfigured portal stops with a readable reason. */
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    await import("./instrumentation-node");
    // Pruning of expired rows runs in the background of each server process, never in a request.
    const { startHousekeeping } = await import("./lib/housekeeping");
    startHousekeeping();
  }
}

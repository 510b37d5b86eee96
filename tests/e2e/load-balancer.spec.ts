// Through nginx over two `next start` instances sharing one PostgreSQL database (scripts/cluster.ts,
// TRUST_PROXY_HOPS=1): a session made through either is honoured by both, and once signed out on
// one it is refused by the other at its next request. nginx names the instance in X-Upstream.
import { expect, test, type APIRequestContext } from "@playwright/test";
import { enrolledPatient, signOut } from "./helpers";

/** Asks for the home page with the given cookies until both instances have answered; their answers by instance. */
async function homeFromEachInstance(request: APIRequestContext, cookie: string): Promise<Map<string, string>> {
  const answers = new Map<string, string>();
  for (let i = 0; i < 10 && answers.size < 2; i++) {
    const response = await request.get("/home", { headers: { cookie }, maxRedirects: 0 });
    const upstream = response.headers()["x-upstream"] ?? "";
    answers.set(upstream, response.status() === 200 ? "signed in" : `${response.status()} ${response.headers()["location"] ?? ""}`);
  }
  return answers;
}

test("a session signed out on one instance is refused by the other", async ({ page, playwright, baseURL }) => {
  const upstreams = new Set<string>();
  page.on("response", (response) => {
    const upstream = response.headers()["x-upstream"];
    if (upstream) upstreams.add(upstream);
  });
  // Sign-up, enrollment and the recovery codes: a dozen requests, spread over both instances.
  await enrolledPatient(page);
  await page.goto("/home");
  await expect(page).toHaveURL(/\/home$/);
  expect(upstreams.size).toBe(2);

  const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
  const request = await playwright.request.newContext({ baseURL });
  const before = await homeFromEachInstance(request, cookie);
  expect([...before.values()]).toEqual(["signed in", "signed in"]);

  await signOut(page);
  const after = await homeFromEachInstance(request, cookie);
  expect(after.size).toBe(2);
  for (const answer of after.values()) expect(answer).toMatch(/^30\d .*\/sign-in/);
  await request.dispose();
});

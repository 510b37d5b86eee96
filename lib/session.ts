import "server-only";
import { cache } from "react";
import { getServerSession } from "next-auth";
import { redirect } from "next/navigation";
import { getAuthOptions } from "./auth";
import { getAccount, type AccountSummary } from "./users";

/**
 * Who is asking, for this request: a signed-in, enrolled account, or null. The JWT only names
 * the user; everything else is read from the database so a deleted or reset account stops
 * working at once.
 */
export const getCurrentAccount = cache(async (): Promise<AccountSummary | null> => {
  const session = await getServerSession(getAuthOptions());
  const userId = (session?.user as { id?: unknown } | undefined)?.id;
  if (typeof userId !== "string" || !userId) return null;
  const account = await getAccount(userId);
  if (!account?.enrolledAt) return null;
  return account;
});

export async function requireAccount(): Promise<AccountSummary> {
  const account = await getCurrentAccount();
  if (!account) redirect("/sign-in");
  return account;
}

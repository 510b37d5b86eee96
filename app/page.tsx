import { redirect } from "next/navigation";
import { getCurrentAccount } from "@/lib/session";

/** Where sign-in lands: admins on their dashboard, patients on their home page. */
export default async function IndexPage() {
  const account = await getCurrentAccount();
  redirect(!account ? "/sign-in" : account.role === "admin" ? "/admin" : "/home");
}

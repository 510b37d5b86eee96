import type { Metadata } from "next";
import { getCurrentAccount } from "@/lib/session";

/** Anyone but an admin gets the not-found page, so the tab must not say "Patients" either. */
export function adminMetadata(title: string): () => Promise<Metadata> {
  return async () => ({ title: (await getCurrentAccount())?.role === "admin" ? title : "Page not found" });
}

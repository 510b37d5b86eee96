import "next-auth";
import type { SignInMethod } from "@/lib/sessions";

declare module "next-auth" {
  /** The session carries only the user's id; lib/session.ts loads the rest from the database. */
  interface Session {
    user: { id: string };
  }
  interface User {
    method?: SignInMethod;
  }
}

import "next-auth";

declare module "next-auth" {
  /** The session carries only the user's id; lib/session.ts loads the rest from the database. */
  interface Session {
    user: { id: string };
  }
}

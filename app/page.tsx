import { redirect } from "next/navigation";
import { getCurrentAccount } from "@/lib/session";

export default async function IndexPage() {
  redirect((await getCurrentAccount()) ? "/home" : "/sign-in");
}

import { useSyncExternalStore } from "react";

const noSubscribe = () => () => {};

/** False in the server's HTML (and so without JavaScript), true once the page runs script. */
export function useHydrated(): boolean {
  return useSyncExternalStore(noSubscribe, () => true, () => false);
}

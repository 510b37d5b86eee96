/** Set by instrumentation-node.ts from the TCP connection itself, overwriting anything a client sent. */
export const SOCKET_IP_HEADER = "x-clinic-socket-ip";

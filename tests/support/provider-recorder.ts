import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";

export type Recorded = { method: string; host: string; path: string; user: string; password: string; contentType: string; body: string; form: Record<string, string>; json: unknown };

type Reply = [status: number, body: unknown];

/**
 * A stand-in for a provider's REST API on 127.0.0.1: records each request (method, path, Basic
 * auth, body) and answers what `respond` says, like the provider would. With `tls` it also takes
 * HTTP CONNECT (a proxy) and ends the tunnel in its own TLS server, for SDKs with a fixed https host.
 */
export async function startRecorder(respond: (request: Recorded) => Reply, tls?: { key: string; cert: string }) {
  const requests: Recorded[] = [];
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    req.on("end", () => {
      const [scheme, encoded = ""] = (req.headers.authorization ?? "").split(" ");
      const [user = "", password = ""] = scheme === "Basic" ? Buffer.from(encoded, "base64").toString("utf8").split(":") : [];
      const contentType = req.headers["content-type"] ?? "";
      let json: unknown = null;
      if (contentType.includes("json") && body) json = JSON.parse(body);
      const form = contentType.includes("x-www-form-urlencoded") ? Object.fromEntries(new URLSearchParams(body)) : {};
      const recorded = { method: req.method ?? "", host: req.headers.host ?? "", path: req.url ?? "", user, password, contentType, body, form, json };
      requests.push(recorded);
      const [status, reply] = respond(recorded);
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(reply));
    });
  };
  const plain = createHttpServer(handle);
  const secure = tls ? createHttpsServer({ key: tls.key, cert: tls.cert }, handle) : null;
  if (secure) {
    plain.on("connect", (_req, socket, head) => {
      socket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      if (head.length) socket.unshift(head);
      secure.emit("connection", socket);
    });
  }
  await new Promise<void>((resolve) => plain.listen(0, "127.0.0.1", resolve));
  return {
    requests,
    url: `http://127.0.0.1:${(plain.address() as AddressInfo).port}`,
    close: () => {
      plain.closeAllConnections();
      plain.close();
      secure?.close();
    },
  };
}

// The shard store of bench:retrain's capped children, served over loopback by the parent, which
// holds wrangler's platform proxy (and so the real R2 store): every call is one HTTP exchange,
// and shards travel as the row-frame bytes R2 keeps.
import { createServer, request, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { decodeRowFrame, encodeRowFrame } from "../../workers/codecs/row-frame.ts";
import type { ShardPart, TrainingShardStore } from "../../workers/adapters/shard-store.ts";

/** Sends a request with an optional body and collects the answer into one buffer of its announced length. */
function exchange(method: string, url: string, body?: Uint8Array): Promise<{ status: number; bytes: Uint8Array }> {
  return new Promise((resolve, reject) => {
    const sent = request(url, { method, headers: body ? { "content-length": body.length } : {} }, (response) => {
      const bytes = new Uint8Array(Number(response.headers["content-length"] ?? 0));
      let filled = 0;
      response.on("data", (chunk: Buffer) => bytes.set(chunk, (filled += chunk.length) - chunk.length));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, bytes }));
      response.on("error", reject);
    });
    sent.on("error", reject);
    sent.end(body);
  });
}

/** The shard store, served by the parent's real store over loopback; `onIo` runs at each call. */
export function servedShardStore(base: string, onIo: () => void): TrainingShardStore {
  const path = (tenantId: string, setId: string, rest: string) =>
    `${base}/${encodeURIComponent(tenantId)}/${encodeURIComponent(setId)}/${rest}`;
  const ok = (status: number) => {
    if (status >= 300) throw new Error(`the benchmark's shard server answered ${status}`);
  };
  return {
    async putShard(tenantId, setId, part, index, frame) {
      onIo();
      ok((await exchange("PUT", path(tenantId, setId, `${part}/${index}`), encodeRowFrame(frame))).status);
      onIo();
    },
    async getShard(tenantId, setId, part, index) {
      onIo();
      const { status, bytes } = await exchange("GET", path(tenantId, setId, `${part}/${index}`));
      const frame = status === 404 ? null : decodeRowFrame(bytes);
      onIo();
      return frame;
    },
    async putSetInfo(tenantId, setId, info) {
      ok((await exchange("PUT", path(tenantId, setId, "info"), new TextEncoder().encode(JSON.stringify(info)))).status);
    },
    async getSetInfo(tenantId, setId) {
      const { status, bytes } = await exchange("GET", path(tenantId, setId, "info"));
      return status === 404 ? null : (JSON.parse(new TextDecoder().decode(bytes)) as unknown);
    },
    async listShards(tenantId, setId) {
      const { bytes } = await exchange("GET", path(tenantId, setId, "counts"));
      return JSON.parse(new TextDecoder().decode(bytes)) as Awaited<ReturnType<TrainingShardStore["listShards"]>>;
    },
    async deleteSet(tenantId, setId) {
      ok((await exchange("DELETE", path(tenantId, setId, "set"))).status);
    },
  };
}

function readBody(req: IncomingMessage): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** Serves /<tenant>/<set>/(<part>/<index> | info | counts | set) from the real shard store. */
export function serveShards(shards: TrainingShardStore): Promise<{ server: Server; base: string }> {
  const server = createServer((req, res) => {
    const [tenantId, setId, ...rest] = (req.url ?? "").slice(1).split("/").map(decodeURIComponent);
    const what = rest.join("/");
    const shard = /^([a-z]+(?:-[a-z0-9]+)*)\/(\d+)$/.exec(what);
    const reply = async (): Promise<Uint8Array | null> => {
      if (req.method === "PUT" && shard) {
        const frame = decodeRowFrame(await readBody(req));
        await shards.putShard(tenantId, setId, shard[1] as ShardPart, Number(shard[2]), frame);
        return new Uint8Array();
      }
      if (req.method === "GET" && shard) {
        const frame = await shards.getShard(tenantId, setId, shard[1] as ShardPart, Number(shard[2]));
        return frame ? encodeRowFrame(frame) : null;
      }
      if (what === "info" && req.method === "PUT") {
        await shards.putSetInfo(tenantId, setId, JSON.parse(new TextDecoder().decode(await readBody(req))));
        return new Uint8Array();
      }
      if (what === "info") {
        const info = await shards.getSetInfo(tenantId, setId);
        return info === null ? null : new TextEncoder().encode(JSON.stringify(info));
      }
      if (what === "counts") return new TextEncoder().encode(JSON.stringify(await shards.listShards(tenantId, setId)));
      if (what === "set" && req.method === "DELETE") {
        await shards.deleteSet(tenantId, setId);
        return new Uint8Array();
      }
      return null;
    };
    reply().then(
      (bytes) => (bytes ? res.writeHead(200, { "content-length": bytes.length }).end(bytes) : res.writeHead(404).end()),
      (error: unknown) => res.writeHead(500).end(String(error)),
    );
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      resolve({ server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
    }),
  );
}

// Workers Paid list prices, per unit, beyond the included monthly usage (the $5 plan minimum
// and the allowances are left out: this is the marginal cost of more rows). Each was checked
// against the page given (docs as stored on 2026-12-02).

const WORKERS = "https://developers.cloudflare.com/workers/platform/pricing/";
const D1 = "https://developers.cloudflare.com/d1/platform/pricing/";
const R2 = "https://developers.cloudflare.com/r2/pricing/";
const KV = "https://developers.cloudflare.com/kv/platform/pricing/";
const QUEUES = "https://developers.cloudflare.com/queues/platform/pricing/";
const DO = "https://developers.cloudflare.com/durable-objects/platform/pricing/";
export const PRICE = {
  workerRequest: { usd: 0.3 / 1e6, source: WORKERS }, // $0.30 / million requests
  workerCpuMs: { usd: 0.02 / 1e6, source: WORKERS }, // $0.02 / million CPU ms
  d1RowRead: { usd: 0.001 / 1e6, source: D1 }, // $0.001 / million rows
  d1RowWritten: { usd: 1 / 1e6, source: D1 }, // $1.00 / million rows
  d1GbMonth: { usd: 0.75, source: D1 }, // $0.75 / GB-month
  r2ClassA: { usd: 4.5 / 1e6, source: R2 }, // $4.50 / million (Standard storage)
  r2ClassB: { usd: 0.36 / 1e6, source: R2 }, // $0.36 / million
  r2GbMonth: { usd: 0.015, source: R2 }, // $0.015 / GB-month
  kvRead: { usd: 0.5 / 1e6, source: KV }, // $0.50 / million
  kvWrite: { usd: 5 / 1e6, source: KV }, // $5.00 / million writes, and the same for deletes
  kvList: { usd: 5 / 1e6, source: KV }, // $5.00 / million
  kvGbMonth: { usd: 0.5, source: KV }, // $0.50 / GB-month
  queueOperation: { usd: 0.4 / 1e6, source: QUEUES }, // $0.40 / million operations (64 KB each)
  doRequest: { usd: 0.15 / 1e6, source: DO }, // $0.15 / million (HTTP requests, RPC sessions)
  doGbSecond: { usd: 12.5 / 1e6, source: DO }, // $12.50 / million GB-s, at 128 MB per object
  doRowRead: { usd: 0.001 / 1e6, source: DO }, // SQLite storage: as D1
  doRowWritten: { usd: 1 / 1e6, source: DO },
  doGbMonth: { usd: 0.2, source: DO }, // $0.20 / GB-month
} as const;

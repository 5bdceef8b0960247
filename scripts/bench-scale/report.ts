// The bill: the meter's snapshot scaled to 1M scored rows and priced line by line (prices.ts),
// the table printed, and the final line the bench always ends with.
import type { Meter } from "./meter-readings.ts";
import { PRICE } from "./prices.ts";

interface Line {
  what: string;
  perMillion: number | null;
  unit: string;
  usd: number | null;
  note?: string;
}

export function bill(
  m: Meter,
  rows: number,
  extra: { workerdCpuSeconds: number | null; meterReads: number; polls: number; retentionDays: number },
): Line[] {
  const scale = 1e6 / rows;
  const months = extra.retentionDays / 30;
  const line = (
    what: string,
    count: number | null,
    unit: string,
    price: { usd: number } | null,
    note?: string,
  ): Line => {
    const perMillion = count === null ? null : count * scale;
    return { what, perMillion, unit, usd: perMillion === null || price === null ? null : perMillion * price.usd, note };
  };
  const requests = m.invocations.fetch - extra.meterReads + m.invocations.queue + m.invocations.scheduled;
  const d1Growth =
    m.d1.sizeFirstBytes === null || m.d1.sizeLastBytes === null
      ? null
      : Math.max(0, m.d1.sizeLastBytes - m.d1.sizeFirstBytes);
  const kvGbMonths = (m.kv.bytesPutWithoutTtl * months + m.kv.ttlByteSeconds / (30 * 86_400)) / 1e9;
  const doGbSeconds = (m.durableObjects.wallMs / 1000) * 0.128;
  return [
    line(
      "Workers requests (invocations)",
      requests,
      "requests",
      PRICE.workerRequest,
      `fetch ${m.invocations.fetch - extra.meterReads} (${extra.polls} of them client polls), queue ${m.invocations.queue}, scheduled ${m.invocations.scheduled}`,
    ),
    line(
      "Workers CPU",
      extra.workerdCpuSeconds === null ? null : extra.workerdCpuSeconds * 1000,
      "CPU ms",
      PRICE.workerCpuMs,
      "upper bound: all of workerd's CPU, local D1/KV/R2/queue simulators included",
    ),
    line(
      "D1 rows read",
      m.d1.rowsRead,
      "rows",
      PRICE.d1RowRead,
      `${Math.round(m.d1.statements * scale)} statements per 1M rows`,
    ),
    line("D1 rows written", m.d1.rowsWritten, "rows", PRICE.d1RowWritten),
    line(
      "D1 storage",
      d1Growth === null ? null : (d1Growth / 1e9) * months,
      "GB-month",
      PRICE.d1GbMonth,
      `database growth kept ${extra.retentionDays} days (RETENTION_DAYS)`,
    ),
    line("R2 class A", m.r2.classA, "operations", PRICE.r2ClassA),
    line("R2 class B", m.r2.classB, "operations", PRICE.r2ClassB),
    line(
      "R2 storage",
      (Math.max(0, m.r2.bytesPut - m.r2.bytesDeleted) / 1e9) * months,
      "GB-month",
      PRICE.r2GbMonth,
      `bytes put kept ${extra.retentionDays} days`,
    ),
    line("KV reads", m.kv.reads, "reads", PRICE.kvRead),
    line("KV writes and deletes", m.kv.writes + m.kv.deletes, "writes", PRICE.kvWrite),
    line("KV lists", m.kv.lists, "lists", PRICE.kvList),
    line(
      "KV storage",
      m.kv.unsizedPuts > 0 ? null : kvGbMonths,
      "GB-month",
      PRICE.kvGbMonth,
      m.kv.unsizedPuts > 0
        ? `${m.kv.unsizedPuts} puts of streams of unknown size`
        : "bytes put, for their TTL or the retention",
    ),
    line(
      "Queues operations",
      m.queues.operations,
      "operations",
      PRICE.queueOperation,
      `${Math.round(m.queues.messages * scale)} messages, ${((m.queues.bytes * scale) / 1e3).toFixed(1)} KB; 3 per 64 KB chunk`,
    ),
    line("Durable Objects requests", m.durableObjects.requests, "requests", PRICE.doRequest),
    line(
      "Durable Objects duration",
      doGbSeconds,
      "GB-s",
      PRICE.doGbSecond,
      "sum of request wall times at 128 MB (concurrent requests share billed time: an upper bound)",
    ),
    line(
      "DO SQLite rows read",
      m.durableObjects.storageRowsRead,
      "rows",
      PRICE.doRowRead,
      "as reported by the objects",
    ),
    line(
      "DO SQLite rows written",
      m.durableObjects.storageRowsWritten,
      "rows",
      PRICE.doRowWritten,
      "as reported by the objects",
    ),
    line("DO SQLite storage", null, "GB-month", PRICE.doGbMonth, "not measured"),
  ];
}

/** Prints the table and the price sources; returns the total of the lines that are not absent. */
export function printBill(lines: Line[]): number {
  const num = (v: number) => (v === 0 ? "0" : v >= 100 ? Math.round(v).toLocaleString("en-US") : v.toPrecision(3));
  console.log(
    `\n${"per 1,000,000 scored rows".padEnd(32)}${"count".padStart(16)}  ${"unit".padEnd(11)}${"USD".padStart(11)}  note`,
  );
  let total = 0;
  for (const l of lines) {
    total += l.usd ?? 0;
    const count = l.perMillion === null ? "absent" : num(l.perMillion);
    const usd = l.usd === null ? "absent" : `$${l.usd.toFixed(4)}`;
    console.log(`${l.what.padEnd(32)}${count.padStart(16)}  ${l.unit.padEnd(11)}${usd.padStart(11)}  ${l.note ?? ""}`);
  }
  console.log(`${"total (absent lines excluded)".padEnd(61)}${`$${total.toFixed(4)}`.padStart(10)}`);
  console.log("\nprices (Workers Paid, beyond included usage):");
  for (const source of new Set(Object.values(PRICE).map((p) => p.source))) console.log(`  ${source}`);
  return total;
}

/** The line the bench always ends with. */
export function formatFinalLine(m: Meter, rows: number, total: number, rowsPerSecond: number): string {
  const written = Math.round((m.d1.rowsWritten * 1e6) / rows);
  return `D1 rows written per 1M scored rows: ${written}; cost per 1M scored rows: $${total.toFixed(4)}; pipeline rows/s: ${Math.round(rowsPerSecond)}`;
}

// The meter's queue producer proxy, and the count of deliveries to the consumer. Queues bill
// operations, not messages: each 64 KB chunk of a message is written, read and deleted.
import { counts } from "./counts.ts";
import { forward } from "./forwarding.ts";

// https://developers.cloudflare.com/queues/platform/pricing/: an operation per 64 KB (of 1,000
// bytes) written, read or deleted; each message carries about 100 bytes of metadata.
const QUEUE_CHUNK_BYTES = 64_000;
const QUEUE_METADATA_BYTES = 100;

const encoder = new TextEncoder();

function jsonBytes(body: unknown): number | null {
  try {
    const text = JSON.stringify(body);
    return text === undefined ? null : encoder.encode(text).byteLength;
  } catch {
    return null;
  }
}

function queueChunks(bytes: number): number {
  return Math.max(1, Math.ceil((bytes + QUEUE_METADATA_BYTES) / QUEUE_CHUNK_BYTES));
}

/** Each delivered message is a read; a redelivery (attempts > 1) is one more billed read. */
export function recordDelivery(batch: MessageBatch): void {
  counts.queues.deliveries += batch.messages.length;
  for (const message of batch.messages) {
    if (message.attempts <= 1) continue;
    counts.queues.redeliveries += 1;
    counts.queues.operations += queueChunks(jsonBytes(message.body) ?? 0);
  }
}

function recordSent(binding: string, bodies: unknown[]): void {
  const entry = (counts.queues.byBinding[binding] ??= { messages: 0, bytes: 0, operations: 0 });
  for (const body of bodies) {
    const bytes = jsonBytes(body) ?? 0;
    // Written, read and deleted once each when all goes well.
    const operations = 3 * queueChunks(bytes);
    counts.queues.messages += 1;
    counts.queues.bytes += bytes;
    counts.queues.operations += operations;
    entry.messages += 1;
    entry.bytes += bytes;
    entry.operations += operations;
  }
}

export function meterQueue(binding: string, queue: Queue): Queue {
  return new Proxy(queue, {
    get(target, prop) {
      if (prop === "send") {
        return async (body: unknown, options?: QueueSendOptions) => {
          await target.send(body, options);
          recordSent(binding, [body]);
        };
      }
      if (prop === "sendBatch") {
        return async (messages: Iterable<MessageSendRequest>, options?: QueueSendBatchOptions) => {
          const list = [...messages];
          await target.sendBatch(list, options);
          recordSent(
            binding,
            list.map((m) => m.body),
          );
        };
      }
      return forward(target, prop);
    },
  });
}

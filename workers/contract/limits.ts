// Ingest limits. A gzip bomb costs at most MAX_DECODED_BYTES of work: decompression stops there.
export const LIMITS = {
  maxEncodedBytes: 4 * 1024 * 1024,
  maxDecodedBytes: 16 * 1024 * 1024,
  // Above this many decoded bytes, a body may expand at most maxRatio times its encoded size.
  ratioCheckAfterBytes: 1024 * 1024,
  maxRatio: 200,
  maxBatchRows: 10_000,
  maxPredictRows: 100,
  maxIdLength: 128,
  maxIdempotencyKeyLength: 255,
  // Queue messages are capped at 128 KB; chunks are sized for this many bytes of payload.
  maxChunkBytes: 96 * 1024,
  maxQueueMessageBytes: 120 * 1024,
  // sendBatch takes at most 100 messages and 256 KB.
  maxSendBatchMessages: 100,
  maxSendBatchBytes: 240 * 1024,
  maxPageSize: 100,
} as const;

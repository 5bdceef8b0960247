// The progress of a submit on stderr: a bar redrawn in place on a terminal, else one line per
// batch ("accepted 5000/30000 rows", "scored 5000/30000 rows"), which logs and tests can read.
export class Progress {
  private readonly total: number;
  private readonly stream: NodeJS.WriteStream;
  private readonly tty: boolean;
  private accepted = 0;
  private scored = 0;
  private drawn = false;

  constructor(total: number, stream: NodeJS.WriteStream = process.stderr) {
    this.total = total;
    this.stream = stream;
    this.tty = stream.isTTY === true;
  }

  accept(rows: number, batchId: string, index: number) {
    this.accepted += rows;
    this.report("accepted", this.accepted, `batch ${index + 1} ${batchId}`);
  }

  score(rows: number, batchId: string, index: number) {
    this.scored += rows;
    this.report("scored", this.scored, `batch ${index + 1} ${batchId}`);
  }

  /** Ends the bar's line on a terminal, so later output starts on a line of its own. */
  done() {
    if (this.tty && this.drawn) this.stream.write("\n");
    this.drawn = false;
  }

  private report(what: "accepted" | "scored", rows: number, detail: string) {
    const counts = `${what} ${rows}/${this.total} rows`;
    if (!this.tty) {
      this.stream.write(`${counts} (${detail})\n`);
      return;
    }
    const width = 30;
    const filled = this.total === 0 ? width : Math.round((rows / this.total) * width);
    this.stream.write(`\r[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${counts}\x1b[K`);
    this.drawn = true;
  }
}

/** Runs `work` over the items with at most `parallel` at once, taking items in order. */
export async function runPool<T>(items: Iterable<T>, parallel: number, work: (item: T) => Promise<void>) {
  const iterator = items[Symbol.iterator]();
  let failure: unknown = null;
  const worker = async () => {
    while (failure === null) {
      try {
        const next = iterator.next();
        if (next.done) return;
        await work(next.value);
      } catch (error) {
        failure ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  if (failure !== null) throw failure;
}

/** Hands values on in index order (0, 1, 2, …) whatever order they arrive in. */
export class InOrder<T> {
  private next = 0;
  private readonly waiting = new Map<number, T>();
  private readonly emit: (value: T, index: number) => void;

  constructor(emit: (value: T, index: number) => void) {
    this.emit = emit;
  }

  push(index: number, value: T) {
    this.waiting.set(index, value);
    while (this.waiting.has(this.next)) {
      const value = this.waiting.get(this.next) as T;
      this.waiting.delete(this.next);
      this.emit(value, this.next++);
    }
  }
}

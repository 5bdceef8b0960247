// The true labels of demo samples this tab submitted, keyed by batch id, so the batch page can
// offer them as feedback. Kept per tab (sessionStorage) and only for the latest few batches.
const STORAGE_KEY = "edge-svm.demo-truth";
const KEEP = 20;

type Truths = Record<string, (0 | 1)[]>;

function readAll(): Truths {
  try {
    const value: unknown = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? "{}");
    return value && typeof value === "object" ? (value as Truths) : {};
  } catch {
    return {};
  }
}

export function rememberDemoTruth(batchId: string, labels: (0 | 1)[]): void {
  const entries = Object.entries(readAll()).filter(([id]) => id !== batchId);
  entries.push([batchId, labels]);
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify(Object.fromEntries(entries.slice(-KEEP))));
}

export function demoTruthOf(batchId: string): (0 | 1)[] | null {
  const labels = readAll()[batchId];
  return Array.isArray(labels) ? labels : null;
}

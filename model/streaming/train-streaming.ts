// The whole streamed Newton loop in one call, for data that can be passed over more than once in
// this process: tests, benchmarks, and a retrain small enough for one invocation. A Workflow runs
// the same functions one step at a time, keeping only the JSON state between steps.
import { accumulateShard, emptyAccumulator, mergeAccumulators, startNewton } from "./passes.ts";
import { advanceNewton } from "./advance.ts";
import type { Shard } from "./shard.ts";
import type { NewtonOutcome, NewtonState, StreamingPlan } from "./streaming-schema.ts";

/**
 * Minimises the squared-hinge objective of trainSvm over the shards by streamed Newton passes
 * (Keerthi & DeCoste 2005), two passes per step plus one. `shards` is iterated once per pass, so
 * it must start over each time (an array does; a generator object does not, and the row count
 * check of the second pass refuses it).
 */
export function trainStreaming(plan: StreamingPlan, shards: Iterable<Shard>): NewtonOutcome {
  let step: NewtonState | NewtonOutcome = startNewton(plan);
  while (!("done" in step)) {
    const state: NewtonState = step;
    let merged = emptyAccumulator(plan, state);
    for (const shard of shards) merged = mergeAccumulators(merged, accumulateShard(plan, state, shard));
    step = advanceNewton(plan, state, merged);
  }
  return step;
}

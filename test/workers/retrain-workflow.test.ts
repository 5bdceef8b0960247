// A retrain run as a Workflow: killed mid-pass it resumes from its checkpoints to exactly one
// registered version; steps cut short after their writes (a shard pass, the registration) are run
// again from the same checkpoint without a second version; a failing run ends recorded with its
// reason, its shards gone and its lease free. The tests run with small pieces (vitest.config.ts:
// 800 rows a partition, 700 train rows a step), so a pass spans several steps.
import { introspectWorkflowInstance } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Adapters } from "../../workers/adapters/index.ts";
import type { TrainingShardStore } from "../../workers/adapters/shard-store.ts";
import type { RetrainOutcome } from "../../workers/services/retrain/run-config.ts";
import { runRetrain, type StepRunner } from "../../workers/services/retrain/run-retrain.ts";
import { adapters, createTenantKey } from "./helpers.ts";

const versionsOfRun = async (tenantId: string, runId: string) =>
  (
    await env.DB.prepare("SELECT version, status FROM models WHERE tenant_id = ? AND run_id = ?")
      .bind(tenantId, runId)
      .all<{ version: string; status: string }>()
  ).results;

const auditOfRun = async (runId: string) =>
  (
    await env.DB.prepare("SELECT action, subject FROM audit_log WHERE actor LIKE ?")
      .bind(`retrain:%:${runId}`)
      .all<{ action: string; subject: string }>()
  ).results;

const leaseOf = (tenantId: string) =>
  env.DB.prepare("SELECT holder FROM locks WHERE name = ?").bind(`retrain:${tenantId}`).first<{ holder: string }>();

const objectsUnder = async (prefix: string) => (await env.BUCKET.list({ prefix })).objects.length;

interface StepTime {
  name: string;
}

describe("the retrain Workflow", () => {
  it("resumes a run killed mid-pass from its last checkpoint and registers exactly one version", async () => {
    const { tenantId } = await createTenantKey();
    const runId = `run_killed_${crypto.randomUUID().slice(0, 8)}`;
    await using instance = await introspectWorkflowInstance(env.RETRAIN_WORKFLOW, runId);
    await instance.modify(async (m) => {
      await m.disableRetryDelays();
      // The second slice of the first Newton pass dies twice before it gets through.
      await m.mockStepError({ name: "train: pass 1 derivatives 1" }, new Error("the isolate was killed"), 2);
    });
    await env.RETRAIN_WORKFLOW.create({ id: runId, params: { tenantId, trigger: "api", force: true } });
    await instance.waitForStatus("complete");
    const outcome = (await instance.getOutput()) as RetrainOutcome;

    expect(["promoted", "rejected"]).toContain(outcome.status);
    const versions = await versionsOfRun(tenantId, runId);
    expect(versions).toHaveLength(1);
    expect(versions[0].version).toBe(outcome.challengerVersion);
    expect(await auditOfRun(runId)).toEqual([
      { action: `model.${outcome.status}`, subject: outcome.challengerVersion },
    ]);
    // Several partitions and several slices per pass, each step recorded once.
    const details = outcome.details as { shards: number; passes: number; stepTimes: StepTime[] };
    const names = details.stepTimes.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    expect(details.shards).toBeGreaterThan(1);
    expect(names).toContain("train: pass 1 derivatives 1");
    expect(names.filter((n) => n.startsWith("train: moments")).length).toBeGreaterThan(1);
    const run = await env.DB.prepare("SELECT status, challenger_version FROM training_runs WHERE id = ?")
      .bind(runId)
      .first<{ status: string; challenger_version: string }>();
    expect(run).toEqual({ status: outcome.status, challenger_version: outcome.challengerVersion });
    expect(await leaseOf(tenantId)).toBeNull();
    expect(await objectsUnder(`training/${tenantId}/${runId}/`)).toBe(0);
  });

  it("ends a run that cannot train recorded as failed with its reason, its lease free", async () => {
    const { tenantId } = await createTenantKey();
    await env.DB.prepare("UPDATE tenants SET base_dataset_key = NULL WHERE id = ?").bind(tenantId).run();
    const runId = `run_failing_${crypto.randomUUID().slice(0, 8)}`;
    await using instance = await introspectWorkflowInstance(env.RETRAIN_WORKFLOW, runId);
    await env.RETRAIN_WORKFLOW.create({ id: runId, params: { tenantId, trigger: "api", force: true } });
    await instance.waitForStatus("complete");
    const outcome = (await instance.getOutput()) as RetrainOutcome;
    expect(outcome).toMatchObject({ status: "failed", reason: expect.stringContaining("no base dataset") });
    const run = await env.DB.prepare("SELECT status, reason FROM training_runs WHERE id = ?")
      .bind(runId)
      .first<{ status: string; reason: string }>();
    expect(run).toEqual({ status: "failed", reason: outcome.reason });
    expect(await leaseOf(tenantId)).toBeNull();
    expect(await versionsOfRun(tenantId, runId)).toEqual([]);
  });
});

/**
 * The Workflow's contract, kept in a Map: a finished step's result is returned again instead of
 * running it. A "kill" is an exception thrown from inside a step after some of its writes.
 */
function checkpointingSteps(): { steps: StepRunner; ran: string[] } {
  const done = new Map<string, unknown>();
  const ran: string[] = [];
  const steps: StepRunner = async (name, run) => {
    if (done.has(name)) return done.get(name) as never;
    ran.push(name);
    const value = await run();
    done.set(name, structuredClone(value));
    return value;
  };
  return { steps, ran };
}

class Killed extends Error {}

describe("a step cut short after its writes", () => {
  /**
   * Runs a retrain whose adapters `faulty` may kill once; the killed invocation stops where it
   * died (its promise never settles, as an isolate's work just ends), then a second invocation
   * with sound adapters resumes from the same checkpoints, as the Workflow engine does.
   */
  async function runTwice(tenantId: string, faulty: (real: Adapters, kill: () => void) => Adapters) {
    const runId = `run_cut_${crypto.randomUUID().slice(0, 8)}`;
    const { steps, ran } = checkpointingSteps();
    let armed = true;
    const kill = () => {
      if (!armed) return;
      armed = false;
      throw new Killed("killed");
    };
    let died: () => void = () => undefined;
    const death = new Promise<"died">((resolve) => (died = () => resolve("died")));
    const request = { tenantId, trigger: "api" as const, force: true, runId, startedAt: Date.now() };
    const dying: StepRunner = (name, run) =>
      steps(name, () =>
        run().catch((error: unknown) => {
          if (!(error instanceof Killed)) throw error;
          died();
          return new Promise<never>(() => undefined);
        }),
      );
    const first = await Promise.race([runRetrain(faulty(adapters(), kill), env, request, dying), death]);
    expect(first).toBe("died");
    const outcome = await runRetrain(adapters(), env, request, steps);
    return { runId, outcome, ran };
  }

  it("re-runs a Newton slice killed after reading some shards, from the same partial sums", async () => {
    const { tenantId } = await createTenantKey();
    let reads = 0;
    const { runId, outcome, ran } = await runTwice(tenantId, (real, kill) => {
      const shards: TrainingShardStore = {
        ...real.shards,
        async getShard(t, set, part, index) {
          // Dies on the 9th train-shard read: inside a Newton pass, after a moments pass of ≥ 3 shards.
          if (part === "train" && ++reads > 8) kill();
          return real.shards.getShard(t, set, part, index);
        },
      };
      return { ...real, shards };
    });
    expect(["promoted", "rejected"]).toContain(outcome.status);
    expect(await versionsOfRun(tenantId, runId)).toHaveLength(1);
    // The step that died ran twice; every finished step only once.
    const again = ran.filter((name, i) => ran.indexOf(name) !== i);
    expect(again).toHaveLength(1);
    expect(again[0]).toMatch(/^train: /);
  });

  it("registers once when the register step dies after claiming its version", async () => {
    const { tenantId } = await createTenantKey();
    const { runId, outcome, ran } = await runTwice(tenantId, (real, kill) => ({
      ...real,
      models: {
        ...real.models,
        async saveModel(...args) {
          const saved = await real.models.saveModel(...args);
          kill();
          return saved;
        },
      },
    }));
    expect(["promoted", "rejected"]).toContain(outcome.status);
    expect(ran.filter((name) => name === "register")).toHaveLength(2);
    const versions = await versionsOfRun(tenantId, runId);
    expect(versions.map((v) => v.version)).toEqual([outcome.challengerVersion]);
    expect(versions[0].status).toBe(outcome.status === "promoted" ? "champion" : "rejected");
    expect(await auditOfRun(runId)).toHaveLength(1);
  });
});

import { describe, expect, it } from "vitest";
import { buildArtifact, crossValidate, formatCsv, generateClassification, trainSvm } from "../../model/index.ts";
import { adapters, api, createTenantKey, ensureModel } from "./helpers.ts";

async function trainedArtifact(version: string, features = 7) {
  const data = generateClassification({
    rows: 400,
    features,
    informative: 4,
    redundant: 1,
    flip: 0.01,
    classSep: 1.5,
    seed: 3,
  });
  const metrics = crossValidate(data, { folds: 3 }).metrics;
  const artifact = await buildArtifact({ version, data, result: trainSvm(data), metrics });
  return { artifact, dataset: formatCsv(data) };
}

const publish = (key: string, body: unknown) =>
  api("/v1/models", {
    method: "POST",
    key,
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

describe("publishing a model trained elsewhere", () => {
  it("registers a verified artifact with its own feature schema as a candidate, leaving the champion alone", async () => {
    await ensureModel();
    const { key, tenantId } = await createTenantKey();
    const champion = (await adapters().models.findChampion(tenantId))?.version;
    const { artifact, dataset } = await trainedArtifact("byo-7");
    const response = await publish(key, { artifact, dataset });
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({
      version: "byo-7",
      status: "candidate",
      featureNames: artifact.featureNames,
    });
    expect((await adapters().models.findChampion(tenantId))?.version).toBe(champion);
    expect(await publish(key, { artifact, dataset }).then((r) => r.status)).toBe(409);
  });

  it("refuses a tampered artifact and a schema change without its dataset", async () => {
    const { key } = await createTenantKey();
    const { artifact } = await trainedArtifact("byo-tampered");
    const tampered = await publish(key, { artifact: { ...artifact, bias: artifact.bias + 1 } });
    expect(tampered.status).toBe(422);
    expect(await tampered.json()).toMatchObject({ error: { code: "MODEL_INVALID" } });
    const { artifact: other } = await trainedArtifact("byo-no-data");
    const noData = await publish(key, { artifact: other, activate: true });
    expect(noData.status).toBe(422);
    expect(((await noData.json()) as { error: { message: string } }).error.message).toMatch(/publish its dataset/);
  });
});

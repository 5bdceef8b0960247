import { describe, expect, it } from "vitest";
import {
  buildArtifact,
  crossValidate,
  formatCsv,
  generateClassification,
  parseCsv,
  sealArtifact,
  trainSvm,
} from "../../model/index.ts";
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

  it("keeps the artifact's class names, and reads a dataset's label words by them", async () => {
    const { key, tenantId } = await createTenantKey();
    const { artifact: plain, dataset } = await trainedArtifact("byo-named");
    const { checksum: _, ...body } = plain;
    const artifact = await sealArtifact({ ...body, classNames: ["spam", "ham"] });
    // Label 0 is "spam" here, against sorted order: the artifact says which word is which.
    const words = dataset.replace(/,0$/gm, ",spam").replace(/,1$/gm, ",ham");
    const response = await publish(key, { artifact, dataset: words, activate: true });
    expect(response.status, await response.clone().text()).toBe(201);
    expect(await response.json()).toMatchObject({ version: "byo-named", classNames: ["spam", "ham"] });
    const base = await adapters().datasets.readBase(tenantId);
    expect(Array.from(base?.y ?? [])).toEqual(Array.from(parseCsv(dataset).y));

    const strayArtifact = await sealArtifact({ ...body, version: "byo-stray", classNames: ["spam", "ham"] });
    const stray = await publish(key, { artifact: strayArtifact, dataset: `${words}1,2,3,4,5,6,7,eggs\n` });
    expect(stray.status).toBe(422);
    expect(((await stray.json()) as { error: { message: string } }).error.message).toMatch(
      /label "eggs" is neither "spam" nor "ham"/,
    );
    const unnamed = await publish(key, { artifact: (await trainedArtifact("byo-words")).artifact, dataset: words });
    expect(unnamed.status).toBe(422);
    expect(((await unnamed.json()) as { error: { message: string } }).error.message).toMatch(/names no classes/);
  });
});

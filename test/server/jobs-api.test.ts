/**
 * The measurement and alignment jobs through `edgetune serve`'s HTTP API, on a real engine: what a
 * wrong request gets back, and one short job of each kind that is quick on two cores (a validation
 * of vit-ti16 in one round, ViTTM-Ti against ViT-Ti in one round, an alignment of a tiny generated
 * model and its continuation).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ApiEvent } from '../../electron/api/contract.js';
import { createEngineHost, type EngineHost } from '../../electron/api/host/engine-host.js';
import { writeTinyEdgeTuneModel } from '../../electron/engine/diffusion/index.js';
import { startWebServer, type WebServer } from '../../electron/server/server.js';
import { base64Bytes, readPngText } from '../../renderer/src/align/png-text.js';

/** A vit-ti16 profile with one confident step at 193 tokens: the minimal move keeps 192. */
function writeProfileRun(runsRoot: string, runId: string): void {
  const folder = path.join(runsRoot, runId);
  mkdirSync(folder, { recursive: true });
  const level = (tokens: number) => (tokens <= 192 ? 1 : 1.3);
  const points = Array.from({ length: 197 }, (_, index) => {
    const tokens = index + 1;
    return { tokens, medianMs: level(tokens), p10Ms: level(tokens) - 0.01, p90Ms: level(tokens) + 0.01, iqrMs: 0.01, samples: 9 };
  });
  const profile = {
    schema: 'edgetune/profile@1',
    complete: true,
    ep: 'cpu',
    model: { id: 'vit-ti16', part: 'block', tokens: 197 },
    batch: 1,
    unit: 'block',
    depth: 12,
    points,
    steps: [{ tokens: 193, beforeMs: 1, afterMs: 1.3, jumpPct: 30, confidence: 0.95 }],
    plateaus: [
      { from: 1, to: 192, medianMs: 1 },
      { from: 193, to: 197, medianMs: 1.3 },
    ],
    regime: 'staircase',
    summary: 'one step, written by the test',
  };
  const at = '2020-01-01T00:00:00.000Z';
  writeFileSync(path.join(folder, 'profile.json'), JSON.stringify(profile));
  writeFileSync(path.join(folder, 'run.json'), JSON.stringify({ schema: 'edgetune/run@1', kind: 'sweep', label: 'vit-ti16', status: 'complete', createdAt: at, updatedAt: at, command: [], files: [] }));
}

describe('edgetune serve: validate, ViTTM and align jobs (real server, real engine)', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'edgetune-jobs-api-'));
  const runsRoot = path.join(root, 'runs');
  const profileRunId = '20200101-000000-sweep-vit-ti16';
  const modelFolder = path.join(root, 'tiny-model');
  const quickAlign = { model: modelFolder, denoiseSteps: 3, batch: 8, threads: 1, ep: 'cpu' };
  let engine: EngineHost;
  let server: WebServer;
  let socket: WebSocket;
  const events: ApiEvent[] = [];

  const call = async (name: string, body: unknown) => {
    const response = await fetch(`http://127.0.0.1:${server.port}/api/${name}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${server.token}` },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as any };
  };
  const eventsOf = (jobId: string) => events.filter((event) => 'jobId' in event && event.jobId === jobId);
  const ended = async (jobId: string, timeoutMs = 90_000) => {
    const started = Date.now();
    for (;;) {
      const end = eventsOf(jobId).find((event) => event.type === 'job-done' || event.type === 'job-failed' || event.type === 'job-cancelled');
      if (end) return end;
      if (Date.now() - started > timeoutMs) throw new Error(`job ${jobId} did not end in ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  beforeAll(async () => {
    writeProfileRun(runsRoot, profileRunId);
    await writeTinyEdgeTuneModel(modelFolder, { imageSize: 16, seed: 3 });
    mkdirSync(path.join(root, 'renderer'));
    writeFileSync(path.join(root, 'renderer', 'index.html'), '<!doctype html><title>EdgeTune</title>');
    engine = createEngineHost({ transport: 'http', runsRoot });
    server = await startWebServer({ engine, rendererDir: path.join(root, 'renderer'), port: 0 });
    socket = new WebSocket(`ws://127.0.0.1:${server.port}/api/events?token=${server.token}`);
    socket.on('message', (data) => events.push(JSON.parse(String(data))));
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  });

  afterAll(async () => {
    socket?.close();
    await engine?.shutdown();
    await server?.close();
  });

  it('lists the new functions in getInfo', async () => {
    const { functions } = (await call('getInfo', {})).body.value;
    expect(functions).toEqual(expect.arrayContaining(['startValidate', 'startMatch', 'startVittmCompare', 'startVittmGrid', 'listAlignOptions', 'startAlign', 'continueAlign']));
  });

  it('answers 400 naming the fields when a request breaks its schema', async () => {
    const paths = async (name: string, body: unknown) => {
      const answer = await call(name, body);
      expect(answer.status, name).toBe(400);
      expect(answer.body.error.code).toBe('bad-request');
      return answer.body.error.issues.map((issue: { path: string }) => issue.path).sort();
    };
    expect(await paths('startValidate', { rounds: 0 })).toEqual(['rounds', 'runId']);
    expect(await paths('startAlign', { algorithm: 'cma-es', steps: 0, colour: 'red' })).toEqual(['(request)', 'algorithm', 'steps']);
    expect(await paths('continueAlign', { runId: '../elsewhere', steps: 2 })).toEqual(['runId']);
    expect(await paths('startSweep', { model: 'vit-ti16', backend: 'trt', device: 'cuda' })).toEqual(['device']);
    expect(await paths('startVittmCompare', { vittm: ['vittm-b', 'vittm-s'], vit: ['vit-b16'] })).toEqual(['vit']);
  });

  it("refuses what the engine cannot do before any run exists, with the engine's message and fix", async () => {
    const before = (await call('listRuns', {})).body.value.runs.length;
    const noSchedule = await call('startValidate', { runId: profileRunId });
    expect(noSchedule.status).toBe(422);
    expect(noSchedule.body.error).toMatchObject({ code: 'schedule-not-found', fix: expect.stringContaining('Save into the run') });
    const noModel = await call('startAlign', { ...quickAlign, model: path.join(root, 'no-such-model') });
    expect(noModel.body.error).toMatchObject({ code: 'align-model-not-found', fix: expect.any(String) });
    const badReward = await call('startAlign', { ...quickAlign, reward: 'brightness in [0.3' });
    expect(badReward.status).toBe(422);
    expect(badReward.body.error).toMatchObject({ code: 'reward-spec', fix: expect.stringContaining('jpeg-size') });
    const tooFewImages = await call('startAlign', { ...quickAlign, images: 4 });
    expect(tooFewImages.body.error.code).toBe('align-budget-too-small');
    expect((await call('startVittmCompare', { vittm: ['vittm-xl'] })).status).toBe(422);
    expect((await call('continueAlign', { runId: profileRunId, steps: 1, ep: 'cpu' })).body.error.code).toBe('align-nothing-to-resume');
    expect((await call('listRuns', {})).body.value.runs.length).toBe(before);
  });

  it('offers the rewards, their grammar and the algorithms for the Align form', async () => {
    const options = (await call('listAlignOptions', {})).body.value;
    expect(options.rewards.map((reward: { name: string }) => reward.name)).toEqual(['jpeg-size', 'brightness', 'contrast', 'saturation', 'colourfulness']);
    expect(options.algorithms.map((algorithm: { name: string }) => algorithm.name)).toEqual(['cosyne', 'snes', 'cmaes', 'random', 'zero-order']);
    expect(options.defaults).toEqual({ reward: 'jpeg-size', algorithm: 'cosyne', steps: 16, timeSeconds: 150, seed: 1 });
    expect(options.defaultModel).toMatchObject({ name: 'tiny-landscapes-32', installed: expect.any(Boolean) });
  });

  it('validates a schedule sent with the request against the run\'s profile: validation.json in a new run', async () => {
    const { schedule } = (await call('createSchedule', { runId: profileRunId })).body.value;
    expect(schedule.keepTokens).toBe(192);
    const started = await call('startValidate', { runId: profileRunId, schedule, rounds: 1, ep: 'cpu', threads: 1 });
    expect(started.status).toBe(200);
    const { jobId, runId } = started.body.value;
    expect(await ended(jobId)).toMatchObject({ type: 'job-done', kind: 'validate', status: 'complete' });
    expect(eventsOf(jobId).some((event) => event.type === 'job-progress')).toBe(true);
    const run = (await call('getRun', { runId })).body.value;
    expect(run.run).toMatchObject({ kind: 'validate', label: 'vit-ti16', status: 'complete', documents: ['schedule', 'validation'] });
    expect(run.run.command.slice(0, 3)).toEqual(['validate', '--schedule', path.join(runsRoot, runId, 'schedule.json')]);
    expect(run.run.command).toEqual(expect.arrayContaining(['--profile', path.join(runsRoot, profileRunId, 'profile.json'), '--rounds', '1']));
    const validation = run.documents.validation;
    expect(validation.variants.map((variant: { method: string }) => variant.method)).toEqual(['none', 'pomt', 'topk', 'tome']);
    expect(validation.variants[1].tokensAfterLayer.at(-1)).toBe(192);
    expect(validation.variants[1].speedup.rounds).toBe(1);
    expect(validation.prediction).not.toBeNull();
    expect(run.files.map((file: { name: string }) => file.name)).toEqual(['raw-timings.csv', 'schedule.json', 'validation.json']);
  });

  it('compares ViTTM-Ti with ViT-Ti: latency ratio beside MAC ratio', async () => {
    const started = await call('startVittmCompare', { vittm: ['vittm-ti'], prunedTokens: 'none', rounds: 1, ep: 'cpu', threads: 1 });
    const { jobId, runId } = started.body.value;
    expect(await ended(jobId)).toMatchObject({ type: 'job-done', kind: 'vittm-compare' });
    const run = (await call('getRun', { runId })).body.value;
    expect(run.run).toMatchObject({ label: 'vittm-compare-vittm-ti', documents: ['vittmCompare'] });
    const [pair] = run.documents.vittmCompare.pairs;
    expect(pair).toMatchObject({ vittm: 'vittm-ti', vit: 'vit-ti16' });
    expect(pair.vittmOverVit.macRatio).toBeGreaterThan(0.3);
    expect(pair.vittmOverVit.macRatio).toBeLessThan(0.5);
    expect(pair.vittmOverVit.latencyRatio.median).toBeGreaterThan(0);
  });

  it('aligns a tiny model: one event per generation with its candidates, whose PNGs carry their metadata', async () => {
    const started = await call('startAlign', { ...quickAlign, steps: 2 });
    expect(started.status).toBe(200);
    const { jobId, runId } = started.body.value;
    expect(await ended(jobId)).toMatchObject({ type: 'job-done', kind: 'align', status: 'complete' });
    const generations = eventsOf(jobId).filter((event) => event.type === 'align-generation');
    expect(generations.map((event) => [event.summary.generation, event.candidates.length])).toEqual([
      [0, 16],
      [1, 24],
    ]);
    const crossover = generations[1].candidates.find((candidate) => candidate.operator === 'crossover')!;
    const parentHashes = new Set(generations[0].candidates.map((candidate) => candidate.genomeHash));
    expect(crossover.parents.every((hash) => parentHashes.has(hash))).toBe(true);

    const image = (await call('readRunFile', { runId, name: crossover.image })).body.value;
    expect(image).toMatchObject({ mimeType: 'image/png', encoding: 'base64' });
    const text = readPngText(base64Bytes(image.content));
    expect(text).toMatchObject({ generation: '1', candidate: String(crossover.index), genomeHash: crossover.genomeHash, algorithm: 'cosyne', rewardSpec: 'jpeg-size' });
    expect(text.recipe).toMatch(/^edgetune align --model \S+ --reward jpeg-size --algo cosyne --seed 1 --denoise-steps 3 --batch 8 --steps 2/);

    const run = (await call('getRun', { runId })).body.value;
    expect(run.run).toMatchObject({ kind: 'align', status: 'complete', message: expect.stringContaining('2 of 2 generations'), documents: ['align'] });
    expect(run.documents.align).toMatchObject({ status: 'complete', algorithm: 'cosyne', images: 40, reward: { spec: 'jpeg-size', direction: 'min' } });
    expect(run.documents.align.generations).toHaveLength(2);
  });

  it('continues an align run from its last generation, one job at a time', async () => {
    const { runId } = (await call('startAlign', { ...quickAlign, algorithm: 'random', images: 16 })).body.value;
    await ended((await call('listJobs', {})).body.value.jobs.find((job: { runId: string }) => job.runId === runId).jobId);
    const [first, second] = await Promise.all([call('continueAlign', { runId, steps: 2, ep: 'cpu' }), call('continueAlign', { runId, steps: 2, ep: 'cpu' })]);
    const statuses = [first.status, second.status].sort();
    expect(statuses).toEqual([200, 409]);
    const refused = first.status === 409 ? first : second;
    expect(refused.body.error.code).toBe('run-busy');
    const { jobId, runId: continued } = (first.status === 200 ? first : second).body.value;
    expect(continued).toBe(runId);
    expect(await ended(jobId)).toMatchObject({ type: 'job-done', kind: 'align', runId, status: 'complete' });
    expect(eventsOf(jobId).filter((event) => event.type === 'align-generation').map((event) => event.summary.generation)).toEqual([1, 2]);
    const run = (await call('getRun', { runId })).body.value;
    expect(run.documents.align.generations.map((generation: { generation: number }) => generation.generation)).toEqual([0, 1, 2]);
    expect(run.documents.align.images).toBe(48);
  });
});

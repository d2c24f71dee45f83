import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { deleteRun, getRun, listRuns, readRunFile } from '../../electron/api/host/run-browser.js';

function runRecord(kind: string, createdAt: string) {
  return JSON.stringify({ schema: 'edgetune/run@1', kind, label: 'vit-b16', status: 'complete', createdAt, updatedAt: createdAt, command: [kind], files: [] });
}

describe('run browser', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'edgetune-runs-'));
  mkdirSync(path.join(root, 'older', 'gallery'), { recursive: true });
  writeFileSync(path.join(root, 'older', 'run.json'), runRecord('sweep', '2026-01-01T00:00:00.000Z'));
  writeFileSync(path.join(root, 'older', 'gallery', 'candidate-1.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  writeFileSync(path.join(root, 'older', 'profile.json'), '{"schema":"edgetune/profile@1"}');
  mkdirSync(path.join(root, 'newer'));
  writeFileSync(path.join(root, 'newer', 'run.json'), runRecord('tune', '2026-02-01T00:00:00.000Z'));
  mkdirSync(path.join(root, 'not-a-run'));
  mkdirSync(path.join(root, 'aligned'));
  writeFileSync(path.join(root, 'aligned', 'run.json'), runRecord('align', '2025-12-01T00:00:00.000Z'));
  writeFileSync(path.join(root, 'aligned', 'align.json'), JSON.stringify({ schema: 'edgetune/align@1', status: 'complete' }));
  writeFileSync(path.join(root, 'aligned', 'validation.json'), '{not json');
  writeFileSync(path.join(root, 'secret.txt'), 'outside every run');
  symlinkSync(path.join(root, 'secret.txt'), path.join(root, 'older', 'escape.txt'));

  it('lists runs newest first and skips folders that are not runs', async () => {
    expect((await listRuns(root)).map((run) => run.runId)).toEqual(['newer', 'older', 'aligned']);
    expect(await listRuns(path.join(root, 'missing'))).toEqual([]);
  });

  it('says which documents each run holds, whether or not they parse', async () => {
    const documents = Object.fromEntries((await listRuns(root)).map((run) => [run.runId, run.documents]));
    expect(documents).toEqual({ newer: [], older: ['profile'], aligned: ['validation', 'align'] });
  });

  it('names each unreadable document of a run, and gives the readable ones', async () => {
    const run = await getRun(root, 'aligned');
    expect(run.documents).toEqual({});
    expect(run.problems).toEqual([expect.stringMatching(/^validation\.json cannot be read: /), expect.stringMatching(/^align\.json does not match its schema/)]);
  });

  it('opens a run: its files (subfolders included, links left out) and what is wrong with its documents', async () => {
    const run = await getRun(root, 'older');
    expect(run.files.map((file) => file.name)).toEqual(['gallery/candidate-1.png', 'profile.json']);
    expect(run.documents.profile).toBeUndefined();
    expect(run.problems[0]).toMatch(/^profile\.json does not match its schema/);
  });

  it('reads binary files as base64', async () => {
    expect(await readRunFile(root, 'older', 'gallery/candidate-1.png')).toEqual({ name: 'gallery/candidate-1.png', mimeType: 'image/png', bytes: 4, encoding: 'base64', content: 'iVBORw==' });
  });

  it('refuses a link that points out of the run, as if the file did not exist', async () => {
    await expect(readRunFile(root, 'older', 'escape.txt')).rejects.toMatchObject({ code: 'file-not-found' });
    await expect(readRunFile(root, 'older', '../secret.txt')).rejects.toMatchObject({ code: 'file-not-found' });
  });

  it('deletes runs only', async () => {
    await expect(deleteRun(root, 'not-a-run')).rejects.toMatchObject({ code: 'run-not-found' });
    await expect(deleteRun(root, '..')).rejects.toMatchObject({ code: 'run-not-found' });
    await deleteRun(root, 'newer');
    expect((await listRuns(root)).map((run) => run.runId)).toEqual(['older', 'aligned']);
  });
});

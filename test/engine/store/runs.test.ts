import { chmod, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunFolder, defaultRunsRoot, runFolderName } from '../../../electron/engine/store/runs.js';
import { writeJsonAtomic } from '../../../electron/engine/store/files.js';
import { UserError } from '../../../electron/engine/errors.js';

describe('run folders', () => {
  it('live under $EDGETUNE_HOME/runs, else ~/.edgetune/runs', () => {
    expect(defaultRunsRoot({ EDGETUNE_HOME: '/data/et' })).toBe('/data/et/runs');
    expect(defaultRunsRoot({})).toBe(path.join(os.homedir(), '.edgetune', 'runs'));
  });

  it('are named by time, kind and a safe label', () => {
    expect(runFolderName('tune', 'vit-b16', new Date('2026-11-26T17:41:05Z'))).toBe('20261126-174105-tune-vit-b16');
    expect(runFolderName('sweep', '/home/me/my model.onnx', new Date('2026-01-02T03:04:05Z'))).toBe('20260102-030405-sweep-_home_me_my_model.onnx');
  });

  it('record their status and files in run.json', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'edgetune-runs-'));
    const run = await RunFolder.create({ kind: 'sweep', label: 'vit-ti16', root, command: ['sweep'] });
    await run.writeJson('profile.json', { a: 1 });
    await run.finish('incomplete', 'cancelled');
    const record = JSON.parse(await readFile(run.path('run.json'), 'utf8'));
    expect(record).toMatchObject({ schema: 'edgetune/run@1', kind: 'sweep', status: 'incomplete', files: ['profile.json'], message: 'cancelled' });
    expect((await readdir(run.folder)).sort()).toEqual(['profile.json', 'run.json']);
  });

  it('refuse an unwritable --out before any work, naming the folder and the fix', async () => {
    const parent = await mkdtemp(path.join(os.tmpdir(), 'edgetune-ro-'));
    const blocker = path.join(parent, 'a-file');
    await writeFile(blocker, 'x');
    const attempt = RunFolder.create({ kind: 'tune', label: 'x', out: path.join(blocker, 'sub') });
    await expect(attempt).rejects.toBeInstanceOf(UserError);
    await expect(attempt).rejects.toThrow(/a-file/);
    if (process.getuid?.() !== 0) {
      await chmod(parent, 0o500);
      await expect(RunFolder.create({ kind: 'tune', label: 'x', out: path.join(parent, 'new') })).rejects.toThrow(/--out|cannot write/);
    }
  });

  it('writes atomically: a failed write leaves the previous file intact', async () => {
    const folder = await mkdtemp(path.join(os.tmpdir(), 'edgetune-atomic-'));
    const file = path.join(folder, 'profile.json');
    await writeJsonAtomic(file, { version: 1 });
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    await expect(writeJsonAtomic(file, circular)).rejects.toThrow();
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ version: 1 });
    expect(await readdir(folder)).toEqual(['profile.json']);
  });
});

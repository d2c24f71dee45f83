import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const repoRoot = path.resolve(__dirname, '../..');
// electron-builder's own loader and schema check: packaging itself needs Node 22 and network, reading the config does not.
const require = createRequire(path.join(repoRoot, 'package.json'));
const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config.js');
const { DebugLogger } = require('builder-util');

interface TargetList {
  target: (string | { target: string })[];
}

describe('electron-builder configuration (checked as data)', () => {
  it('passes electron-builder validation and packages what the app needs', async () => {
    const config = await getConfig(repoRoot, path.join(repoRoot, 'electron-builder.yml'), null);
    await validateConfiguration(config, new DebugLogger(false));

    expect(config.appId).toBe('dev.edgetune.desktop');
    expect(config.productName).toBe('EdgeTune');
    const targets = (platform: TargetList) => platform.target.map((target) => (typeof target === 'string' ? target : target.target));
    expect(targets(config.linux)).toEqual(['AppImage', 'deb']);
    expect(targets(config.win)).toEqual(['nsis']);
    expect(targets(config.mac)).toEqual(['dmg']);

    // Native code cannot be loaded from inside app.asar.
    expect(config.asarUnpack).toEqual(expect.arrayContaining(['node_modules/onnxruntime-node/**/*', 'native/build/Release/*.node']));
    expect(config.asar).not.toBe(false);
    const files: string[] = config.files.flatMap((entry: string | { filter: string[] }) => (typeof entry === 'string' ? [entry] : entry.filter));
    expect(files).toEqual(expect.arrayContaining(['package.json', 'dist/electron/**/*', 'dist/renderer/**/*', 'native/build/Release/*.node']));
    expect(config.extraResources).toContainEqual(expect.objectContaining({ from: 'resources', to: 'resources' }));
  });

  it('points at the built main process, whose preload and engine entry sit beside it', async () => {
    const manifest = require(path.join(repoRoot, 'package.json'));
    expect(manifest.main).toBe('dist/electron/main/main.js');
  });
});

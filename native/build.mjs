#!/usr/bin/env node
/**
 * Builds the native probe during `npm install`. The addon is optional: when it cannot be built
 * (no compiler, no headers), the reason is written to native/build-failure.txt, `edgetune probe`
 * shows it, and the install still succeeds.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const nativeFolder = path.dirname(fileURLToPath(import.meta.url));
const failureFile = path.join(nativeFolder, 'build-failure.txt');

function nodeGypScript() {
  const candidates = [
    process.env.npm_config_node_gyp,
    path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    path.join(path.dirname(process.execPath), 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  return candidates.find((candidate) => candidate && existsSync(candidate));
}

/** Distribution packages ship Node's headers beside the binary; using them avoids a download. */
function localHeaders() {
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  return existsSync(path.join(prefix, 'include', 'node', 'node_api.h')) ? prefix : undefined;
}

function fail(reason) {
  writeFileSync(failureFile, `${reason}\n`);
  process.stderr.write(`edgetune: native probe not built (${reason}). Everything else works; \`edgetune probe\` will say so.\n`);
  process.exit(0);
}

if (process.env.EDGETUNE_SKIP_NATIVE === '1') fail('EDGETUNE_SKIP_NATIVE=1 was set');
const gyp = nodeGypScript();
if (!gyp) fail('node-gyp was not found (it comes with npm); run `npm run build:native` from an npm install');
const headers = localHeaders();
const args = [gyp, 'rebuild', ...(headers ? [`--nodedir=${headers}`] : [])];
const build = spawnSync(process.execPath, args, { cwd: nativeFolder, encoding: 'utf8', timeout: 300_000 });
if (build.status !== 0) {
  const output = `${build.stdout ?? ''}\n${build.stderr ?? ''}`
    .split('\n')
    .filter((line) => /error|not found|ERR!/i.test(line) && !/gyp ERR! (stack|System|command|cwd|node -v|node-gyp -v|not ok)/.test(line))
    .slice(0, 4)
    .join(' | ');
  fail(`node-gyp failed${build.error ? `: ${build.error.message}` : ''}${output ? `: ${output}` : ''}`);
}
rmSync(failureFile, { force: true });
process.stdout.write('edgetune: native probe built (native/build/Release/edgetune_native.node)\n');

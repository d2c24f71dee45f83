#!/usr/bin/env node
// `npm start`: open the desktop app where Electron is installed; otherwise say how to get it and
// how to use the same UI from a browser with `edgetune serve`.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
let electronBinary;
try {
  electronBinary = require('electron');
} catch {
  electronBinary = undefined;
}
if (typeof electronBinary !== 'string') {
  process.stderr.write(`EdgeTune's desktop window needs Electron, which is not installed here.
  Electron downloads its binary from GitHub during \`npm install\` and needs Node 22.12 or newer;
  on a machine with both, run \`npm install electron\` and then \`npm start\` again.

The same UI runs in a browser, served by this machine:
  npx edgetune serve      prints a URL (with its access token) to open; --help shows how to reach
                          a headless box from a laptop through an SSH tunnel

Everything also works headless:
  npx edgetune tune       probe + sweep + schedule on this machine (same as \`npm run tune\`)
  npx edgetune --help     all commands
`);
  process.exit(1);
}
const appRoot = fileURLToPath(new URL('..', import.meta.url));
if (!existsSync(fileURLToPath(new URL('../dist/electron/main/main.js', import.meta.url)))) {
  process.stderr.write('EdgeTune: the build is missing (dist/electron/main/main.js)\n  fix: run `npm run build`, then `npm start`\n');
  process.exit(2);
}
// Launched on the package folder, Electron reads package.json: "main", the app's name and version.
const child = spawn(electronBinary, [appRoot], { stdio: 'inherit' });
child.on('close', (code) => process.exit(code ?? 0));

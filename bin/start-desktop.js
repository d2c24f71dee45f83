#!/usr/bin/env node
// `npm start`: open the desktop app where Electron is installed; otherwise say how to get it.
import { spawn } from 'node:child_process';
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

Everything also works headless:
  npx edgetune tune       probe + sweep + schedule on this machine (same as \`npm run tune\`)
  npx edgetune --help     all commands
`);
  process.exit(1);
}
const main = fileURLToPath(new URL('../dist/electron/main/main.js', import.meta.url));
const child = spawn(electronBinary, [main], { stdio: 'inherit' });
child.on('close', (code) => process.exit(code ?? 0));

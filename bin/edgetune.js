#!/usr/bin/env node
// The `edgetune` command. npm install builds dist/ (the "prepare" script); without it, say how to get it.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/electron/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('edgetune: the build is missing (dist/electron/cli/main.js)\n  fix: run `npm run build` (npm install runs it unless scripts are disabled)\n');
  process.exit(2);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));

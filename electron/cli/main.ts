import { isUserError, CancelledError } from '../engine/errors.js';
import { modelsCommand } from './commands/models.js';
import { probeCommand } from './commands/probe.js';
import { sweepCommand } from './commands/sweep.js';

type Command = (argv: string[]) => Promise<number>;

const commands: Record<string, { run: () => Promise<Command>; summary: string }> = {
  tune: { run: async () => (await import('./commands/tune.js')).tuneCommand, summary: 'the main job: probe + sweep + schedule (default vit-b16 on the best provider)' },
  probe: { run: async () => probeCommand, summary: 'this machine and which onnxruntime execution providers work here' },
  sweep: { run: async () => sweepCommand, summary: 'latency vs token count: the staircase, its steps and plateaus' },
  schedule: { run: async () => (await import('./commands/schedule.js')).scheduleCommand, summary: 'a token-pruning schedule from a profile (ours or another tool\'s CSV)' },
  validate: { run: async () => (await import('./commands/validate.js')).validateCommand, summary: 'a schedule checked here: pruned model vs baseline, Top-K and ToMe, timed end to end' },
  models: { run: async () => modelsCommand, summary: 'built-in ViT and ViTTM architectures with params and MACs' },
  vittm: { run: async () => (await import('./commands/vittm.js')).vittmCommand, summary: 'ViTTM vs ViT timed end to end here (compare), and a memory × process token grid (grid)' },
  inspect: { run: async () => (await import('./commands/inspect.js')).inspectCommand, summary: 'what EdgeTune understands of an ONNX model' },
  match: { run: async () => (await import('./commands/match.js')).matchCommand, summary: 'your image-input ViT export vs the synthetic ViT of its shape, timed side by side' },
  align: { run: async () => (await import('./commands/align.js')).alignCommand, summary: 'search a diffusion model\'s initial noise for images a reward prefers (offline, resumable)' },
  serve: { run: async () => (await import('./commands/serve.js')).serveCommand, summary: 'the web UI and its API on this machine (token-protected; drive an edge box from a laptop)' },
  bench: { run: async () => (await import('./commands/bench.js')).benchCommand, summary: 'benchmark figures as JSON (sweep cost, repeatability, overhead)' },
};

export const mainHelp = `edgetune — latency staircases and token-pruning schedules for ViTs on your own hardware

usage: edgetune <command> [options]

${Object.entries(commands)
  .map(([name, command]) => `  ${name.padEnd(10)}${command.summary}`)
  .join('\n')}

\`edgetune <command> --help\` shows a command's options. Runs are saved under ~/.edgetune/runs
(or $EDGETUNE_HOME/runs) unless --out names a folder.`;

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${mainHelp}\n`);
    return 0;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write('edgetune 0.1.0\n');
    return 0;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`edgetune: unknown command '${name}'\n  fix: run \`edgetune --help\` for the list of commands\n`);
    return 2;
  }
  try {
    return await (await command.run())(rest);
  } catch (error) {
    return reportError(error);
  }
}

export function reportError(error: unknown): number {
  if (isUserError(error)) {
    process.stderr.write(`edgetune: ${error.message}\n${error.fix ? `  fix: ${error.fix}\n` : ''}`);
    return 2;
  }
  if (error instanceof CancelledError) {
    process.stderr.write(`edgetune: ${error.message}\n`);
    return 130;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`edgetune: unexpected error: ${message}\n  this is a bug in EdgeTune; rerun with EDGETUNE_DEBUG=1 for details and report it\n`);
  if (process.env.EDGETUNE_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  return 1;
}

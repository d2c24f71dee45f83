import { listModels } from '../../engine/models/architectures.js';
import { parseCommandArgs } from '../args.js';
import { createOutput } from '../output.js';
import { help } from './probe.js';

export const modelsHelp = `edgetune models [--json]

Built-in ViT architectures (graphs are generated in memory with seeded weights).
macs = multiply-accumulates of one forward pass at the full token count, batch 1.
deit-* ids are aliases with the same shapes.`;

export async function modelsCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('models', argv, { json: { type: 'boolean' } } as const);
  if (values.help) return help(modelsHelp);
  const models = listModels();
  createOutput(Boolean(values.json)).result(models, () => {
    const header = `${'id'.padEnd(12)}${'family'.padEnd(8)}${'depth'.padStart(6)}${'width'.padStart(7)}${'heads'.padStart(7)}${'tokens'.padStart(8)}${'params'.padStart(10)}${'GMACs'.padStart(8)}`;
    const rows = models.map(
      (m) =>
        `${m.id.padEnd(12)}${m.family.padEnd(8)}${String(m.depth).padStart(6)}${String(m.width).padStart(7)}${String(m.heads).padStart(7)}${String(m.tokens).padStart(8)}${`${(m.params / 1e6).toFixed(1)}M`.padStart(10)}${(m.macs / 1e9).toFixed(2).padStart(8)}`,
    );
    return [header, ...rows].join('\n');
  });
  return 0;
}

import { listModels } from '../../engine/models/architectures.js';
import { listVittmModels } from '../../engine/models/vittm/architectures.js';
import { parseCommandArgs } from '../args.js';
import { createOutput } from '../output.js';
import { help } from './probe.js';

export const modelsHelp = `edgetune models [--json]

Built-in ViT and ViTTM architectures (graphs are generated in memory with seeded weights).
macs = multiply-accumulates of one forward pass at the full token count, batch 1.
deit-* ids are aliases with the same shapes.
ViTTMs (family vittm) are listed at their default 16/32 patch setting: memoryTokens only meet the
read/write heads, processTokens go through the ViT blocks; tokens is their sum. Their macs include
both patch embeddings (ViTTM embeds the image twice); a ViT's count starts at its token input.
\`edgetune vittm compare\` times a ViTTM against its ViT.`;

export async function modelsCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('models', argv, { json: { type: 'boolean' } } as const);
  if (values.help) return help(modelsHelp);
  const vits = listModels();
  const vittms = listVittmModels().map((model) => ({ ...model, tokens: model.memoryTokens + model.processTokens }));
  const models = [...vits, ...vittms];
  createOutput(Boolean(values.json)).result(models, () => {
    const header = `${'id'.padEnd(12)}${'family'.padEnd(8)}${'depth'.padStart(6)}${'width'.padStart(7)}${'heads'.padStart(7)}${'tokens'.padStart(8)}${'params'.padStart(10)}${'GMACs'.padStart(8)}`;
    const row = (m: (typeof models)[number], tokens: string) =>
      `${m.id.padEnd(12)}${m.family.padEnd(8)}${String(m.depth).padStart(6)}${String(m.width).padStart(7)}${String(m.heads).padStart(7)}${tokens.padStart(8)}${`${(m.params / 1e6).toFixed(1)}M`.padStart(10)}${(m.macs / 1e9).toFixed(2).padStart(8)}`;
    return [
      header,
      ...vits.map((m) => row(m, String(m.tokens))),
      ...vittms.map((m) => row(m, `${m.memoryTokens}+${m.processTokens}`)),
    ].join('\n');
  });
  return 0;
}

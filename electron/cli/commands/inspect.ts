import { UserError } from '../../engine/errors.js';
import { inspectModel, type ModelInspection } from '../../engine/models/inspect.js';
import { readOnnxFile, type ValueSummary } from '../../engine/models/onnx/reader.js';
import { parseCommandArgs } from '../args.js';
import { createOutput } from '../output.js';
import { help } from './probe.js';

export const inspectHelp = `edgetune inspect <model.onnx> [--json]

What EdgeTune understands of an ONNX model: its inputs and outputs, whether it takes images or
token embeddings, and for a ViT its architecture {family, depth, width, heads, mlpRatio, patchSize,
tokens} inferred from the graph and its initializers. Weights in external-data files stay unread.`;

export async function inspectCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('inspect', argv, { json: { type: 'boolean' } } as const, true);
  if (values.help) return help(inspectHelp);
  if (positionals.length !== 1) {
    throw new UserError('bad-arguments', 'inspect needs exactly one ONNX file', 'run `edgetune inspect path/to/model.onnx`');
  }
  const inspection = inspectModel(await readOnnxFile(positionals[0]));
  createOutput(Boolean(values.json)).result(inspection, () => formatInspection(positionals[0], inspection));
  return 0;
}

function formatValue(value: ValueSummary): string {
  const dims = value.dims === null ? '?' : `[${value.dims.map((dim) => dim ?? '?').join(', ')}]`;
  return `${value.name} ${value.elemType} ${dims}`;
}

export function formatInspection(file: string, inspection: ModelInspection): string {
  const lines = [
    `${file}: ONNX IR ${inspection.irVersion}, opset ${inspection.opsetVersion ?? '?'}, ${inspection.inputKind} input`,
    ...inspection.inputs.map((input) => `  input   ${formatValue(input)}`),
    ...inspection.outputs.map((output) => `  output  ${formatValue(output)}`),
  ];
  if (inspection.externalDataFiles.length > 0) lines.push(`  weights in ${inspection.externalDataFiles.join(', ')} (keep beside the model)`);
  const vit = inspection.vit;
  if (vit) {
    const show = (value: number | null) => (value === null ? 'unknown' : String(value));
    lines.push(
      `  ViT: family ${vit.family}, depth ${vit.depth}, width ${vit.width}, heads ${show(vit.heads)}, MLP ratio ${show(vit.mlpRatio)}, patch ${show(vit.patchSize)}, tokens ${show(vit.tokens)}`,
    );
  } else {
    lines.push('  not recognised as a ViT (no attention found)');
  }
  return lines.join('\n');
}

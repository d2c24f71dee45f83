/**
 * One onnxruntime session per model file of a pipeline, opened with the caller's execution
 * providers, checked against the input and output names the pipeline feeds and reads.
 */
import ort from 'onnxruntime-node';
import { UserError, errorText } from '../../errors.js';
import { EXECUTION_PROVIDERS, providerFix, type ExecutionProvider } from '../../measure/execution-providers.js';
import { requireFile, type ModelFile } from '../files.js';

export type ExecutionProviderSpec = ort.InferenceSession.ExecutionProviderConfig;

export interface SessionSettings {
  /** in order of preference, as onnxruntime takes them: ['cpu'], ['webgpu'], ['webgpu', 'cpu'] … */
  readonly executionProviders: readonly ExecutionProviderSpec[];
  /** onnxruntime's default (one thread per physical core) when absent */
  readonly intraOpNumThreads?: number;
  readonly interOpNumThreads?: number;
}

/** What a model declares for one input or output. */
export interface TensorInfo {
  readonly name: string;
  readonly type: ort.Tensor.Type;
  /** numbers are fixed sizes, strings symbolic; empty for a scalar or an undeclared shape */
  readonly shape: readonly (number | string)[];
}

export interface ModelSession {
  readonly label: string;
  readonly inputs: ReadonlyMap<string, TensorInfo>;
  readonly outputs: ReadonlyMap<string, TensorInfo>;
  run(feeds: Record<string, ort.Tensor>): Promise<Record<string, ort.Tensor>>;
  release(): Promise<void>;
}

export interface ExpectedValues {
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  /** what writes models with these names, for the error message: "diffusers' ONNX export" */
  readonly writtenBy: string;
}

export function providerNames(settings: SessionSettings): string {
  return settings.executionProviders.map((ep) => (typeof ep === 'string' ? ep : ep.name)).join(', ');
}

function isKnownProvider(name: string): name is ExecutionProvider {
  return (EXECUTION_PROVIDERS as readonly string[]).includes(name);
}

function firstLine(text: string): string {
  return text.split('\n')[0].trim();
}

export async function openModelSession(file: ModelFile, settings: SessionSettings, expected: ExpectedValues): Promise<ModelSession> {
  await requireFile(file);
  const providers = providerNames(settings);
  const options: ort.InferenceSession.SessionOptions = {
    executionProviders: [...settings.executionProviders],
    ...(settings.intraOpNumThreads !== undefined ? { intraOpNumThreads: settings.intraOpNumThreads } : {}),
    ...(settings.interOpNumThreads !== undefined ? { interOpNumThreads: settings.interOpNumThreads } : {}),
  };
  let session: ort.InferenceSession;
  try {
    // A path, not bytes: large exports keep their weights in files beside model.onnx.
    session = await ort.InferenceSession.create(file.path, options);
  } catch (error) {
    const reason = firstLine(errorText(error));
    if (/^Load model from|Protobuf parsing failed|does not have a graph/.test(reason)) {
      throw new UserError(
        'model-unreadable',
        `onnxruntime could not load ${file.label} (${file.path}) with execution provider ${providers}: ${reason}`,
        `${file.label} is damaged or not an ONNX model: re-export or re-download it. ${file.fix}`,
      );
    }
    const first = settings.executionProviders[0];
    const firstName = typeof first === 'string' ? first : first?.name ?? '';
    throw new UserError(
      'ep-failed',
      `onnxruntime could not open ${file.label} (${file.path}) on the ${providers} execution provider: ${reason}`,
      isKnownProvider(firstName) ? providerFix(firstName) : 'pick an execution provider onnxruntime-node has here (`edgetune probe` lists them), e.g. cpu',
    );
  }
  const inputs = describe(session.inputMetadata);
  const outputs = describe(session.outputMetadata);
  const missingInputs = expected.inputs.filter((name) => !inputs.has(name));
  const missingOutputs = expected.outputs.filter((name) => !outputs.has(name));
  if (missingInputs.length > 0 || missingOutputs.length > 0) {
    await session.release();
    const missing = [
      missingInputs.length > 0 && `no input named ${missingInputs.join(', ')} (it has ${[...inputs.keys()].join(', ') || 'none'})`,
      missingOutputs.length > 0 && `no output named ${missingOutputs.join(', ')} (it has ${[...outputs.keys()].join(', ') || 'none'})`,
    ].filter(Boolean);
    throw new UserError(
      'model-unsupported',
      `${file.label} has ${missing.join(' and ')}`,
      `EdgeTune feeds ${expected.inputs.join(', ')} and reads ${expected.outputs.join(', ')}, the names ${expected.writtenBy} uses; re-export the model with those names`,
    );
  }
  return {
    label: file.label,
    inputs,
    outputs,
    async run(feeds) {
      try {
        return (await session.run(feeds)) as Record<string, ort.Tensor>;
      } catch (error) {
        throw new UserError(
          'run-failed',
          `${file.label} failed to run on the ${providers} execution provider: ${firstLine(errorText(error))}`,
          'check that the model files belong together (same export) and fit the image size asked for; or try --ep cpu',
        );
      }
    },
    release: () => session.release(),
  };
}

function describe(metadata: readonly ort.InferenceSession.ValueMetadata[]): Map<string, TensorInfo> {
  const out = new Map<string, TensorInfo>();
  for (const value of metadata) {
    if (value.isTensor) out.set(value.name, { name: value.name, type: value.type, shape: value.shape });
  }
  return out;
}

/** Requires a declared element type from a list, naming the model and input when it is not. */
export function requireType<T extends ort.Tensor.Type>(label: string, info: TensorInfo, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(info.type)) return info.type as T;
  throw new UserError(
    'model-unsupported',
    `${label}: ${info.name} is ${info.type}; EdgeTune feeds ${allowed.join(' or ')}`,
    're-export the model with a supported element type',
  );
}

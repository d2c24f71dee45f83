/**
 * Reading ONNX ModelProto: summarises any model without touching its weights, so a multi-gigabyte
 * export is read in the time it takes to walk its nodes.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { UserError } from '../../errors.js';
import {
  ProtobufError,
  readFields,
  readFloat32,
  readString,
  unpackVarints,
  varintAsNumber,
} from './protobuf.js';
import {
  type ElemType,
  elemTypeByCode,
  Model,
  OpsetId,
  Graph,
  Node,
  Attribute,
  ValueInfo,
  TypeProto,
  TensorType,
  Shape,
  Dimension,
  Tensor,
  StringEntry,
  externalDataLocation,
} from './schema.js';

export interface ValueSummary {
  readonly name: string;
  /** null when the model declares no tensor type (or one EdgeTune does not know) */
  readonly elemType: ElemType | null;
  /** null dims are unknown; strings are symbolic; `dims` itself is null when the rank is unknown */
  readonly dims: readonly (number | string | null)[] | null;
}

export interface ExternalData {
  readonly location: string;
  readonly offsetBytes: number;
  /** null when the tensor runs to the end of the file */
  readonly lengthBytes: number | null;
}

export interface InitializerSummary {
  readonly name: string;
  readonly dims: readonly number[];
  readonly dataType: ElemType | null;
  /** set when the values live in a file next to the model rather than in the model itself */
  readonly externalData: ExternalData | null;
}

export interface NodeSummary {
  readonly opType: string;
  readonly domain: string;
  readonly name: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
}

export interface OnnxSummary {
  readonly irVersion: number;
  /** opset of the default ONNX domain, null when the model does not import it */
  readonly opsetVersion: number | null;
  readonly opsets: readonly { readonly domain: string; readonly version: number }[];
  readonly producer: string;
  /** the graph's real inputs: names that are also initializers are left out (older exporters list both) */
  readonly inputs: readonly ValueSummary[];
  readonly outputs: readonly ValueSummary[];
  readonly initializers: readonly InitializerSummary[];
  /** the main graph's nodes in order (subgraphs and functions are counted in opCounts only) */
  readonly nodes: readonly NodeSummary[];
  readonly opCounts: Readonly<Record<string, number>>;
  /** small int64 tensors (shapes, axes, indices) from initializers and Constant nodes, by value name */
  readonly int64Constants: ReadonlyMap<string, readonly number[]>;
  /** float scalars from initializers and Constant nodes (attention scales, epsilons), by value name */
  readonly floatScalars: ReadonlyMap<string, number>;
}

/** At most this many values are kept per int64 constant: shapes and indices are short, tables are not. */
const maxInt64ConstantLength = 64;

interface TensorRead extends InitializerSummary {
  readonly int64Values: readonly number[] | null;
  readonly floatScalar: number | null;
}

function readTensor(bytes: Uint8Array): TensorRead {
  let name = '';
  const dims: number[] = [];
  let dataTypeCode = 0;
  let dataLocation = 0;
  const external = new Map<string, string>();
  let raw: Uint8Array | null = null;
  const int64Parts: Uint8Array[] = [];
  const int64Loose: bigint[] = [];
  let floatPayload: Uint8Array | null = null;
  let floatLoose: number | null = null;
  for (const field of readFields(bytes)) {
    switch (field.fieldNumber) {
      case Tensor.dims:
        if (field.wireType === 0) dims.push(varintAsNumber(field.varint));
        else if (field.wireType === 2) dims.push(...unpackVarints(field.bytes).map(varintAsNumber));
        break;
      case Tensor.dataType:
        if (field.wireType === 0) dataTypeCode = Number(field.varint);
        break;
      case Tensor.name:
        if (field.wireType === 2) name = readString(field.bytes);
        break;
      case Tensor.rawData:
        if (field.wireType === 2) raw = field.bytes;
        break;
      case Tensor.int64Data:
        if (field.wireType === 0) int64Loose.push(field.varint);
        else if (field.wireType === 2) int64Parts.push(field.bytes);
        break;
      case Tensor.floatData:
        if (field.wireType === 5) floatLoose = readFloat32(field.bytes);
        else if (field.wireType === 2 && field.bytes.length === 4) floatPayload = field.bytes;
        break;
      case Tensor.dataLocation:
        if (field.wireType === 0) dataLocation = Number(field.varint);
        break;
      case Tensor.externalData:
        if (field.wireType === 2) {
          const entry = readStringEntry(field.bytes);
          external.set(entry.key, entry.value);
        }
        break;
    }
  }
  const dataType = elemTypeByCode.get(dataTypeCode) ?? null;
  const count = dims.reduce((product, dim) => product * dim, 1);
  const externalData =
    dataLocation === externalDataLocation
      ? {
          location: external.get('location') ?? '',
          offsetBytes: Number(external.get('offset') ?? 0),
          lengthBytes: external.has('length') ? Number(external.get('length')) : null,
        }
      : null;
  let int64Values: number[] | null = null;
  if (dataType === 'int64' && externalData === null && count <= maxInt64ConstantLength) {
    if (raw !== null && raw.length === count * 8) {
      const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
      int64Values = Array.from({ length: count }, (_, i) => Number(view.getBigInt64(i * 8, true)));
    } else {
      const values = [...int64Parts.flatMap(unpackVarints), ...int64Loose].map(varintAsNumber);
      if (values.length === count) int64Values = values;
    }
  }
  let floatScalar: number | null = null;
  if (dataType === 'float32' && externalData === null && count === 1) {
    if (raw !== null && raw.length === 4) floatScalar = readFloat32(raw);
    else if (floatPayload !== null) floatScalar = readFloat32(floatPayload);
    else floatScalar = floatLoose;
  }
  return { name, dims, dataType, externalData, int64Values, floatScalar };
}

function readStringEntry(bytes: Uint8Array): { key: string; value: string } {
  let key = '';
  let value = '';
  for (const field of readFields(bytes)) {
    if (field.wireType !== 2) continue;
    if (field.fieldNumber === StringEntry.key) key = readString(field.bytes);
    if (field.fieldNumber === StringEntry.value) value = readString(field.bytes);
  }
  return { key, value };
}

function readValueInfo(bytes: Uint8Array): ValueSummary {
  let name = '';
  let elemType: ElemType | null = null;
  let dims: (number | string | null)[] | null = null;
  for (const field of readFields(bytes)) {
    if (field.wireType !== 2) continue;
    if (field.fieldNumber === ValueInfo.name) name = readString(field.bytes);
    if (field.fieldNumber !== ValueInfo.type) continue;
    for (const typeField of readFields(field.bytes)) {
      if (typeField.fieldNumber !== TypeProto.tensorType || typeField.wireType !== 2) continue;
      for (const tensorField of readFields(typeField.bytes)) {
        if (tensorField.fieldNumber === TensorType.elemType && tensorField.wireType === 0) {
          elemType = elemTypeByCode.get(Number(tensorField.varint)) ?? null;
        }
        if (tensorField.fieldNumber === TensorType.shape && tensorField.wireType === 2) {
          dims = [];
          for (const dimField of readFields(tensorField.bytes)) {
            if (dimField.fieldNumber === Shape.dim && dimField.wireType === 2) dims.push(readDimension(dimField.bytes));
          }
        }
      }
    }
  }
  return { name, elemType, dims };
}

function readDimension(bytes: Uint8Array): number | string | null {
  let dim: number | string | null = null;
  for (const field of readFields(bytes)) {
    if (field.fieldNumber === Dimension.dimValue && field.wireType === 0) dim = varintAsNumber(field.varint);
    if (field.fieldNumber === Dimension.dimParam && field.wireType === 2) {
      const param = readString(field.bytes);
      dim = param === '' ? null : param;
    }
  }
  return dim;
}

interface NodeRead extends NodeSummary {
  /** the Constant node's `value` tensor, when it has one */
  readonly constant: TensorRead | null;
  readonly subgraphs: readonly Uint8Array[];
}

function readNode(bytes: Uint8Array): NodeRead {
  let opType = '';
  let domain = '';
  let name = '';
  const inputs: string[] = [];
  const outputs: string[] = [];
  let constant: TensorRead | null = null;
  const subgraphs: Uint8Array[] = [];
  for (const field of readFields(bytes)) {
    if (field.wireType !== 2) continue;
    switch (field.fieldNumber) {
      case Node.input:
        inputs.push(readString(field.bytes));
        break;
      case Node.output:
        outputs.push(readString(field.bytes));
        break;
      case Node.name:
        name = readString(field.bytes);
        break;
      case Node.opType:
        opType = readString(field.bytes);
        break;
      case Node.domain:
        domain = readString(field.bytes);
        break;
      case Node.attribute: {
        const attribute = readAttribute(field.bytes);
        if (attribute.tensor !== null && attribute.name === 'value') constant = attribute.tensor;
        if (attribute.valueInts !== null && attribute.name === 'value_ints') {
          constant = { ...emptyTensor, dims: [attribute.valueInts.length], dataType: 'int64', int64Values: attribute.valueInts };
        }
        if (attribute.valueInt !== null && attribute.name === 'value_int') {
          constant = { ...emptyTensor, dataType: 'int64', int64Values: [attribute.valueInt] };
        }
        if (attribute.valueFloat !== null && attribute.name === 'value_float') {
          constant = { ...emptyTensor, dataType: 'float32', floatScalar: attribute.valueFloat };
        }
        subgraphs.push(...attribute.graphs);
        break;
      }
    }
  }
  return { opType, domain, name, inputs, outputs, constant: opType === 'Constant' ? constant : null, subgraphs };
}

const emptyTensor: TensorRead = { name: '', dims: [], dataType: null, externalData: null, int64Values: null, floatScalar: null };

interface AttributeRead {
  name: string;
  tensor: TensorRead | null;
  valueInt: number | null;
  valueInts: number[] | null;
  valueFloat: number | null;
  graphs: Uint8Array[];
}

function readAttribute(bytes: Uint8Array): AttributeRead {
  const read: AttributeRead = { name: '', tensor: null, valueInt: null, valueInts: null, valueFloat: null, graphs: [] };
  for (const field of readFields(bytes)) {
    switch (field.fieldNumber) {
      case Attribute.name:
        if (field.wireType === 2) read.name = readString(field.bytes);
        break;
      case Attribute.t:
        if (field.wireType === 2) read.tensor = readTensor(field.bytes);
        break;
      case Attribute.i:
        if (field.wireType === 0) read.valueInt = varintAsNumber(field.varint);
        break;
      case Attribute.f:
        if (field.wireType === 5) read.valueFloat = readFloat32(field.bytes);
        break;
      case Attribute.ints:
        read.valueInts ??= [];
        if (field.wireType === 0) read.valueInts.push(varintAsNumber(field.varint));
        else if (field.wireType === 2) read.valueInts.push(...unpackVarints(field.bytes).map(varintAsNumber));
        break;
      case Attribute.g:
      case Attribute.graphs:
        if (field.wireType === 2) read.graphs.push(field.bytes);
        break;
    }
  }
  return read;
}

/** Counts op types in nested graphs (If/Loop bodies) and model-local functions. */
function countSubgraphOps(graph: Uint8Array, counts: Record<string, number>): void {
  for (const field of readFields(graph)) {
    if (field.fieldNumber !== Graph.node || field.wireType !== 2) continue;
    const node = readNode(field.bytes);
    counts[node.opType] = (counts[node.opType] ?? 0) + 1;
    for (const subgraph of node.subgraphs) countSubgraphOps(subgraph, counts);
  }
}

/** Walks a serialized ModelProto; throws ProtobufError when the bytes are not protobuf at all. */
function parseModel(bytes: Uint8Array): OnnxSummary {
  let irVersion = 0;
  let producer = '';
  const opsets: { domain: string; version: number }[] = [];
  let graph: Uint8Array | null = null;
  const functionBodies: Uint8Array[] = [];
  for (const field of readFields(bytes)) {
    if (field.fieldNumber === Model.irVersion && field.wireType === 0) irVersion = varintAsNumber(field.varint);
    if (field.wireType !== 2) continue;
    if (field.fieldNumber === Model.producerName) producer = readString(field.bytes);
    if (field.fieldNumber === Model.graph) graph = field.bytes;
    if (field.fieldNumber === Model.opsetImport) opsets.push(readOpset(field.bytes));
    if (field.fieldNumber === Model.functions) functionBodies.push(field.bytes);
  }

  const initializers: InitializerSummary[] = [];
  const declaredInputs: ValueSummary[] = [];
  const outputs: ValueSummary[] = [];
  const nodes: NodeSummary[] = [];
  const opCounts: Record<string, number> = {};
  const int64Constants = new Map<string, readonly number[]>();
  const floatScalars = new Map<string, number>();
  const remember = (name: string, tensor: TensorRead): void => {
    if (tensor.int64Values !== null) int64Constants.set(name, tensor.int64Values);
    if (tensor.floatScalar !== null) floatScalars.set(name, tensor.floatScalar);
  };

  for (const field of graph === null ? [] : readFields(graph)) {
    if (field.wireType !== 2) continue;
    switch (field.fieldNumber) {
      case Graph.initializer: {
        const tensor = readTensor(field.bytes);
        initializers.push({ name: tensor.name, dims: tensor.dims, dataType: tensor.dataType, externalData: tensor.externalData });
        remember(tensor.name, tensor);
        break;
      }
      case Graph.input:
        declaredInputs.push(readValueInfo(field.bytes));
        break;
      case Graph.output:
        outputs.push(readValueInfo(field.bytes));
        break;
      case Graph.node: {
        const { constant, subgraphs, ...node } = readNode(field.bytes);
        nodes.push(node);
        opCounts[node.opType] = (opCounts[node.opType] ?? 0) + 1;
        if (constant !== null && node.outputs[0] !== undefined) remember(node.outputs[0], constant);
        for (const subgraph of subgraphs) countSubgraphOps(subgraph, opCounts);
        break;
      }
    }
  }
  for (const body of functionBodies) countFunctionOps(body, opCounts);

  const initializerNames = new Set(initializers.map((initializer) => initializer.name));
  return {
    irVersion,
    opsetVersion: opsets.find((opset) => opset.domain === '' || opset.domain === 'ai.onnx')?.version ?? null,
    opsets,
    producer,
    inputs: declaredInputs.filter((input) => !initializerNames.has(input.name)),
    outputs,
    initializers,
    nodes,
    opCounts,
    int64Constants,
    floatScalars,
  };
}

/** FunctionProto keeps its nodes in field 7, not in a GraphProto. */
function countFunctionOps(body: Uint8Array, counts: Record<string, number>): void {
  const functionNodeField = 7;
  for (const field of readFields(body)) {
    if (field.fieldNumber !== functionNodeField || field.wireType !== 2) continue;
    const node = readNode(field.bytes);
    counts[node.opType] = (counts[node.opType] ?? 0) + 1;
    for (const subgraph of node.subgraphs) countSubgraphOps(subgraph, counts);
  }
}

function readOpset(bytes: Uint8Array): { domain: string; version: number } {
  let domain = '';
  let version = 0;
  for (const field of readFields(bytes)) {
    if (field.fieldNumber === OpsetId.domain && field.wireType === 2) domain = readString(field.bytes);
    if (field.fieldNumber === OpsetId.version && field.wireType === 0) version = varintAsNumber(field.varint);
  }
  return { domain, version };
}

/** The int64 values behind a value name, when it is a small constant (initializer or Constant node). */
export function int64Constant(summary: OnnxSummary, name: string): readonly number[] | null {
  return summary.int64Constants.get(name) ?? null;
}

/**
 * Summarises a serialized ONNX model without copying its weights. `modelName` (usually the file
 * name) appears in the UserErrors raised for bytes that are not an ONNX model or hold no graph.
 */
export function readOnnxSummary(bytes: Uint8Array, modelName = 'the model'): OnnxSummary {
  const notOnnx = (why: string): UserError =>
    new UserError(
      'model-not-onnx',
      `${modelName} is not an ONNX model (could not parse protobuf: ${why})`,
      'Pass a .onnx file written by an ONNX exporter (torch.onnx.export, tf2onnx, optimum).',
    );
  if (bytes.length === 0) throw notOnnx('the file is empty');
  let summary: OnnxSummary;
  try {
    summary = parseModel(bytes);
  } catch (error) {
    if (error instanceof ProtobufError) throw notOnnx(error.message);
    throw error;
  }
  // Any byte string can happen to parse as some protobuf; a model says which IR and opsets it uses.
  if (summary.irVersion <= 0 || summary.opsets.length === 0) throw notOnnx('no ir_version or opset_import field');
  if (summary.nodes.length === 0 || summary.outputs.length === 0) {
    throw new UserError(
      'model-empty-graph',
      `${modelName} has an empty graph (${summary.nodes.length} nodes, ${summary.outputs.length} outputs)`,
      'Re-export the model: the exporter wrote no computation.',
    );
  }
  return summary;
}

/**
 * Reads a model file from disk and summarises it; every failure the user can fix is a UserError.
 * External-data files are not opened: the summary only records where the weights live.
 */
export async function readOnnxFile(path: string): Promise<OnnxSummary> {
  let bytes: Uint8Array;
  try {
    const info = await stat(path);
    if (info.isDirectory()) {
      throw new UserError('model-not-file', `${path} is a folder, not an ONNX model file`, 'Pass the path of a .onnx file.');
    }
    bytes = await readFile(path);
  } catch (error) {
    if (error instanceof UserError) throw error;
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new UserError('model-not-found', `${path} does not exist`, 'Check the path of the .onnx file.');
    }
    throw new UserError('model-unreadable', `could not read ${path}: ${(error as Error).message}`, 'Check the file permissions.');
  }
  return readOnnxSummary(bytes, basename(path));
}

/**
 * Writing ONNX ModelProto with our own protobuf code: what EdgeTune's synthetic ViTs and tiny
 * diffusion pipelines need.
 */
import {
  copyFloat32LittleEndian,
  deferredBytesField,
  encodeMessage,
  floatField,
  messageField,
  packedFloatField,
  packedVarintField,
  stringField,
  varintField,
  type ProtoField,
} from './protobuf.js';
import {
  onnxIrVersion,
  onnxOpsetVersion,
  dataTypeCodes,
  type ElemType,
  type Dim,
  Model,
  OpsetId,
  Graph,
  Node,
  Attribute,
  AttributeType,
  ValueInfo,
  TypeProto,
  TensorType,
  Shape,
  Dimension,
  Tensor,
} from './schema.js';

export { onnxIrVersion, onnxOpsetVersion, type Dim, type ElemType } from './schema.js';

// Writing

/**
 * Float values produced in order on demand, so that a model's weights need not exist anywhere but in
 * the output buffer. `start()` begins a fresh pass; each call of the returned function fills the
 * next `chunk.length` values.
 */
export interface Float32Source {
  readonly length: number;
  start(): (chunk: Float32Array) => void;
}

export type TensorValues =
  | { readonly type: 'float32'; readonly values: Float32Array | Float32Source }
  /** IEEE half-precision bit patterns, as onnxruntime-node holds float16 tensors */
  | { readonly type: 'float16'; readonly values: Uint16Array }
  | { readonly type: 'int64'; readonly values: readonly (number | bigint)[] };

export interface TensorSpec {
  readonly name?: string;
  readonly dims: readonly number[];
  readonly data: TensorValues;
}

export type AttributeValue =
  | { readonly type: 'int'; readonly value: number | bigint }
  | { readonly type: 'float'; readonly value: number }
  | { readonly type: 'ints'; readonly value: readonly (number | bigint)[] }
  | { readonly type: 'floats'; readonly value: readonly number[] }
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'tensor'; readonly value: TensorSpec };

/** Attribute constructors: ONNX distinguishes ints from floats, JavaScript numbers do not. */
export const attr = {
  int: (value: number | bigint): AttributeValue => ({ type: 'int', value }),
  float: (value: number): AttributeValue => ({ type: 'float', value }),
  ints: (value: readonly (number | bigint)[]): AttributeValue => ({ type: 'ints', value }),
  floats: (value: readonly number[]): AttributeValue => ({ type: 'floats', value }),
  string: (value: string): AttributeValue => ({ type: 'string', value }),
  tensor: (value: TensorSpec): AttributeValue => ({ type: 'tensor', value }),
};

export interface GraphBuilder {
  input(name: string, elemType: ElemType, dims: readonly Dim[]): void;
  output(name: string, elemType: ElemType, dims: readonly Dim[]): void;
  initializerFloat32(name: string, dims: readonly number[], values: Float32Array | Float32Source): void;
  initializerInt64(name: string, dims: readonly number[], values: readonly (number | bigint)[]): void;
  /** `values` are IEEE half-precision bit patterns (see diffusion/float16.ts to convert). */
  initializerFloat16(name: string, dims: readonly number[], values: Uint16Array): void;
  /** Adds a node in the default domain; its name defaults to its first output. */
  node(
    opType: string,
    inputs: readonly string[],
    outputs: readonly string[],
    attributes?: Readonly<Record<string, AttributeValue>>,
  ): void;
  toBytes(): Uint8Array;
}

const float32ChunkLength = 1 << 16;

function elementCount(dims: readonly number[]): number {
  return dims.reduce((product, dim) => product * dim, 1);
}

function rawFloat32Field(values: Float32Array | Float32Source): ProtoField {
  if (values instanceof Float32Array) {
    return deferredBytesField(Tensor.rawData, values.byteLength, (target) => copyFloat32LittleEndian(values, target, 0));
  }
  return deferredBytesField(Tensor.rawData, values.length * 4, (target) => {
    const next = values.start();
    const chunk = new Float32Array(Math.min(float32ChunkLength, values.length));
    for (let start = 0; start < values.length; start += chunk.length) {
      const part = chunk.subarray(0, Math.min(chunk.length, values.length - start));
      next(part);
      copyFloat32LittleEndian(part, target, start * 4);
    }
  });
}

function rawFloat16Field(values: Uint16Array): ProtoField {
  return deferredBytesField(Tensor.rawData, values.length * 2, (target) => {
    const view = new DataView(target.buffer, target.byteOffset, target.byteLength);
    for (let i = 0; i < values.length; i++) view.setUint16(i * 2, values[i], true);
  });
}

function tensorFields(tensor: TensorSpec): ProtoField[] {
  const count = elementCount(tensor.dims);
  if (tensor.data.values.length !== count) {
    throw new RangeError(
      `tensor ${tensor.name ?? '(unnamed)'} has ${tensor.data.values.length} values for dims [${tensor.dims.join(', ')}]`,
    );
  }
  const fields: ProtoField[] = [
    packedVarintField(Tensor.dims, tensor.dims),
    varintField(Tensor.dataType, dataTypeCodes[tensor.data.type]),
  ];
  if (tensor.name !== undefined) fields.push(stringField(Tensor.name, tensor.name));
  if (tensor.data.type === 'float32') fields.push(rawFloat32Field(tensor.data.values));
  else if (tensor.data.type === 'float16') fields.push(rawFloat16Field(tensor.data.values));
  else fields.push(packedVarintField(Tensor.int64Data, tensor.data.values));
  return fields;
}

function attributeFields(name: string, attribute: AttributeValue): ProtoField[] {
  const fields: ProtoField[] = [stringField(Attribute.name, name), varintField(Attribute.type, AttributeType[attribute.type])];
  switch (attribute.type) {
    case 'int':
      fields.push(varintField(Attribute.i, attribute.value));
      break;
    case 'float':
      fields.push(floatField(Attribute.f, attribute.value));
      break;
    case 'ints':
      fields.push(packedVarintField(Attribute.ints, attribute.value));
      break;
    case 'floats':
      fields.push(packedFloatField(Attribute.floats, attribute.value));
      break;
    case 'string':
      fields.push(stringField(Attribute.s, attribute.value));
      break;
    case 'tensor':
      fields.push(messageField(Attribute.t, tensorFields(attribute.value)));
      break;
  }
  return fields;
}

function valueInfoFields(name: string, elemType: ElemType, dims: readonly Dim[]): ProtoField[] {
  const dimFields = dims.map((dim) =>
    messageField(Shape.dim, [
      typeof dim === 'number' ? varintField(Dimension.dimValue, dim) : stringField(Dimension.dimParam, dim),
    ]),
  );
  const tensorType = [varintField(TensorType.elemType, dataTypeCodes[elemType]), messageField(TensorType.shape, dimFields)];
  return [stringField(ValueInfo.name, name), messageField(ValueInfo.type, [messageField(TypeProto.tensorType, tensorType)])];
}

export function createGraphBuilder(graphName: string): GraphBuilder {
  const nodes: ProtoField[] = [];
  const initializers: ProtoField[] = [];
  const inputs: ProtoField[] = [];
  const outputs: ProtoField[] = [];
  const names = new Set<string>();
  const claim = (name: string): void => {
    if (names.has(name)) throw new Error(`ONNX graph ${graphName}: value '${name}' is defined twice`);
    names.add(name);
  };
  return {
    input(name, elemType, dims) {
      claim(name);
      inputs.push(messageField(Graph.input, valueInfoFields(name, elemType, dims)));
    },
    output(name, elemType, dims) {
      outputs.push(messageField(Graph.output, valueInfoFields(name, elemType, dims)));
    },
    initializerFloat32(name, dims, values) {
      claim(name);
      initializers.push(messageField(Graph.initializer, tensorFields({ name, dims, data: { type: 'float32', values } })));
    },
    initializerInt64(name, dims, values) {
      claim(name);
      initializers.push(messageField(Graph.initializer, tensorFields({ name, dims, data: { type: 'int64', values } })));
    },
    initializerFloat16(name, dims, values) {
      claim(name);
      initializers.push(messageField(Graph.initializer, tensorFields({ name, dims, data: { type: 'float16', values } })));
    },
    node(opType, nodeInputs, nodeOutputs, attributes = {}) {
      for (const output of nodeOutputs) claim(output);
      const fields: ProtoField[] = [
        ...nodeInputs.map((input) => stringField(Node.input, input)),
        ...nodeOutputs.map((output) => stringField(Node.output, output)),
        stringField(Node.name, nodeOutputs[0] ?? opType),
        stringField(Node.opType, opType),
        ...Object.entries(attributes).map(([name, value]) => messageField(Node.attribute, attributeFields(name, value))),
      ];
      nodes.push(messageField(Graph.node, fields));
    },
    toBytes() {
      const graph = [stringField(Graph.name, graphName), ...nodes, ...initializers, ...inputs, ...outputs];
      return encodeMessage([
        varintField(Model.irVersion, onnxIrVersion),
        stringField(Model.producerName, 'edgetune'),
        messageField(Model.graph, graph),
        messageField(Model.opsetImport, [stringField(OpsetId.domain, ''), varintField(OpsetId.version, onnxOpsetVersion)]),
      ]);
    },
  };
}

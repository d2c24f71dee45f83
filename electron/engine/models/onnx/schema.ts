/** ONNX ModelProto field numbers and type codes (from onnx.proto3), shared by the writer and the reader. */
export const onnxIrVersion = 8;
export const onnxOpsetVersion = 17;

/** TensorProto.DataType codes, named as onnxruntime-node names tensor types. */
export const dataTypeCodes = {
  float32: 1,
  uint8: 2,
  int8: 3,
  uint16: 4,
  int16: 5,
  int32: 6,
  int64: 7,
  string: 8,
  bool: 9,
  float16: 10,
  float64: 11,
  uint32: 12,
  uint64: 13,
  complex64: 14,
  complex128: 15,
  bfloat16: 16,
} as const;

export type ElemType = keyof typeof dataTypeCodes;

export const elemTypeByCode = new Map<number, ElemType>(
  Object.entries(dataTypeCodes).map(([name, code]) => [code, name as ElemType]),
);

/** A dimension that is a number is fixed; a string is a symbolic (dynamic) dim_param. */
export type Dim = number | string;

export const Model = { irVersion: 1, producerName: 2, graph: 7, opsetImport: 8, functions: 25 } as const;
export const OpsetId = { domain: 1, version: 2 } as const;
export const Graph = { node: 1, name: 2, initializer: 5, input: 11, output: 12 } as const;
export const Node = { input: 1, output: 2, name: 3, opType: 4, attribute: 5, domain: 7 } as const;
export const Attribute = { name: 1, f: 2, i: 3, s: 4, t: 5, g: 6, floats: 7, ints: 8, graphs: 11, type: 20 } as const;
export const AttributeType = { float: 1, int: 2, string: 3, tensor: 4, floats: 6, ints: 7 } as const;
export const ValueInfo = { name: 1, type: 2 } as const;
export const TypeProto = { tensorType: 1 } as const;
export const TensorType = { elemType: 1, shape: 2 } as const;
export const Shape = { dim: 1 } as const;
export const Dimension = { dimValue: 1, dimParam: 2 } as const;
export const Tensor = {
  dims: 1,
  dataType: 2,
  floatData: 4,
  int64Data: 7,
  name: 8,
  rawData: 9,
  externalData: 13,
  dataLocation: 14,
} as const;
export const StringEntry = { key: 1, value: 2 } as const;
export const externalDataLocation = 1;

// A GGUF v3 file writer: the metadata and f32 tensors of a model, nothing more
// (github.com/ggml-org/ggml/blob/master/docs/gguf.md).
const ALIGNMENT = 32;
const GGML_TYPE_F32 = 0;

enum ValueType { Uint32 = 4, Int32 = 5, Float32 = 6, Bool = 7, String = 8, Array = 9 }

export type MetadataValue =
  | { uint32: number } | { float32: number } | { bool: boolean } | string
  | { strings: string[] } | { int32s: number[] };

export interface Tensor {
  name: string;
  /** GGML order: dims[0] is the length of a row (the fastest-varying index). */
  dims: number[];
  data: Float32Array;
}

class Bytes {
  private chunks: Buffer[] = [];
  length = 0;
  push(buffer: Buffer): void { this.chunks.push(buffer); this.length += buffer.length; }
  u32(value: number): void { const b = Buffer.alloc(4); b.writeUInt32LE(value); this.push(b); }
  i32(value: number): void { const b = Buffer.alloc(4); b.writeInt32LE(value); this.push(b); }
  u64(value: number): void { const b = Buffer.alloc(8); b.writeBigUInt64LE(BigInt(value)); this.push(b); }
  f32(value: number): void { const b = Buffer.alloc(4); b.writeFloatLE(value); this.push(b); }
  string(value: string): void { const b = Buffer.from(value, 'utf8'); this.u64(b.length); this.push(b); }
  pad(): void { this.push(Buffer.alloc((ALIGNMENT - (this.length % ALIGNMENT)) % ALIGNMENT)); }
  concat(): Buffer { return Buffer.concat(this.chunks); }
}

function writeValue(out: Bytes, value: MetadataValue): void {
  if (typeof value === 'string') { out.u32(ValueType.String); out.string(value); return; }
  if ('uint32' in value) { out.u32(ValueType.Uint32); out.u32(value.uint32); return; }
  if ('float32' in value) { out.u32(ValueType.Float32); out.f32(value.float32); return; }
  if ('bool' in value) { out.u32(ValueType.Bool); out.push(Buffer.from([value.bool ? 1 : 0])); return; }
  out.u32(ValueType.Array);
  if ('strings' in value) {
    out.u32(ValueType.String); out.u64(value.strings.length);
    for (const item of value.strings) out.string(item);
  } else {
    out.u32(ValueType.Int32); out.u64(value.int32s.length);
    for (const item of value.int32s) out.i32(item);
  }
}

export function gguf(metadata: Record<string, MetadataValue>, tensors: Tensor[]): Buffer {
  const out = new Bytes();
  out.push(Buffer.from('GGUF', 'ascii'));
  out.u32(3);
  out.u64(tensors.length);
  out.u64(Object.keys(metadata).length);
  for (const [key, value] of Object.entries(metadata)) { out.string(key); writeValue(out, value); }
  let offset = 0;
  for (const tensor of tensors) {
    if (tensor.dims.reduce((a, b) => a * b, 1) !== tensor.data.length) throw new Error(`${tensor.name}: dims do not match the data`);
    out.string(tensor.name);
    out.u32(tensor.dims.length);
    for (const dim of tensor.dims) out.u64(dim);
    out.u32(GGML_TYPE_F32);
    out.u64(offset);
    offset += Math.ceil(tensor.data.byteLength / ALIGNMENT) * ALIGNMENT;
  }
  out.pad();
  for (const tensor of tensors) {
    out.push(Buffer.from(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength));
    out.pad();
  }
  return out.concat();
}

/**
 * PNG files for generated images: 8-bit RGB with text metadata, written and read with node:zlib
 * alone. The metadata is what makes an image reproducible (prompt, model, seed, genome hash …), so
 * it travels inside the file: tEXt chunks where the text is Latin-1 (what PNG's tEXt allows), iTXt
 * (UTF-8) otherwise, so a prompt in any script survives.
 */
import { crc32, deflateSync, inflateSync } from 'node:zlib';
import type { RgbImage } from '../diffusion/image.js';

const signature = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
const bytesPerPixel = 3;
const colourTypeRgb = 2;

export type PngText = Readonly<Record<string, string>>;

export interface DecodedPng extends RgbImage {
  /** every tEXt and iTXt entry, by keyword */
  readonly text: Record<string, string>;
}

interface Chunk {
  readonly type: string;
  readonly body: Uint8Array;
}

/** The chunks laid out in one buffer: length, type, body, CRC of type and body. */
function assemble(chunks: readonly Chunk[]): Buffer {
  const total = signature.length + chunks.reduce((sum, { body }) => sum + 12 + body.length, 0);
  const out = Buffer.allocUnsafe(total);
  out.set(signature, 0);
  let at = signature.length;
  for (const { type, body } of chunks) {
    out.writeUInt32BE(body.length, at);
    out.write(type, at + 4, 'latin1');
    out.set(body, at + 8);
    out.writeUInt32BE(crc32(out.subarray(at + 4, at + 8 + body.length)) >>> 0, at + 8 + body.length);
    at += 12 + body.length;
  }
  return out;
}

function checkKeyword(keyword: string): void {
  // PNG keywords: 1–79 printable Latin-1 characters, no leading, trailing or double spaces.
  if (!/^[\x20-\x7e\xa1-\xff]{1,79}$/.test(keyword) || /^ | $| {2}/.test(keyword)) {
    throw new RangeError(`PNG text keyword '${keyword}' must be 1–79 printable Latin-1 characters without leading, trailing or double spaces`);
  }
}

function textChunk(keyword: string, value: string): Chunk {
  checkKeyword(keyword);
  if (/^[\x0a\x20-\x7e\xa0-\xff]*$/.test(value)) {
    return { type: 'tEXt', body: Buffer.concat([Buffer.from(keyword, 'latin1'), Buffer.of(0), Buffer.from(value, 'latin1')]) };
  }
  // iTXt: keyword, 0, compression flag 0, method 0, empty language tag, 0, empty translated keyword, 0, UTF-8 text.
  return { type: 'iTXt', body: Buffer.concat([Buffer.from(keyword, 'latin1'), Buffer.of(0, 0, 0, 0, 0), Buffer.from(value, 'utf8')]) };
}

function paeth(left: number, up: number, upLeft: number): number {
  const estimate = left + up - upLeft;
  const toLeft = Math.abs(estimate - left);
  const toUp = Math.abs(estimate - up);
  const toUpLeft = Math.abs(estimate - upLeft);
  if (toLeft <= toUp && toLeft <= toUpLeft) return left;
  return toUp <= toUpLeft ? up : upLeft;
}

/** The filter PNG readers undo: `predict` from the bytes to the left, above and above-left. */
function predictor(filter: number, left: number, up: number, upLeft: number): number {
  switch (filter) {
    case 0:
      return 0;
    case 1:
      return left;
    case 2:
      return up;
    case 3:
      return (left + up) >> 1;
    case 4:
      return paeth(left, up, upLeft);
    default:
      throw new RangeError(`PNG row filter ${filter} does not exist`);
  }
}

/**
 * Every row with PNG's Paeth filter (filter type 4): one pass, where libpng's heuristic tries all five
 * filters on every row. A search writes every candidate, so encoding time counts; on the default
 * model's images Paeth was the best single filter (a third smaller than no filter, ahead of Sub and Up).
 */
function paethScanlines(image: RgbImage): Uint8Array {
  const stride = image.width * bytesPerPixel;
  const { data } = image;
  const out = new Uint8Array((stride + 1) * image.height);
  for (let y = 0; y < image.height; y++) {
    const row = y * stride;
    const above = row - stride;
    const target = y * (stride + 1);
    out[target] = 4;
    for (let i = 0; i < stride; i++) {
      const left = i >= bytesPerPixel ? data[row + i - bytesPerPixel] : 0;
      const up = y > 0 ? data[above + i] : 0;
      const upLeft = y > 0 && i >= bytesPerPixel ? data[above + i - bytesPerPixel] : 0;
      out[target + 1 + i] = data[row + i] - paeth(left, up, upLeft);
    }
  }
  return out;
}

export function encodePng(image: RgbImage, text: PngText = {}): Buffer {
  const { width, height, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || data.length !== width * height * bytesPerPixel) {
    throw new RangeError(`a PNG needs a ${width}×${height} RGB image of ${width * height * bytesPerPixel} bytes, got ${data.length}`);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bits per channel
  header[9] = colourTypeRgb;
  // compression 0 (deflate), filter method 0, no interlace: already zero
  const scanlines = paethScanlines(image);
  // A window no larger than the data: zlib then sets up kilobytes of state instead of 256 KB per image.
  // Level 1: on Paeth-filtered images level 6 saved under 1 % for several times the time (7× on noise).
  const windowBits = Math.min(15, Math.max(9, Math.ceil(Math.log2(scanlines.length + 262))));
  return assemble([
    { type: 'IHDR', body: header },
    ...Object.entries(text).map(([keyword, value]) => textChunk(keyword, value)),
    { type: 'IDAT', body: deflateSync(scanlines, { level: 1, windowBits, memLevel: Math.min(8, Math.max(1, windowBits - 7)) }) },
    { type: 'IEND', body: new Uint8Array(0) },
  ]);
}

function invalid(detail: string): Error {
  return new Error(`not a PNG EdgeTune can read: ${detail}`);
}

function readText(type: string, body: Buffer): [string, string] {
  const end = body.indexOf(0);
  if (end < 1) throw invalid(`${type} chunk without a keyword`);
  const keyword = body.subarray(0, end).toString('latin1');
  if (type === 'tEXt') return [keyword, body.subarray(end + 1).toString('latin1')];
  const compressed = body[end + 1] === 1;
  const languageEnd = body.indexOf(0, end + 3);
  const translatedEnd = body.indexOf(0, languageEnd + 1);
  if (languageEnd < 0 || translatedEnd < 0) throw invalid('iTXt chunk is truncated');
  const value = body.subarray(translatedEnd + 1);
  return [keyword, (compressed ? inflateSync(value) : value).toString('utf8')];
}

/** Reads 8-bit RGB PNGs (any row filters, no interlace) and their text: what encodePng writes, and more. */
export function decodePng(file: Uint8Array): DecodedPng {
  const bytes = Buffer.from(file.buffer, file.byteOffset, file.byteLength);
  if (bytes.length < signature.length || !bytes.subarray(0, 8).equals(signature)) throw invalid('the signature is missing');
  let at = 8;
  let width = 0;
  let height = 0;
  const compressed: Buffer[] = [];
  const text: Record<string, string> = {};
  while (at < bytes.length) {
    if (at + 12 > bytes.length) throw invalid('a chunk is truncated');
    const length = bytes.readUInt32BE(at);
    const type = bytes.subarray(at + 4, at + 8).toString('latin1');
    const body = bytes.subarray(at + 8, at + 8 + length);
    if (body.length !== length || at + 12 + length > bytes.length) throw invalid(`the ${type} chunk is truncated`);
    const stored = bytes.readUInt32BE(at + 8 + length);
    if ((crc32(body, crc32(bytes.subarray(at + 4, at + 8))) >>> 0) !== stored) throw invalid(`the ${type} chunk's CRC does not match`);
    at += 12 + length;
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      if (body[8] !== 8 || body[9] !== colourTypeRgb || body[12] !== 0) {
        throw invalid(`only 8-bit RGB without interlace is supported (bit depth ${body[8]}, colour type ${body[9]}, interlace ${body[12]})`);
      }
    } else if (type === 'tEXt' || type === 'iTXt') {
      const [keyword, value] = readText(type, body);
      text[keyword] = value;
    } else if (type === 'IDAT') {
      compressed.push(body);
    } else if (type === 'IEND') {
      break;
    }
  }
  if (width === 0 || height === 0) throw invalid('IHDR is missing');
  const raw = inflateSync(Buffer.concat(compressed));
  const stride = width * bytesPerPixel;
  if (raw.length !== (stride + 1) * height) throw invalid(`the image data holds ${raw.length} bytes, ${width}×${height} RGB needs ${(stride + 1) * height}`);
  const data = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const row = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let i = 0; i < stride; i++) {
      const left = i >= bytesPerPixel ? data[y * stride + i - bytesPerPixel] : 0;
      const up = y > 0 ? data[(y - 1) * stride + i] : 0;
      const upLeft = y > 0 && i >= bytesPerPixel ? data[(y - 1) * stride + i - bytesPerPixel] : 0;
      data[y * stride + i] = (row[i] + predictor(filter, left, up, upLeft)) & 0xff;
    }
  }
  return { width, height, data, text };
}

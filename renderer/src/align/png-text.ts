/**
 * The text an align run writes into every PNG (prompt, seed, generation, reward, genome hash,
 * recipe), read in the browser from the bytes readRunFile serves: tEXt (Latin-1) and uncompressed
 * iTXt (UTF-8), which is what EdgeTune writes. Compressed entries are skipped.
 */
const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

export class PngTextError extends Error {}

function latin1(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) text += String.fromCharCode(byte);
  return text;
}

export function readPngText(file: Uint8Array): Record<string, string> {
  if (file.length < 8 || SIGNATURE.some((byte, index) => file[index] !== byte)) throw new PngTextError('not a PNG file');
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const text: Record<string, string> = {};
  let at = 8;
  while (at + 8 <= file.length) {
    const length = view.getUint32(at);
    const type = latin1(file.subarray(at + 4, at + 8));
    const body = file.subarray(at + 8, at + 8 + length);
    if (body.length < length) throw new PngTextError(`the ${type} chunk is truncated`);
    if (type === 'IEND') break;
    const keywordEnd = body.indexOf(0);
    if (type === 'tEXt' && keywordEnd > 0) {
      text[latin1(body.subarray(0, keywordEnd))] = latin1(body.subarray(keywordEnd + 1));
    } else if (type === 'iTXt' && keywordEnd > 0 && body[keywordEnd + 1] === 0) {
      // keyword 0, compression flag, method, language tag 0, translated keyword 0, text
      const languageEnd = body.indexOf(0, keywordEnd + 3);
      const translatedEnd = languageEnd < 0 ? -1 : body.indexOf(0, languageEnd + 1);
      if (translatedEnd >= 0) text[latin1(body.subarray(0, keywordEnd))] = new TextDecoder().decode(body.subarray(translatedEnd + 1));
    }
    at += 12 + length;
  }
  return text;
}

export function base64Bytes(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index += 1) bytes[index] = binary.charCodeAt(index);
  return bytes;
}

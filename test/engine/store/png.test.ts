import { describe, expect, it } from 'vitest';
import { decodePng, encodePng } from '../../../electron/engine/store/png.js';
import { createRng } from '../../../electron/engine/util/rng.js';

function noiseImage(width: number, height: number, seed: number) {
  const rng = createRng(seed);
  return { width, height, data: Uint8Array.from({ length: width * height * 3 }, () => rng.int(256)) };
}

function gradientImage(width: number, height: number) {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set([x * 8, y * 8, (x + y) * 4], (y * width + x) * 3);
  }
  return { width, height, data };
}

describe('PNG writer and reader', () => {
  it('round-trips pixels and metadata, Latin-1 (tEXt) and other scripts (iTXt)', () => {
    const image = noiseImage(7, 5, 1);
    const text = { prompt: 'hills at dusk, café', model: 'default', seed: '42', genomeHash: '0123456789abcdef', note: '山と湖 ✓' };
    const file = encodePng(image, text);
    const decoded = decodePng(file);
    expect([decoded.width, decoded.height]).toEqual([7, 5]);
    expect(Buffer.from(decoded.data).equals(Buffer.from(image.data))).toBe(true);
    expect(decoded.text).toEqual(text);
    expect(file.includes(Buffer.from('tEXtprompt\0hills at dusk, caf\xe9', 'latin1'))).toBe(true);
    expect(file.includes(Buffer.from('iTXtnote', 'latin1'))).toBe(true);
  });

  it('filters smooth images well: a gradient compresses far below its raw size', () => {
    const image = gradientImage(32, 32);
    const file = encodePng(image);
    expect(Buffer.from(decodePng(file).data).equals(Buffer.from(image.data))).toBe(true);
    expect(file.length).toBeLessThan(image.data.length / 4);
  });

  it('reads a PNG another encoder wrote (Pillow, Sub and Paeth row filters, tEXt + iTXt)', () => {
    const pillow = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAUAAAADCAIAAADUVFKvAAAAFHRFWHRwcm9tcHQAaGlsbHMgYXQgZHVza/dleWoAAAAYaVRYdG5vdGUAAAAAAMO8bsOvY8O2ZMOpIOKck+1AJG8AAAAxSURBVHjaPcJBDQAwCARBmpD0tT6wgRTcYuT+J6G/TuZE3Br+XHUNJSwsctUWK0p4eFYUEc1THlK8AAAAAElFTkSuQmCC',
      'base64',
    );
    const decoded = decodePng(pillow);
    const expected = Array.from({ length: 15 }, (_, i) => [(i * 40) % 256, (i * 97) % 256, (i * 13 + 7) % 256]).flat();
    expect([...decoded.data]).toEqual(expected);
    expect(decoded.text).toEqual({ prompt: 'hills at dusk', note: 'ünïcödé ✓' });
  });

  it('rejects damaged files and bad input with a reason', () => {
    const file = encodePng(noiseImage(4, 4, 2), { seed: '1' });
    const damaged = Buffer.from(file);
    damaged[damaged.length - 20] ^= 0xff;
    expect(() => decodePng(damaged)).toThrow(/CRC/);
    expect(() => decodePng(Buffer.from('not a png'))).toThrow(/signature/);
    expect(() => encodePng({ width: 2, height: 2, data: new Uint8Array(5) })).toThrow(/12 bytes/);
    expect(() => encodePng(noiseImage(1, 1, 3), { '': 'x' })).toThrow(/keyword/);
  });
});

import { describe, expect, it } from 'vitest';
import { encodePng } from '../../electron/engine/store/png';
import { base64Bytes, PngTextError, readPngText } from '../../renderer/src/align/png-text';

describe('PNG text in the browser', () => {
  const image = { width: 2, height: 2, data: new Uint8Array(12).fill(128) };

  it('reads back what the align run writes: tEXt for Latin-1, iTXt for the rest', () => {
    const text = { prompt: 'a lighthouse at dusk — 灯台', seed: '7', generation: '3', recipe: "edgetune align --prompt 'x y' --steps 4", reward: '1163' };
    const png = encodePng(image, text);
    expect(readPngText(png)).toEqual(text);
    expect(readPngText(base64Bytes(Buffer.from(png).toString('base64')))).toEqual(text);
  });

  it('gives an empty record for a PNG without text, and refuses what is not a PNG', () => {
    expect(readPngText(encodePng(image))).toEqual({});
    expect(() => readPngText(new TextEncoder().encode('GIF89a not a png'))).toThrow(PngTextError);
  });
});

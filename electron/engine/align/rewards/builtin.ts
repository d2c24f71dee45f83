/** The pixel rewards EdgeTune ships, by the names the reward spec and the CLI use. */
import type { Direction } from '../direction.js';
import type { RgbImage } from '../image.js';
import { jpegSizeBytes } from './jpeg.js';
import { brightness, colourfulness, contrast, saturation } from './measures.js';
import { pixelReward, type PixelReward } from './types.js';

export interface BuiltinMeasure {
  readonly name: string;
  readonly aliases: readonly string[];
  /** what the number is, with its unit or range */
  readonly description: string;
  readonly defaultDirection: Direction;
  /** what maximising and minimising it favour, in a user's words */
  readonly favours: Readonly<Record<Direction, string>>;
  readonly measure: (image: RgbImage) => number;
}

export const builtinMeasures: readonly BuiltinMeasure[] = [
  {
    name: 'jpeg-size',
    aliases: [],
    description: 'JPEG size at quality 95, in bytes',
    // The paper's JPEG objective is minimised (compressibility).
    defaultDirection: 'min',
    favours: { min: 'compressible images (flat, smooth): compressibility', max: 'incompressible images (detail, texture): incompressibility' },
    measure: (image) => jpegSizeBytes(image),
  },
  {
    name: 'brightness',
    aliases: [],
    description: 'mean BT.601 luma, 0 (black) to 1 (white)',
    defaultDirection: 'max',
    favours: { max: 'brighter images', min: 'darker images' },
    measure: brightness,
  },
  {
    name: 'contrast',
    aliases: [],
    description: 'RMS contrast, the standard deviation of luma, 0 to 0.5',
    defaultDirection: 'max',
    favours: { max: 'more contrast', min: 'flatter tones' },
    measure: contrast,
  },
  {
    name: 'saturation',
    aliases: [],
    description: 'mean HSV saturation, 0 (grey) to 1 (pure hues)',
    defaultDirection: 'max',
    favours: { max: 'more saturated colour', min: 'greyer images' },
    measure: saturation,
  },
  {
    name: 'colourfulness',
    aliases: ['colorfulness'],
    description: 'Hasler–Süsstrunk colourfulness on 0–255 values, 0 (grey) to ~110+ (extremely colourful)',
    defaultDirection: 'max',
    favours: { max: 'more colourful images', min: 'less colourful images' },
    measure: colourfulness,
  },
];

export function findBuiltinMeasure(name: string): BuiltinMeasure | undefined {
  return builtinMeasures.find((measure) => measure.name === name || measure.aliases.includes(name));
}

/**
 * A built-in measure as a reward: values are the raw measure, `direction` says which way is better.
 * Without a direction the reward is named after the measure alone, which is how composites refer to it.
 */
export function measureReward(measure: BuiltinMeasure, direction?: Direction): PixelReward {
  const chosen = direction ?? measure.defaultDirection;
  return pixelReward({
    name: direction === undefined ? measure.name : `${measure.name}:${direction}`,
    direction: chosen,
    description: `${measure.description}; ${chosen === 'max' ? 'maximised' : 'minimised'}, favouring ${measure.favours[chosen]}`,
    scoreImage: measure.measure,
  });
}

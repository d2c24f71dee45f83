/**
 * A reward scores a batch of images. Pixel rewards are pure functions under the hood; model rewards
 * (ONNX scorers, CLIP) run onnxruntime, hence the promise and the batch.
 */
import type { Direction } from '../direction.js';
import type { RgbImage } from '../image.js';

export interface RewardScores {
  /** one value per image, in the reward's own units; NaN/±Infinity are passed on, never hidden */
  readonly values: number[];
  /** one per image: 0 when every constraint holds, else how far outside (see combine.ts) */
  readonly violations: number[];
}

export interface Reward {
  /** canonical spec text, e.g. `jpeg-size:min` or `brightness=0.7` */
  readonly name: string;
  readonly direction: Direction;
  /** one line a user reads in a run summary */
  readonly description: string;
  score(images: readonly RgbImage[]): Promise<RewardScores>;
}

/** A reward whose images are scored one at a time by a pure function. */
export interface PixelReward extends Reward {
  scoreImage(image: RgbImage): number;
}

export function pixelReward(fields: {
  name: string;
  direction: Direction;
  description: string;
  scoreImage: (image: RgbImage) => number;
}): PixelReward {
  const { scoreImage } = fields;
  return {
    ...fields,
    async score(images) {
      const values = images.map(scoreImage);
      return { values, violations: values.map(() => 0) };
    },
  };
}

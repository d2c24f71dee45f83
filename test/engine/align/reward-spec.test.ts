import { describe, expect, it } from 'vitest';
import { parseRewardSpec, rewardFromSpec } from '../../../electron/engine/align/reward-spec.js';
import { brightness, colourfulness, saturation } from '../../../electron/engine/align/rewards/measures.js';
import { jpegSizeBytes } from '../../../electron/engine/align/rewards/jpeg.js';
import { pixelReward } from '../../../electron/engine/align/rewards/types.js';
import { userErrorOf } from '../../helpers/errors.js';
import { noiseImage, solidImage } from './images.js';

const images = [solidImage(8, 8, [10, 200, 30]), noiseImage(8, 8)];

describe('reward spec: accepted', () => {
  it.each([
    ['jpeg-size', 'jpeg-size:min', 'min'],
    ['jpeg-size:max', 'jpeg-size:max', 'max'],
    ['brightness', 'brightness:max', 'max'],
    ['brightness=0.7', 'brightness=0.7', 'max'],
    ['0.5*saturation+0.5*colourfulness', '0.5*saturation:max+0.5*colourfulness:max', 'max'],
    ['jpeg-size:min,brightness in [0.3,0.6]', 'jpeg-size:min,brightness in [0.3,0.6]', 'min'],
    [' jpeg-size : min , brightness in [ 0.3 , 0.6 ] ', 'jpeg-size:min,brightness in [0.3,0.6]', 'min'],
    ['colorfulness', 'colourfulness:max', 'max'],
    ['saturation+1e-4*jpeg-size:min,contrast>=0.1,jpeg-size<=4e4', 'saturation:max+0.0001*jpeg-size:min,contrast >= 0.1,jpeg-size <= 40000', 'max'],
    ['brightness=-.5', 'brightness=-0.5', 'max'],
  ])('%s → %s (%s)', (text, name, direction) => {
    const reward = rewardFromSpec(text);
    expect(reward.name).toBe(name);
    expect(reward.direction).toBe(direction);
    expect(reward.description.length).toBeGreaterThan(20);
  });

  it('parses to terms and constraints', () => {
    expect(parseRewardSpec('2*clip+brightness=0.4,jpeg-size<=50000,contrast in [0.1,0.3]')).toEqual({
      text: '2*clip+brightness=0.4,jpeg-size<=50000,contrast in [0.1,0.3]',
      terms: [
        { kind: 'directed', name: 'clip', weight: 2, direction: null },
        { kind: 'target', name: 'brightness', weight: null, target: 0.4 },
      ],
      constraints: [
        { name: 'jpeg-size', max: 50000 },
        { name: 'contrast', min: 0.1, max: 0.3 },
      ],
    });
  });

  it('scores what it says', async () => {
    const jpegValues = images.map((image) => jpegSizeBytes(image));
    expect((await rewardFromSpec('jpeg-size').score(images)).values).toEqual(jpegValues);
    const sum = await rewardFromSpec('0.5*saturation+0.5*colourfulness').score(images);
    sum.values.forEach((value, index) => expect(value).toBeCloseTo(0.5 * saturation(images[index]) + 0.5 * colourfulness(images[index]), 9));
    const target = await rewardFromSpec('brightness=0.7').score(images);
    target.values.forEach((value, index) => expect(value).toBeCloseTo(-Math.abs(brightness(images[index]) - 0.7), 12));
    const bounded = await rewardFromSpec(`jpeg-size:min,jpeg-size<=${jpegValues[0]}`).score(images);
    expect(bounded.violations[0]).toBe(0);
    expect(bounded.violations[1]).toBeGreaterThan(0);
  });

  it('resolves model rewards the run registered', async () => {
    const clip = pixelReward({ name: 'clip', direction: 'max', description: 'stand-in for a CLIP score', scoreImage: () => 0.25 });
    const reward = rewardFromSpec('clip+0.001*jpeg-size:min,clip>=0.2', [clip]);
    expect(reward.name).toBe('clip:max+0.001*jpeg-size:min,clip >= 0.2');
    const scores = await reward.score(images);
    scores.values.forEach((value, index) => expect(value).toBeCloseTo(0.25 - 0.001 * jpegSizeBytes(images[index]), 9));
    expect(scores.violations).toEqual([0, 0]);
  });
});

describe('reward spec: rejected with the bad part and a fix', () => {
  it.each([
    ['', "reward spec '': is empty", 'jpeg-size:max'],
    ['sharpness', "reward spec 'sharpness': unknown reward 'sharpness'", 'use one of: jpeg-size, brightness, contrast, saturation, colourfulness'],
    ['jpeg_size', "unknown reward 'jpeg_size' (did you mean 'jpeg-size'?)", 'use one of'],
    ['brightness:up', "in 'brightness:up': ':' must be followed by max or min but found 'up'", 'brightness:max or brightness:min'],
    ['brightness=', "in 'brightness=': expected a target value after 'brightness=' but the part ended", 'jpeg-size'],
    ['0*brightness', "in '0*brightness': weight 0 is not positive", 'w*name:min'],
    ['0.5 saturation', "in '0.5 saturation': expected '*' between the weight and the reward name but found 'saturation'", 'jpeg-size'],
    ['saturation-0.5*jpeg-size', "in 'saturation-0.5*jpeg-size': unexpected '-0.5'", 'there is no subtraction'],
    ['jpeg-size,brightness', "in 'brightness': a second objective after 'jpeg-size'", "join objectives with '+'"],
    ['jpeg-size,brightness in [0.6,0.3]', "in 'brightness in [0.6,0.3]': the interval [0.6,0.3] is empty or reversed", 'brightness in [0.3,0.6]'],
    ['jpeg-size,brightness in [0.3 0.6]', "in 'brightness in [0.3 0.6]': expected ',' between the bounds but found '0.6'", 'jpeg-size'],
    ['jpeg-size,brightness < 0.5', "in 'brightness < 0.5': '<' is not a comparison here", 'use <= or >='],
    ['brightness in [0.3,0.6]', "has constraints but nothing to optimise", 'add an objective first, e.g. jpeg-size:min,brightness in [0.3,0.6]'],
    ['jpeg-size,,brightness>=0.1', "in '': a part between commas is empty", 'remove the extra comma'],
    ['jpeg-size;brightness', "in 'jpeg-size;brightness': unexpected character ';'", 'jpeg-size'],
  ])('%j', (text, message, fix) => {
    const error = userErrorOf(() => rewardFromSpec(text));
    expect(error.code).toBe('reward-spec');
    expect(error.message).toContain(message);
    expect(error.fix).toContain(fix);
  });
});

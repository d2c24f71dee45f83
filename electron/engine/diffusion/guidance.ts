/**
 * Classifier-free guidance (Ho & Salimans 2022): ε = ε_uncond + s·(ε_cond − ε_uncond), for a
 * model output whose first half of rows saw the negative prompt and second half the prompt.
 */
export function applyClassifierFreeGuidance(output: Float32Array, guidanceScale: number): Float32Array {
  if (output.length % 2 !== 0) throw new RangeError(`guided output of ${output.length} values does not split into two halves`);
  const half = output.length / 2;
  const guided = new Float32Array(half);
  for (let i = 0; i < half; i++) {
    const unconditional = output[i];
    guided[i] = unconditional + guidanceScale * (output[half + i] - unconditional);
  }
  return guided;
}

/** Rows a batch needs for a model call: twice the images when guidance runs both prompts. */
export function guidanceActive(guidanceScale: number): boolean {
  // diffusers' rule: at scale ≤ 1 the unconditional half would only be scaled away, so skip it.
  return guidanceScale > 1;
}

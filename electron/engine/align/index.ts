/** engine/align's public surface: searches over a diffusion model's initial noise, rewards, budgets. */
export type { Direction } from './direction.js';
export { checkRgbImage, solidImage, type RgbImage } from './image.js';
export { budgetDecision, checkBudget, createBudgetTracker, type Budget, type BudgetDecision, type BudgetProgress, type BudgetTracker } from './budget.js';
export { createSearch, restoreSearch, type AnySearchOptions } from './search/index.js';
export * from './search/types.js';
export { generationSeed } from './search/ask-tell.js';
export { normalGenome, projectToShell, shellRadius } from './search/genome.js';
export { builtinRewardNames, buildReward, parseRewardSpec, rewardFromSpec, type RewardSpec } from './reward-spec.js';
export type { Reward, RewardScores, PixelReward } from './rewards/types.js';
export { builtinMeasures, findBuiltinMeasure, measureReward, type BuiltinMeasure } from './rewards/builtin.js';
export { compositeReward, constrained, targetReward, weightedSum, withDirection, type Constraint, type ObjectiveTerm } from './rewards/combine.js';
export { jpegSizeBytes } from './rewards/jpeg.js';
export { brightness, colourfulness, contrast, saturation } from './rewards/measures.js';
export { createOnnxScorer, type OnnxScorerOptions } from './rewards/onnx-scorer.js';
export { createClipReward, clipNormalisation, type ClipRewardOptions, type TextEmbeddingSource } from './rewards/clip.js';
export type { ModelInput, ModelReward } from './rewards/onnx-session.js';

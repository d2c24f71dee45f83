/** `edgetune align` as an engine job: open a model, run the search, keep a resumable run folder. */
export { checkAlignSettings, initialLatent, runAlign, type AlignJobOptions, type AlignProgress, type AlignResult } from './align-job.js';
export { genomeFileName, genomeHash, readGenomeFile } from './genomes.js';
export { imageText, recipeCommand } from './image-metadata.js';
export { defaultModelFolder, defaultModelName, normaliseModelChoice, openAlignModel, type AlignModel } from './model-source.js';
export type { BestRecord, CandidateRecord, GenerationSummary, InvalidRewardEvent } from './records.js';
export {
  ALIGN_CHECKPOINT_SCHEMA,
  ALIGN_GENERATION_SCHEMA,
  ALIGN_SCHEMA,
  checkpointFile,
  readCheckpoint,
  summaryFile,
  type AlignCheckpoint,
  type AlignDocument,
  type BaselineRecord,
} from './run-documents.js';
export { defaultAlignBudget, parseAlgorithm, resumedBudget, type AlignSettings, type PipelineSettings } from './settings.js';

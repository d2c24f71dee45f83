export { type CurvePoint, type DetectionSeries, detectionSeries } from './curve.js';
export { type AccuracyPoint, formatProfileCsv, parseAccuracyCsv, parseProfileCsv } from './csv.js';
export { CONFIDENT_STEP, DEFAULT_DETECT_OPTIONS, type DetectOptions, detectStaircase, isConfidentStep } from './detect.js';
export { readAccuracyCsvFile, readProfileCsvFile } from './read-csv.js';

export { type LatencyCurve, type LatencyModel, latencyModel, predictModelMs } from './latency.js';
export { type PlanScheduleInput, type PlanContext, type PlanDecision, type Planner, planSchedule } from './plan.js';
export {
  type KeepDecision,
  type UtilityPoint,
  minimalMove,
  pomtKeepTokens,
  pomtRemove,
  pomtUtility,
  pomtWithAccuracy,
  stepLandedBelow,
} from './pomt.js';

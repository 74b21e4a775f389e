export { AnalysisService, MAX_AFFECTED, serviceClasses, type ChangeConflictRecord } from './analysis.service';

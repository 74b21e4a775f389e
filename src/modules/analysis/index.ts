export { AnalysisService, MAX_AFFECTED, type ChangeConflictRecord } from './analysis.service';
export { analysisResolvers } from './analysis.resolvers';

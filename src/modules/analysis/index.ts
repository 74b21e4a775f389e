export { AnalysisService, MAX_AFFECTED } from './analysis.service';
export { analysisResolvers } from './analysis.resolvers';

import type { CodegenConfig } from '@graphql-codegen/cli';

/** Types for every resolver, from schema/*.graphql. Output in src/generated (gitignored, never edited). */
const config: CodegenConfig = {
  schema: 'schema/*.graphql',
  generates: {
    'src/generated/graphql.ts': {
      plugins: ['typescript', 'typescript-resolvers'],
      config: {
        contextType: '../server/context#GraphQLContext',
        useTypeImports: true,
        strictScalars: true,
        enumsAsTypes: true,
        avoidOptionals: { field: true, inputValue: false, object: false, defaultValue: false },
        scalars: { DateTime: 'string', JSON: 'unknown' },
        mappers: {
          CI: '../modules/cmdb/cmdb.types#EntityRecord',
          Organization: '../modules/cmdb/cmdb.types#EntityRecord',
          Group: '../modules/cmdb/cmdb.types#EntityRecord',
          Person: '../modules/cmdb/cmdb.types#EntityRecord',
          Relationship: '../modules/cmdb/cmdb.types#RelationshipView',
          CIConnection: '../modules/cmdb/cmdb.types#CIConnectionRecord',
          CIClass: '../modules/cmdb/registry#ClassDef',
          RelationshipType: '../modules/cmdb/registry#RelationshipTypeDef',
          ImpactResult: '../modules/analysis/analysis.service#ImpactOutcome',
          AffectedCI: '../modules/analysis/analysis.service#AffectedRecord',
          AffectedService: '../modules/analysis/analysis.service#AffectedRecord',
          AffectedCustomer: '../modules/analysis/analysis.service#CustomerImpactRecord',
          Dependency: '../modules/analysis/analysis.service#DependencyRecord',
          RootCauseCandidate: '../modules/analysis/analysis.service#RootCauseRecord',
          SymptomPath: '../modules/analysis/analysis.service#SymptomPathRecord',
          ChangeImpactResult: '../modules/analysis/analysis.service#ChangeImpactRecord',
          CIRevision: '../modules/history/history.service#RevisionView',
          Baseline: '../modules/history/history.service#BaselineView',
          BaselineDiff: '../modules/history/history.service#DiffRecord',
          CMDBHealth: '../modules/history/history.service#HealthRecord',
        },
      },
    },
  },
};

export default config;

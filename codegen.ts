import type { CodegenConfig } from '@graphql-codegen/cli';

/** Types for every resolver, from schema/*.graphql. Output in src/generated (gitignored, never edited). */
const config: CodegenConfig = {
  schema: 'schema/*.graphql',
  generates: {
    'src/generated/graphql.ts': {
      plugins: ['typescript', 'typescript-resolvers'],
      config: {
        contextType: '../context#GraphQLContext',
        useTypeImports: true,
        strictScalars: true,
        enumsAsTypes: true,
        avoidOptionals: { field: true, inputValue: false, object: false, defaultValue: false },
        scalars: { DateTime: 'string', JSON: 'unknown' },
        // Enum values whose stored form differs from the GraphQL name; the resolvers map them (Apollo enum resolvers).
        enumValues: { OrganizationType: { CUSTOMER: 'customer', SUPPLIER: 'supplier', INTERNAL: 'internal' } },
        mappers: {
          CI: '../modules/cmdb/cmdb.types#EntityRecord',
          Organization: '../modules/cmdb/cmdb.types#EntityRecord',
          Group: '../modules/cmdb/cmdb.types#EntityRecord',
          Person: '../modules/cmdb/cmdb.types#EntityRecord',
          Relationship: '../modules/cmdb/cmdb.types#RelationshipView',
          CIConnection: '../modules/cmdb/cmdb.types#CIConnectionRecord',
          OrganizationConnection: '../modules/cmdb/cmdb.types#CIConnectionRecord',
          GroupConnection: '../modules/cmdb/cmdb.types#CIConnectionRecord',
          // The typescript-resolvers plugin types an enum with explicit enumValues as null: name its own type.
          OrganizationType: 'OrganizationType',
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
          TicketRef: '../modules/tickets/tickets.repository#TicketRecord',
          Incident: '../modules/tickets/tickets.repository#TicketRecord',
          Problem: '../modules/tickets/tickets.repository#TicketRecord',
          KnownError: '../modules/tickets/tickets.repository#TicketRecord',
          ServiceRequest: '../modules/tickets/tickets.repository#TicketRecord',
          Change: '../modules/tickets/tickets.repository#TicketRecord',
          Release: '../modules/tickets/tickets.repository#TicketRecord',
          JournalEntry: '../modules/tickets/tickets.repository#JournalRow',
          TicketServiceImpact: '../modules/tickets/tickets.repository#ImpactLink',
          TicketCustomerImpact: '../modules/tickets/tickets.types#CustomerLink',
          IncidentSuggestions: '../modules/tickets/triage.service#SuggestionsRecord',
          RelatedIncident: '../modules/tickets/tickets.types#RelatedIncidentRecord',
          ApplicableKnownError: '../modules/tickets/tickets.types#ApplicableKnownErrorRecord',
          QueueEntry: '../modules/tickets/triage.service#QueueEntryRecord',
          CatalogItem: '../modules/tickets/tickets.repository#CatalogItemRow',
          WorkOrder: '../modules/change/change.repository#WorkOrderRow',
          Approval: '../modules/change/change.repository#ApprovalRow',
          BlackoutWindow: '../modules/change/change.repository#BlackoutRow',
          Deployment: '../modules/change/change.repository#DeploymentRow',
          ChangeSchedule: '../modules/change/change.types#ScheduleRecord',
        },
      },
    },
  },
};

export default config;

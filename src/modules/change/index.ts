export { ChangeService } from './change.service';
export type { BlackoutRow, DeploymentRow, WorkOrderRow, ApprovalRow } from './change.repository';
export type { ScheduleRecord } from './change.types';

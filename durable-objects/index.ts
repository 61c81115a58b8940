export { CampaignRunner } from './campaign-runner';
export { KillSwitch } from './kill-switch';
export { TenantGovernor } from './tenant-governor';

// The Logs Ingestion state of one mock instance: its DCRs (the shipped Darktrace DCR plus
// `dcrFiles`), the Entra tenant that issues its tokens, and the policies of spec B8. Built once per
// instance, synchronously, so a bad DCR file makes createMockSentinel() throw with the file and path.
import type { LabContext } from '../labContext.ts';
import type { MockEntra } from '../entra/mock-entra.ts';
import { entraFor } from '../entra/lab-entra.ts';
import { MONITOR_AUDIENCE } from '../entra/defaults.ts';
import { DEFAULT_MAX_JSON_DEPTH } from '../ingestion/json-depth.ts';
import { DcrRegistry, DEFAULT_DCR_FILE } from './dcr/dcr-registry.ts';
import { DcrValidationError } from './dcr/load-dcr.ts';
import type { LogsIngestionOptions } from './options.ts';

export const LOGS_INGESTION_ROUTE = 'logsIngestion';

export interface LogsIngestionService {
  dcrs: DcrRegistry;
  entra: MockEntra;
  audience: string;
  maxJsonDepth: number;
  unauthorizedCodes: Required<NonNullable<LogsIngestionOptions['unauthorizedCodes']>>;
}

const instances = new WeakMap<LabContext, LogsIngestionService>();

export function logsIngestionFor(lab: LabContext): LogsIngestionService {
  let service = instances.get(lab);
  if (!service) {
    const options = lab.options as { logsIngestion?: LogsIngestionOptions; dcrFiles?: string[] };
    const li = options.logsIngestion ?? {};
    const dcrs = new DcrRegistry();
    const load = { defaultWorkspaceId: lab.workspaces.ids()[0]! };
    if (li.defaultDcr ?? true) dcrs.addFileSync(DEFAULT_DCR_FILE, load);
    for (const file of options.dcrFiles ?? []) dcrs.addFileSync(file, load);
    for (const rule of dcrs.list()) {
      for (const stream of rule.streams.values()) {
        for (const flow of stream.flows) {
          const unknown = flow.workspaceIds.find((ws) => !lab.workspaces.get(ws));
          if (unknown) {
            throw new DcrValidationError(rule.source, [
              `properties.dataFlows[${flow.index}].destinations: workspace ${unknown} is not served by this mock (add it with --workspace)`,
            ]);
          }
        }
      }
    }
    service = {
      dcrs,
      entra: entraFor(lab),
      audience: li.audience ?? MONITOR_AUDIENCE,
      maxJsonDepth: li.maxJsonDepth ?? DEFAULT_MAX_JSON_DEPTH,
      unauthorizedCodes: {
        missing: 'AuthenticationFailed',
        invalid: 'InvalidAuthenticationToken',
        expired: 'ExpiredAuthenticationToken',
        audience: 'InvalidAuthenticationTokenAudience',
        ...li.unauthorizedCodes,
      },
    };
    instances.set(lab, service);
  }
  return service;
}

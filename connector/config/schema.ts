// JSON Schema of the connector config file (the raw form, before durations/sizes are resolved).
import { DURATION_PATTERN, SIZE_PATTERN } from '../util/duration.ts';
import { MAX_CLOCK_SKEW_MS } from '../util/signing-clock.ts';

const duration = { anyOf: [{ type: 'integer', minimum: 0 }, { type: 'string', pattern: DURATION_PATTERN }] };
const size = { anyOf: [{ type: 'integer', minimum: 1 }, { type: 'string', pattern: SIZE_PATTERN }] };
const secret = { type: 'string', minLength: 1 };
const listen = { anyOf: [{ type: 'integer', minimum: 0, maximum: 65535 }, { type: 'string', pattern: '^([^\\s:]+:)?\\d{1,5}$' }] };
const base64Key = { type: 'string', pattern: '^[A-Za-z0-9+/]+={0,2}$', minLength: 4 };

const httpUrl = { type: 'string', format: 'uri', pattern: '^https?://' };

/** How a sink groups records into posts; the same knobs for either Sentinel API. */
const batch = {
  type: 'object',
  additionalProperties: false,
  properties: {
    maxBytes: size,
    maxRecords: { type: 'integer', minimum: 1 },
  },
};

const retry = {
  type: 'object',
  additionalProperties: false,
  properties: {
    maxAttempts: { type: 'integer', minimum: 1, maximum: 100 },
    baseDelay: duration,
    maxDelay: duration,
    pause: duration,
  },
};

const dataCollector = {
  type: 'object',
  additionalProperties: false,
  required: ['mode', 'workspaceId', 'sharedKey'],
  properties: {
    mode: { const: 'dataCollector' },
    workspaceId: { type: 'string', format: 'uuid' },
    sharedKey: base64Key,
    secondaryKey: base64Key,
    endpoint: httpUrl,
    logType: { type: 'string', pattern: '^[A-Za-z0-9_]{1,100}$' },
    timeGeneratedField: { type: 'string', pattern: '^([A-Za-z0-9_]{1,45})?$' },
    azureResourceId: { type: 'string' },
    timeout: duration,
    batch,
    retry,
    stuckAfter: duration,
  },
};

const streamName = { type: 'string', pattern: '^Custom-[A-Za-z0-9_]{1,200}$' };

const logsIngestion = {
  type: 'object',
  additionalProperties: false,
  required: ['mode', 'endpoint', 'dcrImmutableId', 'tenantId', 'clientId', 'clientSecret'],
  properties: {
    mode: { const: 'logsIngestion' },
    endpoint: httpUrl,
    dcrImmutableId: { type: 'string', pattern: '^dcr-[0-9a-f]{32}$' },
    tenantId: { type: 'string', minLength: 1 },
    clientId: { type: 'string', format: 'uuid' },
    clientSecret: secret,
    authorityHost: httpUrl,
    caFile: { type: 'string', minLength: 1 },
    streams: {
      type: 'object',
      additionalProperties: false,
      properties: { policyBreach: streamName, aiAnalyst: streamName, systemAlert: streamName, antigenaEmail: streamName, responseActions: streamName, asm: streamName, emailRelease: streamName },
    },
    customLabel: { type: 'string' },
    maxConcurrency: { type: 'integer', minimum: 1, maximum: 32 },
    timeout: duration,
    batch,
    retry,
    stuckAfter: duration,
  },
};

/** A sink name: it names the sink's commit marker file, its parked directory and its metrics label. */
export const SINK_NAME_PATTERN = '^[A-Za-z0-9_-]{1,64}$';

/** One entry of `sinks:`: a `sentinel:` block plus its `name` and whether it starts enabled. */
function sinkEntry(variant: { required: string[]; properties: Record<string, unknown> }) {
  return {
    ...variant,
    required: ['name', ...variant.required],
    properties: { ...variant.properties, name: { type: 'string', pattern: SINK_NAME_PATTERN }, enabled: { type: 'boolean' } },
  };
}

export const configSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['darktrace', 'state'],
  properties: {
    darktrace: {
      type: 'object',
      additionalProperties: false,
      required: ['url', 'publicToken', 'privateToken'],
      properties: {
        url: httpUrl,
        publicToken: secret,
        privateToken: secret,
        linkBase: httpUrl,
        timeout: duration,
        emailPathPrefix: { type: 'string', pattern: '^/' },
      },
    },
    sentinel: {
      type: 'object',
      required: ['mode'],
      discriminator: { propertyName: 'mode' },
      oneOf: [dataCollector, logsIngestion],
    },
    sinks: {
      type: 'array',
      minItems: 1,
      maxItems: 16,
      items: {
        type: 'object',
        required: ['mode'],
        discriminator: { propertyName: 'mode' },
        oneOf: [sinkEntry(dataCollector), sinkEntry(logsIngestion)],
      },
    },
    receiver: {
      type: 'object',
      additionalProperties: false,
      required: ['listen', 'token'],
      properties: {
        listen,
        token: secret,
        path: { type: 'string', pattern: '^/' },
        maxBodyBytes: size,
        maxAlertsPerPush: { type: 'integer', minimum: 1, maximum: 1_000_000 },
        maxDepth: { type: 'integer', minimum: 2, maximum: 1000 },
        spoolWait: duration,
      },
    },
    monitoring: {
      type: 'object',
      additionalProperties: false,
      required: ['listen'],
      properties: { listen },
    },
    admin: {
      type: 'object',
      additionalProperties: false,
      properties: {
        token: secret,
        allowedHosts: { type: 'array', items: { type: 'string', pattern: '^[^\\s/]+$' } },
      },
    },
    state: { type: 'string', minLength: 1 },
    spool: {
      type: 'object',
      additionalProperties: false,
      properties: { maxBytes: size, segmentBytes: size },
    },
    poll: {
      type: 'object',
      additionalProperties: false,
      properties: {
        enabled: { type: 'boolean' },
        interval: duration,
        overlap: duration,
        initialLookback: duration,
        lookahead: duration,
        clock: { enum: ['local', 'appliance'] },
        backoffMax: duration,
        sources: {
          type: 'object',
          additionalProperties: false,
          properties: {
            modelBreaches: { type: 'boolean' },
            aiAnalyst: { type: 'boolean' },
            email: { type: 'boolean' },
            responseActions: { type: 'boolean' },
            asm: { type: 'boolean' },
            emailRelease: { type: 'boolean' },
          },
        },
        emailItemsPerPage: { type: 'integer', minimum: 1, maximum: 1000 },
      },
    },
    filters: {
      type: 'object',
      additionalProperties: false,
      properties: {
        alertTypes: {
          type: 'array',
          items: { enum: ['Policy Breach', 'AI Analyst', 'System Alert', 'Antigena Email', 'Response Action', 'ASM', 'Email Release'] },
          uniqueItems: true,
        },
        minScore: { type: 'number', minimum: 0, maximum: 100 },
        modelNames: {
          type: 'object',
          additionalProperties: false,
          properties: {
            include: { type: 'array', items: { type: 'string', minLength: 1 } },
            exclude: { type: 'array', items: { type: 'string', minLength: 1 } },
          },
        },
        minAiAnalystGroupScore: { type: 'number', minimum: 0, maximum: 100 },
      },
    },
    mapping: {
      type: 'object',
      additionalProperties: false,
      properties: {
        modelNameSeparator: { enum: ['::', ' / '] },
        breachTimeField: { enum: ['time', 'creationTime'] },
      },
    },
    debug: {
      type: 'object',
      additionalProperties: false,
      properties: {
        enabled: { type: 'boolean' },
        clockSkewMs: { type: 'integer', minimum: -MAX_CLOCK_SKEW_MS, maximum: MAX_CLOCK_SKEW_MS },
      },
    },
    log: {
      type: 'object',
      additionalProperties: false,
      properties: { level: { enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] }, summaryInterval: duration },
    },
  },
} as const;

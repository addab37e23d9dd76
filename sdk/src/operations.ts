/** Which SDK client and method wraps each operation of the OpenAPI document. */
import { adminOperations } from './clients/admin.js';
import { citizenOperations } from './clients/citizen.js';
import { officerOperations } from './clients/officer.js';
import { publicOperations } from './clients/public.js';
import { serviceOperations } from './clients/service.js';
import type { OperationKey } from './core/operations.js';

/** Every client's operations, by client name: `{ service: { check: 'POST /v1/check', … }, … }`. */
export const sdkOperations = {
  public: publicOperations,
  service: serviceOperations,
  citizen: citizenOperations,
  officer: officerOperations,
  admin: adminOperations,
} as const;

/** Every operation the SDK wraps, with the client and method that wrap it. */
export function wrappedOperations(): Map<OperationKey, { client: keyof typeof sdkOperations; method: string }> {
  const out = new Map<OperationKey, { client: keyof typeof sdkOperations; method: string }>();
  for (const [client, ops] of Object.entries(sdkOperations) as [keyof typeof sdkOperations, Record<string, OperationKey>][]) {
    for (const [method, op] of Object.entries(ops)) out.set(op, { client, method });
  }
  return out;
}

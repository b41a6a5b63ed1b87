// `saasonly`, one rule for every endpoint: a SaaS device is one on the SaaS pseudo-subnet (sid -9,
// hostname `SaaS::<module>: <user>`). Azure/AWS cloud resources sit on their own negative
// pseudo-subnets and raise IaaS models, so they are not SaaS.
export const SAAS_SID = -9;

export function isSaasSid(sid: unknown): boolean {
  return sid === SAAS_SID;
}

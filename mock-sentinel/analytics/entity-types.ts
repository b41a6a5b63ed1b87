// Entity types an analytic rule may map, their identifiers (Microsoft Sentinel's entity mapping
// reference), and the `Type` each takes in SecurityAlert.Entities.
export interface EntityTypeInfo {
  /** `Type` in the alert's Entities JSON. */
  jsonType: string;
  identifiers: readonly string[];
}

export const ENTITY_TYPES: Readonly<Record<string, EntityTypeInfo>> = {
  Account: {
    jsonType: 'account',
    identifiers: ['Name', 'FullName', 'NTDomain', 'DnsDomain', 'UPNSuffix', 'Sid', 'AadTenantId', 'AadUserId', 'PUID', 'IsDomainJoined', 'DisplayName', 'ObjectGuid', 'CloudAppAccountId'],
  },
  AzureResource: { jsonType: 'azure-resource', identifiers: ['ResourceId'] },
  CloudApplication: { jsonType: 'cloud-application', identifiers: ['AppId', 'Name', 'InstanceName'] },
  DNS: { jsonType: 'dns', identifiers: ['DomainName'] },
  File: { jsonType: 'file', identifiers: ['Directory', 'Name'] },
  FileHash: { jsonType: 'filehash', identifiers: ['Algorithm', 'Value'] },
  Host: {
    jsonType: 'host',
    identifiers: ['DnsDomain', 'NTDomain', 'HostName', 'FullName', 'NetBiosName', 'AzureID', 'OMSAgentID', 'OSFamily', 'OSVersion', 'IsDomainJoined'],
  },
  IoTDevice: {
    jsonType: 'iotdevice',
    identifiers: ['IoTHub', 'DeviceId', 'DeviceName', 'IoTSecurityAgentId', 'DeviceType', 'Source', 'SourceRef', 'Manufacturer', 'Model', 'OperatingSystem', 'IpAddress', 'MacAddress', 'Protocols', 'SerialNumber'],
  },
  IP: { jsonType: 'ip', identifiers: ['Address'] },
  Mailbox: { jsonType: 'mailbox', identifiers: ['MailboxPrimaryAddress', 'DisplayName', 'Upn', 'ExternalDirectoryObjectId', 'RiskLevel'] },
  MailCluster: {
    jsonType: 'mail-cluster',
    identifiers: ['NetworkMessageIds', 'CountByDeliveryStatus', 'CountByThreatType', 'CountByProtectionStatus', 'Threats', 'Query', 'QueryTime', 'MailCount', 'IsVolumeAnomaly', 'Source', 'ClusterSourceIdentifier', 'ClusterSourceType', 'ClusterQueryStartTime', 'ClusterQueryEndTime', 'ClusterGroup'],
  },
  MailMessage: {
    jsonType: 'mailMessage',
    identifiers: ['Recipient', 'Urls', 'Threats', 'Sender', 'P1Sender', 'P1SenderDisplayName', 'P1SenderDomain', 'SenderIP', 'P2Sender', 'P2SenderDisplayName', 'P2SenderDomain', 'ReceivedDate', 'NetworkMessageId', 'InternetMessageId', 'Subject', 'BodyFingerprintBin1', 'BodyFingerprintBin2', 'BodyFingerprintBin3', 'BodyFingerprintBin4', 'BodyFingerprintBin5', 'AntispamDirection', 'DeliveryAction', 'DeliveryLocation', 'Language', 'ThreatDetectionMethods'],
  },
  Malware: { jsonType: 'malware', identifiers: ['Name', 'Category'] },
  Process: { jsonType: 'process', identifiers: ['ProcessId', 'CommandLine', 'ElevationToken', 'CreationTimeUtc'] },
  RegistryKey: { jsonType: 'registry-key', identifiers: ['Hive', 'Key'] },
  RegistryValue: { jsonType: 'registry-value', identifiers: ['Name', 'Value', 'ValueType'] },
  SecurityGroup: { jsonType: 'security-group', identifiers: ['DistinguishedName', 'SID', 'ObjectGuid'] },
  SubmissionMail: {
    jsonType: 'SubmissionMail',
    identifiers: ['SubmissionId', 'SubmissionDate', 'Submitter', 'NetworkMessageId', 'Timestamp', 'Recipient', 'Sender', 'SenderIp', 'Subject', 'ReportType'],
  },
  URL: { jsonType: 'url', identifiers: ['Url'] },
};

/**
 * The entity's properties from its mapped identifiers. A `FullName` is split as Sentinel shows it:
 * a host `web01.corp.local` → HostName `web01`, DnsDomain `corp.local`; an account `user@corp.com` →
 * Name `user`, UPNSuffix `corp.com`, or `CORP\user` → NTDomain `CORP`, Name `user`.
 */
export function entityProperties(entityType: string, identifiers: Record<string, string>): Record<string, string> {
  const props: Record<string, string> = { ...identifiers };
  const full = identifiers.FullName;
  if (full !== undefined) {
    delete props.FullName;
    if (entityType === 'Host') {
      const dot = full.indexOf('.');
      props.HostName ??= dot > 0 ? full.slice(0, dot) : full;
      if (dot > 0) props.DnsDomain ??= full.slice(dot + 1);
    } else if (entityType === 'Account') {
      const at = full.indexOf('@');
      const slash = full.indexOf('\\');
      if (at > 0) {
        props.Name ??= full.slice(0, at);
        props.UPNSuffix ??= full.slice(at + 1);
      } else if (slash > 0) {
        props.NTDomain ??= full.slice(0, slash);
        props.Name ??= full.slice(slash + 1);
      } else props.Name ??= full;
    } else props.FullName = full;
  }
  return props;
}

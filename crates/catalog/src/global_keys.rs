//! AWS global condition context keys: keys every service accepts.

use crate::views::key_name_matches;
use crate::{KeyBase, KeyType};

/// A global condition key and its type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GlobalKey {
    /// The key as AWS documents it, with a `${TagKey}` placeholder where it has one.
    pub name: &'static str,
    /// Its type.
    pub key_type: KeyType,
}

const fn key(name: &'static str, base: KeyBase, multivalued: bool) -> GlobalKey {
    GlobalKey {
        name,
        key_type: KeyType { base, multivalued },
    }
}

use KeyBase::{Arn, Bool, Date, IpAddress, Numeric, String as Str};

/// AWS: IAM User Guide, "AWS global condition context keys" (principal, role session,
/// network, resource and request properties), with the types that page gives.
/// `aws:EpochTime` is documented as Date or Numeric; it is listed as Date (Date operators
/// take epoch seconds too).
pub const GLOBAL_KEYS: &[GlobalKey] = &[
    // Properties of the principal
    key("aws:PrincipalArn", Arn, false),
    key("aws:PrincipalAccount", Str, false),
    key("aws:PrincipalOrgPaths", Str, true),
    key("aws:PrincipalOrgID", Str, false),
    key("aws:PrincipalTag/${TagKey}", Str, false),
    key("aws:PrincipalIsAWSService", Bool, false),
    key("aws:PrincipalServiceName", Str, false),
    key("aws:PrincipalServiceNamesList", Str, true),
    key("aws:PrincipalType", Str, false),
    key("aws:userid", Str, false),
    key("aws:username", Str, false),
    // Properties of a role session
    key("aws:AssumedRoot", Str, false),
    key("aws:FederatedProvider", Str, false),
    key("aws:TokenIssueTime", Date, false),
    key("aws:MultiFactorAuthAge", Numeric, false),
    key("aws:MultiFactorAuthPresent", Bool, false),
    key("aws:ChatbotSourceArn", Arn, false),
    key("aws:Ec2InstanceSourceVpc", Str, false),
    key("aws:Ec2InstanceSourcePrivateIPv4", IpAddress, false),
    key("aws:SourceIdentity", Str, false),
    key("ec2:RoleDelivery", Numeric, false),
    key("ec2:SourceInstanceArn", Arn, false),
    key("glue:RoleAssumedBy", Str, false),
    key("glue:CredentialIssuingService", Str, false),
    key("lambda:SourceFunctionArn", Arn, false),
    key("ssm:SourceInstanceArn", Arn, false),
    key("identitystore:UserId", Str, false),
    // Properties of the network
    key("aws:SourceIp", IpAddress, false),
    key("aws:SourceVpc", Str, false),
    key("aws:SourceVpcArn", Arn, false),
    key("aws:SourceVpce", Str, false),
    key("aws:VpceAccount", Str, false),
    key("aws:VpceOrgID", Str, false),
    key("aws:VpceOrgPaths", Str, true),
    key("aws:VpcSourceIp", IpAddress, false),
    // Properties of the resource
    key("aws:ResourceAccount", Str, false),
    key("aws:ResourceOrgID", Str, false),
    key("aws:ResourceOrgPaths", Str, true),
    key("aws:ResourceTag/${TagKey}", Str, false),
    // Properties of the request
    key("aws:CalledVia", Str, true),
    key("aws:CalledViaFirst", Str, false),
    key("aws:CalledViaLast", Str, false),
    key("aws:ViaAWSService", Bool, false),
    key("aws:CurrentTime", Date, false),
    key("aws:EpochTime", Date, false),
    key("aws:referer", Str, false),
    key("aws:RequestedRegion", Str, false),
    key("aws:RequestTag/${TagKey}", Str, false),
    key("aws:TagKeys", Str, true),
    key("aws:SecureTransport", Bool, false),
    key("aws:SourceAccount", Str, false),
    key("aws:SourceArn", Arn, false),
    key("aws:SourceOrgID", Str, false),
    key("aws:SourceOrgPaths", Str, true),
    key("aws:UserAgent", Str, false),
    key("aws:IsMcpServiceAction", Bool, false),
];

impl GlobalKey {
    /// The global key a policy's key names (`aws:sourceip`, `aws:RequestTag/env`).
    pub fn find(policy_key: &str) -> Option<GlobalKey> {
        GLOBAL_KEYS
            .iter()
            .find(|k| key_name_matches(k.name, policy_key))
            .copied()
    }
}

#!/usr/bin/env bash
# Export an AWS account with the AWS CLI into phiward's raw-export layout
# (docs/snapshot.md). Read-only: every call is a Get, List or Describe.
#
#   scripts/export-account.sh [OUT_DIR]          # default: ./aws-export
#   AWS_PROFILE=audit AWS_REGION=us-east-1 scripts/export-account.sh export/
#
# A call that fails leaves NAME.error (the CLI's message) instead of NAME.json; phiward
# records it as "not collected" (or, for answers such as NoSuchBucketPolicy, as "none").
# Then: phiward snapshot import --from OUT_DIR --out snapshot/
set -uo pipefail

OUT="${1:-aws-export}"
mkdir -p "$OUT"
cd "$OUT" || exit 2
export AWS_PAGER=""

# run FILE aws ARGS...: stdout to FILE, or the error message to FILE without .json + .error
run() {
  local file="$1"; shift
  mkdir -p "$(dirname "$file")"
  if "$@" --output json >"$file.tmp" 2>"${file%.json}.error.tmp"; then
    mv "$file.tmp" "$file"; rm -f "${file%.json}.error.tmp"
  else
    mv "${file%.json}.error.tmp" "${file%.json}.error"; rm -f "$file.tmp"
    echo "no answer: $* (see ${file%.json}.error)" >&2
  fi
}

printf '{"exported_at": "%s", "tool": "scripts/export-account.sh"}\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >phiward-export.json

# Identity and IAM
run sts/get-caller-identity.json aws sts get-caller-identity
run iam/list-account-aliases.json aws iam list-account-aliases
run iam/get-account-authorization-details.json aws iam get-account-authorization-details
aws iam generate-credential-report >/dev/null 2>&1
for _ in 1 2 3 4 5 6 7 8 9 10; do
  state=$(aws iam generate-credential-report --query State --output text 2>/dev/null)
  [ "$state" = "COMPLETE" ] && break
  sleep 3
done
run iam/get-credential-report.json aws iam get-credential-report
run iam/get-account-summary.json aws iam get-account-summary
run iam/get-account-password-policy.json aws iam get-account-password-policy
run iam/list-saml-providers.json aws iam list-saml-providers
run iam/list-open-id-connect-providers.json aws iam list-open-id-connect-providers

# AWS Organizations (readable from the management account or a delegated administrator)
run organizations/describe-organization.json aws organizations describe-organization
account=$(aws sts get-caller-identity --query Account --output text 2>/dev/null)
child="$account"
: >organizations/list-parents.json
while [ -n "$child" ]; do
  parent=$(aws organizations list-parents --child-id "$child" --output json 2>/dev/null) || break
  echo "$parent" >>organizations/list-parents.json
  child=$(echo "$parent" | python3 -c 'import json,sys; p=json.load(sys.stdin)["Parents"]; print(p[0]["Id"] if p and p[0]["Type"]!="ROOT" else "")')
done
[ -s organizations/list-parents.json ] || rm -f organizations/list-parents.json
for kind in scp:SERVICE_CONTROL_POLICY rcp:RESOURCE_CONTROL_POLICY; do
  run "organizations/list-policies-${kind%%:*}.json" aws organizations list-policies --filter "${kind#*:}"
  for id in $(aws organizations list-policies --filter "${kind#*:}" --query 'Policies[].Id' --output text 2>/dev/null); do
    run "organizations/policies/$id/describe-policy.json" aws organizations describe-policy --policy-id "$id"
    run "organizations/policies/$id/list-targets-for-policy.json" aws organizations list-targets-for-policy --policy-id "$id"
  done
done

# CloudTrail
run cloudtrail/describe-trails.json aws cloudtrail describe-trails
for trail in $(aws cloudtrail describe-trails --query 'trailList[].Name' --output text 2>/dev/null); do
  run "cloudtrail/trails/$trail/get-trail-status.json" aws cloudtrail get-trail-status --name "$trail"
  run "cloudtrail/trails/$trail/get-event-selectors.json" aws cloudtrail get-event-selectors --trail-name "$trail"
done

# S3
run s3/list-buckets.json aws s3api list-buckets
for b in $(aws s3api list-buckets --query 'Buckets[].Name' --output text 2>/dev/null); do
  d="s3/buckets/$b"
  for call in get-bucket-policy get-bucket-tagging get-public-access-block get-bucket-versioning \
      get-bucket-logging get-bucket-acl get-bucket-encryption get-bucket-lifecycle-configuration \
      get-object-lock-configuration; do
    run "$d/$call.json" aws s3api "$call" --bucket "$b"
  done
done
run s3control/get-public-access-block.json aws s3control get-public-access-block --account-id "$account"

# KMS
run kms/list-keys.json aws kms list-keys
for k in $(aws kms list-keys --query 'Keys[].KeyId' --output text 2>/dev/null); do
  run "kms/keys/$k/describe-key.json" aws kms describe-key --key-id "$k"
  run "kms/keys/$k/get-key-policy.json" aws kms get-key-policy --key-id "$k" --policy-name default
  run "kms/keys/$k/list-grants.json" aws kms list-grants --key-id "$k"
done

# Access Advisor (opt in: one job per user, role and group): PHIWARD_ACCESS_ADVISOR=1
if [ "${PHIWARD_ACCESS_ADVISOR:-0}" = 1 ]; then
  for kind in users:Users roles:Roles groups:Groups; do
    many="${kind%%:*}"; list="${kind#*:}"
    for arn in $(aws iam "list-$many" --query "$list[].Arn" --output text 2>/dev/null); do
      name="${arn##*/}"
      job=$(aws iam generate-service-last-accessed-details --arn "$arn" --query JobId --output text 2>/dev/null) || continue
      for _ in 1 2 3 4 5 6 7 8 9 10; do
        status=$(aws iam get-service-last-accessed-details --job-id "$job" --query JobStatus --output text 2>/dev/null)
        [ "$status" = "IN_PROGRESS" ] || break
        sleep 2
      done
      run "iam/access-advisor/$many/$name.json" aws iam get-service-last-accessed-details --job-id "$job"
    done
  done
fi

# Secrets Manager, AWS Config, CloudWatch, CloudWatch Logs, SNS
run secretsmanager/list-secrets.json aws secretsmanager list-secrets
run configservice/describe-configuration-recorders.json aws configservice describe-configuration-recorders
run configservice/describe-configuration-recorder-status.json aws configservice describe-configuration-recorder-status
run configservice/describe-delivery-channels.json aws configservice describe-delivery-channels
run cloudwatch/describe-alarms.json aws cloudwatch describe-alarms
run logs/describe-metric-filters.json aws logs describe-metric-filters
run sns/list-subscriptions.json aws sns list-subscriptions

# IAM Identity Center (read in the CLI's region, which must be Identity Center's home
# region; visible only from the management account or a delegated administrator)
run sso-admin/list-instances.json aws sso-admin list-instances
for pair in $(aws sso-admin list-instances --query 'Instances[].[InstanceArn,IdentityStoreId]' --output text 2>/dev/null | tr '\t' ','); do
  inst="${pair%%,*}"; store="${pair#*,}"
  d="sso-admin/instances/${inst##*/}"
  run "$d/list-permission-sets.json" aws sso-admin list-permission-sets --instance-arn "$inst"
  users=""; groups=""
  for ps in $(aws sso-admin list-permission-sets --instance-arn "$inst" --query 'PermissionSets[]' --output text 2>/dev/null); do
    p="$d/permission-sets/${ps##*/}"
    for call in describe-permission-set get-inline-policy-for-permission-set \
        list-managed-policies-in-permission-set list-customer-managed-policy-references-in-permission-set \
        get-permissions-boundary-for-permission-set; do
      run "$p/$call.json" aws sso-admin "$call" --instance-arn "$inst" --permission-set-arn "$ps"
    done
    run "$p/list-account-assignments.json" aws sso-admin list-account-assignments \
      --instance-arn "$inst" --account-id "$account" --permission-set-arn "$ps"
    users="$users $(aws sso-admin list-account-assignments --instance-arn "$inst" --account-id "$account" \
      --permission-set-arn "$ps" --query "AccountAssignments[?PrincipalType=='USER'].PrincipalId" --output text 2>/dev/null)"
    groups="$groups $(aws sso-admin list-account-assignments --instance-arn "$inst" --account-id "$account" \
      --permission-set-arn "$ps" --query "AccountAssignments[?PrincipalType=='GROUP'].PrincipalId" --output text 2>/dev/null)"
  done
  for g in $(echo "$groups" | tr ' \t' '\n\n' | sort -u); do
    run "identitystore/$store/groups/$g/describe-group.json" aws identitystore describe-group --identity-store-id "$store" --group-id "$g"
    run "identitystore/$store/groups/$g/list-group-memberships.json" aws identitystore list-group-memberships --identity-store-id "$store" --group-id "$g"
    users="$users $(aws identitystore list-group-memberships --identity-store-id "$store" --group-id "$g" \
      --query 'GroupMemberships[].MemberId.UserId' --output text 2>/dev/null)"
  done
  for u in $(echo "$users" | tr ' \t' '\n\n' | sort -u); do
    run "identitystore/$store/users/$u/describe-user.json" aws identitystore describe-user --identity-store-id "$store" --user-id "$u"
  done
done

echo "exported to $(pwd)" >&2

#!/usr/bin/env bash
# Baseline: the ecsnap inventory by a plain AWS CLI shell script, one call after another.
#
# Usage: baseline_awscli.sh ENDPOINT   (the `aws` on PATH; jq for the joins)
#
# Loads the same as baseline_boto3.py into a temporary directory: every cluster's services
# (describe-services by 10) and running + stopped tasks (describe-tasks by 100), the task
# definitions of ACTIVE/DRAINING services' deployments and live tasks (once each), every
# ECR repository's images, volumes, own snapshots, own AMIs, the caller identity.
# Prints one JSON line of counts.
set -euo pipefail

endpoint="$1"
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1
export AWS_PAGER=""
call() { aws --endpoint-url "$endpoint" --output json "$@"; }

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

call sts get-caller-identity >"$out/identity.json"
for cluster in $(call ecs list-clusters | jq -r '.clusterArns[]'); do
  call ecs list-services --cluster "$cluster" | jq -r '.serviceArns[]' >"$out/svc-arns"
  while read -r batch; do
    # shellcheck disable=SC2086
    call ecs describe-services --cluster "$cluster" --services $batch >>"$out/services.json"
  done < <(xargs -r -n 10 <"$out/svc-arns")
  : >"$out/task-arns"
  for status in RUNNING STOPPED; do
    call ecs list-tasks --cluster "$cluster" --desired-status "$status" | jq -r '.taskArns[]' >>"$out/task-arns"
  done
  while read -r batch; do
    # shellcheck disable=SC2086
    call ecs describe-tasks --cluster "$cluster" --tasks $batch >>"$out/tasks.json"
  done < <(sort -u "$out/task-arns" | xargs -r -n 100)
done
touch "$out/services.json" "$out/tasks.json"

{
  jq -r '.services[] | select(.status == "ACTIVE" or .status == "DRAINING")
         | .taskDefinition, (.deployments[]?.taskDefinition)' "$out/services.json"
  jq -r '.tasks[] | select(.lastStatus != "STOPPED" and .desiredStatus != "STOPPED")
         | .taskDefinitionArn' "$out/tasks.json"
} | awk 'NF && !seen[$0]++' >"$out/td-arns"
while read -r td; do
  call ecs describe-task-definition --task-definition "$td" >>"$out/tds.json"
done <"$out/td-arns"
touch "$out/tds.json"

for repo in $(call ecr describe-repositories | jq -r '.repositories[].repositoryName'); do
  call ecr describe-images --repository-name "$repo" >>"$out/images.json"
done
touch "$out/images.json"
call ec2 describe-volumes >"$out/volumes.json"
call ec2 describe-snapshots --owner-ids self >"$out/snapshots.json"
call ec2 describe-images --owners self >"$out/amis.json"

count() { jq -s "[.[] | $2 | length] | add // 0" "$out/$1"; }
printf '{"services": %s, "tasks": %s, "task_definitions": %s, "images": %s, "volumes": %s, "snapshots": %s, "amis": %s}\n' \
  "$(count services.json .services)" "$(count tasks.json .tasks)" "$(wc -l <"$out/td-arns")" \
  "$(count images.json .imageDetails)" "$(count volumes.json .Volumes)" \
  "$(count snapshots.json .Snapshots)" "$(count amis.json .Images)"

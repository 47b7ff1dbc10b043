"""Baseline: the ecsnap inventory and weekly report by a plain, well-threaded boto3 script.

Usage: baseline_boto3.py ENDPOINT [REGION,REGION,... [ACCOUNT,ACCOUNT,...]]   (default us-east-1)

With ACCOUNTS (the organisation bench): each account's role
`arn:aws:iam::ACCOUNT:role/ecsnap-read` is assumed once (its account is in the answer),
and every place (account × region) loads side by side, each with its own 8 threads.

Per region, with its own pool of 8 threads (several regions load side by side, one thread
each driving its region's pool, as ecsnap loads its places side by side), it loads what
`ecsnap report` loads and the four ecsnap listings show:

- every cluster's services (DescribeServices by 10) and running + stopped tasks
  (DescribeTasks by 100), the task definitions of ACTIVE/DRAINING services' deployments
  and of live tasks (DescribeTaskDefinition, once each);
- every ECR repository's images;
- the account's volumes, own snapshots, own AMIs (disabled ones too) and launch templates
  (with their versions), for the orphan rules;
- the caller identity, once (the account id narrows snapshots to the account's own).

and computes what the report prints from it: per repository and user, the snapshot tags
(default pattern `USER-YYYYMMDDTHHMM`), their total size, newest push and whether any is
in use (by tag or digest, from the task definitions and live tasks); orphaned volumes
(available, not protected by `ecsnap:keep`) and snapshots (own, source volume gone, not
behind an AMI or launch template, not protected). Prints one JSON line of counts.
"""

import json
import re
import sys
from concurrent.futures import ThreadPoolExecutor

import boto3
from botocore.config import Config

THREADS = 8
TAG = re.compile(r"^(?P<user>[A-Za-z0-9._]+)-(?P<ts>\d{8}T?\d{4,6}Z?)$")
PROTECT = "ecsnap:keep"


def chunks(items, n):
    return [items[i : i + n] for i in range(0, len(items), n)]


def clients(endpoint, region, keys=None):
    keys = keys or {"aws_access_key_id": "test", "aws_secret_access_key": "test"}
    session = boto3.session.Session(region_name=region, **keys)
    cfg = Config(max_pool_connections=THREADS * 2, retries={"mode": "standard"})
    return (session.client(n, endpoint_url=endpoint, config=cfg) for n in ("ecs", "ecr", "ec2"))


def pages(client, op, key, **kw):
    return [x for page in client.get_paginator(op).paginate(**kw) for x in page[key]]


def launch_template_snapshots(ec2, pool):
    templates = pages(ec2, "describe_launch_templates", "LaunchTemplates")
    versions = pool.map(
        lambda t: pages(
            ec2, "describe_launch_template_versions", "LaunchTemplateVersions",
            LaunchTemplateId=t["LaunchTemplateId"],
        ),
        templates,
    )
    return {
        m["Ebs"]["SnapshotId"]
        for vs in versions
        for v in vs
        for m in v.get("LaunchTemplateData", {}).get("BlockDeviceMappings", [])
        if m.get("Ebs", {}).get("SnapshotId")
    }


def load_ecs(ecs, pool):
    clusters = pages(ecs, "list_clusters", "clusterArns")

    def services_of(cluster):
        arns = pages(ecs, "list_services", "serviceArns", cluster=cluster)
        return [
            pool.submit(lambda b: ecs.describe_services(cluster=cluster, services=b)["services"], b)
            for b in chunks(arns, 10)
        ]

    def tasks_of(cluster):
        arns = []
        for status in ("RUNNING", "STOPPED"):
            arns += pages(ecs, "list_tasks", "taskArns", cluster=cluster, desiredStatus=status)
        arns = list(dict.fromkeys(arns))
        return [
            pool.submit(lambda b: ecs.describe_tasks(cluster=cluster, tasks=b)["tasks"], b)
            for b in chunks(arns, 100)
        ]

    service_batches = [f for fs in pool.map(services_of, clusters) for f in fs]
    task_batches = [f for fs in pool.map(tasks_of, clusters) for f in fs]
    services = [s for f in service_batches for s in f.result()]
    tasks = [t for f in task_batches for t in f.result()]
    return services, tasks


def in_use_of(ecs, pool, services, tasks):
    """Image references and digests in use: every task definition a live service or task
    runs (described once each), plus what live tasks report."""
    live = [t for t in tasks if t.get("lastStatus") != "STOPPED" and t.get("desiredStatus") != "STOPPED"]
    needed = []
    for s in services:
        if s["status"] in ("ACTIVE", "DRAINING"):
            needed.append(s["taskDefinition"])
            needed += [d["taskDefinition"] for d in s.get("deployments", [])]
    needed += [t["taskDefinitionArn"] for t in live]
    needed = list(dict.fromkeys(needed))
    defs = list(pool.map(lambda a: ecs.describe_task_definition(taskDefinition=a)["taskDefinition"], needed))
    refs = {c["image"] for d in defs for c in d["containerDefinitions"]}
    refs |= {c["image"] for t in live for c in t.get("containers", []) if c.get("image")}
    digests = {c["imageDigest"] for t in live for c in t.get("containers", []) if c.get("imageDigest")}
    return defs, refs, digests


def user_totals(images, refs, digests):
    """Per repository and user: tags, total bytes, newest push, in use."""
    used = {(r.split("/", 1)[-1].rsplit(":", 1)[0], r.rsplit(":", 1)[-1]) for r in refs if ":" in r}
    groups = {}
    for i in images:
        repo = i["repositoryName"]
        for tag in i.get("imageTags", []):
            m = TAG.match(tag)
            if not m:
                continue
            g = groups.setdefault((repo, m["user"]), {"tags": 0, "bytes": 0, "newest": None, "in_use": False})
            g["tags"] += 1
            g["bytes"] += i.get("imageSizeInBytes", 0)
            pushed = i.get("imagePushedAt")
            if pushed and (g["newest"] is None or pushed > g["newest"]):
                g["newest"] = pushed
            g["in_use"] |= (repo, tag) in used or i.get("imageDigest") in digests
    return groups


def orphans(account, volumes, snapshots, amis, template_snapshots):
    protected = lambda r: any(t["Key"] == PROTECT for t in r.get("Tags", []))
    vols = [v for v in volumes if v["State"] == "available" and not protected(v)]
    existing = {v["VolumeId"] for v in volumes}
    behind_ami = {
        m["Ebs"]["SnapshotId"] for a in amis for m in a.get("BlockDeviceMappings", []) if m.get("Ebs", {}).get("SnapshotId")
    }
    snaps = [
        s
        for s in snapshots
        if s.get("OwnerId", account) == account
        and s.get("VolumeId") not in existing
        and s["SnapshotId"] not in behind_ami | template_snapshots
        and not protected(s)
    ]
    return vols, snaps


def load_region(endpoint, region, account, keys=None):
    ecs, ecr, ec2 = clients(endpoint, region, keys)
    pool = ThreadPoolExecutor(THREADS)
    volumes = pool.submit(pages, ec2, "describe_volumes", "Volumes")
    # The owner-id filter as ecsnap sends it (moto ignores OwnerIds and would send its stock
    # AMIs' snapshots too; AWS answers the same either way).
    snapshots = pool.submit(
        pages,
        ec2,
        "describe_snapshots",
        "Snapshots",
        OwnerIds=["self"],
        Filters=[{"Name": "owner-id", "Values": [account]}],
    )
    amis = pool.submit(lambda: ec2.describe_images(Owners=["self"], IncludeDisabled=True)["Images"])
    templates = pool.submit(launch_template_snapshots, ec2, pool)
    repos = pool.submit(pages, ecr, "describe_repositories", "repositories")
    services, tasks = load_ecs(ecs, pool)
    image_lists = [
        pool.submit(pages, ecr, "describe_images", "imageDetails", repositoryName=r["repositoryName"])
        for r in repos.result()
    ]
    defs, refs, digests = in_use_of(ecs, pool, services, tasks)
    images = [i for f in image_lists for i in f.result()]
    groups = user_totals(images, refs, digests)
    vols, snaps = orphans(account, volumes.result(), snapshots.result(), amis.result(), templates.result())
    pool.shutdown()
    return {
        "services": len(services),
        "tasks": len(tasks),
        "task_definitions": len(defs),
        "images": len(images),
        "user_groups": len(groups),
        "in_use_groups": sum(g["in_use"] for g in groups.values()),
        "orphan_volumes": len(vols),
        "orphan_snapshots": len(snaps),
    }


def assumed(endpoint, region, account):
    """The role's keys, and its account from AssumeRole's answer (no GetCallerIdentity)."""
    out = boto3.session.Session(
        aws_access_key_id="test", aws_secret_access_key="test", region_name=region
    ).client("sts", endpoint_url=endpoint).assume_role(
        RoleArn="arn:aws:iam::%s:role/ecsnap-read" % account, RoleSessionName="baseline"
    )
    c = out["Credentials"]
    keys = {
        "aws_access_key_id": c["AccessKeyId"],
        "aws_secret_access_key": c["SecretAccessKey"],
        "aws_session_token": c["SessionToken"],
    }
    return keys, out["AssumedRoleUser"]["Arn"].split(":")[4]


def organisation(endpoint, regions, accounts):
    """Every account assumed at once, then every place side by side (8 threads each)."""
    with ThreadPoolExecutor(len(accounts)) as pool:
        roles = list(pool.map(lambda a: assumed(endpoint, regions[0], a), accounts))
    places = [(keys, account, region) for keys, account in roles for region in regions]
    with ThreadPoolExecutor(len(places)) as pool:
        loaded = list(pool.map(lambda p: load_region(endpoint, p[2], p[1], p[0]), places))
    totals = {k: sum(l[k] for l in loaded) for k in loaded[0]}
    print(json.dumps(dict(totals, regions=len(regions), places=len(places))))


def main():
    endpoint = sys.argv[1]
    regions = (sys.argv[2] if len(sys.argv) > 2 else "us-east-1").split(",")
    if len(sys.argv) > 3:
        return organisation(endpoint, regions, sys.argv[3].split(","))
    sts = boto3.session.Session(
        aws_access_key_id="test", aws_secret_access_key="test", region_name=regions[0]
    ).client("sts", endpoint_url=endpoint)
    account = sts.get_caller_identity()["Account"]
    with ThreadPoolExecutor(len(regions)) as by_region:
        loaded = list(by_region.map(lambda r: load_region(endpoint, r, account), regions))
    totals = {k: sum(l[k] for l in loaded) for k in loaded[0]}
    print(json.dumps(dict(totals, regions=len(regions))))


if __name__ == "__main__":
    main()

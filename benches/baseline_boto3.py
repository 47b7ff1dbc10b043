"""Baseline: the ecsnap inventory by a plain, well-threaded boto3 script (8 threads).

Usage: baseline_boto3.py ENDPOINT

Loads what the four ecsnap listings need into memory: every cluster's services
(DescribeServices by 10) and running + stopped tasks (DescribeTasks by 100), the task
definitions of ACTIVE/DRAINING services' deployments and live tasks (once each), every ECR
repository's images, the account's volumes, snapshots and AMIs, the caller identity.
Prints one JSON line of counts.
"""

import json
import sys
from concurrent.futures import ThreadPoolExecutor

import boto3
from botocore.config import Config

THREADS = 8


def chunks(items, n):
    return [items[i : i + n] for i in range(0, len(items), n)]


def main():
    endpoint = sys.argv[1]
    session = boto3.session.Session(
        aws_access_key_id="test", aws_secret_access_key="test", region_name="us-east-1"
    )
    cfg = Config(max_pool_connections=THREADS * 2, retries={"mode": "standard"})
    ecs, ecr, ec2, sts = (
        session.client(n, endpoint_url=endpoint, config=cfg) for n in ("ecs", "ecr", "ec2", "sts")
    )

    def pages(client, op, key, **kw):
        return [x for page in client.get_paginator(op).paginate(**kw) for x in page[key]]

    pool = ThreadPoolExecutor(THREADS)
    identity = pool.submit(sts.get_caller_identity)
    volumes = pool.submit(pages, ec2, "describe_volumes", "Volumes")
    snapshots = pool.submit(pages, ec2, "describe_snapshots", "Snapshots", OwnerIds=["self"])
    amis = pool.submit(lambda: ec2.describe_images(Owners=["self"])["Images"])
    repos = pool.submit(pages, ecr, "describe_repositories", "repositories")
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
    image_lists = [
        pool.submit(pages, ecr, "describe_images", "imageDetails", repositoryName=r["repositoryName"])
        for r in repos.result()
    ]
    services = [s for f in service_batches for s in f.result()]
    tasks = [t for f in task_batches for t in f.result()]

    needed = []
    for s in services:
        if s["status"] in ("ACTIVE", "DRAINING"):
            needed.append(s["taskDefinition"])
            needed += [d["taskDefinition"] for d in s.get("deployments", [])]
    needed += [
        t["taskDefinitionArn"]
        for t in tasks
        if t.get("lastStatus") != "STOPPED" and t.get("desiredStatus") != "STOPPED"
    ]
    needed = list(dict.fromkeys(needed))
    task_definitions = list(
        pool.map(lambda a: ecs.describe_task_definition(taskDefinition=a)["taskDefinition"], needed)
    )
    images = [i for f in image_lists for i in f.result()]
    identity.result()
    print(
        json.dumps(
            {
                "services": len(services),
                "tasks": len(tasks),
                "task_definitions": len(task_definitions),
                "images": len(images),
                "volumes": len(volumes.result()),
                "snapshots": len(snapshots.result()),
                "amis": len(amis.result()),
            }
        )
    )
    pool.shutdown()


if __name__ == "__main__":
    main()

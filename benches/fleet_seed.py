"""Seeds a benchmark fleet into a moto server, concurrently (8 threads).

Usage: fleet_seed.py ENDPOINT CLUSTERS SERVICES IMAGES VOLUMES REPOS USERS [REGION [ACCOUNTS]]

REGION (default us-east-1): the region to seed; the multi-region bench seeds each region
into a server of its own, as AWS serves each region apart. ACCOUNTS (comma-separated
12-digit ids): seed the same fleet into each of those accounts instead of the default
one, one after another, through AssumeRole of `arn:aws:iam::ACCOUNT:role/ecsnap-read`
(moto keeps an assumed role's resources in the role's account).

Deterministic: the same arguments give the same names, tags and sizes. Each service gets
its own task-definition family and one live task (FARGATE launch type with a bridge task
definition, as moto answers awsvpc run_task with a 500); every 20th service is mid-rollout
(its service points at a new revision with no task yet) and every 10th also has a stopped
task. Volumes carry ECS or protection tags on a share of them; every volume gets one
snapshot, and every 10th volume is then deleted so its snapshot is orphaned.
"""

import hashlib
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import boto3
from botocore.config import Config

THREADS = 8


def clients(endpoint, region, account=None):
    keys = {"aws_access_key_id": "test", "aws_secret_access_key": "test"}
    if account:
        creds = boto3.session.Session(region_name=region, **keys).client(
            "sts", endpoint_url=endpoint
        ).assume_role(
            RoleArn="arn:aws:iam::%s:role/ecsnap-read" % account, RoleSessionName="seed"
        )["Credentials"]
        keys = {
            "aws_access_key_id": creds["AccessKeyId"],
            "aws_secret_access_key": creds["SecretAccessKey"],
            "aws_session_token": creds["SessionToken"],
        }
    session = boto3.session.Session(region_name=region, **keys)
    cfg = Config(max_pool_connections=THREADS * 2, retries={"max_attempts": 5, "mode": "standard"})
    return {
        name: session.client(name, endpoint_url=endpoint, config=cfg)
        for name in ("ecs", "ecr", "ec2", "sts")
    }


def run_all(fn, items):
    with ThreadPoolExecutor(THREADS) as pool:
        return list(pool.map(fn, items))


def manifest(seed, size):
    h = hashlib.sha256(seed.encode()).hexdigest()
    c = hashlib.sha256((seed + "config").encode()).hexdigest()
    return (
        '{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json",'
        '"config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":%d,'
        '"digest":"sha256:%s"},"layers":[{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip",'
        '"size":%d,"digest":"sha256:%s"}]}' % (size, c, size, h)
    )


def tag_of(user, i):
    day = 1 + i % 28
    minute = (i * 7) % 60
    hour = (i // 28) % 24
    return "user%04d-202611%02dT%02d%02d" % (user, day, hour, minute)


def main():
    endpoint = sys.argv[1]
    sizes = tuple(map(int, sys.argv[2:8]))
    region = sys.argv[8] if len(sys.argv) > 8 else "us-east-1"
    accounts = [a for a in (sys.argv[9] if len(sys.argv) > 9 else "").split(",") if a]
    for account in accounts or [None]:
        seed(endpoint, sizes, region, account)


def seed(endpoint, sizes, region, account):
    n_clusters, n_services, n_images, n_volumes, n_repos, n_users = sizes
    c = clients(endpoint, region, account)
    ecs, ecr, ec2 = c["ecs"], c["ecr"], c["ec2"]
    account = c["sts"].get_caller_identity()["Account"]
    registry = "%s.dkr.ecr.%s.amazonaws.com" % (account, region)
    t0 = time.time()

    # ECR: repositories, then images spread over them, tags spread over users.
    repos = ["workspaces-%02d" % r for r in range(n_repos)]
    run_all(lambda r: ecr.create_repository(repositoryName=r), repos)

    def put(i):
        repo = repos[i % n_repos]
        tag = tag_of(i % n_users, i // n_users)
        ecr.put_image(
            repositoryName=repo,
            imageTag=tag,
            imageManifest=manifest("%s/%s" % (repo, tag), 100_000_000 + (i % 977) * 1_000_000),
        )
        return repo, tag

    images = run_all(put, range(n_images))
    t_ecr = time.time()

    # ECS: clusters, one task-definition family per service, services, one task each.
    clusters = ["fleet-%02d-c" % k for k in range(n_clusters)]
    run_all(lambda name: ecs.create_cluster(clusterName=name), clusters)

    def register(family, image):
        return ecs.register_task_definition(
            family=family,
            networkMode="bridge",
            containerDefinitions=[{"name": "app", "image": image, "memory": 512, "essential": True}],
        )["taskDefinition"]["taskDefinitionArn"]

    def service(i):
        cluster = clusters[i % n_clusters]
        name = "svc-%04d" % i
        repo, tag = images[(i * 13) % len(images)]
        td = register(name, "%s/%s:%s" % (registry, repo, tag))
        ecs.create_service(cluster=cluster, serviceName=name, taskDefinition=td, desiredCount=1)
        ecs.run_task(
            cluster=cluster, taskDefinition=td, launchType="FARGATE", count=1,
            group="service:" + name, startedBy="ecs-svc/%d" % i,
        )
        if i % 10 == 0:
            stopped = ecs.run_task(
                cluster=cluster, taskDefinition=td, launchType="FARGATE", count=1,
                group="service:" + name, startedBy="ecs-svc/%d" % i,
            )["tasks"][0]["taskArn"]
            ecs.stop_task(cluster=cluster, task=stopped, reason="bench: replaced")
        if i % 20 == 0:
            repo, tag = images[(i * 17 + 1) % len(images)]
            new = register(name, "%s/%s:%s" % (registry, repo, tag))
            ecs.update_service(cluster=cluster, service=name, taskDefinition=new)

    run_all(service, range(n_services))
    t_ecs = time.time()

    # EBS: volumes with tags, one snapshot each, every 10th volume deleted afterwards.
    def volume(i):
        tags = [{"Key": "Name", "Value": "data-%05d" % i}]
        if i % 5 == 0:
            tags += [
                {"Key": "AmazonECSCreated", "Value": "true"},
                {"Key": "aws:ecs:clusterName", "Value": clusters[i % n_clusters]},
                {"Key": "aws:ecs:serviceName", "Value": "svc-%04d" % (i % max(n_services, 1))},
            ]
        if i % 50 == 7:
            tags.append({"Key": "ecsnap:keep", "Value": "yes"})
        vol = ec2.create_volume(
            AvailabilityZone=region + "a", Size=8 + i % 100, VolumeType="gp3",
            TagSpecifications=[{"ResourceType": "volume", "Tags": tags}],
        )["VolumeId"]
        ec2.create_snapshot(
            VolumeId=vol, Description="bench snapshot %d" % i,
            TagSpecifications=[{"ResourceType": "snapshot", "Tags": [{"Key": "Name", "Value": "snap-%05d" % i}]}],
        )
        if i % 10 == 0:
            ec2.delete_volume(VolumeId=vol)

    run_all(volume, range(n_volumes))
    t_ebs = time.time()
    print(
        "seeded %s %s: ecr %.1fs, ecs %.1fs, ebs %.1fs"
        % (account, region, t_ecr - t0, t_ecs - t_ecr, t_ebs - t_ecs),
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()

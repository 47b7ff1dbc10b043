"""ecsnap's demo emulator: moto's server with ECS rollout dynamics.

moto answers the ECS API but never moves a rollout: UpdateService only swaps the service's
task definition, the PRIMARY deployment stays COMPLETED and tasks never start, fail or
drain. `ecsnap demo` wants the 3am story for real, so this helper runs moto's server in this
Python process (moto's ``ThreadedMotoServer``: the same backends the HTTP API reads and
writes) and moves rollouts itself, from a background loop, the way ECS would report them.

How it works
------------
* ``EC2ContainerServiceBackend.update_service`` is wrapped: when an UpdateService changes
  the task definition (or forces a new deployment) a new PRIMARY deployment (rolloutState
  IN_PROGRESS, 0 running) is put in front of the old ones (now ACTIVE) before the answer
  is sent, as ECS does, so the caller sees the deployment it started.
* Every ``step`` seconds the loop moves each rollout one step: it starts a task of the
  new deployment (PENDING), promotes it to RUNNING, and once the new tasks run it stops
  one task of an older deployment ("Scaling activity initiated by (deployment …)"). When
  the new deployment runs its desired count and the older ones are drained it is
  COMPLETED, with the events ECS writes ("deployment completed", "has reached a steady
  state").
* A revision that cannot run fails the way ECS reports it:
  - a container whose memory limit is below the working set (``working_set_mib``) starts,
    writes log lines, and is killed after ``oom_after`` seconds: exit code 137, reason
    ``OutOfMemoryError: Container killed due to memory usage``, stopCode
    ``EssentialContainerExited``, stoppedReason ``Essential container in task exited``;
  - a container whose image (in this account's ECR) does not exist never starts:
    ``CannotPullContainerError: … not found``, stopCode ``TaskFailedToStart``.
  The scheduler keeps replacing the failed tasks; after ``fail_after`` seconds without a
  healthy task the deployment circuit breaker (without rollback) marks the rollout FAILED
  with its events, and the older deployment keeps serving.
* Containers with the ``awslogs`` driver get log lines in CloudWatch Logs (moto serves it
  on the same port): group ``awslogs-group``, stream ``prefix/container/task-id``, for
  every task of a service the loop drives.

The configuration comes as JSON in ``ECSNAP_DEMO_DYNAMICS`` (see ``src/demo/dynamics.rs``);
without it this is plain ``python -m moto.server``. Run as ``python -c <this file> PORT``.
The loop never raises: a failed step is written to stderr (the emulator's log) and the next
step tries again, so ``POST /moto-api/reset`` or an odd request cannot stop the server.
"""

import datetime
import json
import os
import random
import sys
import threading
import time
import uuid

DEFAULTS = {
    "step": 2.0,
    "oom_after": 6.0,
    "fail_after": 60.0,
    "working_set_mib": 300,
}

OOM_REASON = "OutOfMemoryError: Container killed due to memory usage"
LOCK = threading.RLock()


def now():
    return datetime.datetime.now(datetime.timezone.utc)


def millis(at):
    return int(at.timestamp() * 1000)


def log_err(what, err):
    sys.stderr.write(f"ecsnap dynamics: {what}: {type(err).__name__}: {err}\n")
    sys.stderr.flush()


class Rollout:
    """One deployment the loop moves, and the tasks it started."""

    def __init__(self, backend, service, deployment):
        self.backend = backend
        self.service = service
        self.deployment = deployment
        self.started = time.monotonic()
        self.last_step = 0.0
        self.done = False
        self.pending = []  # tasks started, not yet running
        self.running = []  # (task, since) of the new deployment
        self.healthy_once = False

    @property
    def name(self):
        return self.service.name

    @property
    def cluster(self):
        return self.service.cluster_name

    @property
    def group(self):
        return f"service:{self.service.name}"


class Dynamics:
    def __init__(self, config):
        self.config = {**DEFAULTS, **config}
        self.rollouts = []
        self.log_streams = set()

    # ---- the moto side -------------------------------------------------------------

    def install(self):
        """Wraps moto's UpdateService so a change starts a deployment at once."""
        from moto.ecs.models import EC2ContainerServiceBackend

        original = EC2ContainerServiceBackend.update_service
        dynamics = self

        def update_service(backend, service_properties):
            force = bool(service_properties.get("force_new_deployment"))
            service = original(backend, service_properties)
            try:
                with LOCK:
                    dynamics.on_update(backend, service, force)
            except Exception as err:  # keep moto's answer whatever happens here
                log_err("starting a deployment", err)
            return service

        EC2ContainerServiceBackend.update_service = update_service

    def on_update(self, backend, service, force):
        primary = next((d for d in service.deployments if d.get("status") == "PRIMARY"), None)
        if primary is None:
            return
        if primary.get("taskDefinition") == service.task_definition and not force:
            return
        # moto's forceNewDeployment rewrote the PRIMARY's id and times: it stays the old one.
        at = now()
        deployment = dict(primary)
        deployment_id = f"ecs-svc/{random.randint(10**18, 10**19 - 1)}"
        deployment.update(
            {
                "id": deployment_id,
                "status": "PRIMARY",
                "taskDefinition": service.task_definition,
                "desiredCount": service.desired_count,
                "runningCount": 0,
                "pendingCount": 0,
                "failedTasks": 0,
                "rolloutState": "IN_PROGRESS",
                "rolloutStateReason": f"ECS deployment {deployment_id} in progress.",
                "createdAt": at,
                "updatedAt": at,
            }
        )
        older = []
        for d in service.deployments:
            if d.get("runningCount", 0) <= 0 and d is not primary:
                continue
            d = dict(d)
            d["status"] = "ACTIVE"
            d["updatedAt"] = at
            older.append(d)
        service.deployments = [deployment] + older
        # Replace an earlier rollout of this service that is still moving.
        for r in self.rollouts:
            if r.service is service:
                r.done = True
        self.rollouts.append(Rollout(backend, service, deployment))
        self.sync_counts(service)

    # ---- the loop ------------------------------------------------------------------

    def run(self):
        tick = min(0.5, self.config["step"] / 2)
        while True:
            time.sleep(tick)
            try:
                with LOCK:
                    self.tick()
            except Exception as err:
                log_err("a step", err)

    def tick(self):
        clock = time.monotonic()
        live = []
        for r in self.rollouts:
            if r.backend.services.get(f"{r.cluster}:{r.name}") is not r.service:
                continue  # the service is gone (deleted, or the emulator was reset)
            self.heartbeat_logs(r)
            if not r.done:
                self.fail_oom(r, clock)
                if clock - r.last_step >= self.config["step"]:
                    r.last_step = clock
                    self.step(r, clock)
            live.append(r)
        self.rollouts = live

    def step(self, r, clock):
        d = r.deployment
        fault = self.fault_of(r)
        if fault is not None and clock - r.started >= self.config["fail_after"]:
            self.fail_rollout(r)
            return
        # A PENDING task of the new deployment starts running, or fails to start.
        if r.pending:
            task = r.pending.pop(0)
            if fault is not None and fault[0] == "pull":
                self.stop_task(r, task, fault[1], "TaskFailedToStart", exit_code=None,
                               container_reason=fault[1])
                d["failedTasks"] = d.get("failedTasks", 0) + 1
            else:
                task.last_status = "RUNNING"
                task.started_at = now()
                self.write_logs(r, task, self.startup_lines(r, task))
                r.running.append((task, clock))
                self.event(r, f"has started 1 tasks: (task {task.id}).")
        elif len(r.running) < d["desiredCount"]:
            r.pending.append(self.start_task(r))
        # Older tasks are drained as new ones run (never below the desired count).
        if fault is None:
            self.drain(r)
        d["runningCount"] = len(r.running)
        d["pendingCount"] = len(r.pending)
        d["updatedAt"] = now()
        if (
            fault is None
            and len(r.running) >= d["desiredCount"]
            and len(r.service.deployments) == 1
        ):
            self.complete(r)
        self.sync_counts(r.service)

    def start_task(self, r):
        backend = r.backend
        task = backend.run_task(
            r.cluster,
            r.deployment["taskDefinition"],
            1,
            None,
            r.deployment["id"],
            None,
            "FARGATE",
            group=r.group,
        )[0]
        task.last_status = "PENDING"
        task.desired_status = "RUNNING"
        return task

    def fail_oom(self, r, clock):
        """Kills the running tasks of an out-of-memory revision once their time is up."""
        fault = self.fault_of(r)
        if fault is None or fault[0] != "oom":
            return
        keep = []
        for task, since in r.running:
            if clock - since < self.config["oom_after"]:
                keep.append((task, since))
                continue
            self.write_logs(r, task, self.oom_lines(fault[1]))
            self.stop_task(
                r,
                task,
                "Essential container in task exited",
                "EssentialContainerExited",
                exit_code=137,
                container_reason=OOM_REASON,
            )
            r.deployment["failedTasks"] = r.deployment.get("failedTasks", 0) + 1
            self.event(r, f"has stopped 1 running tasks: (task {task.id}).")
        if len(keep) != len(r.running):
            r.running = keep
            r.deployment["runningCount"] = len(keep)
            self.sync_counts(r.service)

    def drain(self, r):
        """Drops drained older deployments, then stops one older task if more than the
        desired count would run."""
        older = r.service.deployments[1:]
        for d in older:
            if d.get("runningCount", 0) <= 0:
                r.service.deployments = [x for x in r.service.deployments if x is not d]
        older = r.service.deployments[1:]
        old_running = sum(d.get("runningCount", 0) for d in older)
        if not older or old_running + len(r.running) <= r.deployment["desiredCount"]:
            return
        d = next(d for d in older if d.get("runningCount", 0) > 0)
        victim = next(
            (
                t
                for t in self.service_tasks(r)
                if t.task_definition_arn == d.get("taskDefinition")
                and t.last_status == "RUNNING"
                and getattr(t, "started_by", "") != r.deployment["id"]
            ),
            None,
        )
        if victim is not None:
            self.stop_task(
                r,
                victim,
                f"Scaling activity initiated by (deployment {r.deployment['id']})",
                "ServiceSchedulerInitiated",
                exit_code=0,
            )
            self.event(r, f"has stopped 1 running tasks: (task {victim.id}).")
        d["runningCount"] = max(0, d.get("runningCount", 0) - 1)
        d["updatedAt"] = now()
        if d["runningCount"] == 0:
            r.service.deployments = [x for x in r.service.deployments if x is not d]

    def complete(self, r):
        d = r.deployment
        d["rolloutState"] = "COMPLETED"
        d["rolloutStateReason"] = f"ECS deployment {d['id']} completed."
        r.done = True
        self.event(r, f"(deployment {d['id']}) deployment completed.")
        self.event(r, "has reached a steady state.")

    def fail_rollout(self, r):
        d = r.deployment
        d["rolloutState"] = "FAILED"
        d["rolloutStateReason"] = "ECS deployment circuit breaker: tasks failed to start."
        d["updatedAt"] = now()
        for task in r.pending:
            self.stop_task(r, task, "Deployment failed", "ServiceSchedulerInitiated", exit_code=None)
        fault = self.fault_of(r)
        for task, _ in r.running:
            if fault is not None and fault[0] == "oom":
                self.write_logs(r, task, self.oom_lines(fault[1]))
                self.stop_task(r, task, "Essential container in task exited",
                               "EssentialContainerExited", exit_code=137,
                               container_reason=OOM_REASON)
            else:
                self.stop_task(r, task, "Deployment failed", "ServiceSchedulerInitiated",
                               exit_code=0)
        r.pending = []
        r.running = []
        d["pendingCount"] = 0
        d["runningCount"] = 0
        r.done = True
        self.event(r, f"(deployment {d['id']}) deployment failed: tasks failed to start.")
        self.sync_counts(r.service)

    def stop_task(self, r, task, reason, stop_code, exit_code, container_reason=None):
        at = now()
        task.last_status = "STOPPED"
        task.desired_status = "STOPPED"
        task.stopped_reason = reason
        task.stop_code = stop_code
        task.stopped_at = at
        task.stopping_at = at
        task.execution_stopped_at = at
        for c in task.containers:
            c.last_status = "STOPPED"
            c.exit_code = exit_code
            c.exitCode = exit_code
            if container_reason is not None:
                c.reason = container_reason

    def service_tasks(self, r):
        tasks = r.backend.tasks.get(r.cluster, {})
        return [t for t in list(tasks.values()) if getattr(t, "group", None) == r.group]

    def sync_counts(self, service):
        live = [d for d in service.deployments if d.get("status") != "INACTIVE"]
        service.running_count = sum(d.get("runningCount", 0) for d in live)
        service.pending_count = sum(d.get("pendingCount", 0) for d in live)

    def event(self, r, message):
        entry = {
            "id": str(uuid.uuid4()),
            "createdAt": now(),
            "message": f"(service {r.name}) {message}",
        }
        r.service.events = [entry] + list(r.service.events)[:99]

    # ---- what a revision does ------------------------------------------------------

    def task_definition(self, r, arn):
        try:
            return r.backend.describe_task_definition(arn)
        except Exception:
            return None

    def fault_of(self, r):
        """Why the new revision cannot run: ("oom", limit) or ("pull", reason) or None."""
        td = self.task_definition(r, r.deployment["taskDefinition"])
        if td is None:
            return None
        for c in td.container_definitions:
            image = c.get("image") or ""
            missing = self.missing_image(r, image)
            if missing:
                return (
                    "pull",
                    "CannotPullContainerError: pull image manifest has been retried 5 time(s): "
                    f"failed to resolve ref {image}: {image}: not found",
                )
            limit = c.get("memory") or c.get("memoryReservation") or td.memory
            try:
                limit = int(limit) if limit is not None else None
            except (TypeError, ValueError):
                limit = None
            if limit is not None and limit < self.config["working_set_mib"]:
                return ("oom", limit)
        return None

    def missing_image(self, r, image):
        """True for an image of this account's ECR whose repository or tag does not exist."""
        prefix = f"{r.backend.account_id}.dkr.ecr.{r.backend.region_name}.amazonaws.com/"
        if not image.startswith(prefix) or "@" in image:
            return False
        rest = image[len(prefix):]
        repo, _, tag = rest.partition(":")
        tag = tag or "latest"
        try:
            from moto.ecr.models import ecr_backends

            ecr = ecr_backends[r.backend.account_id][r.backend.region_name]
            ecr.describe_images(repo, None, [{"imageTag": tag}])
            return False
        except Exception:
            return True

    # ---- CloudWatch Logs -----------------------------------------------------------

    def heartbeat_logs(self, r):
        """A request line now and then from every running task of the service."""
        if random.random() > 0.25:
            return
        for task in self.service_tasks(r):
            if task.last_status != "RUNNING":
                continue
            path, code, ms = random.choice(
                [
                    ("GET /healthz", 200, 1),
                    ("POST /v1/checkout", 201, 42),
                    ("GET /v1/cart/8d1f", 200, 12),
                    ("POST /v1/payments/authorize", 200, 88),
                ]
            )
            self.write_logs(r, task, [f"{path} {code} {ms + random.randint(0, 9)}ms"])

    def startup_lines(self, r, task):
        td = self.task_definition(r, task.task_definition_arn)
        image = td.container_definitions[0].get("image", "") if td else ""
        return [
            f"starting {r.name} ({image.rsplit('/', 1)[-1]})",
            "loaded config from environment",
            "warming product catalogue cache",
            "listening on :8080",
        ]

    def oom_lines(self, limit):
        return [
            f"catalogue cache at {int(limit * 0.8)} MiB of {limit} MiB limit",
            f"WARN memory high: {int(limit * 0.97)} MiB of {limit} MiB",
            "runtime: out of memory: cannot allocate 67108864-byte block",
        ]

    def write_logs(self, r, task, lines):
        td = self.task_definition(r, task.task_definition_arn)
        if td is None:
            return
        for c in td.container_definitions:
            conf = c.get("logConfiguration") or {}
            if conf.get("logDriver") != "awslogs":
                continue
            options = conf.get("options") or {}
            group = options.get("awslogs-group")
            prefix = options.get("awslogs-stream-prefix")
            if not group or not prefix:
                continue
            region = options.get("awslogs-region") or r.backend.region_name
            stream = f"{prefix}/{c.get('name')}/{task.id}"
            try:
                from moto.logs.models import logs_backends

                logs = logs_backends[r.backend.account_id][region]
                if group not in logs.groups:
                    logs.create_log_group(group, {})
                if (region, group, stream) not in self.log_streams:
                    if stream not in logs.groups[group].streams:
                        logs.create_log_stream(group, stream)
                    self.log_streams.add((region, group, stream))
                base = millis(now())
                events = [
                    {"timestamp": base + i, "message": line} for i, line in enumerate(lines)
                ]
                logs.put_log_events(group, stream, events)
            except Exception as err:
                log_err(f"writing logs to {group}/{stream}", err)


def main():
    port = int(sys.argv[1])
    raw = os.environ.get("ECSNAP_DEMO_DYNAMICS", "")
    from moto.server import ThreadedMotoServer

    dynamics = None
    if raw:
        dynamics = Dynamics(json.loads(raw))
        dynamics.install()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    if dynamics is None:
        threading.Event().wait()
    dynamics.run()


main()

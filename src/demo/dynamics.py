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
* A desired-count change (UpdateService without a new task definition: no new
  deployment, as ECS does) and a StopTask of a service's task hand the service to the
  service scheduler (``Scheduler``): every ``step`` it moves the tasks of the deployment
  that serves (the PRIMARY, or the newest one not FAILED) one state on (PROVISIONING →
  PENDING → RUNNING), starts the missing ones ("has started N tasks") and stops the
  surplus (stopCode ServiceSchedulerInitiated, "Scaling activity initiated by (deployment
  …)"), then writes "has reached a steady state". A task the user stops gets stopCode
  UserInitiated and is replaced. The service's and the deployments' running and pending
  counts are recounted from the tasks ListTasks/DescribeTasks return at every step (moto
  itself sets runningCount to the new desired count at once). Services never touched keep
  moto's counts, so the demo's story (a service not steady) stays as seeded.
* ``POST /ecsnap-demo/backdate`` (a private path no AWS API uses, answered before moto
  sees the request) sets the creation times moto stamps "now": volumes' CreateTime,
  snapshots' StartTime and ECR images' imagePushedAt, from a JSON map of id (or
  repository and tag) to an RFC 3339 time. The demo calls it once, right after seeding,
  so the fleet has realistic ages; ecsnap reads them back through the ordinary APIs.
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
BACKDATE_PATH = "/ecsnap-demo/backdate"
LIVE = ("PROVISIONING", "PENDING", "ACTIVATING", "RUNNING")
LOCK = threading.RLock()


def now():
    return datetime.datetime.now(datetime.timezone.utc)


def millis(at):
    return int(at.timestamp() * 1000)


def naive_utc(text):
    """An RFC 3339 time as the naive UTC datetime moto keeps."""
    at = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if at.tzinfo is not None:
        at = at.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    return at


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


class Scheduler:
    """ECS's service scheduler for one service: keeps the desired count of tasks running."""

    def __init__(self, backend, service):
        self.backend = backend
        self.service = service
        self.last_step = 0.0
        self.steady = False  # "has reached a steady state" written since the last change

    def wake(self):
        self.last_step = 0.0
        self.steady = False


class Dynamics:
    def __init__(self, config):
        self.config = {**DEFAULTS, **config}
        self.rollouts = []
        self.schedulers = []
        self.log_streams = set()

    # ---- the moto side -------------------------------------------------------------

    def install(self):
        """Wraps moto's UpdateService and StopTask so a change starts a deployment or hands
        the service to the scheduler at once, and serves the backdate endpoint."""
        from moto.ecs.models import EC2ContainerServiceBackend
        from moto.moto_server.werkzeug_app import DomainDispatcherApplication

        original = EC2ContainerServiceBackend.update_service
        original_stop = EC2ContainerServiceBackend.stop_task
        original_call = DomainDispatcherApplication.__call__
        dynamics = self

        def update_service(backend, service_properties):
            force = bool(service_properties.get("force_new_deployment"))
            scaled = service_properties.get("desired_count") is not None
            service = original(backend, service_properties)
            try:
                with LOCK:
                    dynamics.on_update(backend, service, force, scaled)
            except Exception as err:  # keep moto's answer whatever happens here
                log_err("starting a deployment", err)
            return service

        def stop_task(backend, cluster_str, task_str, reason):
            # A task already stopped is answered as it is (moto would rewrite its reason).
            before = dynamics.find_task(backend, cluster_str, task_str)
            stopped = before is not None and before.last_status == "STOPPED"
            kept = before.stopped_reason if stopped else None
            task = original_stop(backend, cluster_str, task_str, reason)
            if stopped:
                task.stopped_reason = kept
                return task
            try:
                with LOCK:
                    dynamics.on_stop(backend, task)
            except Exception as err:
                log_err("replacing a stopped task", err)
            return task

        def call(app, environ, start_response):
            if environ.get("PATH_INFO") == BACKDATE_PATH:
                return dynamics.serve_backdate(environ, start_response)
            return original_call(app, environ, start_response)

        EC2ContainerServiceBackend.update_service = update_service
        EC2ContainerServiceBackend.stop_task = stop_task
        DomainDispatcherApplication.__call__ = call

    def on_update(self, backend, service, force, scaled):
        primary = next((d for d in service.deployments if d.get("status") == "PRIMARY"), None)
        if primary is None:
            return
        if primary.get("taskDefinition") == service.task_definition and not force:
            if scaled:
                self.on_scale(backend, service)
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

    def rollout_of(self, service):
        """The rollout still moving this service, if any."""
        return next((r for r in self.rollouts if r.service is service and not r.done), None)

    def scheduler_of(self, backend, service):
        s = next((s for s in self.schedulers if s.service is service), None)
        if s is None:
            s = Scheduler(backend, service)
            self.schedulers.append(s)
        return s

    def on_scale(self, backend, service):
        """A desired-count change without a new deployment: the rollout moving the service
        takes the new count, else the scheduler starts or stops tasks."""
        r = self.rollout_of(service)
        if r is not None:
            r.deployment["desiredCount"] = service.desired_count
            self.sync_counts(service)  # moto set runningCount to the new desired count
            return
        self.scheduler_of(backend, service).wake()
        target = self.serving(service)
        if target is not None:
            target["desiredCount"] = service.desired_count
            target["updatedAt"] = now()
        self.recount(service)

    def find_task(self, backend, cluster_str, task_str):
        """The task StopTask would find (moto matches the id at the end of the ARN)."""
        try:
            cluster = backend._get_cluster(cluster_str)
        except Exception:
            return None
        task_id = (task_str or "").split("/")[-1]
        tasks = backend.tasks.get(cluster.name, {})
        return next((t for arn, t in tasks.items() if task_id and arn.endswith(task_id)), None)

    def on_stop(self, backend, task):
        """StopTask by the user: ECS's stop code; a task of a service is replaced. A task
        of a service that belongs to none of its deployments (one the demo seeded as
        crashed) is left as moto stopped it: the scheduler never counted it."""
        group = getattr(task, "group", "") or ""
        service = None
        if group.startswith("service:"):
            service = backend.services.get(f"{task.cluster_name}:{group[len('service:'):]}")
            if service is not None and self.deployment_of(service, task) is None:
                return
        at = now()
        task.stop_code = "UserInitiated"
        task.stopped_reason = task.stopped_reason or "Task stopped by user"
        task.stopping_at = at
        task.stopped_at = at
        task.execution_stopped_at = at
        for c in task.containers:
            c.last_status = "STOPPED"
        if service is None or service.status != "ACTIVE":
            return
        r = self.rollout_of(service)
        if r is not None:
            # The rollout starts a replacement for one of its own; an older one is counted.
            if task in r.pending:
                r.pending.remove(task)
            elif any(t is task for t, _ in r.running):
                r.running = [(t, since) for t, since in r.running if t is not task]
            else:
                d = self.deployment_of(service, task)
                if d is not None and d is not r.deployment:
                    d["runningCount"] = max(0, d.get("runningCount", 0) - 1)
            r.deployment["runningCount"] = len(r.running)
            r.deployment["pendingCount"] = len(r.pending)
            self.sync_counts(service)
            return
        self.scheduler_of(backend, service).wake()
        self.recount(service)

    # ---- realistic ages -------------------------------------------------------------

    def serve_backdate(self, environ, start_response):
        """``POST /ecsnap-demo/backdate``: sets the times moto stamps "now". The body:
        ``{"account", "region", "volumes": {id: time}, "snapshots": {id: time},
        "images": [{"repository", "tag", "pushedAt": time}]}`` with RFC 3339 times. Answers
        200 with what was set, or 400 naming what does not exist (nothing is set then)."""
        try:
            if environ.get("REQUEST_METHOD") != "POST":
                return self.answer(start_response, 405, {"error": "POST only"})
            size = int(environ.get("CONTENT_LENGTH") or 0)
            body = json.loads(environ["wsgi.input"].read(size) or b"{}")
            with LOCK:
                status, answer = self.backdate(body)
            return self.answer(start_response, status, answer)
        except Exception as err:
            log_err("backdating", err)
            return self.answer(start_response, 400, {"error": f"{type(err).__name__}: {err}"})

    def answer(self, start_response, status, body):
        text = json.dumps(body).encode()
        reason = {200: "OK", 400: "Bad Request", 405: "Method Not Allowed"}[status]
        start_response(
            f"{status} {reason}",
            [("Content-Type", "application/json"), ("Content-Length", str(len(text)))],
        )
        return [text]

    def backdate(self, body):
        from moto.core.models import DEFAULT_ACCOUNT_ID
        from moto.ec2.models import ec2_backends
        from moto.ecr.models import ecr_backends

        account = body.get("account") or DEFAULT_ACCOUNT_ID
        region = body["region"]
        ec2 = ec2_backends[account][region]
        ecr = ecr_backends[account][region]
        changes, missing = [], []
        for vid, at in (body.get("volumes") or {}).items():
            volume = ec2.volumes.get(vid)
            if volume is None:
                missing.append(vid)
            else:
                # moto keeps EC2 times as naive UTC datetimes.
                changes.append((volume, "create_time", naive_utc(at)))
        for sid, at in (body.get("snapshots") or {}).items():
            snapshot = ec2.snapshots.get(sid)
            if snapshot is None:
                missing.append(sid)
            else:
                changes.append((snapshot, "start_time", naive_utc(at)))
        for entry in body.get("images") or []:
            repo = ecr.repositories.get(entry["repository"])
            image = None
            if repo is not None:
                image = next((i for i in repo.images if entry["tag"] in i.image_tags), None)
            if image is None:
                missing.append(f"{entry['repository']}:{entry['tag']}")
            else:
                at = naive_utc(entry["pushedAt"]).replace(tzinfo=datetime.timezone.utc)
                changes.append((image, "image_pushed_at", int(at.timestamp())))
        if missing:
            return 400, {"error": "not found", "missing": missing}
        for obj, attr, value in changes:
            setattr(obj, attr, value)
        return 200, {"backdated": len(changes)}

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
        kept = []
        for s in self.schedulers:
            key = f"{s.service.cluster_name}:{s.service.name}"
            if s.backend.services.get(key) is not s.service or s.service.status != "ACTIVE":
                continue  # the service is gone (deleted, or the emulator was reset)
            kept.append(s)
            if self.rollout_of(s.service) is not None:
                continue  # the rollout moves the service
            if clock - s.last_step >= self.config["step"]:
                s.last_step = clock
                self.schedule(s)
        self.schedulers = kept

    def step(self, r, clock):
        d = r.deployment
        fault = self.fault_of(r)
        if fault is not None and clock - r.started >= self.config["fail_after"]:
            self.fail_rollout(r)
            return
        # Scaled down during the rollout: the newest surplus tasks are stopped.
        surplus = len(r.running) + len(r.pending) - d["desiredCount"]
        if surplus > 0:
            victims = list(reversed(r.pending))[:surplus]
            victims += [t for t, _ in reversed(r.running)][: surplus - len(victims)]
            for task in victims:
                self.stop_task(r, task, f"Scaling activity initiated by (deployment {d['id']})",
                               "ServiceSchedulerInitiated", exit_code=0)
            r.pending = [t for t in r.pending if t not in victims]
            r.running = [(t, since) for t, since in r.running if t not in victims]
            self.event(r, self.stopped_message(victims))
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
        return self.launch(r.backend, r.service, r.deployment, "PENDING")

    def launch(self, backend, service, deployment, status):
        """A task of `deployment`, started by it as ECS does (startedBy, group)."""
        task = backend.run_task(
            service.cluster_name,
            deployment["taskDefinition"],
            1,
            None,
            deployment["id"],
            None,
            "FARGATE",
            group=f"service:{service.name}",
        )[0]
        task.last_status = status
        task.desired_status = "RUNNING"
        task.created_at = now()
        return task

    # ---- the service scheduler -----------------------------------------------------

    def serving(self, service):
        """The deployment the scheduler keeps at the desired count: the PRIMARY, or after a
        FAILED rollout (circuit breaker without rollback) the newest one still serving."""
        ok = [d for d in service.deployments if d.get("rolloutState") != "FAILED"]
        return ok[0] if ok else None

    def deployment_of(self, service, task):
        """The deployment a task belongs to: the one that started it, else (tasks seeded
        outside any deployment) the one running its task definition."""
        for d in service.deployments:
            if task.started_by == d.get("id"):
                return d
        td = task.task_definition_arn
        same = [d for d in service.deployments if d.get("taskDefinition") == td]
        ok = [d for d in same if d.get("rolloutState") != "FAILED"]
        return (ok or same or [None])[0]

    def live_tasks(self, service):
        tasks = self.backend_tasks(service)
        return [
            t
            for t in tasks
            if getattr(t, "group", None) == f"service:{service.name}"
            and t.desired_status != "STOPPED"
            and t.last_status in LIVE
        ]

    def backend_tasks(self, service):
        backend = service._backend
        return list(backend.tasks.get(service.cluster_name, {}).values())

    def recount(self, service):
        """Running and pending counts of every deployment and of the service, from the
        tasks ListTasks and DescribeTasks return."""
        counts = {id(d): [0, 0] for d in service.deployments}
        for t in self.live_tasks(service):
            d = self.deployment_of(service, t)
            if d is None:
                continue
            counts[id(d)][0 if t.last_status == "RUNNING" else 1] += 1
        for d in service.deployments:
            d["runningCount"], d["pendingCount"] = counts[id(d)]
        self.sync_counts(service)

    def schedule(self, s):
        """One step of the scheduler: tasks move one state on, missing ones start, surplus
        ones stop; then the counts are recounted."""
        service = s.service
        target = self.serving(service)
        if target is None:
            return
        desired = service.desired_count
        target["desiredCount"] = desired
        view = Rollout(s.backend, service, target)  # for the task definition and the logs
        mine = [t for t in self.live_tasks(service) if self.deployment_of(service, t) is target]
        moved = False
        for t in mine:
            if t.last_status == "PENDING":
                t.last_status = "RUNNING"
                t.started_at = now()
                for c in t.containers:
                    c.last_status = "RUNNING"
                self.write_logs(view, t, self.startup_lines(view, t))
                moved = True
            elif t.last_status in ("PROVISIONING", "ACTIVATING"):
                t.last_status = "PENDING"
                moved = True
        if len(mine) < desired:
            started = [self.launch(s.backend, service, target, "PROVISIONING")
                       for _ in range(desired - len(mine))]
            self.service_event(service, "has started {} tasks: {}.".format(
                len(started), " ".join(f"(task {t.id})" for t in started)))
            moved = True
        elif len(mine) > desired:
            # Tasks not yet running go first, then the newest running ones.
            order = [t for t in mine if t.last_status != "RUNNING"][::-1]
            order += sorted(
                (t for t in mine if t.last_status == "RUNNING"),
                key=lambda t: getattr(t, "started_at", None) or now(),
                reverse=True,
            )
            victims = order[: len(mine) - desired]
            reason = f"Scaling activity initiated by (deployment {target['id']})"
            for t in victims:
                self.stop_task(None, t, reason, "ServiceSchedulerInitiated",
                               exit_code=0 if t.last_status == "RUNNING" else None)
            self.service_event(service, self.stopped_message(victims))
            moved = True
        if moved:
            target["updatedAt"] = now()
        self.recount(service)
        steady = (
            target.get("runningCount", 0) == desired
            and service.running_count == desired
            and service.pending_count == 0
        )
        if steady and not s.steady:
            s.steady = True
            if target.get("rolloutState") == "IN_PROGRESS":
                target["rolloutState"] = "COMPLETED"
                target["rolloutStateReason"] = f"ECS deployment {target['id']} completed."
                self.service_event(service, f"(deployment {target['id']}) deployment completed.")
            self.service_event(service, "has reached a steady state.")

    def stopped_message(self, tasks):
        return "has stopped {} running tasks: {}.".format(
            len(tasks), " ".join(f"(task {t.id})" for t in tasks))

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
        self.service_event(r.service, message)

    def service_event(self, service, message):
        entry = {
            "id": str(uuid.uuid4()),
            "createdAt": now(),
            "message": f"(service {service.name}) {message}",
        }
        service.events = [entry] + list(service.events)[:99]

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

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
* Service deployments and service revisions, which moto lacks: the helper answers
  ListServiceDeployments, DescribeServiceDeployments, DescribeServiceRevisions,
  StopServiceDeployment and ContinueServiceDeployment itself (the request's X-Amz-Target,
  before moto sees it) from the records it keeps: a first SUCCESSFUL deployment at
  CreateService, one more at every UpdateService that starts a deployment, each with a
  service revision (images by digest from this account's ECR, the managed EBS volume
  configuration). ROLLING ones follow the rollout (SCALE_UP, BAKE_TIME for ``bake``
  seconds, CLEAN_UP, SUCCESSFUL, or STOPPED by the circuit breaker); CANARY, LINEAR and
  BLUE_GREEN ones pass ECS's lifecycle stages, shift traffic, and stop at a PAUSE
  lifecycle hook until ContinueServiceDeployment or its ``expiresAt`` (``hook_timeout``
  seconds if set, else the hook's own timeout) when its ``timeoutAction`` fires. A
  rollback (StopServiceDeployment ROLLBACK, Continue ROLLBACK, a timeout) returns the
  service to the source revision: ROLLBACK_REQUESTED, ROLLBACK_IN_PROGRESS,
  ROLLBACK_SUCCESSFUL. See "service deployments" below.
* moto's ECR lifecycle-policy check is widened to ECR's current schema (``transition``
  to ``archive``, ``sinceImagePulled``, ``sinceImageTransitioned``, ``storageClass``), so
  a policy with transition rules can be put and read back.
* DescribeServices answers each deployment's ``volumeConfigurations`` (the managed EBS
  volume configuration CreateService / UpdateService gave the service when the deployment
  started; moto keeps none), where ECS answers it: the PRIMARY deployment carries the
  service's, older ones keep theirs, and a rollback returns to the source revision's.
* EC2's DescribeLockedSnapshots and Recycle Bin's ListRules, which moto lacks (it answers
  an HTML error page): the helper answers that no snapshot is locked and that the region
  has no retention rule, as AWS does in an account without either, so the demo's cleanup
  plans check both (every deletion is then "permanent") rather than saying they could not.
* ``GET /ecsnap-demo/calls`` answers the ECS operations received, in order, with the
  bodies of the deployment operations, CreateService and UpdateService: tests read back
  what ecsnap sent (and that a refusal sent nothing).
* ``POST /ecsnap-demo/backdate`` (a private path no AWS API uses, answered before moto
  sees the request) sets the creation times moto stamps "now": volumes' CreateTime,
  snapshots' StartTime and ECR images' imagePushedAt, from a JSON map of id (or
  repository and tag) to an RFC 3339 time. The demo calls it once, right after seeding,
  so the fleet has realistic ages; ecsnap reads them back through the ordinary APIs. Its
  ``stuck`` entries name services ECS cannot place a task for (the demo's ``worker``):
  their "unable to place a task" event since a time, every few minutes, then on while
  nothing moves the service.
* ``POST /ecsnap-demo/target-health`` (private, like the backdate) sets what a load
  balancer says of one registered target: moto reads every registered target ``healthy``,
  so ``ELBv2Backend.describe_target_health`` is wrapped to answer the state, reason code and
  description set for it (``{"account", "region", "targetGroupArn", "targetId", "state",
  "reason", "description"}``; 400 when the group or the target is not registered). The demo
  sets one target of ``payments-prod/storefront`` unhealthy (``Target.ResponseCodeMismatch``).
* Containers with the ``awslogs`` driver get log lines in CloudWatch Logs (moto serves it
  on the same port): group ``awslogs-group``, stream ``prefix/container/task-id``, for
  every task of a service the loop drives.

The configuration comes as JSON in ``ECSNAP_DEMO_DYNAMICS`` (see ``src/demo/dynamics.rs``);
without it this is plain ``python -m moto.server``. Run as ``python -c <this file> PORT``.
The loop never raises: a failed step is written to stderr (the emulator's log) and the next
step tries again, so ``POST /moto-api/reset`` or an odd request cannot stop the server.
"""

import datetime
import hashlib
import io
import json
import os
import random
import sys
import threading
import time
import urllib.parse
import uuid

DEFAULTS = {
    "step": 2.0,
    "oom_after": 6.0,
    "fail_after": 60.0,
    "working_set_mib": 300,
    "bake": 6.0,
    "hook_timeout": None,
}

OOM_REASON = "OutOfMemoryError: Container killed due to memory usage"
BACKDATE_PATH = "/ecsnap-demo/backdate"
CALLS_PATH = "/ecsnap-demo/calls"
TARGET_HEALTH_PATH = "/ecsnap-demo/target-health"
# Recycle Bin's ListRules (REST-JSON), which moto lacks.
RBIN_LIST_RULES = "/list-rules"
ECS_TARGET = "AmazonEC2ContainerServiceV20141113."
DEPLOYMENT_OPS = (
    "ListServiceDeployments",
    "DescribeServiceDeployments",
    "DescribeServiceRevisions",
    "StopServiceDeployment",
    "ContinueServiceDeployment",
)
# ECS requests whose body the helper reads too (moto keeps no deploymentConfiguration).
PEEKED_OPS = DEPLOYMENT_OPS + ("CreateService", "UpdateService")
IN_FLIGHT = ("PENDING", "IN_PROGRESS")
# The stages a canary, linear or blue/green deployment passes, in order (ECS's names).
STAGED = (
    "RECONCILE_SERVICE",
    "PRE_SCALE_UP",
    "SCALE_UP",
    "POST_SCALE_UP",
    "TEST_TRAFFIC_SHIFT",
    "POST_TEST_TRAFFIC_SHIFT",
    "PRODUCTION_TRAFFIC_SHIFT",
    "POST_PRODUCTION_TRAFFIC_SHIFT",
    "BAKE_TIME",
    "CLEAN_UP",
)
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


def widen_lifecycle_schema():
    """moto's ECR lifecycle-policy check predates ECR archive: it rejects a ``transition``
    action (``targetStorageClass``), the ``sinceImagePulled`` and ``sinceImageTransitioned``
    count types and ``storageClass`` selection, all of which ECR takes. Widen its schema to
    ECR's so a policy with transition rules can be put and read back (moto only stores it)."""
    try:
        from moto.ecr import policy_validation as pv

        pv.VALID_ACTION_TYPE_VALUES = set(pv.VALID_ACTION_TYPE_VALUES) | {"transition"}
        # A new set: the required properties stay {"type"}.
        pv.VALID_ACTION_PROPERTIES = set(pv.REQUIRED_ACTION_PROPERTIES) | {"targetStorageClass"}
        pv.VALID_SELECTION_PROPERTIES = set(pv.VALID_SELECTION_PROPERTIES) | {"storageClass"}
        pv.VALID_SELECTION_COUNT_TYPE_VALUES = set(pv.VALID_SELECTION_COUNT_TYPE_VALUES) | {
            "sinceImagePulled",
            "sinceImageTransitioned",
        }
    except Exception as err:  # another moto: leave its check as it is
        log_err("widening the lifecycle policy schema", err)


def log_err(what, err):
    sys.stderr.write(f"ecsnap dynamics: {what}: {type(err).__name__}: {err}\n")
    sys.stderr.flush()


AMZ_JSON = "application/x-amz-json-1.1"


class ApiError(Exception):
    """An ECS error answer: ``{"__type": code, "message": message}`` with HTTP 400."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


def wire(value):
    """JSON for the AWS JSON protocol: times as epoch seconds."""
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=datetime.timezone.utc)
        return value.timestamp()
    raise TypeError(f"{type(value).__name__} is not JSON")


def default_config():
    return {
        "deploymentCircuitBreaker": {"enable": False, "rollback": False},
        "maximumPercent": 200,
        "minimumHealthyPercent": 100,
        "strategy": "ROLLING",
    }


def cb_status(config, done):
    breaker = config.get("deploymentCircuitBreaker") or {}
    if not breaker.get("enable"):
        return "DISABLED"
    return "MONITORING_COMPLETE" if done else "MONITORING"


def first_weight(config):
    """The production traffic a staged deployment shifts first, in percent."""
    strategy = config.get("strategy")
    if strategy == "CANARY":
        return float((config.get("canaryConfiguration") or {}).get("canaryPercent") or 10)
    if strategy == "LINEAR":
        return float((config.get("linearConfiguration") or {}).get("stepPercent") or 10)
    return 100.0


def summary(revision, requested, running, pending):
    return {
        "arn": revision["serviceRevisionArn"],
        "requestedTaskCount": requested,
        "runningTaskCount": running,
        "pendingTaskCount": pending,
    }


def public(record):
    """A record as DescribeServiceDeployments answers it (the helper's own keys dropped)."""
    return {k: v for k, v in record.items() if not k.startswith("_")}


def one_of(body, key, allowed):
    """The parameter `key` (the first of `allowed` when absent); refused unless one of
    `allowed`."""
    value = body.get(key) or allowed[0]
    if value not in allowed:
        raise ApiError("InvalidParameterException",
                       f"{key} {value} is not one of {', '.join(allowed)}.")
    return value


def described(body, arns_key, answer_key, table, shown):
    """A Describe call by ARNs (1 to 20, named by `arns_key`): those `table` holds, as
    `shown` answers them, under `answer_key`; the others as MISSING failures."""
    arns = body.get(arns_key) or []
    if not 1 <= len(arns) <= 20:
        raise ApiError("InvalidParameterException", f"{arns_key} must hold 1 to 20 ARNs.")
    found, failures = [], []
    for arn in arns:
        item = table.get(arn)
        if item is None:
            failures.append({"arn": arn, "reason": "MISSING"})
        else:
            found.append(shown(item))
    return {answer_key: found, "failures": failures}


def brief(record):
    """A record as ListServiceDeployments answers it."""
    keys = ("serviceDeploymentArn", "serviceArn", "clusterArn", "startedAt", "createdAt",
            "finishedAt", "status", "statusReason")
    out = {k: record[k] for k in keys if k in record}
    out["targetServiceRevisionArn"] = record["targetServiceRevision"]["arn"]
    return out


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


def peek_body(environ):
    """A request's body, read and put back for moto to read again."""
    size = int(environ.get("CONTENT_LENGTH") or 0)
    raw = environ["wsgi.input"].read(size) if size else b""
    environ["wsgi.input"] = io.BytesIO(raw)
    return raw


def peek_ec2_form(environ):
    """An EC2 (query protocol) request's fields, the body put back for moto; other
    services' requests are not read (their signature's scope names the service)."""
    if "/ec2/aws4_request" not in (environ.get("HTTP_AUTHORIZATION") or ""):
        return {}
    if not (environ.get("CONTENT_TYPE") or "").startswith("application/x-www-form-urlencoded"):
        return {}
    return urllib.parse.parse_qs(peek_body(environ).decode("utf-8", "replace"))


def answer_no_locks(start_response):
    """EC2's answer to DescribeLockedSnapshots in an account where no snapshot is locked."""
    text = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<DescribeLockedSnapshotsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">'
        "<requestId>ecsnap-demo-no-locks</requestId><snapshotSet/>"
        "</DescribeLockedSnapshotsResponse>"
    ).encode()
    start_response(
        "200 OK",
        [("Content-Type", "text/xml;charset=UTF-8"), ("Content-Length", str(len(text)))],
    )
    return [text]


class Dynamics:
    def __init__(self, config):
        self.config = {**DEFAULTS, **config}
        self.rollouts = []
        self.schedulers = []
        self.log_streams = set()
        # Service deployments and revisions (ECS's records; moto keeps none).
        self.records = {}  # service deployment ARN -> record (see new_record)
        self.revisions = {}  # service revision ARN -> revision
        self.internal = None  # the record whose rollback runs an UpdateService now
        self.calls = []  # the ECS operations received, in order (GET /ecsnap-demo/calls)
        # (account, region, target group ARN, target id) -> (state, reason, description)
        self.target_health = {}
        self.request = threading.local()
        # Services stuck on capacity (set by the backdate): {"service", "message", "every",
        # "next"}; the event is posted again every ``every`` seconds while nothing moves them.
        self.stuck = []

    # ---- the moto side -------------------------------------------------------------

    def install(self):
        """Wraps moto's UpdateService and StopTask so a change starts a deployment or hands
        the service to the scheduler at once, and serves the backdate endpoint."""
        from moto.ecs.models import EC2ContainerServiceBackend, Service
        from moto.elbv2.models import ELBv2Backend
        from moto.moto_server.werkzeug_app import DomainDispatcherApplication

        original = EC2ContainerServiceBackend.update_service
        original_stop = EC2ContainerServiceBackend.stop_task
        original_call = DomainDispatcherApplication.__call__
        original_health = ELBv2Backend.describe_target_health
        dynamics = self

        def update_service(backend, service_properties):
            force = bool(service_properties.get("force_new_deployment"))
            scaled = service_properties.get("desired_count") is not None
            before = dynamics.config_before(backend, service_properties)
            service = original(backend, service_properties)
            try:
                with LOCK:
                    dynamics.keep_config(service, before)
            except Exception as err:
                log_err("keeping the deployment configuration", err)
            try:
                with LOCK:
                    dynamics.on_update(backend, service, force, scaled)
            except Exception as err:  # keep moto's answer whatever happens here
                log_err("starting a deployment", err)
            try:
                with LOCK:
                    dynamics.stamp_volumes(service)
            except Exception as err:
                log_err("recording the volume configuration", err)
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

        def describe_target_health(backend, target_group_arn, targets):
            statuses = original_health(backend, target_group_arn, targets)
            with LOCK:
                for status in statuses:
                    key = (backend.account_id, backend.region_name, target_group_arn,
                           status.instance_id)
                    if key in dynamics.target_health:
                        status.status, status.reason, status.description = (
                            dynamics.target_health[key])
            return statuses

        def call(app, environ, start_response):
            if environ.get("PATH_INFO") == BACKDATE_PATH:
                return dynamics.serve_backdate(environ, start_response)
            if environ.get("PATH_INFO") == TARGET_HEALTH_PATH:
                return dynamics.serve_target_health(environ, start_response)
            if environ.get("PATH_INFO") == CALLS_PATH:
                with LOCK:
                    calls = list(dynamics.calls)
                return dynamics.answer(start_response, 200, {"calls": calls})
            target = environ.get("HTTP_X_AMZ_TARGET") or ""
            if (environ.get("PATH_INFO") == RBIN_LIST_RULES
                    and "/rbin/aws4_request" in (environ.get("HTTP_AUTHORIZATION") or "")):
                return dynamics.answer(start_response, 200, {"Rules": []})
            if not target and environ.get("REQUEST_METHOD") == "POST":
                query = peek_ec2_form(environ)
                if query.get("Action") == ["DescribeLockedSnapshots"]:
                    return answer_no_locks(start_response)
            if not target.startswith(ECS_TARGET):
                return original_call(app, environ, start_response)
            op = target[len(ECS_TARGET):]
            body = None
            if op in PEEKED_OPS:
                raw = peek_body(environ)
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    body = {}
            dynamics.record(op, body)
            if op in DEPLOYMENT_OPS:
                return dynamics.serve_deployments(op, body or {}, environ, start_response)
            dynamics.request.body = body
            try:
                answer = original_call(app, environ, start_response)
            finally:
                dynamics.request.body = None
            if op == "CreateService":
                try:
                    with LOCK:
                        dynamics.on_created(environ, body or {})
                except Exception as err:
                    log_err("recording a created service", err)
            return answer

        def current_service_revisions(service):
            try:
                return dynamics.current_revisions(service)
            except Exception as err:
                log_err("listing a service's current revisions", err)
                return []

        EC2ContainerServiceBackend.update_service = update_service
        EC2ContainerServiceBackend.stop_task = stop_task
        ELBv2Backend.describe_target_health = describe_target_health
        DomainDispatcherApplication.__call__ = call
        # DescribeServices' currentServiceRevisions (moto serializes the attribute).
        Service.current_service_revisions = property(current_service_revisions)
        widen_lifecycle_schema()

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
        kind = self.on_deployment(service, deployment)
        if kind == "rolling":
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
        "images": [{"repository", "tag", "pushedAt": time}], "stuck": [{"cluster",
        "service", "message", "since": time, "everySeconds"}]}`` with RFC 3339 times. A stuck
        service gets its event every ``everySeconds`` from ``since`` on (see ``stuck_since``).
        Answers 200 with what was set, or 400 naming what does not exist (nothing is set
        then)."""
        return self.serve_post(environ, start_response, "backdating", self.backdate)

    def serve_post(self, environ, start_response, what, handle):
        """A private POST: its JSON body to ``handle`` (under the lock), whose (status,
        answer) is sent; a bad request is a 400 naming the error."""
        try:
            if environ.get("REQUEST_METHOD") != "POST":
                return self.answer(start_response, 405, {"error": "POST only"})
            size = int(environ.get("CONTENT_LENGTH") or 0)
            body = json.loads(environ["wsgi.input"].read(size) or b"{}")
            with LOCK:
                status, answer = handle(body)
            return self.answer(start_response, status, answer)
        except Exception as err:
            log_err(what, err)
            return self.answer(start_response, 400, {"error": f"{type(err).__name__}: {err}"})

    # ---- target health (moto reads every registered target healthy) -----------------

    def serve_target_health(self, environ, start_response):
        """``POST /ecsnap-demo/target-health``: what the load balancer says of one target
        from now on. Answers 200, or 400 when the target group or the target is unknown."""
        return self.serve_post(
            environ, start_response, "setting target health", self.set_target_health)

    def set_target_health(self, body):
        from moto.core.models import DEFAULT_ACCOUNT_ID
        from moto.elbv2.models import elbv2_backends

        account = body.get("account") or DEFAULT_ACCOUNT_ID
        region = body["region"]
        arn, target = body["targetGroupArn"], body["targetId"]
        group = elbv2_backends[account][region].target_groups.get(arn)
        if group is None:
            return 400, {"error": "target group not found", "missing": [arn]}
        if target not in group.targets:
            return 400, {"error": "target not registered", "missing": [target]}
        self.target_health[(account, region, arn, target)] = (
            body.get("state") or "unhealthy",
            body.get("reason"),
            body.get("description"),
        )
        return 200, {"set": target}

    def answer(self, start_response, status, body, content_type="application/json"):
        text = json.dumps(body, default=wire).encode()
        reason = {200: "OK", 400: "Bad Request", 405: "Method Not Allowed",
                  500: "Internal Server Error"}[status]
        start_response(
            f"{status} {reason}",
            [("Content-Type", content_type), ("Content-Length", str(len(text)))],
        )
        return [text]

    def backdate(self, body):
        from moto.core.models import DEFAULT_ACCOUNT_ID
        from moto.ec2.models import ec2_backends
        from moto.ecr.models import ecr_backends
        from moto.ecs.models import ecs_backends

        account = body.get("account") or DEFAULT_ACCOUNT_ID
        region = body["region"]
        ec2 = ec2_backends[account][region]
        ecr = ecr_backends[account][region]
        changes, missing = [], []
        ec2_times = (("volumes", ec2.volumes, "create_time"),
                     ("snapshots", ec2.snapshots, "start_time"))
        for key, table, attr in ec2_times:
            for oid, at in (body.get(key) or {}).items():
                found = table.get(oid)
                if found is None:
                    missing.append(oid)
                else:
                    # moto keeps EC2 times as naive UTC datetimes.
                    changes.append((found, attr, naive_utc(at)))
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
        stuck = []
        for entry in body.get("stuck") or []:
            service = ecs_backends[account][region].services.get(
                f"{entry['cluster']}:{entry['service']}")
            if service is None:
                missing.append(f"{entry['cluster']}/{entry['service']}")
            else:
                stuck.append((service, entry))
        if missing:
            return 400, {"error": "not found", "missing": missing}
        for obj, attr, value in changes:
            setattr(obj, attr, value)
        for service, entry in stuck:
            self.stuck_since(service, entry)
        return 200, {"backdated": len(changes), "stuck": len(stuck)}

    def stuck_since(self, service, entry):
        """The events ECS would have posted since ``since`` (every ``everySeconds``), then
        the same event again while the service stays stuck (see ``post_stuck``)."""
        every = float(entry["everySeconds"])
        at = naive_utc(entry["since"]).replace(tzinfo=datetime.timezone.utc)
        stamp = now()
        posted, last = [], None
        while at <= stamp:
            posted.insert(0, {
                "id": str(uuid.uuid4()),
                "createdAt": at,
                "message": f"(service {service.name}) {entry['message']}",
            })
            last = at
            at += datetime.timedelta(seconds=every)
        service.events = (posted + list(service.events))[:100]
        wait = every - (stamp - last).total_seconds() if last else every
        self.stuck.append({"service": service, "message": entry["message"], "every": every,
                           "next": time.monotonic() + max(wait, 0.0)})

    # ---- service deployments and service revisions (moto has none) -------------------
    #
    # ECS keeps a record per deployment (ListServiceDeployments, DescribeServiceDeployments)
    # and a service revision per deployment target (DescribeServiceRevisions). The helper
    # keeps them for every service created while it runs: CreateService records a first
    # SUCCESSFUL deployment; every UpdateService that starts a deployment records one more.
    # A ROLLING deployment follows the rollout the loop moves (SCALE_UP while the tasks
    # start, BAKE_TIME for ``bake`` seconds once COMPLETED, CLEAN_UP, SUCCESSFUL; STOPPED
    # when the circuit breaker fails it). A CANARY, LINEAR or BLUE_GREEN deployment goes
    # through ECS's lifecycle stages one ``step`` at a time, starts the new tasks beside the
    # old ones, shifts test then production traffic (the canary or linear step first) and
    # stops at a PAUSE lifecycle hook (``lifecycleHooks`` with ``targetType`` PAUSE) until
    # ContinueServiceDeployment — or until ``expiresAt``, when ``timeoutAction`` fires.
    # StopServiceDeployment ROLLBACK (or Continue ROLLBACK) returns the service to the
    # source revision: ROLLBACK_REQUESTED, ROLLBACK_IN_PROGRESS, ROLLBACK_SUCCESSFUL.

    def record(self, op, body):
        with LOCK:
            self.calls.append({"operation": op, "request": body, "at": time.time()})
            del self.calls[:-5000]

    def config_before(self, backend, props):
        """The service's deployment configuration before an UpdateService (moto replaces
        it whole with the request's; ECS merges)."""
        try:
            cluster = backend._get_cluster(props.get("cluster", "default"))
            name = (props.get("service") or "").split("/")[-1]
            service = backend.services.get(f"{cluster.name}:{name}")
        except Exception:
            return None
        if service is None:
            return None
        return (getattr(service, "deployment_configuration", None),
                getattr(service, "ecsnap_volumes", None))

    def keep_config(self, service, before):
        config, volumes = before if before else (None, None)
        body = getattr(self.request, "body", None) or {}
        merged = dict(config or default_config())
        merged.update(body.get("deploymentConfiguration") or {})
        merged.setdefault("strategy", "ROLLING")
        service.deployment_configuration = merged
        if "volumeConfigurations" in body:
            service.ecsnap_volumes = body.get("volumeConfigurations") or []
        elif volumes is not None:
            service.ecsnap_volumes = volumes
        if hasattr(service, "volume_configurations"):
            del service.volume_configurations

    def stamp_volumes(self, service):
        """The PRIMARY deployment carries the service's managed EBS volume configurations
        (``volumeConfigurations``, as CreateService / UpdateService set them): DescribeServices
        answers them on the deployment, where ECS does and moto has none. Older deployments
        keep the ones they were started with."""
        primary = next((d for d in service.deployments if d.get("status") == "PRIMARY"), None)
        if primary is not None:
            primary["volumeConfigurations"] = list(getattr(service, "ecsnap_volumes", None) or [])

    def on_created(self, environ, body):
        backend = self.ecs_backend(environ)
        cluster = backend._get_cluster(body.get("cluster") or "default")
        service = backend.services.get(f"{cluster.name}:{body.get('serviceName')}")
        if service is None or getattr(service, "ecsnap_deployments", None) is not None:
            return
        config = dict(default_config())
        config.update(body.get("deploymentConfiguration") or {})
        config.setdefault("strategy", "ROLLING")
        service.deployment_configuration = config
        service.ecsnap_volumes = body.get("volumeConfigurations") or []
        self.stamp_volumes(service)
        service.ecsnap_deployments = []
        if not service.task_definition:
            return
        at = now()
        revision = self.new_revision(service, at)
        record = self.new_record(service, [], revision, "rolling", at)
        record.update({
            "status": "SUCCESSFUL",
            "statusReason": "ECS deployment completed.",
            "lifecycleStage": "CLEAN_UP",
            "finishedAt": at,
        })
        record["targetServiceRevision"]["runningTaskCount"] = service.desired_count
        record["deploymentCircuitBreaker"]["status"] = cb_status(config, done=True)
        service.ecsnap_current = revision["serviceRevisionArn"]

    def ecs_backend(self, environ):
        from moto.core.models import DEFAULT_ACCOUNT_ID
        from moto.ecs.models import ecs_backends

        region = "us-east-1"
        auth = environ.get("HTTP_AUTHORIZATION") or ""
        if "Credential=" in auth:
            scope = auth.split("Credential=", 1)[1].split(",")[0].split("/")
            if len(scope) >= 3 and scope[2]:
                region = scope[2]
        return ecs_backends[DEFAULT_ACCOUNT_ID][region]

    def arn(self, service, kind, ident):
        backend = service._backend
        return (f"arn:aws:ecs:{backend.region_name}:{backend.account_id}:{kind}/"
                f"{service.cluster_name}/{service.name}/{ident}")

    def digest_of(self, backend, image):
        """The digest an image resolves to now: ECR's for this account's repositories (a
        tag pushed again later resolves to another), else one derived from the name."""
        if "@" in image:
            return image.split("@", 1)[1]
        prefix = f"{backend.account_id}.dkr.ecr.{backend.region_name}.amazonaws.com/"
        if image.startswith(prefix):
            repo, _, tag = image[len(prefix):].partition(":")
            try:
                from moto.ecr.models import ecr_backends

                ecr = ecr_backends[backend.account_id][backend.region_name]
                found = ecr.repositories.get(repo)
                for i in (found.images if found else []):
                    if (tag or "latest") in (i.image_tags or []):
                        return i.get_image_digest()
            except Exception as err:
                log_err(f"resolving {image}", err)
        return "sha256:" + hashlib.sha256(image.encode()).hexdigest()

    def new_revision(self, service, at, task_definition=None):
        """A service revision of what `service` is asked to run now."""
        backend = service._backend
        td_arn = task_definition or service.task_definition
        images = []
        try:
            td = backend.describe_task_definition(td_arn)
            for c in td.container_definitions:
                image = c.get("image") or ""
                images.append({
                    "containerName": c.get("name"),
                    "image": image,
                    "imageDigest": self.digest_of(backend, image),
                })
        except Exception as err:
            log_err(f"describing {td_arn}", err)
        ident = random.randint(10**18, 10**19 - 1)
        revision = {
            "serviceRevisionArn": self.arn(service, "service-revision", ident),
            "serviceArn": service.arn,
            "clusterArn": service.cluster_arn,
            "taskDefinition": td_arn,
            "capacityProviderStrategy": [],
            "launchType": service.launch_type or "FARGATE",
            "loadBalancers": list(service.load_balancers or []),
            "serviceRegistries": list(service.service_registries or []),
            "containerImages": images,
            "guardDutyEnabled": False,
            "volumeConfigurations": list(getattr(service, "ecsnap_volumes", None) or []),
            "createdAt": at,
        }
        if service.platform_version:
            revision["platformVersion"] = service.platform_version
        if service.network_configuration:
            revision["networkConfiguration"] = service.network_configuration
        self.revisions[revision["serviceRevisionArn"]] = revision
        return revision

    def current_revisions(self, service):
        """`currentServiceRevisions` as DescribeServices answers it: the revision the
        service runs and, while a deployment moves (forward or back), its source and target
        revisions with their task counts. Empty for a service the helper did not see
        created."""
        with LOCK:
            out = []
            moving = IN_FLIGHT + ("ROLLBACK_REQUESTED", "ROLLBACK_IN_PROGRESS", "STOP_REQUESTED")
            for record in getattr(service, "ecsnap_deployments", None) or []:
                if record["status"] in moving:
                    out.extend(record["sourceServiceRevisions"])
                    out.append(record["targetServiceRevision"])
            current = getattr(service, "ecsnap_current", None)
            if current and all(r["arn"] != current for r in out):
                out.insert(0, {
                    "arn": current,
                    "requestedTaskCount": service.desired_count,
                    "runningTaskCount": service.running_count,
                    "pendingTaskCount": service.pending_count,
                })
            seen = set()
            return [
                {k: r[k] for k in ("arn", "requestedTaskCount", "runningTaskCount",
                                   "pendingTaskCount") if k in r}
                for r in out if not (r["arn"] in seen or seen.add(r["arn"]))
            ]

    def new_record(self, service, sources, target, kind, at):
        """A service deployment of `service` from the revisions `sources` to `target`, in
        flight, newest first in its history."""
        config = dict(getattr(service, "deployment_configuration", None) or default_config())
        ident = uuid.uuid4().hex[:22]
        record = {
            "serviceDeploymentArn": self.arn(service, "service-deployment", ident),
            "serviceArn": service.arn,
            "clusterArn": service.cluster_arn,
            "createdAt": at,
            "startedAt": at,
            "updatedAt": at,
            "sourceServiceRevisions": [
                summary(r, service.desired_count, 0, 0) for r in sources
            ],
            "targetServiceRevision": summary(target, service.desired_count, 0, 0),
            "status": "IN_PROGRESS",
            "statusReason": "ECS deployment in progress.",
            "deploymentConfiguration": config,
            "deploymentCircuitBreaker": {
                "status": cb_status(config, done=False),
                "failureCount": 0,
                "threshold": max(3, min(200, service.desired_count // 2)),
            },
            "alarms": {"status": "DISABLED", "alarmNames": [], "triggeredAlarmNames": []},
            "lifecycleHookDetails": [],
            "_kind": kind,
            "_service": service,
            "_next": 0.0,
            "_hooked": [],
        }
        # A stage from the start (a listing right after UpdateService shows one).
        record["lifecycleStage"] = STAGED[0] if kind == "staged" else "SCALE_UP"
        self.records[record["serviceDeploymentArn"]] = record
        history = getattr(service, "ecsnap_deployments", None)
        if history is None:
            history = service.ecsnap_deployments = []
        history.insert(0, record)
        return record

    def on_deployment(self, service, deployment):
        """UpdateService started `deployment` (moto's): its service deployment. Returns
        "rolling" when the loop's rollout moves the tasks, "staged" when the lifecycle
        stages do, "rollback" for the UpdateService of a rollback in progress."""
        if self.internal is not None:
            self.internal["_ecs_id"] = deployment["id"]
            return "rolling" if self.internal["_kind"] == "rolling" else "rollback"
        at = now()
        history = getattr(service, "ecsnap_deployments", None) or []
        for old in history:
            if old["status"] in IN_FLIGHT + ("ROLLBACK_REQUESTED", "STOP_REQUESTED"):
                self.finish(old, "STOPPED", at,
                            "ECS deployment stopped: a newer deployment of the service "
                            "started.")
        current = self.revisions.get(getattr(service, "ecsnap_current", None) or "")
        sources = [current] if current else []
        target = self.new_revision(service, at)
        config = getattr(service, "deployment_configuration", None) or {}
        staged = config.get("strategy") in ("CANARY", "LINEAR", "BLUE_GREEN") and sources
        record = self.new_record(service, sources, target, "staged" if staged else "rolling",
                                 at)
        record["_ecs_id"] = deployment["id"]
        return record["_kind"]

    def finish(self, record, status, at, reason):
        self.count(record)
        record["status"] = status
        record["statusReason"] = reason
        record["updatedAt"] = at
        record["finishedAt"] = at
        if status in ("STOPPED", "ROLLBACK_FAILED", "ROLLBACK_SUCCESSFUL"):
            record["stoppedAt"] = at
        for hook in record["lifecycleHookDetails"]:
            if hook["status"] == "AWAITING_ACTION":
                hook["status"] = "FAILED"
        breaker = record["deploymentCircuitBreaker"]
        if breaker["status"] == "MONITORING":
            breaker["status"] = "MONITORING_COMPLETE"

    def moto_deployment(self, record):
        service = record["_service"]
        return next((d for d in service.deployments if d.get("id") == record.get("_ecs_id")),
                    None)

    def move_deployments(self, clock):
        for record in list(self.records.values()):
            service = record["_service"]
            key = f"{service.cluster_name}:{service.name}"
            if service._backend.services.get(key) is not service:
                del self.records[record["serviceDeploymentArn"]]
                continue
            status = record["status"]
            if status not in IN_FLIGHT + ("ROLLBACK_REQUESTED", "ROLLBACK_IN_PROGRESS",
                                          "STOP_REQUESTED"):
                continue
            self.count(record)
            self.expire_hooks(record)
            if clock < record["_next"]:
                continue
            record["_next"] = clock + self.pace(record)
            if status == "STOP_REQUESTED":
                self.abort(record)
            elif status == "ROLLBACK_REQUESTED":
                self.start_rollback(record)
            elif status == "ROLLBACK_IN_PROGRESS":
                self.move_rollback(record)
            elif record["_kind"] == "rolling":
                self.move_rolling(record, clock)
            else:
                self.move_staged(record, clock)

    def staged_in_flight(self, service):
        """True while a canary, linear or blue/green deployment of `service` moves it."""
        return any(
            r["_kind"] == "staged" and r["status"] not in (
                "SUCCESSFUL", "STOPPED", "ROLLBACK_SUCCESSFUL", "ROLLBACK_FAILED")
            for r in getattr(service, "ecsnap_deployments", None) or []
        )

    def pace(self, record):
        """Seconds to the next stage: a staged deployment reaches its first hook quickly
        (the demo opens with the canary already waiting), then moves a ``step`` a stage."""
        if record["_kind"] == "staged" and record["status"] == "IN_PROGRESS" and not record[
                "_hooked"]:
            return min(self.config["step"], 0.5)
        return self.config["step"]

    def count(self, record):
        """The target's and the sources' task counts, from the tasks that run."""
        service = record["_service"]
        target_td = self.revisions[record["targetServiceRevision"]["arn"]]["taskDefinition"]
        mine = self.moto_deployment(record)
        running = pending = old_running = old_pending = 0
        rolling_back = record["status"] == "ROLLBACK_IN_PROGRESS"
        for d in service.deployments:
            if rolling_back:
                to_target = d is not mine and d.get("taskDefinition") == target_td
            elif mine is not None:
                to_target = d is mine
            else:
                to_target = d.get("taskDefinition") == target_td
            if to_target:
                running += d.get("runningCount", 0)
                pending += d.get("pendingCount", 0)
            else:
                old_running += d.get("runningCount", 0)
                old_pending += d.get("pendingCount", 0)
        target = record["targetServiceRevision"]
        target["runningTaskCount"], target["pendingTaskCount"] = running, pending
        target["requestedTaskCount"] = service.desired_count
        for source in record["sourceServiceRevisions"]:
            source["runningTaskCount"], source["pendingTaskCount"] = old_running, old_pending
        if mine is not None:
            record["deploymentCircuitBreaker"]["failureCount"] = mine.get("failedTasks", 0)

    def move_rolling(self, record, clock):
        at = now()
        stage = record.get("lifecycleStage")
        mine = self.moto_deployment(record)
        if stage is None:
            record["lifecycleStage"] = "SCALE_UP"
        elif stage == "SCALE_UP":
            state = mine.get("rolloutState") if mine else "FAILED"
            if state == "COMPLETED":
                record["lifecycleStage"] = "BAKE_TIME"
                record["_next"] = clock + self.config["bake"]
            elif state == "FAILED":
                reason = (mine or {}).get("rolloutStateReason") or "ECS deployment failed."
                record["deploymentCircuitBreaker"]["status"] = "TRIGGERED"
                self.finish(record, "STOPPED", at, reason)
                return
        elif stage == "BAKE_TIME":
            record["lifecycleStage"] = "CLEAN_UP"
        elif stage == "CLEAN_UP":
            self.succeed(record, at)
            return
        record["updatedAt"] = at

    def succeed(self, record, at):
        self.finish(record, "SUCCESSFUL", at, "ECS deployment completed.")
        record["_service"].ecsnap_current = record["targetServiceRevision"]["arn"]

    def move_staged(self, record, clock):
        """One lifecycle stage on (or the stage's own work), or stay at a paused hook."""
        if any(h["status"] == "AWAITING_ACTION" for h in record["lifecycleHookDetails"]):
            return
        at = now()
        service = record["_service"]
        mine = self.moto_deployment(record)
        stage = record["lifecycleStage"]
        target = record["targetServiceRevision"]
        config = record["deploymentConfiguration"]
        if stage == "SCALE_UP" and mine is not None and not record.get("_launched"):
            record["_launched"] = True
            for _ in range(service.desired_count):
                self.launch(service._backend, service, mine, "PENDING")
            self.recount(service)
            return
        if stage == "SCALE_UP" and mine is not None:
            view = Rollout(service._backend, service, mine)
            waiting = [t for t in self.live_tasks(service)
                       if t.started_by == mine["id"] and t.last_status != "RUNNING"]
            for t in waiting:
                t.last_status = "RUNNING"
                t.started_at = at
                for c in t.containers:
                    c.last_status = "RUNNING"
                self.write_logs(view, t, self.startup_lines(view, t))
            if waiting:
                self.service_event(service, "has started {} tasks: {}.".format(
                    len(waiting), " ".join(f"(task {t.id})" for t in waiting)))
                self.recount(service)
                return
        if stage == "PRODUCTION_TRAFFIC_SHIFT" and not record.get("_shifted"):
            first = first_weight(config)
            if target.get("requestedProductionTrafficWeight", 0) < first:
                self.weigh(record, first)
                record["_next"] = clock + self.config["bake"]
                if self.pause(record, stage, at):
                    return
                if first < 100:
                    return
            record["_shifted"] = True
            self.weigh(record, 100)
            return
        if stage == "BAKE_TIME" and not record.get("_baked"):
            record["_baked"] = True
            record["_next"] = clock + self.config["bake"]
            return
        if stage == "CLEAN_UP":
            self.clean_up(record, mine)
            self.succeed(record, at)
            return
        following = STAGED[STAGED.index(stage) + 1]
        record["lifecycleStage"] = following
        record["updatedAt"] = at
        if following == "TEST_TRAFFIC_SHIFT":
            target["requestedTestTrafficWeight"] = 100.0
        if following != "PRODUCTION_TRAFFIC_SHIFT":
            self.pause(record, following, at)

    def weigh(self, record, weight):
        record["targetServiceRevision"]["requestedProductionTrafficWeight"] = float(weight)
        for source in record["sourceServiceRevisions"]:
            source["requestedProductionTrafficWeight"] = float(100 - weight)
        record["updatedAt"] = now()

    def pause(self, record, stage, at):
        """Stops at a PAUSE hook configured for `stage` (once per hook). True if paused."""
        hooks = record["deploymentConfiguration"].get("lifecycleHooks") or []
        for i, hook in enumerate(hooks):
            if hook.get("targetType") not in (None, "PAUSE") or hook.get("hookTargetArn"):
                continue
            if stage not in (hook.get("lifecycleStages") or []) or i in record["_hooked"]:
                continue
            record["_hooked"].append(i)
            timeout = hook.get("timeoutConfiguration") or {}
            seconds = self.config.get("hook_timeout")
            if seconds is None:
                seconds = float(timeout.get("timeoutInMinutes") or 60) * 60
            record["lifecycleHookDetails"].append({
                "hookId": f"pause-{uuid.uuid4().hex[:12]}",
                "targetType": "PAUSE",
                "status": "AWAITING_ACTION",
                "expiresAt": at + datetime.timedelta(seconds=seconds),
                "timeoutAction": timeout.get("action") or "ROLLBACK",
            })
            record["statusReason"] = (f"ECS deployment paused at the {stage} lifecycle hook, "
                                      "awaiting action.")
            record["updatedAt"] = at
            self.service_event(record["_service"],
                               f"deployment paused at lifecycle stage {stage}: awaiting action.")
            return True
        return False

    def expire_hooks(self, record):
        at = now()
        for hook in record["lifecycleHookDetails"]:
            if hook["status"] != "AWAITING_ACTION" or hook["expiresAt"] > at:
                continue
            hook["status"] = "TIMED_OUT"
            if hook.get("timeoutAction") == "CONTINUE":
                self.resume(record)
            else:
                self.request_rollback(record, f"Lifecycle hook {hook['hookId']} timed out.")

    def resume(self, record):
        record["statusReason"] = "ECS deployment in progress."
        record["_next"] = 0.0
        record["updatedAt"] = now()

    def request_rollback(self, record, reason):
        at = now()
        source = record["sourceServiceRevisions"][0]["arn"] if record[
            "sourceServiceRevisions"] else None
        record["status"] = "ROLLBACK_REQUESTED"
        record["statusReason"] = reason
        for hook in record["lifecycleHookDetails"]:
            if hook["status"] == "AWAITING_ACTION":
                hook["status"] = "FAILED"  # no longer waits: the deployment rolls back
        record["rollback"] = {"reason": reason, "startedAt": at}
        if source:
            record["rollback"]["serviceRevisionArn"] = source
        record["updatedAt"] = at
        record["_next"] = time.monotonic() + self.config["step"]

    def start_rollback(self, record):
        """ROLLBACK_REQUESTED → ROLLBACK_IN_PROGRESS: the service is asked to run the
        source revision again."""
        at = now()
        service = record["_service"]
        record["status"] = "ROLLBACK_IN_PROGRESS"
        record["updatedAt"] = at
        source = self.revisions.get((record.get("rollback") or {}).get("serviceRevisionArn", ""))
        if source is None:
            self.finish(record, "ROLLBACK_FAILED", at, "No service revision to roll back to.")
            return
        service.ecsnap_volumes = list(source.get("volumeConfigurations") or [])
        if record["_kind"] == "rolling":
            from moto.ecs.models import EC2ContainerServiceBackend

            self.internal = record
            try:
                EC2ContainerServiceBackend.update_service(service._backend, {
                    "cluster": service.cluster_name,
                    "service": service.name,
                    "task_definition": source["taskDefinition"],
                    "force_new_deployment": source["taskDefinition"] == service.task_definition,
                })
            finally:
                self.internal = None
            return
        # Staged: traffic goes back to the source, the new tasks stop, the old ones serve.
        self.weigh(record, 0)
        record["targetServiceRevision"]["requestedTestTrafficWeight"] = 0.0
        mine = self.moto_deployment(record)
        victims = [t for t in self.live_tasks(service)
                   if mine is not None and t.started_by == mine["id"]]
        for t in victims:
            self.stop_task(None, t, f"Scaling activity initiated by (deployment {mine['id']})",
                           "ServiceSchedulerInitiated", exit_code=0)
        if victims:
            self.service_event(service, self.stopped_message(victims))
        service.task_definition = source["taskDefinition"]
        service.deployments = [d for d in service.deployments if d is not mine]
        if service.deployments:
            # ECS's rollback is a deployment of its own: the PRIMARY that runs the source
            # revision again dates from the rollback, not from the revision's first rollout.
            primary = service.deployments[0]
            primary["status"] = "PRIMARY"
            primary["rolloutState"] = "COMPLETED"
            primary["rolloutStateReason"] = f"ECS deployment {primary['id']} completed."
            primary["createdAt"] = record["rollback"].get("startedAt") or at
            primary["updatedAt"] = at
        self.stamp_volumes(service)
        self.recount(service)

    def move_rollback(self, record):
        at = now()
        service = record["_service"]
        if record["_kind"] == "rolling":
            mine = self.moto_deployment(record)
            state = mine.get("rolloutState") if mine else "FAILED"
            if state == "IN_PROGRESS":
                return
            if state == "FAILED":
                self.finish(record, "ROLLBACK_FAILED", at, "ECS rollback failed.")
                return
        self.finish(record, "ROLLBACK_SUCCESSFUL", at, "ECS deployment rolled back.")
        service.ecsnap_current = record["rollback"].get("serviceRevisionArn")
        self.service_event(service, "has reached a steady state.")

    def abort(self, record):
        """StopServiceDeployment ABORT: the deployment stops where it is."""
        for r in self.rollouts:
            if r.deployment is self.moto_deployment(record):
                r.done = True
        self.finish(record, "STOPPED", now(), "ECS deployment stopped by "
                    "StopServiceDeployment (ABORT).")

    def clean_up(self, record, mine):
        """The old revision's tasks stop; the new deployment is the only one, COMPLETED."""
        service = record["_service"]
        victims = [t for t in self.live_tasks(service)
                   if mine is None or t.started_by != mine["id"]]
        reason = f"Scaling activity initiated by (deployment {mine['id'] if mine else '-'})"
        for t in victims:
            self.stop_task(None, t, reason, "ServiceSchedulerInitiated", exit_code=0)
        if victims:
            self.service_event(service, self.stopped_message(victims))
        if mine is not None:
            service.deployments = [mine]
            mine["rolloutState"] = "COMPLETED"
            mine["rolloutStateReason"] = f"ECS deployment {mine['id']} completed."
            mine["updatedAt"] = now()
            self.service_event(service, f"(deployment {mine['id']}) deployment completed.")
        self.recount(service)
        self.service_event(service, "has reached a steady state.")

    # ---- the five operations -------------------------------------------------------

    def serve_deployments(self, op, body, environ, start_response):
        try:
            with LOCK:
                backend = self.ecs_backend(environ)
                result = getattr(self, "op_" + op)(backend, body)
            return self.answer(start_response, 200, result, AMZ_JSON)
        except ApiError as err:
            return self.answer(start_response, 400,
                               {"__type": err.code, "message": err.message}, AMZ_JSON)
        except Exception as err:
            log_err(op, err)
            return self.answer(start_response, 500,
                               {"__type": "ServerException", "message": str(err)}, AMZ_JSON)

    def service_of(self, backend, body):
        try:
            cluster = backend._get_cluster(body.get("cluster") or "default")
        except Exception:
            raise ApiError("ClusterNotFoundException", "Cluster not found.")
        name = (body.get("service") or "").split("/")[-1]
        service = backend.services.get(f"{cluster.name}:{name}")
        if service is None:
            raise ApiError("ServiceNotFoundException", "Service not found.")
        return service

    def op_ListServiceDeployments(self, backend, body):
        service = self.service_of(backend, body)
        statuses = body.get("status") or []
        created = body.get("createdAt") or {}
        found = []
        for record in getattr(service, "ecsnap_deployments", None) or []:
            if statuses and record["status"] not in statuses:
                continue
            when = record["createdAt"].timestamp()
            if "after" in created and when < float(created["after"]):
                continue
            if "before" in created and when > float(created["before"]):
                continue
            found.append(brief(record))
        size = int(body.get("maxResults") or 20)
        if not 1 <= size <= 100:
            raise ApiError("InvalidParameterException", "maxResults must be between 1 and 100.")
        start = int(body.get("nextToken") or 0)
        answer = {"serviceDeployments": found[start:start + size]}
        if start + size < len(found):
            answer["nextToken"] = str(start + size)
        return answer

    def op_DescribeServiceDeployments(self, backend, body):
        return described(body, "serviceDeploymentArns", "serviceDeployments",
                         self.records, public)

    def op_DescribeServiceRevisions(self, backend, body):
        return described(body, "serviceRevisionArns", "serviceRevisions",
                         self.revisions, lambda revision: revision)

    def in_flight(self, body):
        arn = body.get("serviceDeploymentArn") or ""
        record = self.records.get(arn)
        if record is None:
            raise ApiError("ServiceDeploymentNotFoundException",
                           f"The service deployment {arn} does not exist.")
        if record["status"] not in IN_FLIGHT:
            raise ApiError("ConflictException",
                           f"The service deployment is {record['status']}, not in progress.")
        return record

    def op_StopServiceDeployment(self, backend, body):
        stop_type = one_of(body, "stopType", ("ROLLBACK", "ABORT"))
        record = self.in_flight(body)
        if stop_type == "ABORT":
            record["status"] = "STOP_REQUESTED"
            record["statusReason"] = "StopServiceDeployment (ABORT) requested."
            record["updatedAt"] = now()
            record["_next"] = time.monotonic() + self.config["step"]
        else:
            self.request_rollback(record, "Service deployment stopped by "
                                  "StopServiceDeployment (ROLLBACK).")
        return {"serviceDeploymentArn": record["serviceDeploymentArn"]}

    def op_ContinueServiceDeployment(self, backend, body):
        action = one_of(body, "action", ("CONTINUE", "ROLLBACK"))
        record = self.in_flight(body)
        hook_id = body.get("hookId")
        hook = next((h for h in record["lifecycleHookDetails"]
                     if h["status"] == "AWAITING_ACTION"
                     and (hook_id is None or h["hookId"] == hook_id)), None)
        if hook is None:
            raise ApiError("InvalidParameterException",
                           f"No lifecycle hook {hook_id or ''} of this service deployment is "
                           "awaiting action.".replace("  ", " "))
        if action == "CONTINUE":
            hook["status"] = "SUCCEEDED"
            self.resume(record)
        else:
            hook["status"] = "FAILED"
            self.request_rollback(record, f"Rolled back at lifecycle hook {hook['hookId']} by "
                                  "ContinueServiceDeployment (ROLLBACK).")
        return {"serviceDeploymentArn": record["serviceDeploymentArn"]}

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
        self.move_deployments(clock)
        kept = []
        for s in self.schedulers:
            key = f"{s.service.cluster_name}:{s.service.name}"
            if s.backend.services.get(key) is not s.service or s.service.status != "ACTIVE":
                continue  # the service is gone (deleted, or the emulator was reset)
            kept.append(s)
            if self.rollout_of(s.service) is not None or self.staged_in_flight(s.service):
                continue  # the rollout (or the lifecycle stages) move the service
            if clock - s.last_step >= self.config["step"]:
                s.last_step = clock
                self.schedule(s)
        self.schedulers = kept
        self.post_stuck(clock)

    def post_stuck(self, clock):
        """A service stuck on capacity gets ECS's "unable to place a task" event again every
        few minutes, until a rollout, the scheduler (a scale, a stopped task) or a delete
        moves it."""
        kept = []
        for stuck in self.stuck:
            service = stuck["service"]
            key = f"{service.cluster_name}:{service.name}"
            if (service._backend.services.get(key) is not service
                    or service.status != "ACTIVE"
                    or self.rollout_of(service) is not None
                    or self.staged_in_flight(service)
                    or any(s.service is service for s in self.schedulers)):
                continue
            kept.append(stuck)
            if clock >= stuck["next"]:
                stuck["next"] = clock + stuck["every"]
                self.service_event(service, stuck["message"])
        self.stuck = kept

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

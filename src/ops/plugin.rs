//! AWS's `session-manager-plugin`, called exactly as the AWS CLI calls it.
//!
//! `aws ecs execute-command` (awscli/customizations/ecs/executecommand.py) first runs the
//! plugin without arguments (is it installed?), then, after ExecuteCommand:
//!
//! ```text
//! session-manager-plugin <json.dumps(response["session"])> <region> StartSession <profile>
//!     <json.dumps({"Target": "ecs:<cluster>_<task-id>_<container-runtime-id>"})> <ecs-endpoint-url>
//! ```
//!
//! `aws ssm start-session` (awscli/customizations/sessionmanager.py) runs
//! `session-manager-plugin --version`; when that version is newer than 1.2.497.0 the
//! StartSession answer (`{"SessionId", "TokenValue", "StreamUrl"}`) goes into the
//! environment variable `AWS_SSM_START_SESSION_RESPONSE` and its *name* is the first
//! argument (the token stays out of `ps`); otherwise the JSON itself is. Then region,
//! `StartSession`, the profile (`--profile`, or empty), the StartSession request as JSON
//! and the SSM endpoint URL.
//!
//! The JSON is written as Python's `json.dumps` writes it (`", "` and `": "` separators,
//! non-ASCII escaped), members in the order the CLI has them.

use std::ffi::OsString;
use std::fmt::Write as _;
use std::process::{Child, Command, ExitStatus, Stdio};

pub use super::plugin_credentials::PluginCredentials;
use crate::error::{Error, Result};
use crate::model::SessionHandle;

/// The plugin's program name, looked up on PATH.
pub const PLUGIN: &str = "session-manager-plugin";
/// Where newer plugins read the StartSession answer from.
pub const RESPONSE_ENV: &str = "AWS_SSM_START_SESSION_RESPONSE";
/// The last plugin version that only takes the answer as an argument.
pub const LAST_VERSION_WITHOUT_ENV: &str = "1.2.497.0";

/// What to tell a user without the plugin.
pub const INSTALL_HINT: &str = "session-manager-plugin is not installed (or not on PATH). \
Install AWS's Session Manager plugin: https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-working-with-install-plugin.html \
(macOS: `brew install --cask session-manager-plugin`; Debian/Ubuntu: the .deb from that page, \
`sudo dpkg -i session-manager-plugin.deb`; Amazon Linux/RHEL: the .rpm), then check with \
`session-manager-plugin --version`";

/// A JSON value written the way Python's `json.dumps` writes it, members in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PyJson {
    Str(String),
    List(Vec<PyJson>),
    Object(Vec<(String, PyJson)>),
}

impl PyJson {
    pub fn dumps(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    fn write(&self, out: &mut String) {
        match self {
            PyJson::Str(s) => write_str(out, s),
            PyJson::List(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    item.write(out);
                }
                out.push(']');
            }
            PyJson::Object(members) => {
                out.push('{');
                for (i, (k, v)) in members.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    write_str(out, k);
                    out.push_str(": ");
                    v.write(out);
                }
                out.push('}');
            }
        }
    }
}

/// A string as `json.dumps` (`ensure_ascii=True`) writes it.
fn write_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if c.is_ascii() && !c.is_ascii_control() => out.push(c),
            c => {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{u:04x}");
                }
            }
        }
    }
    out.push('"');
}

/// The members of a session that are present, under the given names, in order.
fn session_object(h: &SessionHandle, names: [&str; 3], order: [usize; 3]) -> PyJson {
    let values = [&h.session_id, &h.stream_url, &h.token_value];
    PyJson::Object(
        order
            .iter()
            .filter_map(|&i| {
                values[i]
                    .as_ref()
                    .map(|v| (names[i].to_string(), PyJson::Str(v.clone())))
            })
            .collect(),
    )
}

/// ECS's `session` as botocore parses it: `sessionId`, `streamUrl`, `tokenValue`.
pub fn ecs_session_json(h: &SessionHandle) -> String {
    session_object(h, ["sessionId", "streamUrl", "tokenValue"], [0, 1, 2]).dumps()
}

/// The AWS CLI's `session_parameters` for `ssm start-session`: `SessionId`, `TokenValue`,
/// `StreamUrl`.
pub fn ssm_session_json(h: &SessionHandle) -> String {
    session_object(h, ["SessionId", "StreamUrl", "TokenValue"], [0, 2, 1]).dumps()
}

/// The Session Manager target of an ECS container: `ecs:<cluster>_<task-id>_<runtime-id>`,
/// cluster and task as the last segment of their ARNs (or names).
pub fn ecs_target(cluster: &str, task: &str, runtime_id: &str) -> String {
    format!(
        "ecs:{}_{}_{runtime_id}",
        crate::model::arn_name(cluster),
        crate::model::arn_name(task)
    )
}

/// The endpoint URL botocore's client would report: the override, else the public one.
pub fn endpoint_url(service: &str, region: &str, endpoint: Option<&str>) -> String {
    match endpoint {
        Some(e) => e.to_string(),
        None if region.starts_with("cn-") => format!("https://{service}.{region}.amazonaws.com.cn"),
        None => format!("https://{service}.{region}.amazonaws.com"),
    }
}

/// One plugin run: its arguments (after the program name) and extra environment. They
/// carry the session token: `Debug` leaves them out.
#[derive(Clone, PartialEq, Eq)]
pub struct PluginCall {
    pub args: Vec<String>,
    pub env: Vec<(String, String)>,
}

impl std::fmt::Debug for PluginCall {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PluginCall")
            .field("args", &self.args.len())
            .field("env", &self.env.iter().map(|(k, _)| k).collect::<Vec<_>>())
            .finish()
    }
}

/// Where the plugin and the caller are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PluginContext {
    pub region: String,
    /// `--profile` as given, or empty.
    pub profile: String,
    /// The endpoint URL of the service that answered (ECS for exec, SSM for StartSession).
    pub endpoint_url: String,
    /// An assumed role's credentials (then `profile` is empty: no profile names them).
    pub credentials: PluginCredentials,
}

impl PluginContext {
    /// The plugin's context for a session opened through `m`: `profile` as the AWS CLI
    /// would hand it, unless `m` acts as an assumed role — then no profile and the
    /// role's credentials, resolved now (a role session the SDK refreshes as needed).
    pub async fn for_session(
        m: &super::guard::Mutator,
        region: &str,
        profile: String,
        endpoint_url: String,
    ) -> Result<Self> {
        let credentials = m.role_credentials().await?;
        Ok(Self {
            region: region.to_string(),
            profile: if credentials.is_empty() {
                profile
            } else {
                String::new()
            },
            endpoint_url,
            credentials,
        })
    }
}

/// The call after ExecuteCommand, as `aws ecs execute-command` makes it.
pub fn exec_call(ctx: &PluginContext, session: &SessionHandle, target: &str) -> PluginCall {
    PluginCall {
        args: vec![
            ecs_session_json(session),
            ctx.region.clone(),
            "StartSession".into(),
            ctx.profile.clone(),
            PyJson::Object(vec![("Target".into(), PyJson::Str(target.into()))]).dumps(),
            ctx.endpoint_url.clone(),
        ],
        env: ctx.credentials.env().to_vec(),
    }
}

/// The StartSession request as `aws ssm start-session` has it: `Target`, `DocumentName`,
/// `Parameters` (names in the given order, each a list of strings).
pub fn start_session_request(
    target: &str,
    document: &str,
    parameters: &[(String, Vec<String>)],
) -> PyJson {
    PyJson::Object(vec![
        ("Target".into(), PyJson::Str(target.into())),
        ("DocumentName".into(), PyJson::Str(document.into())),
        (
            "Parameters".into(),
            PyJson::Object(
                parameters
                    .iter()
                    .map(|(k, vs)| {
                        (
                            k.clone(),
                            PyJson::List(vs.iter().map(|v| PyJson::Str(v.clone())).collect()),
                        )
                    })
                    .collect(),
            ),
        ),
    ])
}

/// The call after StartSession, as `aws ssm start-session` makes it; `plugin_version` is
/// what `session-manager-plugin --version` printed.
pub fn start_session_call(
    ctx: &PluginContext,
    session: &SessionHandle,
    request: &PyJson,
    plugin_version: &str,
) -> PluginCall {
    let response = ssm_session_json(session);
    let mut env = ctx.credentials.env().to_vec();
    let first = if takes_response_from_env(plugin_version) {
        env.push((RESPONSE_ENV.into(), response));
        RESPONSE_ENV.to_string()
    } else {
        response
    };
    PluginCall {
        args: vec![
            first,
            ctx.region.clone(),
            "StartSession".into(),
            ctx.profile.clone(),
            request.dumps(),
            ctx.endpoint_url.clone(),
        ],
        env,
    }
}

/// Whether a plugin of this `--version` output reads the answer from the environment:
/// a version of 1 to 4 dotted numbers newer than 1.2.497.0 (the AWS CLI's rule).
pub fn takes_response_from_env(version_output: &str) -> bool {
    let v: String = version_output.split_whitespace().collect();
    let parse = |s: &str| -> Option<Vec<u64>> {
        let parts: Option<Vec<u64>> = s.split('.').map(|p| p.parse().ok()).collect();
        parts.filter(|p| (1..=4).contains(&p.len()))
    };
    let (Some(mut have), Some(mut min)) = (parse(&v), parse(LAST_VERSION_WITHOUT_ENV)) else {
        return false;
    };
    let len = have.len().max(min.len());
    have.resize(len, 0);
    min.resize(len, 0);
    have > min
}

/// How to reach the plugin: its program (a name looked up on PATH, or a path).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plugin {
    pub program: OsString,
}

impl Default for Plugin {
    fn default() -> Self {
        Self {
            program: PLUGIN.into(),
        }
    }
}

impl Plugin {
    fn command(&self) -> Command {
        Command::new(&self.program)
    }

    fn not_found(e: std::io::Error) -> Error {
        if e.kind() == std::io::ErrorKind::NotFound {
            Error::Usage(INSTALL_HINT.to_string())
        } else {
            Error::io(format!("running {PLUGIN}"), e)
        }
    }

    /// Runs the plugin without arguments, as the AWS CLI does before ExecuteCommand: is
    /// it installed? Its greeting is not shown.
    pub fn check_installed(&self) -> Result<()> {
        let status = self
            .command()
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map_err(Self::not_found)?;
        if status.success() {
            Ok(())
        } else {
            Err(Error::Usage(format!(
                "{PLUGIN} does not work here (it exited with {status} when run without \
                 arguments). {INSTALL_HINT}"
            )))
        }
    }

    /// `session-manager-plugin --version` (empty when it prints nothing).
    pub fn version(&self) -> Result<String> {
        let out = self
            .command()
            .arg("--version")
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .output()
            .map_err(Self::not_found)?;
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// Runs a session in the foreground on this terminal until it ends.
    pub fn run(&self, call: &PluginCall) -> Result<ExitStatus> {
        self.command()
            .args(&call.args)
            .envs(call.env.iter().map(|(k, v)| (k, v)))
            .status()
            .map_err(Self::not_found)
    }

    /// Starts a session in the background (port forwarding under the console): no
    /// terminal; its output goes to `log` when given.
    pub fn spawn(&self, call: &PluginCall, log: Option<std::fs::File>) -> Result<Child> {
        let (out, err) = match log {
            Some(f) => {
                let copy = f
                    .try_clone()
                    .map_err(|e| Error::io("opening the plugin log", e))?;
                (Stdio::from(f), Stdio::from(copy))
            }
            None => (Stdio::null(), Stdio::null()),
        };
        self.command()
            .args(&call.args)
            .envs(call.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .map_err(Self::not_found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn handle() -> SessionHandle {
        SessionHandle {
            session_id: Some("ecs-execute-command-0a1b".into()),
            stream_url: Some("wss://ssmmessages.eu-west-1.amazonaws.com/v1/data-channel/x?role=publish_subscribe".into()),
            token_value: Some("AAEAA/tok+en==".into()),
        }
    }

    fn ctx() -> PluginContext {
        PluginContext {
            region: "eu-west-1".into(),
            profile: String::new(),
            endpoint_url: endpoint_url("ecs", "eu-west-1", None),
            credentials: PluginCredentials::default(),
        }
    }

    #[test]
    fn exec_arguments_are_the_aws_clis() {
        let call = exec_call(
            &ctx(),
            &handle(),
            &ecs_target(
                "arn:aws:ecs:eu-west-1:1:cluster/prod",
                "arn:aws:ecs:eu-west-1:1:task/prod/abc123",
                "abc123-0527",
            ),
        );
        assert_eq!(
            call.args,
            vec![
                r#"{"sessionId": "ecs-execute-command-0a1b", "streamUrl": "wss://ssmmessages.eu-west-1.amazonaws.com/v1/data-channel/x?role=publish_subscribe", "tokenValue": "AAEAA/tok+en=="}"#.to_string(),
                "eu-west-1".into(),
                "StartSession".into(),
                String::new(),
                r#"{"Target": "ecs:prod_abc123_abc123-0527"}"#.into(),
                "https://ecs.eu-west-1.amazonaws.com".into(),
            ]
        );
        assert!(call.env.is_empty());
    }

    #[test]
    fn start_session_passes_the_answer_by_environment_to_new_plugins() {
        let request = start_session_request(
            "ecs:prod_abc_rt",
            "AWS-StartPortForwardingSession",
            &[
                ("portNumber".into(), vec!["80".into()]),
                ("localPortNumber".into(), vec!["8080".into()]),
            ],
        );
        let mut c = ctx();
        c.endpoint_url = endpoint_url("ssm", "eu-west-1", None);
        c.profile = "ops".into();
        let new = start_session_call(&c, &handle(), &request, "1.2.707.0\n");
        assert_eq!(new.args[0], RESPONSE_ENV);
        assert_eq!(
            new.env,
            vec![(
                RESPONSE_ENV.to_string(),
                r#"{"SessionId": "ecs-execute-command-0a1b", "TokenValue": "AAEAA/tok+en==", "StreamUrl": "wss://ssmmessages.eu-west-1.amazonaws.com/v1/data-channel/x?role=publish_subscribe"}"#.to_string()
            )]
        );
        assert_eq!(
            new.args[1..],
            [
                "eu-west-1".to_string(),
                "StartSession".into(),
                "ops".into(),
                r#"{"Target": "ecs:prod_abc_rt", "DocumentName": "AWS-StartPortForwardingSession", "Parameters": {"portNumber": ["80"], "localPortNumber": ["8080"]}}"#.into(),
                "https://ssm.eu-west-1.amazonaws.com".into(),
            ]
        );
        let old = start_session_call(&c, &handle(), &request, "1.2.497.0");
        assert!(
            old.args[0].starts_with(r#"{"SessionId": "#),
            "{}",
            old.args[0]
        );
        assert!(old.env.is_empty());
        let unknown = start_session_call(&c, &handle(), &request, "stand-in");
        assert!(unknown.env.is_empty());
    }

    #[test]
    fn versions_newer_than_the_last_without_env() {
        let cases = [
            ("1.2.497.0", false),
            ("1.2.497.1", true),
            ("1.2.707.0\n", true),
            ("1.3", true),
            ("1.2", false),
            ("", false),
            ("v1.3.0", false),
            ("1.2.3.4.5", false),
        ];
        for (v, want) in cases {
            assert_eq!(takes_response_from_env(v), want, "{v:?}");
        }
    }

    #[test]
    fn json_is_written_like_python() {
        let v = PyJson::Object(vec![
            ("a".into(), PyJson::Str("q\"b\\s\n/é😀\u{1}".into())),
            ("l".into(), PyJson::List(vec![])),
        ]);
        assert_eq!(
            v.dumps(),
            r#"{"a": "q\"b\\s\n/\u00e9\ud83d\ude00\u0001", "l": []}"#
        );
    }

    #[test]
    fn absent_members_are_left_out_and_endpoints_follow_the_partition() {
        let h = SessionHandle {
            session_id: Some("s".into()),
            ..SessionHandle::default()
        };
        assert_eq!(ecs_session_json(&h), r#"{"sessionId": "s"}"#);
        assert_eq!(
            endpoint_url("ssm", "cn-north-1", None),
            "https://ssm.cn-north-1.amazonaws.com.cn"
        );
        assert_eq!(
            endpoint_url("ecs", "us-east-1", Some("http://127.0.0.1:5000")),
            "http://127.0.0.1:5000"
        );
    }

    #[test]
    fn a_missing_plugin_says_how_to_install_it() {
        let p = Plugin {
            program: "/nonexistent/session-manager-plugin".into(),
        };
        let err = p.check_installed().expect_err("missing").to_string();
        assert!(
            err.contains("brew install") && err.contains("dpkg"),
            "{err}"
        );
    }
}

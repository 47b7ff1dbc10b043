//! Session Manager sessions: what ECS ExecuteCommand and SSM StartSession answer, handed to
//! AWS's `session-manager-plugin` as they are.

/// The session a plugin connects to. Members are optional as the APIs declare them; the
/// token is never printed by `Debug`.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct SessionHandle {
    pub session_id: Option<String>,
    pub stream_url: Option<String>,
    pub token_value: Option<String>,
}

impl std::fmt::Debug for SessionHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionHandle")
            .field("session_id", &self.session_id)
            .field("stream_url", &self.stream_url)
            .field("token_value", &self.token_value.as_ref().map(|_| "••••"))
            .finish()
    }
}

/// ECS ExecuteCommand's answer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExecSession {
    pub cluster_arn: String,
    pub task_arn: String,
    pub container_name: String,
    pub container_arn: Option<String>,
    pub interactive: bool,
    pub session: SessionHandle,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_token() {
        let h = SessionHandle {
            session_id: Some("s-1".into()),
            stream_url: Some("wss://x".into()),
            token_value: Some("secret-token".into()),
        };
        let text = format!("{h:?}");
        assert!(
            text.contains("s-1") && !text.contains("secret-token"),
            "{text}"
        );
    }
}

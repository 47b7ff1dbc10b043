//! The credentials `session-manager-plugin` is handed in its environment. The `Mutator`
//! (`guard.rs`) hands them out and the plugin's context (`plugin.rs`) carries them, so they
//! sit apart from both.

/// Credentials handed to the plugin in its environment, for its own calls (ResumeSession
/// after a dropped connection): `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and, when
/// there is one, `AWS_SESSION_TOKEN` — the AWS SDK the plugin is built on reads them
/// before any profile when it is given no profile. Empty: the profile (or the default
/// chain) says who. `Debug` leaves the values out.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct PluginCredentials(Vec<(String, String)>);

impl PluginCredentials {
    pub fn new(c: &aws_sdk_ecs::config::Credentials) -> Self {
        let mut env = vec![
            (
                "AWS_ACCESS_KEY_ID".to_string(),
                c.access_key_id().to_string(),
            ),
            (
                "AWS_SECRET_ACCESS_KEY".to_string(),
                c.secret_access_key().to_string(),
            ),
        ];
        if let Some(token) = c.session_token() {
            env.push(("AWS_SESSION_TOKEN".to_string(), token.to_string()));
        }
        Self(env)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The environment variables, secrets included.
    pub fn env(&self) -> &[(String, String)] {
        &self.0
    }
}

impl std::fmt::Debug for PluginCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.0.iter().map(|(k, _)| k))
            .finish()
    }
}

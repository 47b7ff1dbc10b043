//! Whether a place answers DescribeServiceRevisions, learnt from its first call and
//! remembered for the run: an endpoint that does not know the operation (older, an
//! emulator) or a role denied it is asked once, not once per service, and every later
//! call gets the same refusal without a request, so callers fall back on the
//! task-definition path at the cost of one failed call per place.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::error::{AwsError, AwsErrorKind, Error, Result};

#[derive(Default)]
pub(crate) struct RevisionsGate {
    /// A call has answered: later ones go out at once, in parallel.
    answered: AtomicBool,
    /// The refusal the place gave (unknown operation, access denied), for every later call.
    refused: OnceLock<AwsError>,
    /// Held by the call that finds out, so concurrent first calls wait for its answer.
    probing: tokio::sync::Mutex<()>,
}

impl RevisionsGate {
    /// The remembered refusal, if the place refused.
    pub(crate) fn refusal(&self) -> Result<()> {
        match self.refused.get() {
            Some(e) => Err(Error::Aws(e.clone())),
            None => Ok(()),
        }
    }

    pub(crate) fn answered(&self) -> bool {
        self.answered.load(Ordering::Acquire)
    }

    /// Sends `call` as the one that finds out (others wait for it); a refusal that found
    /// meanwhile is returned without sending.
    pub(crate) async fn probe<T>(
        &self,
        call: impl std::future::Future<Output = Result<T>>,
    ) -> Result<T> {
        let _alone = self.probing.lock().await;
        self.refusal()?;
        let answer = call.await;
        self.learn(&answer);
        answer
    }

    fn learn<T>(&self, answer: &Result<T>) {
        match answer {
            Ok(_) => self.answered.store(true, Ordering::Release),
            Err(Error::Aws(e)) if refuses_for_the_run(e) => {
                let _ = self.refused.set(e.clone());
            }
            // Throttling, a timeout …: the next call asks again.
            Err(_) => {}
        }
    }
}

/// An answer that will not change during the run.
fn refuses_for_the_run(e: &AwsError) -> bool {
    matches!(
        e.kind,
        AwsErrorKind::Unsupported | AwsErrorKind::AccessDenied
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refusal(kind: AwsErrorKind) -> Error {
        Error::Aws(AwsError {
            action: "ecs:DescribeServiceRevisions",
            region: "eu-west-1".into(),
            endpoint: None,
            kind,
            code: None,
            message: String::new(),
        })
    }

    #[tokio::test]
    async fn a_refusal_is_remembered_a_passing_failure_is_not() {
        let gate = RevisionsGate::default();
        let throttled: Result<()> = gate
            .probe(async { Err(refusal(AwsErrorKind::Throttled)) })
            .await;
        assert!(throttled.is_err());
        assert!(gate.refusal().is_ok(), "throttling is asked again");
        let denied: Result<()> = gate
            .probe(async { Err(refusal(AwsErrorKind::AccessDenied)) })
            .await;
        assert!(denied.is_err());
        let mut sent = false;
        let again: Result<()> = gate
            .probe(async {
                sent = true;
                Ok(())
            })
            .await;
        assert!(matches!(again, Err(Error::Aws(e)) if e.kind == AwsErrorKind::AccessDenied));
        assert!(!sent, "a remembered refusal sends nothing");
        assert!(!gate.answered());
    }

    #[tokio::test]
    async fn an_answer_opens_the_gate() {
        let gate = RevisionsGate::default();
        let one: Result<i32> = gate.probe(async { Ok(1) }).await;
        assert_eq!(one.ok(), Some(1));
        assert!(gate.answered());
        assert!(gate.refusal().is_ok());
    }
}

//! Connecting the fleet when an account cannot be reached: its role cannot be assumed (STS
//! refuses the connection here, on a closed loopback port), so the account is one failure
//! naming it — with no region, as nothing of it could be read — and nothing else breaks.

use ecsnap::aws::fleet::{AccountSpec, RegionChoice, connect_fleet};
use ecsnap::aws::{AssumeRole, ConnectOptions};
use ecsnap::config::Marks;

/// A loopback port nothing listens on (bound, read, closed).
fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr").port()
}

#[tokio::test]
async fn an_account_whose_role_cannot_be_assumed_fails_alone() {
    let endpoint = format!("http://127.0.0.1:{}", closed_port());
    let spec = |name: &str, account: &str| AccountSpec {
        name: name.into(),
        connect: ConnectOptions {
            region: Some("us-east-1".into()),
            endpoint_url: Some(endpoint.clone()),
            credentials: Some(ecsnap::demo::fleet::emulator_credentials()),
            assume_role: Some(AssumeRole {
                role_arn: format!("arn:aws:iam::{account}:role/ecsnap-read"),
                external_id: Some("ext-1".into()),
                session_name: None,
            }),
            ..ConnectOptions::default()
        },
        regions: RegionChoice::List(vec!["us-east-1".into(), "eu-west-1".into()]),
        marks: Marks::default(),
    };
    let (targets, failures) =
        connect_fleet(&[spec("prod", "111111111111"), spec("dev", "222222222222")]).await;
    assert!(targets.is_empty());
    let names: Vec<(&str, Option<&str>)> = failures
        .iter()
        .map(|f| (f.account.as_str(), f.region.as_deref()))
        .collect();
    assert_eq!(names, [("dev", None), ("prod", None)]);
    assert!(
        failures.iter().all(|f| f.error.contains("sts:AssumeRole")),
        "{failures:?}"
    );
}

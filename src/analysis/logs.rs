//! Where a container's logs are: from its `logConfiguration` and the task id, the
//! CloudWatch Logs group and stream (`awslogs`), or which driver and where else they go.

use crate::model::{LogConfiguration, LogSource};

/// The log source of container `container` of task `task_id`, whose task runs in
/// `region`. `awslogs` streams are `{awslogs-stream-prefix}/{container}/{task id}`;
/// without a prefix the stream name is Docker's container id, which ecsnap cannot know.
pub fn log_source(
    config: Option<&LogConfiguration>,
    container: &str,
    task_id: &str,
    region: &str,
) -> LogSource {
    let Some(config) = config else {
        return other(
            "none",
            "no logConfiguration: the container's logs are not kept",
        );
    };
    match config.driver.as_str() {
        "awslogs" => awslogs(config, container, task_id, region),
        "awsfirelens" => other(
            "awsfirelens",
            "firelens → its configured output (the log router container's configuration)",
        ),
        "splunk" => other(
            "splunk",
            &format!(
                "splunk → {}",
                config
                    .option("splunk-url")
                    .unwrap_or("the splunk-url (not set)")
            ),
        ),
        "none" => other("none", "none: no logs kept"),
        driver => other(
            driver,
            &format!("{driver} → wherever its options send them (ecsnap reads only awslogs)"),
        ),
    }
}

fn awslogs(config: &LogConfiguration, container: &str, task_id: &str, region: &str) -> LogSource {
    let region = config
        .option("awslogs-region")
        .filter(|r| !r.is_empty())
        .unwrap_or(region)
        .to_string();
    let Some(group) = config.option("awslogs-group").filter(|g| !g.is_empty()) else {
        return other(
            "awslogs",
            "awslogs without an awslogs-group option: no group to read",
        );
    };
    match config
        .option("awslogs-stream-prefix")
        .filter(|p| !p.is_empty())
    {
        Some(prefix) => LogSource::Awslogs {
            group: group.to_string(),
            stream: format!("{prefix}/{container}/{task_id}"),
            region,
        },
        None => other(
            "awslogs",
            &format!(
                "CloudWatch Logs group {group} ({region}); no awslogs-stream-prefix, so the \
                 stream is named after the Docker container id and cannot be derived"
            ),
        ),
    }
}

fn other(driver: &str, where_: &str) -> LogSource {
    LogSource::Other {
        driver: driver.to_string(),
        where_: where_.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::fixtures::pairs;

    fn conf(driver: &str, options: &[(&str, &str)]) -> LogConfiguration {
        LogConfiguration {
            driver: driver.into(),
            options: pairs(options),
        }
    }

    fn aws(group: &str, stream: &str, region: &str) -> LogSource {
        LogSource::Awslogs {
            group: group.into(),
            stream: stream.into(),
            region: region.into(),
        }
    }

    #[test]
    fn sources_follow_the_log_configuration() {
        let full = conf(
            "awslogs",
            &[
                ("awslogs-group", "/ecs/api"),
                ("awslogs-stream-prefix", "ecs"),
            ],
        );
        let other_region = conf(
            "awslogs",
            &[
                ("awslogs-group", "/ecs/api"),
                ("awslogs-stream-prefix", "web"),
                ("awslogs-region", "eu-west-1"),
            ],
        );
        let cases: Vec<(Option<LogConfiguration>, LogSource)> = vec![
            (Some(full), aws("/ecs/api", "ecs/app/t1", "us-east-1")),
            (
                Some(other_region),
                aws("/ecs/api", "web/app/t1", "eu-west-1"),
            ),
        ];
        for (config, want) in cases {
            assert_eq!(log_source(config.as_ref(), "app", "t1", "us-east-1"), want);
        }
    }

    #[test]
    fn other_drivers_say_where_the_logs_go() {
        let cases: Vec<(Option<LogConfiguration>, &str, &str)> = vec![
            (None, "none", "not kept"),
            (Some(conf("none", &[])), "none", "no logs kept"),
            (
                Some(conf("awsfirelens", &[])),
                "awsfirelens",
                "firelens → its configured output",
            ),
            (
                Some(conf("splunk", &[("splunk-url", "https://splunk:8088")])),
                "splunk",
                "splunk → https://splunk:8088",
            ),
            (Some(conf("splunk", &[])), "splunk", "the splunk-url"),
            (Some(conf("fluentd", &[])), "fluentd", "fluentd →"),
            (
                Some(conf("awslogs", &[("awslogs-group", "/ecs/api")])),
                "awslogs",
                "cannot be derived",
            ),
            (Some(conf("awslogs", &[])), "awslogs", "no group"),
        ];
        for (config, want_driver, want_where) in cases {
            match log_source(config.as_ref(), "app", "t1", "us-east-1") {
                LogSource::Other { driver, where_ } => {
                    assert_eq!(driver, want_driver, "{config:?}");
                    assert!(where_.contains(want_where), "{config:?}: {where_}");
                }
                LogSource::Awslogs { .. } => panic!("{config:?} read as awslogs"),
            }
        }
    }
}

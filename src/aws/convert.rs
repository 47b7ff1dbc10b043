//! Small conversions from SDK shapes to model shapes.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

/// SDK timestamp → chrono, `None` for values chrono cannot hold.
pub fn time(t: Option<&aws_sdk_ecs::primitives::DateTime>) -> Option<DateTime<Utc>> {
    let t = t?;
    DateTime::from_timestamp(t.secs(), t.subsec_nanos())
}

pub fn owned(s: Option<&str>) -> Option<String> {
    s.filter(|s| !s.is_empty()).map(str::to_string)
}

pub fn text(s: Option<&str>) -> String {
    s.unwrap_or_default().to_string()
}

/// EC2 key/value tags into a sorted map; tags without a key are dropped.
pub fn ec2_tags(tags: &[aws_sdk_ec2::types::Tag]) -> BTreeMap<String, String> {
    tags.iter()
        .filter_map(|t| {
            Some((
                t.key()?.to_string(),
                t.value().unwrap_or_default().to_string(),
            ))
        })
        .collect()
}

//! AWS region names: the known ones (a small table), what a well-formed name looks like,
//! and the check `--region` and the config's `regions` use, with a "did you mean" for a
//! mistyped or upper-case name. A well-formed name that is not in the table passes (AWS
//! opens new regions), unless it is a near miss of a known one (`us-eats-1`).

/// The regions of the public, GovCloud, China, ISO and sovereign partitions known when this
/// table was written (2026-12).
pub const KNOWN_REGIONS: &[&str] = &[
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-south-1",
    "ap-south-2",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-6",
    "ap-southeast-7",
    "ca-central-1",
    "ca-west-1",
    "eu-central-1",
    "eu-central-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-south-1",
    "eu-south-2",
    "eu-north-1",
    "il-central-1",
    "me-south-1",
    "me-central-1",
    "mx-central-1",
    "sa-east-1",
    "us-gov-east-1",
    "us-gov-west-1",
    "cn-north-1",
    "cn-northwest-1",
    "us-iso-east-1",
    "us-iso-west-1",
    "us-isob-east-1",
    "us-isof-south-1",
    "us-isof-east-1",
    "eu-isoe-west-1",
    "eusc-de-east-1",
];

/// The words region names are made of; a new region built only from these passes.
const KNOWN_WORDS: &[&str] = &[
    "us",
    "eu",
    "ap",
    "af",
    "ca",
    "il",
    "me",
    "mx",
    "sa",
    "cn",
    "de",
    "eusc",
    "gov",
    "iso",
    "isob",
    "isoe",
    "isof",
    "east",
    "west",
    "north",
    "south",
    "central",
    "northeast",
    "northwest",
    "southeast",
    "southwest",
];

/// `us-east-1`, `ap-southeast-7`, `us-gov-west-1`: lower-case words joined by `-`, the
/// first of 2 to 4 letters, ending in a number of 1 or 2 digits.
pub fn is_well_formed(name: &str) -> bool {
    let parts: Vec<&str> = name.split('-').collect();
    let Some((number, words)) = parts.split_last() else {
        return false;
    };
    let lower_word = |w: &&str| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase());
    words.len() >= 2
        && (2..=4).contains(&words[0].len())
        && words.iter().all(lower_word)
        && (1..=2).contains(&number.len())
        && number.bytes().all(|b| b.is_ascii_digit())
}

/// The known region closest to `name` (case-insensitive), when it is a near miss.
pub fn closest_known(name: &str) -> Option<&'static str> {
    let wanted = name.trim().to_ascii_lowercase();
    KNOWN_REGIONS
        .iter()
        .map(|r| (strsim::damerau_levenshtein(&wanted, r), *r))
        .filter(|(d, _)| *d <= 2)
        .min()
        .map(|(_, r)| r)
}

/// Checks one region name; the error says what is wrong and, when it can, what was meant.
pub fn check_region(name: &str) -> Result<(), String> {
    if name.trim().is_empty() {
        return Err("the region is empty; expected a region like us-east-1".into());
    }
    if KNOWN_REGIONS.contains(&name) {
        return Ok(());
    }
    let lower = name.trim().to_ascii_lowercase();
    if lower != name && (KNOWN_REGIONS.contains(&lower.as_str()) || is_well_formed(&lower)) {
        return Err(format!(
            "{name:?} is not a region name: region names are lower case; did you mean {lower}?"
        ));
    }
    let near = closest_known(name);
    if is_well_formed(name) {
        let words_known = name
            .rsplit_once('-')
            .is_some_and(|(stem, _)| stem.split('-').all(|w| KNOWN_WORDS.contains(&w)));
        return match near {
            Some(r) if !words_known => Err(format!(
                "{name:?} is not a known AWS region; did you mean {r}?"
            )),
            _ => Ok(()),
        };
    }
    Err(match near {
        Some(r) => format!("{name:?} is not a region name; did you mean {r}?"),
        None => format!("{name:?} is not a region name; expected a region like us-east-1"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_known_region_is_well_formed_and_passes() {
        for r in KNOWN_REGIONS {
            assert!(is_well_formed(r), "{r}");
            assert_eq!(check_region(r), Ok(()), "{r}");
        }
    }

    #[test]
    fn region_names_table() {
        // (name, None = accepted, Some(text the error must contain))
        let cases: [(&str, Option<&str>); 14] = [
            ("us-east-1", None),
            ("ap-southeast-9", None),
            ("eu-east-1", None),
            ("xx-newregion-9", None),
            ("", Some("the region is empty")),
            ("  ", Some("the region is empty")),
            ("US-EAST-1", Some("lower case; did you mean us-east-1?")),
            ("Eu-West-2", Some("did you mean eu-west-2?")),
            (
                "us-eats-1",
                Some("not a known AWS region; did you mean us-east-1?"),
            ),
            ("eu-wset-1", Some("did you mean eu-west-1?")),
            (
                "useast1",
                Some("not a region name; did you mean us-east-1?"),
            ),
            ("us_east_1", Some("did you mean us-east-1?")),
            ("https://x", Some("expected a region like us-east-1")),
            ("us-east-", Some("not a region name")),
        ];
        for (name, want) in cases {
            match (check_region(name), want) {
                (Ok(()), None) => {}
                (Err(e), Some(needle)) => assert!(e.contains(needle), "{name:?}: {e}"),
                (got, want) => panic!("{name:?}: got {got:?}, wanted {want:?}"),
            }
        }
    }
}

//! The council's policy file: the objective's weights and the day's limits, as `key = value`
//! lines a practice manager can edit (with `#` comments), every key optional.
//!
//! Hand-parsed rather than TOML so that every error names the line and the key, and so that
//! [`write_policy`] can write the defaults back with a comment on each line saying what it
//! costs: the file is its own documentation.

use crate::day::{Policy, Weights};
use std::fmt::Write;

/// A line of the policy file that could not be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{file} line {line}: {key}: {reason}")]
pub struct PolicyError {
    /// The file's name.
    pub file: String,
    /// The line, from 1.
    pub line: usize,
    /// The key, or the whole line when it has none.
    pub key: String,
    /// What is wrong.
    pub reason: String,
}

/// One key: its name, what it means, and how to read and write it on a policy.
struct Key {
    name: &'static str,
    meaning: &'static str,
    get: fn(&Policy) -> f64,
    set: fn(&mut Policy, f64),
}

macro_rules! weight {
    ($name:literal, $field:ident, $meaning:literal) => {
        Key {
            name: $name,
            meaning: $meaning,
            get: |p| p.weights.$field,
            set: |p, v| p.weights.$field = v,
        }
    };
}

const KEYS: &[Key] = &[
    weight!(
        "missed_deadline",
        missed_deadline,
        "a visit left out on or past its deadline (dominant)"
    ),
    weight!("deferred", deferred, "a visit left out that can still be made on a later day"),
    weight!(
        "pod_colleague",
        pod_colleague,
        "a visit made by a pod colleague, not the allocated worker"
    ),
    weight!(
        "same_locality",
        same_locality,
        "a visit made by a worker of the same locality, not the pod"
    ),
    weight!("anyone", anyone, "a visit made by any other qualified worker"),
    weight!("trip", trip, "each trip (car handover, check-out and check-in)"),
    weight!("travel_minute", travel_minute, "a minute of travel"),
    weight!("grey_km", grey_km, "a km in a worker's own car (paid mileage)"),
    weight!("overtime_minute", overtime_minute, "a minute back after the end of the shift"),
    weight!(
        "over_fair_share",
        over_fair_share,
        "a visit beyond the worker's fair share of the pod's load"
    ),
    Key {
        name: "max_overtime_minutes",
        meaning: "how long after the shift a worker may still be travelling back",
        get: |p| f64::from(p.max_overtime_seconds / 60),
        set: |p, v| p.max_overtime_seconds = (v * 60.0).round() as u32,
    },
    Key {
        name: "walk_max_km",
        meaning: "the longest leg a worker may walk (0 forbids walking)",
        get: |p| p.walk_max_km,
        set: |p, v| p.walk_max_km = v,
    },
];

/// Reads a policy file; keys it does not name keep their defaults. All errors are reported.
pub fn parse_policy(file: &str, text: &str) -> Result<Policy, Vec<PolicyError>> {
    let mut policy = Policy::default();
    let mut errors = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for (n, raw) in text.lines().enumerate() {
        let line = raw.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let error = |key: &str, reason: String| PolicyError {
            file: file.to_owned(),
            line: n + 1,
            key: key.to_owned(),
            reason,
        };
        let Some((key, value)) = line.split_once('=') else {
            errors.push(error(line, "expected `key = value`".into()));
            continue;
        };
        let (key, value) = (key.trim(), value.trim());
        let Some(known) = KEYS.iter().find(|k| k.name == key) else {
            let names: Vec<&str> = KEYS.iter().map(|k| k.name).collect();
            errors.push(error(key, format!("unknown key (known: {})", names.join(", "))));
            continue;
        };
        if !seen.insert(key) {
            errors.push(error(key, "given twice".into()));
            continue;
        }
        match value.parse::<f64>() {
            Ok(v) if v.is_finite() && v >= 0.0 => (known.set)(&mut policy, v),
            _ => errors.push(error(key, format!("'{value}' is not a number at or above 0"))),
        }
    }
    if errors.is_empty() {
        Ok(policy)
    } else {
        Err(errors)
    }
}

/// The policy as a file, each key with a comment saying what it prices.
pub fn write_policy(policy: &Policy) -> String {
    let mut out = String::from("# Rounds policy: the day optimiser's weights (cost units, about a minute of a worker's\n# time each) and limits. Delete a line to use the default.\n");
    for key in KEYS {
        let _ = writeln!(out, "\n# {}\n{} = {}", key.meaning, key.name, (key.get)(policy));
    }
    out
}

/// The weights of the default policy, for documentation and tests.
pub fn default_weights() -> Weights {
    Policy::default().weights
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_committed_default_file_is_the_default_policy() {
        let committed = include_str!("../../fixtures/policy.conf");
        assert_eq!(committed, write_policy(&Policy::default()), "regenerate fixtures/policy.conf");
    }

    #[test]
    fn round_trips_the_defaults() {
        let text = write_policy(&Policy::default());
        assert_eq!(parse_policy("policy.conf", &text), Ok(Policy::default()));
    }

    #[test]
    fn reads_the_keys_it_is_given_and_keeps_the_rest() {
        let policy =
            parse_policy("p", "grey_km = 4.5 # stricter\nmax_overtime_minutes=0\n").unwrap();
        assert_eq!(policy.weights.grey_km, 4.5);
        assert_eq!(policy.max_overtime_seconds, 0);
        assert_eq!(policy.weights.missed_deadline, default_weights().missed_deadline);
    }

    #[test]
    fn rejects_unknown_keys_bad_numbers_and_repeats_all_at_once() {
        let errors = parse_policy("p", "speed = 3\ngrey_km = lots\ntrip = 1\ntrip = 2\nnonsense\n")
            .unwrap_err();
        let lines: Vec<(usize, &str)> = errors.iter().map(|e| (e.line, e.key.as_str())).collect();
        assert_eq!(lines, [(1, "speed"), (2, "grey_km"), (4, "trip"), (5, "nonsense")]);
        assert!(errors[1].to_string().contains("p line 2: grey_km: 'lots' is not a number"));
    }
}

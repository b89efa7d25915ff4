//! iCalendar (RFC 5545) feed of a worker's visits, for Outlook or a phone to subscribe to.
//!
//! The caller decides what goes in each event; the API puts the case reference in the title,
//! never a child's name, because a calendar is shown on lock screens and shared with assistants.

use chrono::{NaiveDate, NaiveDateTime};

/// One calendar event.
#[derive(Clone, Debug, PartialEq)]
pub struct IcsEvent {
    /// A unique, stable id (same visit on the same day, same uid).
    pub uid: String,
    /// Local start.
    pub start: NaiveDateTime,
    /// Local end.
    pub end: NaiveDateTime,
    /// The title.
    pub summary: String,
    /// Where.
    pub location: String,
    /// Details (car, hub, travel times).
    pub description: String,
}

/// A VCALENDAR with `events`, times in Europe/London local time, lines ending CRLF and folded
/// at 75 octets. `stamp` is the DTSTAMP of every event.
pub fn calendar(name: &str, events: &[IcsEvent], stamp: NaiveDateTime) -> String {
    let mut lines = vec![
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".to_owned(),
        "PRODID:-//Rounds//Visits//EN".to_owned(),
        "CALSCALE:GREGORIAN".to_owned(),
        format!("X-WR-CALNAME:{}", escape(name)),
    ];
    for event in events {
        lines.push("BEGIN:VEVENT".to_owned());
        lines.push(format!("UID:{}", escape(&event.uid)));
        lines.push(format!("DTSTAMP:{}Z", stamp.format("%Y%m%dT%H%M%S")));
        lines.push(format!("DTSTART;TZID=Europe/London:{}", event.start.format("%Y%m%dT%H%M%S")));
        lines.push(format!("DTEND;TZID=Europe/London:{}", event.end.format("%Y%m%dT%H%M%S")));
        lines.push(format!("SUMMARY:{}", escape(&event.summary)));
        lines.push(format!("LOCATION:{}", escape(&event.location)));
        lines.push(format!("DESCRIPTION:{}", escape(&event.description)));
        lines.push("END:VEVENT".to_owned());
    }
    lines.push("END:VCALENDAR".to_owned());
    lines.iter().map(|line| fold(line) + "\r\n").collect()
}

/// The start of `date` at `seconds` past midnight.
pub fn at(date: NaiveDate, seconds: u32) -> NaiveDateTime {
    date.and_hms_opt(0, 0, 0).expect("midnight exists")
        + chrono::Duration::seconds(i64::from(seconds))
}

fn escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace(';', "\\;")
        .replace(',', "\\,")
        .replace("\r\n", "\\n")
        .replace('\n', "\\n")
}

fn fold(line: &str) -> String {
    let mut out = String::new();
    let mut width = 0;
    for ch in line.chars() {
        if width + ch.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(ch);
        width += ch.len_utf8();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn can_fold_long_lines_and_escape_commas() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let event = IcsEvent {
            uid: "V1@rounds".into(),
            start: at(day, 9 * 3600),
            end: at(day, 10 * 3600),
            summary: "C001".into(),
            location: "1 High Street, Chatham".into(),
            description: "x".repeat(100),
        };
        let text = calendar("Visits", &[event], at(day, 0));
        assert!(text.contains("LOCATION:1 High Street\\, Chatham\r\n"));
        assert!(text.lines().all(|line| line.trim_end_matches('\r').len() <= 75));
        assert!(text.contains("DTSTART;TZID=Europe/London:20261123T090000"));
    }
}

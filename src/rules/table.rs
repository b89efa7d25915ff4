//! The rules table: one row per (plan type, phase), as a council writes it in a CSV file.
//!
//! The table is data, not code, so a council with a stricter local standard (CP visits every
//! 10 working days rather than 15, say) edits a file rather than a program. This file holds the
//! row model, its validation, and a small hand-written reader of the CSV dialect: the pure core
//! may not use the `csv` crate (that lives in `format`), yet the built-in England table must be
//! parsed here, from the same file councils edit, so there is one source of truth.
//! `format::rules` adds file names to errors and writes tables back.

use crate::domain::PlanType;
use std::collections::BTreeMap;
use std::fmt;

/// The columns of a rules file, in the order Rounds writes them.
pub const COLUMNS: [&str; 8] =
    ["plan", "phase", "interval", "unit", "start_day", "bank_holidays", "seen_alone", "source"];

/// When in a child's history a rule applies.
///
/// The phase of a regular visit is decided at the start of the interval (the date the child
/// was last seen), which is the stricter reading: a gap that opens in the first year of a
/// placement is a first-year gap even if it closes after the anniversary.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Phase {
    /// The first visit after the start (placement start, a care leaver's move, or the plan
    /// start or notification): applies while the child has not been seen since that start.
    FirstVisit,
    /// Not a visit: when the first review falls, counted from the plan start (becoming looked
    /// after). Splits `UntilFirstReview` from `AfterFirstReview`.
    FirstReview,
    /// Last seen before the first review.
    UntilFirstReview,
    /// Last seen on or after the first review.
    AfterFirstReview,
    /// Last seen in the first year of the placement (or of the plan, without a placement).
    FirstYear,
    /// Last seen after the first year, the placement meant to last until the child is 18.
    AfterFirstYearUntil18,
    /// Last seen after the first year (otherwise, or when no `until_18` row exists).
    AfterFirstYear,
    /// Any other case.
    Default,
}

impl Phase {
    /// Every phase, in table order.
    pub const ALL: [Phase; 8] = [
        Phase::FirstVisit,
        Phase::FirstReview,
        Phase::UntilFirstReview,
        Phase::AfterFirstReview,
        Phase::FirstYear,
        Phase::AfterFirstYearUntil18,
        Phase::AfterFirstYear,
        Phase::Default,
    ];

    /// The code used in the rules file.
    pub fn code(self) -> &'static str {
        match self {
            Phase::FirstVisit => "first_visit",
            Phase::FirstReview => "first_review",
            Phase::UntilFirstReview => "until_first_review",
            Phase::AfterFirstReview => "after_first_review",
            Phase::FirstYear => "first_year",
            Phase::AfterFirstYearUntil18 => "after_first_year_until_18",
            Phase::AfterFirstYear => "after_first_year",
            Phase::Default => "default",
        }
    }

    /// The phase for a code, as [`Phase::code`] writes it.
    pub fn from_code(code: &str) -> Option<Phase> {
        Phase::ALL.into_iter().find(|phase| phase.code() == code)
    }
}

/// The unit an interval is counted in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Unit {
    /// Days that are not Saturday, Sunday or (unless the rule counts them) a bank holiday.
    WorkingDays,
    /// Every day.
    CalendarDays,
    /// Seven calendar days.
    Weeks,
    /// Calendar months; a day past the end of a shorter month is its last day (31 Jan + 1
    /// month = 28 or 29 Feb).
    CalendarMonths,
}

impl Unit {
    /// Every unit.
    pub const ALL: [Unit; 4] =
        [Unit::WorkingDays, Unit::CalendarDays, Unit::Weeks, Unit::CalendarMonths];

    /// The code used in the rules file.
    pub fn code(self) -> &'static str {
        match self {
            Unit::WorkingDays => "working_days",
            Unit::CalendarDays => "calendar_days",
            Unit::Weeks => "weeks",
            Unit::CalendarMonths => "calendar_months",
        }
    }

    /// The unit for a code.
    pub fn from_code(code: &str) -> Option<Unit> {
        Unit::ALL.into_iter().find(|unit| unit.code() == code)
    }
}

/// Whether the day the interval starts from (the last visit, the placement start) is day 0 or
/// day 1 of the count.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum StartDay {
    /// The start day is day 0: 10 working days from Monday 2 Nov is Monday 16 Nov.
    Day0,
    /// The start day (if it is a counted day) is day 1, so the deadline is one day earlier.
    Day1,
}

impl StartDay {
    /// The code used in the rules file.
    pub fn code(self) -> &'static str {
        match self {
            StartDay::Day0 => "day0",
            StartDay::Day1 => "day1",
        }
    }

    /// The start-day convention for a code.
    pub fn from_code(code: &str) -> Option<StartDay> {
        [StartDay::Day0, StartDay::Day1].into_iter().find(|s| s.code() == code)
    }
}

/// Whether bank holidays count as working days when an interval is counted in working days.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum BankHolidays {
    /// Bank holidays are skipped like weekends (the usual reading of "working days").
    Skip,
    /// Bank holidays are counted as working days; only weekends are skipped.
    Count,
}

impl BankHolidays {
    /// The code used in the rules file.
    pub fn code(self) -> &'static str {
        match self {
            BankHolidays::Skip => "skip",
            BankHolidays::Count => "count",
        }
    }

    /// The convention for a code.
    pub fn from_code(code: &str) -> Option<BankHolidays> {
        [BankHolidays::Skip, BankHolidays::Count].into_iter().find(|b| b.code() == code)
    }
}

/// How often the child must be seen alone on these visits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SeenAlone {
    /// On every visit.
    Always,
    /// On every other visit.
    Alternate,
    /// When the worker judges it appropriate.
    WhereAppropriate,
}

impl SeenAlone {
    /// The code used in the rules file.
    pub fn code(self) -> &'static str {
        match self {
            SeenAlone::Always => "always",
            SeenAlone::Alternate => "alternate",
            SeenAlone::WhereAppropriate => "where_appropriate",
        }
    }

    /// The policy for a code.
    pub fn from_code(code: &str) -> Option<SeenAlone> {
        [SeenAlone::Always, SeenAlone::Alternate, SeenAlone::WhereAppropriate]
            .into_iter()
            .find(|s| s.code() == code)
    }
}

/// One row of the table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    /// The plan type it applies to.
    pub plan: PlanType,
    /// When in the child's history.
    pub phase: Phase,
    /// The longest gap allowed, in `unit`s (at least 1).
    pub interval: u32,
    /// What `interval` counts.
    pub unit: Unit,
    /// Whether the start day is day 0 or day 1.
    pub start_day: StartDay,
    /// Whether bank holidays count as working days.
    pub bank_holidays: BankHolidays,
    /// How often the child must be seen alone.
    pub seen_alone: SeenAlone,
    /// Where the rule comes from (regulation, local policy), shown to managers.
    pub source: String,
}

/// A table that [`RulesTable::new`] has checked: no duplicate rows, and every plan type has a
/// rule for every situation a child can be in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RulesTable {
    rules: Vec<Rule>,
    index: BTreeMap<(PlanType, Phase), usize>,
}

/// A problem with a whole table (as opposed to one field).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableProblem {
    /// The 0-based index of the offending row in the rules given, when one row is to blame.
    pub row: Option<usize>,
    /// What is wrong, in words.
    pub reason: String,
}

/// A field that could not be read, from [`parse_table`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseProblem {
    /// 1-based line of the file (the header is line 1).
    pub line: usize,
    /// The column name, when one column is to blame.
    pub column: Option<String>,
    /// What is wrong.
    pub reason: String,
}

impl fmt::Display for ParseProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.column {
            Some(column) => write!(f, "line {}, column {column}: {}", self.line, self.reason),
            None => write!(f, "line {}: {}", self.line, self.reason),
        }
    }
}

/// The situations a child with a seen history can be in, for the coverage check.
pub(crate) struct Situation {
    /// `Some(true)` before the first review, when the plan has a review row.
    pub before_review: Option<bool>,
    /// Last seen in the first year.
    pub first_year: bool,
    /// The placement is meant to last until 18.
    pub until_18: bool,
}

impl RulesTable {
    /// Checks and indexes rows. Reports every problem at once: duplicate (plan, phase) pairs,
    /// zero intervals, review phases without a `first_review` row, and plan types left without
    /// a rule for some situation (e.g. no `default` or `after_first_year` row).
    pub fn new(rules: Vec<Rule>) -> Result<RulesTable, Vec<TableProblem>> {
        let mut problems = Vec::new();
        let mut index = BTreeMap::new();
        for (row, rule) in rules.iter().enumerate() {
            if rule.interval == 0 {
                problems.push(TableProblem {
                    row: Some(row),
                    reason: "interval must be at least 1".into(),
                });
            }
            if rule.interval > 3660 {
                problems.push(TableProblem {
                    row: Some(row),
                    reason: format!("interval {} is implausibly long", rule.interval),
                });
            }
            if index.insert((rule.plan, rule.phase), row).is_some() {
                problems.push(TableProblem {
                    row: Some(row),
                    reason: format!(
                        "a second {} rule for phase {}",
                        rule.plan.code(),
                        rule.phase.code()
                    ),
                });
            }
        }
        let table = RulesTable { rules, index };
        for plan in PlanType::ALL {
            let has = |phase| table.rule(plan, phase).is_some();
            for phase in [Phase::UntilFirstReview, Phase::AfterFirstReview] {
                if has(phase) && !has(Phase::FirstReview) {
                    problems.push(TableProblem {
                        row: table.index.get(&(plan, phase)).copied(),
                        reason: format!(
                            "{} has a {} rule but no first_review row saying when the review is",
                            plan.code(),
                            phase.code()
                        ),
                    });
                }
            }
            for situation in situations(has(Phase::FirstReview)) {
                if table.select(plan, &situation).is_none() {
                    problems.push(TableProblem {
                        row: None,
                        reason: format!(
                            "{} has no rule for a child last seen {}{}{}; add a default row",
                            plan.code(),
                            match situation.before_review {
                                Some(true) => "before the first review, ",
                                Some(false) => "after the first review, ",
                                None => "",
                            },
                            if situation.first_year {
                                "in the first year"
                            } else {
                                "after the first year"
                            },
                            if situation.until_18 {
                                " of a placement meant to last until 18"
                            } else {
                                ""
                            },
                        ),
                    });
                    break;
                }
            }
        }
        if problems.is_empty() {
            Ok(table)
        } else {
            Err(problems)
        }
    }

    /// The rows, in the order given.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The rule for a plan type and phase, if the table has one.
    pub fn rule(&self, plan: PlanType, phase: Phase) -> Option<&Rule> {
        self.index.get(&(plan, phase)).map(|&row| &self.rules[row])
    }

    /// The rule for a regular visit in a situation: review phases when the plan has a review
    /// row, then the first-year phases, then `default`.
    pub(crate) fn select(&self, plan: PlanType, situation: &Situation) -> Option<&Rule> {
        let review = match situation.before_review {
            Some(true) => self.rule(plan, Phase::UntilFirstReview),
            Some(false) => self.rule(plan, Phase::AfterFirstReview),
            None => None,
        };
        let year = if situation.first_year {
            self.rule(plan, Phase::FirstYear)
        } else {
            situation
                .until_18
                .then(|| self.rule(plan, Phase::AfterFirstYearUntil18))
                .flatten()
                .or_else(|| self.rule(plan, Phase::AfterFirstYear))
        };
        review.or(year).or_else(|| self.rule(plan, Phase::Default))
    }
}

fn situations(with_review: bool) -> Vec<Situation> {
    let reviews: &[Option<bool>] = if with_review { &[Some(true), Some(false)] } else { &[None] };
    let mut all = Vec::new();
    for &before_review in reviews {
        for first_year in [true, false] {
            for until_18 in [true, false] {
                all.push(Situation { before_review, first_year, until_18 });
            }
        }
    }
    all
}

/// Reads a rules table from CSV text: a header row naming the [`COLUMNS`] (any order), then one
/// row per rule. Fields may be quoted with `"` (a quote inside is doubled); blank lines are
/// skipped; a UTF-8 byte-order mark and CRLF line ends are accepted. Every problem is reported,
/// each with its line and column.
pub fn parse_table(text: &str) -> Result<RulesTable, Vec<ParseProblem>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let records = match split_records(text) {
        Ok(records) => records,
        Err(problem) => return Err(vec![problem]),
    };
    let mut records = records.into_iter();
    let Some((_, header)) = records.next() else {
        return Err(vec![ParseProblem {
            line: 1,
            column: None,
            reason: "the file is empty; expected a header row".into(),
        }]);
    };
    let mut problems = Vec::new();
    let mut position = BTreeMap::new();
    for (i, name) in header.iter().enumerate() {
        let name = name.trim();
        if !COLUMNS.contains(&name) {
            problems.push(ParseProblem {
                line: 1,
                column: Some(name.to_owned()),
                reason: format!("unknown column; expected {}", COLUMNS.join(",")),
            });
        } else if position.insert(name, i).is_some() {
            problems.push(ParseProblem {
                line: 1,
                column: Some(name.to_owned()),
                reason: "column given twice".into(),
            });
        }
    }
    for column in COLUMNS {
        if !position.contains_key(column) {
            problems.push(ParseProblem {
                line: 1,
                column: Some(column.to_owned()),
                reason: "missing column".into(),
            });
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut rules = Vec::new();
    let mut lines = Vec::new();
    for (line, fields) in records {
        if fields.len() != header.len() {
            problems.push(ParseProblem {
                line,
                column: None,
                reason: format!("{} fields, the header has {}", fields.len(), header.len()),
            });
            continue;
        }
        let field = |column: &str| fields[position[column]].trim();
        let mut bad = |column: &str, reason: String| {
            problems.push(ParseProblem { line, column: Some(column.to_owned()), reason });
        };
        let plan = PlanType::from_code(field("plan"));
        if plan.is_none() {
            let codes: Vec<_> = PlanType::ALL.iter().map(|p| p.code()).collect();
            bad(
                "plan",
                format!(
                    "unknown plan type {:?}; expected one of {}",
                    field("plan"),
                    codes.join(", ")
                ),
            );
        }
        let phase = Phase::from_code(field("phase"));
        if phase.is_none() {
            let codes: Vec<_> = Phase::ALL.iter().map(|p| p.code()).collect();
            bad(
                "phase",
                format!("unknown phase {:?}; expected one of {}", field("phase"), codes.join(", ")),
            );
        }
        let interval = field("interval").parse::<u32>().ok();
        if interval.is_none() {
            bad("interval", format!("{:?} is not a whole number", field("interval")));
        }
        let unit = Unit::from_code(field("unit"));
        if unit.is_none() {
            let codes: Vec<_> = Unit::ALL.iter().map(|u| u.code()).collect();
            bad(
                "unit",
                format!("unknown unit {:?}; expected one of {}", field("unit"), codes.join(", ")),
            );
        }
        let start_day = StartDay::from_code(field("start_day"));
        if start_day.is_none() {
            bad("start_day", format!("{:?}; expected day0 or day1", field("start_day")));
        }
        let bank_holidays = BankHolidays::from_code(field("bank_holidays"));
        if bank_holidays.is_none() {
            bad("bank_holidays", format!("{:?}; expected skip or count", field("bank_holidays")));
        }
        let seen_alone = SeenAlone::from_code(field("seen_alone"));
        if seen_alone.is_none() {
            bad(
                "seen_alone",
                format!(
                    "{:?}; expected always, alternate or where_appropriate",
                    field("seen_alone")
                ),
            );
        }
        if let (
            Some(plan),
            Some(phase),
            Some(interval),
            Some(unit),
            Some(start_day),
            Some(bank_holidays),
            Some(seen_alone),
        ) = (plan, phase, interval, unit, start_day, bank_holidays, seen_alone)
        {
            rules.push(Rule {
                plan,
                phase,
                interval,
                unit,
                start_day,
                bank_holidays,
                seen_alone,
                source: field("source").to_owned(),
            });
            lines.push(line);
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    RulesTable::new(rules).map_err(|table_problems| {
        table_problems
            .into_iter()
            .map(|problem| ParseProblem {
                line: problem.row.map_or(1, |row| lines[row]),
                column: problem.row.map(|_| "phase".to_owned()),
                reason: problem.reason,
            })
            .collect()
    })
}

/// Splits CSV text into records of fields, each with the 1-based line it starts on; blank
/// lines are skipped.
fn split_records(text: &str) -> Result<Vec<(usize, Vec<String>)>, ParseProblem> {
    let mut records = Vec::new();
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut line = 1;
    let mut record_line = 1;
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    let mut any = false;
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                '\n' => {
                    line += 1;
                    field.push(c);
                }
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() => {
                quoted = true;
                any = true;
            }
            ',' => {
                fields.push(std::mem::take(&mut field));
                any = true;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                if any || !field.is_empty() {
                    fields.push(std::mem::take(&mut field));
                    records.push((record_line, std::mem::take(&mut fields)));
                }
                any = false;
                line += 1;
                record_line = line;
            }
            _ => field.push(c),
        }
    }
    if quoted {
        return Err(ParseProblem {
            line: record_line,
            column: None,
            reason: "a quoted field is never closed".into(),
        });
    }
    if any || !field.is_empty() {
        fields.push(field);
        records.push((record_line, fields));
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "plan,phase,interval,unit,start_day,bank_holidays,seen_alone,source\n";

    fn every_plan_default() -> String {
        let mut text = HEADER.to_owned();
        for plan in PlanType::ALL {
            text.push_str(&format!(
                "{},default,4,weeks,day0,skip,where_appropriate,local\n",
                plan.code()
            ));
        }
        text
    }

    #[test]
    fn can_read_quoted_fields_with_commas_and_quotes() {
        let mut text = every_plan_default();
        text.push_str("CP,first_visit,1,weeks,day1,count,always,\"Reg 1, \"\"quoted\"\"\"\r\n");
        let table = parse_table(&text).unwrap();
        let rule = table.rule(PlanType::ChildProtection, Phase::FirstVisit).unwrap();
        assert_eq!(rule.source, "Reg 1, \"quoted\"");
        assert_eq!(rule.start_day, StartDay::Day1);
        assert_eq!(rule.bank_holidays, BankHolidays::Count);
    }

    #[test]
    fn rejects_bad_fields_naming_line_and_column() {
        let mut text = every_plan_default();
        text.push_str("CP,first_visit,x,fortnights,day2,skip,never,src\n");
        let problems = parse_table(&text).unwrap_err();
        let columns: Vec<_> =
            problems.iter().map(|p| (p.line, p.column.clone().unwrap())).collect();
        assert_eq!(
            columns,
            [
                (10, "interval".to_owned()),
                (10, "unit".to_owned()),
                (10, "start_day".to_owned()),
                (10, "seen_alone".to_owned())
            ]
        );
    }

    #[test]
    fn rejects_a_duplicate_rule_and_a_missing_column() {
        let mut text = every_plan_default();
        text.push_str("CP,default,15,working_days,day0,skip,always,dup\n");
        let problems = parse_table(&text).unwrap_err();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].line, 10);
        assert!(problems[0].reason.contains("second CP rule"), "{}", problems[0]);

        let problems = parse_table("plan,phase,interval\nCP,default,1\n").unwrap_err();
        assert!(problems.iter().any(|p| p.column.as_deref() == Some("unit")));
    }

    #[test]
    fn rejects_a_plan_type_left_without_a_rule() {
        let text: String = every_plan_default().lines().filter(|l| !l.starts_with("CIN,")).fold(
            String::new(),
            |mut acc, l| {
                acc.push_str(l);
                acc.push('\n');
                acc
            },
        );
        let problems = parse_table(&text).unwrap_err();
        assert_eq!(problems.len(), 1);
        assert!(problems[0].reason.starts_with("CIN has no rule"), "{}", problems[0]);
    }

    #[test]
    fn rejects_first_year_rules_without_an_after_first_year_fallback() {
        let mut text = HEADER.to_owned();
        for plan in PlanType::ALL {
            let phase = if plan == PlanType::PrivateFostering { "first_year" } else { "default" };
            text.push_str(&format!("{},{phase},6,weeks,day0,skip,always,x\n", plan.code()));
        }
        let problems = parse_table(&text).unwrap_err();
        assert!(problems[0].reason.contains("PF has no rule"), "{}", problems[0]);
        assert!(problems[0].reason.contains("after the first year"), "{}", problems[0]);
    }

    #[test]
    fn rejects_an_unclosed_quote() {
        let problems = parse_table("plan,\"phase\n").unwrap_err();
        assert!(problems[0].reason.contains("never closed"));
    }
}

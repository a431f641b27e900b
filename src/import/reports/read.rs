//! Reading FILE of `guidepost import reports`: the JSON of `gh issue list` or the
//! plain array, each item made a `Report`; what is wrong is told at its line and
//! column.

use super::Report;
use crate::diag::Diagnostic;
use serde::Deserialize;
use std::path::Path;

/// Reads FILE: the reports, or an error (exit status 2) at the line and column of
/// what is wrong.
pub fn read_reports(path: &Path) -> Result<Vec<Report>, Diagnostic> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Diagnostic::error("reports", path, format!("cannot read the reports: {e}")))?;
    parse_reports(&text).map_err(|(message, line, column)| {
        Diagnostic::error("reports", path, message)
            .at(line, column)
            .help("give the JSON of `gh issue list --json number,title,body,author,createdAt,url`, or an array of {page, step, variant, author, date, url, text}")
    })
}

/// The reports of a JSON text; Err((message, line, column)).
pub fn parse_reports(text: &str) -> Result<Vec<Report>, (String, usize, usize)> {
    let items: Vec<serde_json::Value> = serde_json::from_str(text).map_err(|e| {
        (
            format!("the reports are not a JSON array: {e}"),
            e.line(),
            e.column(),
        )
    })?;
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            report_of(item).map_err(|m| (format!("report {} (counting from 1): {m}", i + 1), 1, 1))
        })
        .collect()
}

/// An issue of `gh issue list --json …`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Issue {
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    author: Option<IssueAuthor>,
    #[serde(default)]
    created_at: Option<String>,
    #[serde(default)]
    url: Option<String>,
}

#[derive(Deserialize)]
struct IssueAuthor {
    #[serde(default)]
    login: Option<String>,
    #[serde(default)]
    name: Option<String>,
}

/// A report of the plain form.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Plain {
    #[serde(default)]
    page: Option<String>,
    #[serde(default)]
    guide: Option<String>,
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    step: Option<String>,
    #[serde(default)]
    variant: Option<String>,
    #[serde(default)]
    author: Option<String>,
    #[serde(default)]
    date: Option<String>,
    #[serde(default)]
    url: Option<String>,
    text: String,
}

fn report_of(item: serde_json::Value) -> Result<Report, String> {
    let is_issue = item.get("body").is_some() || item.get("number").is_some();
    if is_issue {
        let issue: Issue = serde_json::from_value(item).map_err(|e| e.to_string())?;
        Ok(report_of_issue(issue))
    } else {
        let p: Plain = serde_json::from_value(item).map_err(|e| e.to_string())?;
        Ok(Report {
            page: p.page,
            guide: p.guide,
            version: p.version,
            step: p.step,
            variant: p.variant,
            author: p.author,
            date: p.date.map(|d| day_of(&d)),
            url: p.url,
            text: p.text.trim().to_string(),
        })
    }
}

/// The fields the report link wrote into the issue body, and the reader's own words
/// (every other line; the issue's title when there are none).
fn report_of_issue(issue: Issue) -> Report {
    let mut report = Report {
        author: issue.author.and_then(|a| a.login.or(a.name)),
        date: issue.created_at.map(|d| day_of(&d)),
        url: issue.url,
        ..Report::default()
    };
    let mut words = Vec::new();
    for line in issue.body.lines() {
        match field_of(line) {
            Some(("page", v)) => report.page = Some(v),
            Some(("guide", v)) => report.guide = Some(v),
            Some(("version", v)) => report.version = Some(v),
            Some(("step", v)) => report.step = Some(v),
            Some(("console", v)) => report.variant = Some(v),
            _ => words.push(line),
        }
    }
    let said = words.join("\n").trim().to_string();
    report.text = if said.is_empty() {
        issue.title.trim().to_string()
    } else {
        said
    };
    report
}

/// `Page: https://…` (also `**Page:** …` or `- Page: …`, as an issue form may show
/// it) → ("page", "https://…").
pub(super) fn field_of(line: &str) -> Option<(&'static str, String)> {
    let line = line.trim().trim_start_matches(['-', '*', ' ']);
    let (name, value) = line.split_once(':')?;
    let name = name
        .trim()
        .trim_end_matches('*')
        .trim()
        .to_ascii_lowercase();
    let value = value.trim().trim_start_matches('*').trim().to_string();
    let key = ["page", "guide", "version", "step", "console"]
        .into_iter()
        .find(|k| *k == name)?;
    (!value.is_empty()).then_some((key, value))
}

/// `2024-05-01T10:20:30Z` → `2024-05-01`.
fn day_of(date: &str) -> String {
    date.get(..10).unwrap_or(date).to_string()
}

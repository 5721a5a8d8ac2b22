//! What an operator sees of a fleet run: a progress bar on a terminal, a
//! line per target that failed (per target with `--verbose`), a summary,
//! or with `--format json` one JSON record per target. No password is ever
//! printed: targets are shown redacted and errors have the target's
//! password removed.

use std::io::{IsTerminal, Write};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::Format;
use crate::cli::output::{count_label, duration_label, Tone};
use crate::cli::{CliError, Context};
use crate::fleet::{FleetReport, Progress, StopReason, TargetError, TargetReport, TargetStatus};

/// How often the progress bar is redrawn at most.
const REDRAW: Duration = Duration::from_millis(100);

/// The progress bar's width in characters.
const BAR_WIDTH: usize = 24;

/// Prints a fleet run as it goes and when it ends.
pub(super) struct Display<'c> {
    context: &'c Context,
    format: Format,
    total: usize,
    heads: Vec<String>,
    /// Whether targets are listed grouped by where they are at the end
    /// (`current`), instead of a line each as they finish.
    grouped: bool,
    /// Whether the command changes nothing (`current`, `check`).
    reads_only: bool,
    /// The bar, when stderr is a terminal and output is not `--quiet`.
    bar: Option<Mutex<Bar>>,
}

/// The progress bar's state.
struct Bar {
    /// The text drawn last, which is on the screen.
    drawn: Option<String>,
    last_drawn: Option<Instant>,
}

impl<'c> Display<'c> {
    pub(super) fn new(
        context: &'c Context,
        format: Format,
        total: usize,
        heads: Vec<String>,
        grouped: bool,
        reads_only: bool,
    ) -> Display<'c> {
        let bar = (std::io::stderr().is_terminal() && !context.out.quiet()).then(|| {
            Mutex::new(Bar {
                drawn: None,
                last_drawn: None,
            })
        });
        Display {
            context,
            format,
            total,
            heads,
            grouped,
            reads_only,
            bar,
        }
    }

    /// A target finished: its record or line, and the bar redrawn.
    pub(super) fn progress(&self, progress: &Progress<'_>) {
        let mut bar = self.bar.as_ref().map(|bar| lock(bar));
        let line = match self.format {
            Format::Json => Some(record(progress.finished)),
            Format::Text => self.target_line(progress.finished),
        };
        if let Some(line) = line {
            if let Some(bar) = bar.as_deref_mut() {
                bar.clear();
            }
            self.context.out.data(&line);
        }
        if let Some(bar) = bar.as_deref_mut() {
            let due = bar.drawn.is_none()
                || progress.remaining == 0
                || bar.last_drawn.is_none_or(|drawn| drawn.elapsed() >= REDRAW);
            if due {
                bar.draw(bar_text(progress));
            }
        }
    }

    /// The run is over: the bar is cleared, and the targets that never
    /// started get their records.
    pub(super) fn finish(&self, report: &FleetReport) {
        if let Some(bar) = &self.bar {
            lock(bar).clear();
        }
        if self.format == Format::Json {
            for target in &report.targets {
                if target.status == TargetStatus::Skipped {
                    self.context.out.data(&record(target));
                }
            }
        }
    }

    /// `current --targets`: the targets grouped by where they are, head
    /// first; the members of each group but the head's are listed (all of
    /// them with `--verbose`).
    pub(super) fn positions(&self, report: &FleetReport) {
        if self.format == Format::Json {
            return;
        }
        let mut groups: Vec<(String, bool, Vec<&TargetReport>)> = Vec::new();
        for target in report.targets.iter().filter(|target| target.status.is_ok()) {
            let at = target.to.as_deref().unwrap_or_default();
            let mut label = self.position(at);
            if let Some(unfinished) = &target.unfinished {
                label.push_str(&format!(
                    ", then {} {}",
                    self.context.out.paint(Tone::Name, &unfinished.revision),
                    self.context.out.paint(Tone::Warn, &unfinished.status)
                ));
            }
            let at_head = self.at_heads(at) && target.unfinished.is_none();
            match groups.iter_mut().find(|(known, _, _)| *known == label) {
                Some((_, _, members)) => members.push(target),
                None => groups.push((label, at_head, vec![target])),
            }
        }
        groups.sort_by(|a, b| b.1.cmp(&a.1).then(b.2.len().cmp(&a.2.len())));
        let out = &self.context.out;
        for (label, at_head, members) in groups {
            out.data(&format!(
                "{label}: {}",
                count_label(members.len(), "target")
            ));
            if !at_head || out.verbose() {
                for member in members {
                    out.data(&format!("    {}", member.target));
                }
            }
        }
    }

    /// A lint finding (`check --online`): data in text, on stderr beside
    /// JSON records.
    pub(super) fn finding(&self, line: &str) {
        match self.format {
            Format::Text => self.context.out.data(line),
            Format::Json => self.context.out.warn(line),
        }
    }

    /// A line for people: on stdout in text, on stderr beside JSON records;
    /// not with `--quiet`.
    pub(super) fn note(&self, line: &str) {
        match self.format {
            Format::Text => self.context.out.info(line),
            Format::Json if !self.context.out.quiet() => {
                let _ = writeln!(std::io::stderr().lock(), "{line}");
            }
            Format::Json => {}
        }
    }

    /// "3,000 targets in 41.2 s: 2,997 at head, 2 failed, 1 unreachable".
    pub(super) fn summary(&self, report: &FleetReport) {
        let mut groups: Vec<(String, usize)> = Vec::new();
        for target in report.targets.iter().filter(|target| target.status.is_ok()) {
            let at = target.to.as_deref().unwrap_or_default();
            let label = if self.at_heads(at) {
                "at head".to_owned()
            } else if at.is_empty() {
                "at <base>".to_owned()
            } else {
                format!("at {}", at.join(", "))
            };
            match groups.iter_mut().find(|(known, _)| *known == label) {
                Some((_, count)) => *count += 1,
                None => groups.push((label, 1)),
            }
        }
        groups.sort_by_key(|group| std::cmp::Reverse(group.1));
        let mut parts: Vec<String> = groups
            .into_iter()
            .map(|(label, count)| format!("{} {label}", thousands(count)))
            .collect();
        parts.extend(failure_parts(report));
        self.note(&format!(
            "{} in {}: {}",
            plural(self.total, "target"),
            duration_label(report.duration),
            parts.join(", ")
        ));
    }

    /// The error for a run in which some target did not succeed.
    pub(super) fn failure(&self, report: &FleetReport) -> CliError {
        let bad = report
            .targets
            .iter()
            .filter(|target| !target.status.is_ok())
            .count();
        let stopped = report.stopped.as_ref().map(|stopped| match stopped {
            StopReason::Failure { target } => {
                format!("no target was started after {target} failed (--continue-on-error goes on)")
            }
            StopReason::Canary { failed } => format!(
                "{} of the canaries did not succeed, so no other target was started",
                thousands(*failed)
            ),
        });
        let mut hint: Vec<String> = stopped.into_iter().collect();
        hint.push("the lines above name each target and its error".to_owned());
        if !self.reads_only {
            hint.push("fix the cause and run the same command again: targets already at the goal cost one query".to_owned());
        }
        CliError::FleetFailed {
            summary: format!(
                "{} of {} did not succeed ({})",
                thousands(bad),
                plural(self.total, "target"),
                failure_parts(report).join(", ")
            ),
            hint: hint.join("; "),
        }
    }

    /// The line for a finished target: always for one that failed or could
    /// not be reached, for the others with `--verbose` (unless they are
    /// listed by group at the end).
    fn target_line(&self, report: &TargetReport) -> Option<String> {
        let out = &self.context.out;
        let tone = match report.status {
            TargetStatus::Changed => Tone::Good,
            TargetStatus::Unchanged => Tone::Dim,
            TargetStatus::Unreachable => Tone::Warn,
            _ => Tone::Bad,
        };
        let status = out.paint(tone, &format!("{:<11}", report.status.as_str()));
        if let Some(message) = report.message() {
            let mut line = format!("{status} {}: {message}", report.target);
            if let (Some(TargetError::ModelsDiffer { operations }), true) =
                (&report.error, out.verbose())
            {
                for operation in operations {
                    line.push_str(&format!("\n    {operation}"));
                }
            }
            return Some(line);
        }
        if !out.verbose() || self.grouped {
            return None;
        }
        let to = self.position(report.to.as_deref().unwrap_or_default());
        let detail = if report.report.is_empty() {
            format!("at {to}")
        } else {
            format!(
                "{} -> {to}, {} in {}",
                self.position(report.from.as_deref().unwrap_or_default()),
                count_label(report.report.steps().len(), "revision"),
                duration_label(report.duration)
            )
        };
        Some(format!("{status} {}: {detail}", report.target))
    }

    /// `<base>`, or each revision with `(head)` after the heads.
    fn position(&self, at: &[String]) -> String {
        if at.is_empty() {
            return "<base>".to_owned();
        }
        at.iter()
            .map(|id| {
                let shown = self.context.out.paint(Tone::Name, id);
                if self.heads.contains(id) {
                    format!("{shown} (head)")
                } else {
                    shown
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn at_heads(&self, at: &[String]) -> bool {
        !at.is_empty()
            && at.len() == self.heads.len()
            && at.iter().all(|id| self.heads.contains(id))
    }
}

impl Bar {
    fn draw(&mut self, text: String) {
        let _ = write!(std::io::stderr().lock(), "\r\x1b[2K{text}");
        self.drawn = Some(text);
        self.last_drawn = Some(Instant::now());
    }

    fn clear(&mut self) {
        if self.drawn.take().is_some() {
            let _ = write!(std::io::stderr().lock(), "\r\x1b[2K");
        }
    }
}

/// `[########----------------] 412/3,000  done 410  failed 2  unreachable 0  remaining 2,588  35.2/s`
fn bar_text(progress: &Progress<'_>) -> String {
    let finished = progress.total - progress.remaining;
    let filled = (finished * BAR_WIDTH)
        .checked_div(progress.total)
        .unwrap_or(BAR_WIDTH);
    let rate = finished as f64 / progress.elapsed.as_secs_f64().max(1e-3);
    format!(
        "[{}{}] {}/{}  done {}  failed {}  unreachable {}  remaining {}  {rate:.1}/s",
        "#".repeat(filled),
        "-".repeat(BAR_WIDTH - filled),
        thousands(finished),
        thousands(progress.total),
        thousands(progress.done),
        thousands(progress.failed),
        thousands(progress.unreachable),
        thousands(progress.remaining),
    )
}

/// "2 failed", "1 unreachable", "4 not started", those that are not zero.
fn failure_parts(report: &FleetReport) -> Vec<String> {
    [
        (TargetStatus::Failed, "failed"),
        (TargetStatus::Unreachable, "unreachable"),
        (TargetStatus::Skipped, "not started"),
    ]
    .into_iter()
    .map(|(status, label)| (report.count(status), label))
    .filter(|&(count, _)| count > 0)
    .map(|(count, label)| format!("{} {label}", thousands(count)))
    .collect()
}

/// One target as a JSON line.
fn record(report: &TargetReport) -> String {
    let operations = match &report.error {
        Some(TargetError::ModelsDiffer { operations }) => operations.as_slice(),
        _ => &[],
    };
    let record = Record {
        target: report.target.shown_url(),
        schema: report.target.schema_name(),
        backend: report.target.backend().display_name(),
        status: report.status.as_str(),
        canary: report.canary,
        from: report.from.as_deref(),
        to: report.to.as_deref(),
        ran: report.report.revisions(),
        pending: &report.pending,
        operations,
        unfinished: report.unfinished.as_ref().map(|unfinished| Unfinished {
            revision: &unfinished.revision,
            status: &unfinished.status,
            statement: unfinished.statement.as_deref(),
            error: unfinished
                .error
                .as_deref()
                .map(|error| retort_core::redact_password_in(error, report.target.url())),
        }),
        error: report.message(),
        duration_ms: u64::try_from(report.duration.as_millis()).unwrap_or(u64::MAX),
    };
    // Strings, slices and numbers always serialize.
    serde_json::to_string(&record).unwrap_or_default()
}

/// A target's JSON record, fields in this order.
#[derive(serde::Serialize)]
struct Record<'a> {
    /// The URL, password removed.
    target: String,
    schema: Option<&'a str>,
    backend: &'static str,
    status: &'static str,
    canary: bool,
    /// Where it was: its current revisions (empty at base), or null when
    /// they could not be read.
    from: Option<&'a [String]>,
    /// Where it is.
    to: Option<&'a [String]>,
    /// The revisions applied or reverted.
    ran: Vec<&'a str>,
    /// The revisions not applied (`check`).
    pending: &'a [String],
    /// The operations between the models and the database (`check`).
    operations: &'a [String],
    /// A revision left part-way (`current`).
    unfinished: Option<Unfinished<'a>>,
    /// Why it failed, one line, password removed.
    error: Option<String>,
    duration_ms: u64,
}

/// A revision an earlier run left part-way.
#[derive(serde::Serialize)]
struct Unfinished<'a> {
    revision: &'a str,
    status: &'a str,
    statement: Option<&'a str>,
    error: Option<String>,
}

/// `1 target`, `3,000 targets`.
fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{} {noun}s", thousands(count))
    }
}

/// `2,997`.
fn thousands(count: usize) -> String {
    let digits = count.to_string();
    let mut shown = String::with_capacity(digits.len() + digits.len() / 3);
    for (at, digit) in digits.chars().enumerate() {
        if at > 0 && (digits.len() - at) % 3 == 0 {
            shown.push(',');
        }
        shown.push(digit);
    }
    shown
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::thousands;

    #[test]
    fn thousands_are_separated() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(2_997), "2,997");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}

//! What a person reads: progress lines with timings, a summary, data, and
//! errors with a hint. Colour as `--color` says: by default only on a
//! terminal and never with `NO_COLOR`; `--quiet` keeps only data and errors; nothing printed ever
//! holds the database password (errors and warnings, which may quote a
//! driver, have it removed once more).

use std::io::{IsTerminal, Write};
use std::time::Duration;

use super::args::ColorChoice;
use crate::{runner::Direction, runner::ReportStep};

/// How much to print.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Verbosity {
    /// Data and errors only.
    Quiet,
    /// Progress, summaries, data and errors.
    Normal,
    /// Everything, with details.
    Verbose,
}

/// A colour for a piece of text.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Tone {
    /// Something done: green.
    Good,
    /// Something to look at: yellow.
    Warn,
    /// Something failed: red.
    Bad,
    /// Revision ids and names: cyan.
    Name,
    /// Details: dim.
    Dim,
}

impl Tone {
    fn ansi(self) -> &'static str {
        match self {
            Tone::Good => "\x1b[32m",
            Tone::Warn => "\x1b[33m",
            Tone::Bad => "\x1b[1;31m",
            Tone::Name => "\x1b[36m",
            Tone::Dim => "\x1b[2m",
        }
    }
}

/// Prints for people.
pub(crate) struct Printer {
    verbosity: Verbosity,
    stdout_colour: bool,
    stderr_colour: bool,
    /// The database URL as given, whose password is removed from every
    /// error and warning (drivers may echo it).
    secret: Option<String>,
}

impl Printer {
    pub(crate) fn new(
        verbosity: Verbosity,
        colour: ColorChoice,
        secret: Option<String>,
    ) -> Printer {
        let (stdout_colour, stderr_colour) = match colour {
            ColorChoice::Always => (true, true),
            ColorChoice::Never => (false, false),
            ColorChoice::Auto => {
                let allowed = std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty());
                (
                    allowed && std::io::stdout().is_terminal(),
                    allowed && std::io::stderr().is_terminal(),
                )
            }
        };
        Printer {
            verbosity,
            stdout_colour,
            stderr_colour,
            secret,
        }
    }

    /// Whether only data and errors are wanted.
    pub(crate) fn quiet(&self) -> bool {
        self.verbosity == Verbosity::Quiet
    }

    /// Whether details are wanted.
    pub(crate) fn verbose(&self) -> bool {
        self.verbosity == Verbosity::Verbose
    }

    /// `text` in a colour, when stdout is a terminal.
    pub(crate) fn paint(&self, tone: Tone, text: &str) -> String {
        paint(self.stdout_colour, tone, text)
    }

    /// A line of the data the command was asked for: printed even with
    /// `--quiet`.
    pub(crate) fn data(&self, line: &str) {
        self.write_stdout(line);
    }

    /// A progress or summary line: not with `--quiet`.
    pub(crate) fn info(&self, line: &str) {
        if self.verbosity != Verbosity::Quiet {
            self.write_stdout(line);
        }
    }

    /// A detail: only with `--verbose`.
    pub(crate) fn detail(&self, line: &str) {
        if self.verbose() {
            let line = paint(self.stdout_colour, Tone::Dim, line);
            self.write_stdout(&line);
        }
    }

    /// A warning, on stderr: not with `--quiet`.
    pub(crate) fn warn(&self, line: &str) {
        if self.verbosity != Verbosity::Quiet {
            let label = paint(self.stderr_colour, Tone::Warn, "warning:");
            self.write_stderr(&format!("{label} {line}"));
        }
    }

    /// One revision a run applied or reverted, with its time.
    pub(crate) fn step(&self, step: &ReportStep) {
        let (verb, from, to) = match step.direction {
            Direction::Upgrade => (
                "upgrade  ",
                parents_label(&step.parents),
                step.revision.clone(),
            ),
            Direction::Downgrade => (
                "downgrade",
                step.revision.clone(),
                parents_label(&step.parents),
            ),
        };
        let line = format!(
            "{} {} -> {}  {}  {}",
            self.paint(Tone::Good, verb),
            self.paint(Tone::Name, &from),
            self.paint(Tone::Name, &to),
            step.message,
            self.paint(Tone::Dim, &format!("({})", duration_label(step.duration))),
        );
        self.info(&line);
    }

    /// An error and its hint, on stderr, each on one line.
    pub(crate) fn error(&self, message: &str, hint: Option<&str>) {
        let label = paint(self.stderr_colour, Tone::Bad, "error:");
        self.write_stderr(&format!("{label} {}", one_line(message)));
        if let Some(hint) = hint {
            let label = paint(self.stderr_colour, Tone::Warn, "hint:");
            self.write_stderr(&format!("{label} {}", one_line(hint)));
        }
    }

    fn redact(&self, line: &str) -> String {
        match &self.secret {
            Some(url) => retort_core::redact_password_in(line, url),
            None => line.to_owned(),
        }
    }

    /// Data and progress come from the migration files, never from a
    /// driver, and are printed as they are (SQL must not be altered).
    fn write_stdout(&self, line: &str) {
        // A closed pipe (`| head`) is not worth a panic.
        let _ = writeln!(std::io::stdout().lock(), "{line}");
    }

    fn write_stderr(&self, line: &str) {
        let _ = writeln!(std::io::stderr().lock(), "{}", self.redact(line));
    }
}

fn paint(colour: bool, tone: Tone, text: &str) -> String {
    if colour {
        format!("{}{text}\x1b[0m", tone.ansi())
    } else {
        text.to_owned()
    }
}

/// `<base>` for a root, else the parents separated by commas.
pub(crate) fn parents_label(parents: &[String]) -> String {
    if parents.is_empty() {
        "<base>".to_owned()
    } else {
        parents.join(", ")
    }
}

/// `12 ms`, `1.4 s`.
pub(crate) fn duration_label(duration: Duration) -> String {
    let millis = duration.as_millis();
    if millis == 0 {
        "<1 ms".to_owned()
    } else if millis < 10_000 {
        format!("{millis} ms")
    } else {
        format!("{:.1} s", duration.as_secs_f64())
    }
}

/// `1 revision`, `3 revisions`.
pub(crate) fn count_label(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

/// The text with every run of whitespace, newlines included, made one space:
/// an error is one line even when it quotes a multi-line statement.
pub(crate) fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        assert_eq!(parents_label(&[]), "<base>");
        assert_eq!(parents_label(&["a".into(), "b".into()]), "a, b");
        assert_eq!(duration_label(Duration::from_millis(12)), "12 ms");
        assert_eq!(duration_label(Duration::from_micros(300)), "<1 ms");
        assert_eq!(duration_label(Duration::from_millis(14_200)), "14.2 s");
        assert_eq!(count_label(1, "revision"), "1 revision");
        assert_eq!(count_label(0, "revision"), "0 revisions");
        assert_eq!(one_line("a\n  b\tc "), "a b c");
    }

    #[test]
    fn no_colour_off_a_terminal() {
        assert_eq!(paint(false, Tone::Good, "ok"), "ok");
        assert_eq!(paint(true, Tone::Good, "ok"), "\x1b[32mok\x1b[0m");
    }
}

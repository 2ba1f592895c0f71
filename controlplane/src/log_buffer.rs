//! The switch's log as `show logging` shows it: the last messages lisad
//! logged, kept in memory (IOS's buffered logging), beside what goes to
//! stderr (and from there to journald or a file).

use std::collections::VecDeque;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::layer::{Context, Layer};

/// Messages kept.
pub const LOG_LINES: usize = 1000;

/// One message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    /// When, in milliseconds since the Unix epoch.
    pub unix_millis: u64,
    /// IOS's severity: 3 errors, 4 warnings, 5 notifications (the
    /// switch's own events), 6 informational.
    pub severity: u32,
    /// The message: `%FACILITY-SEVERITY-MNEMONIC: text`, as IOS writes it.
    pub text: String,
}

/// The last `LOG_LINES` messages, and how many were logged in all.
#[derive(Debug, Default)]
pub struct LogBuffer {
    kept: Mutex<(VecDeque<LogLine>, u64)>,
}

impl LogBuffer {
    /// Keeps `line`, forgetting the oldest past `LOG_LINES`.
    pub fn push(&self, line: LogLine) {
        let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        if kept.0.len() == LOG_LINES {
            kept.0.pop_front();
        }
        kept.0.push_back(line);
        kept.1 += 1;
    }

    /// The messages kept, oldest first, and how many were logged in all.
    pub fn lines(&self) -> (Vec<LogLine>, u64) {
        let kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        (kept.0.iter().cloned().collect(), kept.1)
    }
}

/// A `tracing` layer that keeps every INFO-or-worse event in a `LogBuffer`
/// (whatever the stderr filter lets through).
pub struct BufferLayer(pub std::sync::Arc<LogBuffer>);

/// The message and the other fields of an event, as text.
#[derive(Default)]
struct Fields {
    message: String,
    rest: String,
}

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.message, "{value:?}");
        } else {
            let _ = write!(self.rest, " {}={value:?}", field.name());
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.message.push_str(value);
        } else {
            let _ = write!(self.rest, " {}={value}", field.name());
        }
    }
}

/// IOS's severity of a `tracing` level.
fn severity(level: &Level) -> u32 {
    match *level {
        Level::ERROR => 3,
        Level::WARN => 4,
        _ => 6,
    }
}

impl<S: Subscriber> Layer<S> for BufferLayer {
    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        let level = event.metadata().level();
        if *level > Level::INFO {
            return;
        }
        let mut f = Fields::default();
        event.record(&mut f);
        // The switch's own events carry their IOS code already.
        let (severity, text) = match ios_severity(&f.message) {
            Some(s) => (s, format!("{}{}", f.message, f.rest)),
            None => (
                severity(level),
                format!(
                    "%LISA-{}-{}: {}{}",
                    severity(level),
                    event.metadata().target().replace("::", "_").to_uppercase(),
                    f.message,
                    f.rest
                ),
            ),
        };
        self.0.push(LogLine {
            unix_millis: SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_millis() as u64)
                .unwrap_or(0),
            severity,
            text,
        });
    }
}

/// The severity in an IOS message (`%LINK-3-UPDOWN: ...` is 3).
fn ios_severity(message: &str) -> Option<u32> {
    let code = message.strip_prefix('%')?.split(':').next()?;
    code.split('-').nth(1)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_buffer_keeps_the_last_lines_and_counts_all() {
        let b = LogBuffer::default();
        for i in 0..LOG_LINES + 5 {
            b.push(LogLine {
                unix_millis: i as u64,
                severity: 6,
                text: format!("line {i}"),
            });
        }
        let (lines, total) = b.lines();
        assert_eq!((lines.len(), total), (LOG_LINES, LOG_LINES as u64 + 5));
        assert_eq!(lines[0].text, "line 5");
        assert_eq!(ios_severity("%LINK-3-UPDOWN: Interface e1"), Some(3));
        assert_eq!(ios_severity("plain"), None);
    }
}

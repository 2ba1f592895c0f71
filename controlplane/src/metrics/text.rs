//! The OpenMetrics text format (what Prometheus scrapes): families, each
//! declared once with its type and help, then its samples; `# EOF` last.

use std::fmt::Write;

/// What a family is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Only goes up (samples are `NAME_total`).
    Counter,
    /// Goes up and down.
    Gauge,
}

/// A scrape being written.
#[derive(Debug, Default)]
pub struct Metrics {
    text: String,
    family: Option<(String, Kind)>,
}

/// A label value, escaped as the format wants (`\\`, `\"`, `\n`).
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

impl Metrics {
    /// Starts family `name` (`lisa_port_rx_packets`): its samples follow.
    pub fn family(&mut self, name: &str, kind: Kind, help: &str) {
        let ty = match kind {
            Kind::Counter => "counter",
            Kind::Gauge => "gauge",
        };
        let _ = writeln!(self.text, "# TYPE {name} {ty}");
        let _ = writeln!(self.text, "# HELP {name} {help}");
        self.family = Some((name.to_string(), kind));
    }

    /// A sample of the current family, with `labels`.
    pub fn sample(&mut self, labels: &[(&str, &str)], value: u64) {
        let Some((name, kind)) = &self.family else {
            return;
        };
        let suffix = if *kind == Kind::Counter { "_total" } else { "" };
        let _ = write!(self.text, "{name}{suffix}");
        if !labels.is_empty() {
            let inner: Vec<String> = labels
                .iter()
                .map(|(k, v)| format!("{k}=\"{}\"", escape(v)))
                .collect();
            let _ = write!(self.text, "{{{}}}", inner.join(","));
        }
        let _ = writeln!(self.text, " {value}");
    }

    /// A family with one sample and no labels.
    pub fn single(&mut self, name: &str, kind: Kind, help: &str, value: u64) {
        self.family(name, kind, help);
        self.sample(&[], value);
    }

    /// The scrape, ended by `# EOF`.
    pub fn finish(mut self) -> String {
        self.text.push_str("# EOF\n");
        self.text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_samples_and_escapes() {
        let mut m = Metrics::default();
        m.family("lisa_port_rx_packets", Kind::Counter, "Frames received.");
        m.sample(&[("port", "Ethernet1")], 5);
        m.single("lisa_fdb_entries", Kind::Gauge, "Entries.", 2);
        m.family("lisa_x", Kind::Gauge, "X.");
        m.sample(&[("name", "a\"b\\c")], 1);
        assert_eq!(
            m.finish(),
            "# TYPE lisa_port_rx_packets counter\n# HELP lisa_port_rx_packets Frames received.\n\
             lisa_port_rx_packets_total{port=\"Ethernet1\"} 5\n\
             # TYPE lisa_fdb_entries gauge\n# HELP lisa_fdb_entries Entries.\nlisa_fdb_entries 2\n\
             # TYPE lisa_x gauge\n# HELP lisa_x X.\nlisa_x{name=\"a\\\"b\\\\c\"} 1\n# EOF\n"
        );
    }
}

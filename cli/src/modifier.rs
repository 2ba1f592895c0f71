//! Output modifiers (`| include R`, `| exclude R`, `| begin R`, `| section
//! R`, `| count [R]`), applied line by line as output arrives, so a table of
//! a million lines is filtered while it streams. `R` is a regular expression
//! matched anywhere in the line, as on IOS (`^interface`, `Vlan1[0-9]`).

use regex::Regex;

/// What a modifier does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verb {
    /// No modifier: every line.
    All,
    Include,
    Exclude,
    Begin,
    /// A line with no indent starts a section; a section with a matching
    /// line is printed whole.
    Section,
    Count,
}

/// An output modifier with its state across pieces of output.
#[derive(Debug)]
pub struct Modifier {
    verb: Verb,
    pattern: Option<Regex>,
    /// `section`: the lines of the current section, and whether one matched.
    section: String,
    section_matched: bool,
    /// `begin`: the pattern was seen.
    begun: bool,
    /// `count`: lines matched so far.
    count: usize,
    /// The unfinished last line of the output so far.
    partial: String,
}

impl Modifier {
    /// Every line, unchanged.
    pub fn none() -> Modifier {
        Modifier {
            verb: Verb::All,
            pattern: None,
            section: String::new(),
            section_matched: false,
            begun: false,
            count: 0,
            partial: String::new(),
        }
    }

    /// The modifier after ` | ` (`include up`, `count`); the IOS-style
    /// error for an unknown one.
    pub fn parse(text: &str) -> Result<Modifier, String> {
        let mut words = text.trim().splitn(2, char::is_whitespace);
        let verb = words.next().unwrap_or("");
        let pattern = words.next().unwrap_or("").trim();
        let is = |full: &str| !verb.is_empty() && full.starts_with(verb);
        let verb = if is("include") {
            Verb::Include
        } else if is("exclude") {
            Verb::Exclude
        } else if is("begin") {
            Verb::Begin
        } else if is("section") {
            Verb::Section
        } else if is("count") {
            Verb::Count
        } else {
            return Err(format!(
                "% Invalid output modifier '{verb}': use include, exclude, begin, section or count\n"
            ));
        };
        if pattern.is_empty() && verb != Verb::Count {
            return Err("% Incomplete command: the modifier needs a regular expression\n".into());
        }
        let pattern = Regex::new(pattern)
            .map_err(|e| format!("% Invalid regular expression '{pattern}': {e}\n"))?;
        Ok(Modifier {
            verb,
            pattern: Some(pattern),
            ..Modifier::none()
        })
    }

    /// Takes the next piece of output; appends the lines it lets through
    /// (complete lines only; the rest waits for the next piece) to `out`.
    pub fn feed(&mut self, text: &str, out: &mut String) {
        if self.verb == Verb::All && self.partial.is_empty() {
            out.push_str(text);
            return;
        }
        let mut rest = text;
        while let Some(end) = rest.find('\n') {
            let (head, tail) = rest.split_at(end + 1);
            rest = tail;
            if self.partial.is_empty() {
                self.line(&head[..end], out);
            } else {
                let mut line = std::mem::take(&mut self.partial);
                line.push_str(&head[..end]);
                self.line(&line, out);
            }
        }
        self.partial.push_str(rest);
    }

    /// The end of the output: the unfinished line, and the count.
    pub fn finish(mut self, out: &mut String) {
        if !self.partial.is_empty() {
            let line = std::mem::take(&mut self.partial);
            self.line(&line, out);
        }
        self.end_section(out);
        if self.verb == Verb::Count {
            out.push_str(&format!(
                "Number of lines which match regexp = {}\n",
                self.count
            ));
        }
    }

    /// `section`: the section so far is over.
    fn end_section(&mut self, out: &mut String) {
        if std::mem::take(&mut self.section_matched) {
            out.push_str(&self.section);
        }
        self.section.clear();
    }

    fn line(&mut self, line: &str, out: &mut String) {
        let matches = self.pattern.as_ref().is_none_or(|p| p.is_match(line));
        let pass = match self.verb {
            Verb::Section => {
                if !line.starts_with(' ') {
                    self.end_section(out);
                }
                self.section_matched |= matches;
                self.section.push_str(line);
                self.section.push('\n');
                false
            }
            Verb::All => true,
            Verb::Include => matches,
            Verb::Exclude => !matches,
            Verb::Begin => {
                self.begun |= matches;
                self.begun
            }
            Verb::Count => {
                self.count += usize::from(matches);
                false
            }
        };
        if pass {
            out.push_str(line);
            out.push('\n');
        }
    }
}

/// `text` through `modifier` (if any), whole.
pub fn filtered(text: &str, modifier: Option<&str>) -> Result<String, String> {
    let mut m = match modifier {
        Some(m) => Modifier::parse(m)?,
        None => Modifier::none(),
    };
    let mut out = String::new();
    m.feed(text, &mut out);
    m.finish(&mut out);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_output() {
        let out = "a1\nb2\na3\n";
        assert_eq!(filtered(out, Some("include a")).unwrap(), "a1\na3\n");
        assert_eq!(filtered(out, Some("excl a")).unwrap(), "b2\n");
        assert_eq!(filtered(out, Some("begin b")).unwrap(), "b2\na3\n");
        assert_eq!(
            filtered(out, Some("count a")).unwrap(),
            "Number of lines which match regexp = 2\n"
        );
        assert_eq!(filtered(out, None).unwrap(), out);
        assert!(filtered(out, Some("grep a")).is_err());
        assert!(filtered(out, Some("include [")).is_err());
        assert!(filtered(out, Some("include")).is_err());
    }

    #[test]
    fn regular_expressions_and_sections() {
        let run = "hostname s\n!\ninterface Ethernet1\n description up\n!\ninterface Vlan10\n ip address 10.0.0.1 255.0.0.0\n!\nend\n";
        assert_eq!(
            filtered(run, Some("include ^interface")).unwrap(),
            "interface Ethernet1\ninterface Vlan10\n"
        );
        assert_eq!(
            filtered(run, Some("section ^interface")).unwrap(),
            "interface Ethernet1\n description up\ninterface Vlan10\n ip address 10.0.0.1 255.0.0.0\n"
        );
        assert_eq!(
            filtered(run, Some("section ip address")).unwrap(),
            "interface Vlan10\n ip address 10.0.0.1 255.0.0.0\n"
        );
        assert_eq!(
            filtered(run, Some("exclude ^[ !]|end")).unwrap(),
            "hostname s\ninterface Ethernet1\ninterface Vlan10\n"
        );
    }

    #[test]
    fn pieces_split_anywhere_give_the_same() {
        let text = "interface e1\n shutdown\ninterface e2\n mtu 9000\nend";
        for m in [
            "include inter",
            "exclude e2",
            "begin e2",
            "section e2",
            "count",
            "count mtu",
        ] {
            let whole = filtered(text, Some(m)).unwrap();
            for cut in 0..text.len() {
                let mut f = Modifier::parse(m).unwrap();
                let mut out = String::new();
                f.feed(&text[..cut], &mut out);
                f.feed(&text[cut..], &mut out);
                f.finish(&mut out);
                assert_eq!(out, whole, "{m} cut at {cut}");
            }
        }
    }
}

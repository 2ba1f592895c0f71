//! Output modifiers (`| include P`, `| exclude P`, `| begin P`, `| count
//! [P]`), applied line by line as output arrives, so a table of a million
//! lines is filtered while it streams. Patterns are plain substrings.

/// What a modifier does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verb {
    /// No modifier: every line.
    All,
    Include,
    Exclude,
    Begin,
    Count,
}

/// An output modifier with its state across pieces of output.
#[derive(Debug)]
pub struct Modifier {
    verb: Verb,
    pattern: String,
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
            pattern: String::new(),
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
        let pattern = words.next().unwrap_or("").trim().to_string();
        let is = |full: &str| !verb.is_empty() && full.starts_with(verb);
        let verb = if is("include") {
            Verb::Include
        } else if is("exclude") {
            Verb::Exclude
        } else if is("begin") {
            Verb::Begin
        } else if is("count") {
            Verb::Count
        } else {
            return Err(format!(
                "% Invalid output modifier '{verb}': use include, exclude, begin or count\n"
            ));
        };
        Ok(Modifier {
            verb,
            pattern,
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
        if self.verb == Verb::Count {
            out.push_str(&format!(
                "Number of lines which match regexp = {}\n",
                self.count
            ));
        }
    }

    fn line(&mut self, line: &str, out: &mut String) {
        let matches = line.contains(self.pattern.as_str());
        let pass = match self.verb {
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
    }

    #[test]
    fn pieces_split_anywhere_give_the_same() {
        let text = "interface e1\n shutdown\ninterface e2\n mtu 9000\nend";
        for m in [
            "include inter",
            "exclude e2",
            "begin e2",
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

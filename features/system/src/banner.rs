//! `banner exec|incoming|login|motd`: text shown to the users of the
//! switch, taken as IOS takes it: a delimiter, then text over as many lines
//! as it takes, up to the delimiter again. Saved configurations write the
//! delimiter as `^C` (IOS's form of the ETX character), and so does
//! LiSA-DP.

/// The id of the text mode a banner's lines are read in.
pub const BANNER_TEXT: &str = "banner-text";

/// How a rendered banner's text starts and ends.
pub const RENDERED_DELIMITER: &str = "^C";

/// Which banner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum BannerKind {
    /// After a user logs in (`banner exec`).
    Exec,
    /// On a reverse-telnet line (`banner incoming`; kept, not shown).
    Incoming,
    /// Before the login prompt (`banner login`; kept, not shown: sshd asks
    /// for the password, with its own `Banner`).
    Login,
    /// Message of the day, first thing a session shows (`banner motd`).
    Motd,
}

impl BannerKind {
    /// Every kind, in IOS's order in a configuration.
    pub const ALL: [BannerKind; 4] = [
        BannerKind::Exec,
        BannerKind::Incoming,
        BannerKind::Login,
        BannerKind::Motd,
    ];

    /// The keyword.
    pub fn name(self) -> &'static str {
        match self {
            BannerKind::Exec => "exec",
            BannerKind::Incoming => "incoming",
            BannerKind::Login => "login",
            BannerKind::Motd => "motd",
        }
    }

    /// The kind named `word` (a keyword, exactly).
    pub fn named(word: &str) -> Option<BannerKind> {
        BannerKind::ALL.into_iter().find(|k| k.name() == word)
    }
}

/// What follows `banner KIND `: the delimiter (`^C` as saved
/// configurations write it, else the first character) and the text after it
/// on that line; None for nothing.
pub fn split_delimiter(rest: &str) -> Option<(&str, &str)> {
    let rest = rest.trim_start();
    if let Some(after) = rest.strip_prefix(RENDERED_DELIMITER) {
        return Some((RENDERED_DELIMITER, after));
    }
    let first = rest.chars().next()?;
    Some(rest.split_at(first.len_utf8()))
}

/// One line of a banner's text: the part before the delimiter, and whether
/// the delimiter ended the text there (what follows it on the line is
/// ignored, as on IOS).
pub fn text_line<'a>(line: &'a str, delimiter: &str) -> (&'a str, bool) {
    match line.find(delimiter) {
        Some(i) => (&line[..i], true),
        None => (line, false),
    }
}

/// One rule for a banner's text: it can be written back (no `^C` inside,
/// no control characters but tabs and line breaks).
pub fn check_text(text: &str) -> Result<(), String> {
    if text.contains(RENDERED_DELIMITER) {
        return Err(format!(
            "a banner's text may not hold {RENDERED_DELIMITER}, the delimiter it is saved with"
        ));
    }
    match text
        .chars()
        .find(|c| c.is_control() && *c != '\n' && *c != '\t')
    {
        Some(c) => Err(format!("a banner's text may not hold the character {c:?}")),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimiters_as_saved_and_as_typed() {
        assert_eq!(split_delimiter("^C"), Some(("^C", "")));
        assert_eq!(split_delimiter(" ^CC"), Some(("^C", "C")));
        assert_eq!(split_delimiter("#Welcome#"), Some(("#", "Welcome#")));
        assert_eq!(split_delimiter("\u{3}x"), Some(("\u{3}", "x")));
        assert_eq!(split_delimiter("  "), None);
        assert_eq!(text_line("purposes only.", "^C"), ("purposes only.", false));
        assert_eq!(text_line("bye^C trailing", "^C"), ("bye", true));
        assert!(check_text("tab\there\nline").is_ok());
        assert!(check_text("a ^C b").is_err());
        assert!(check_text("esc\u{1b}[2J").is_err());
    }
}

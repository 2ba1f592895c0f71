//! The terminal line editor, as an IOS vty has it: the typed characters are
//! echoed as they are, Enter ends the line, and editing redraws with
//! backspaces and blanks only, never ANSI escape sequences, so that tools
//! reading the session (Netmiko, Ansible's network_cli) see the prompt and
//! the echo exactly as on a Cisco switch.
//!
//! Keys: Backspace, Delete, Left/Right (Ctrl-B/F), Ctrl-A/E (start/end),
//! Ctrl-U/K/W (kill before/after/word), Up/Down (Ctrl-P/N) history, Tab
//! completion, `?` help, Ctrl-Z end, Ctrl-C drops the line, Ctrl-D on an
//! empty line ends the session, Ctrl-L/R redraws.

use std::io::{self, Read, Write};

/// What reading a line gave.
#[derive(Debug, PartialEq, Eq)]
pub enum Input {
    /// Enter: the line.
    Line(String),
    /// `?` typed: help for the line so far (the line comes back after it).
    Help(String),
    /// Ctrl-Z: leave configuration mode.
    End,
    /// Ctrl-C: the line is dropped.
    Interrupted,
    /// Ctrl-D on an empty line, or the terminal went away.
    Eof,
}

/// The terminal in character mode while a line is read: no kernel echo or
/// line editing, no signals from Ctrl-C/Ctrl-Z (they are keys here), CR not
/// turned into NL. Output processing stays on (`\n` prints as CR LF).
struct RawMode {
    saved: libc::termios,
}

impl RawMode {
    fn enter() -> io::Result<RawMode> {
        // SAFETY: termios is plain old data; tcgetattr fills it or fails.
        let mut saved: libc::termios = unsafe { std::mem::zeroed() };
        // SAFETY: fd 0 and a valid pointer to a termios.
        if unsafe { libc::tcgetattr(0, &mut saved) } != 0 {
            return Err(io::Error::last_os_error());
        }
        let mut raw = saved;
        raw.c_lflag &= !(libc::ICANON | libc::ECHO | libc::ISIG | libc::IEXTEN);
        raw.c_iflag &= !(libc::ICRNL | libc::INLCR | libc::IXON);
        raw.c_cc[libc::VMIN] = 1;
        raw.c_cc[libc::VTIME] = 0;
        // SAFETY: fd 0 and a valid termios.
        if unsafe { libc::tcsetattr(0, libc::TCSADRAIN, &raw) } != 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(RawMode { saved })
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        // SAFETY: fd 0 and the termios saved by `enter`.
        unsafe { libc::tcsetattr(0, libc::TCSADRAIN, &self.saved) };
    }
}

/// Reads the answer to a question a command asks (`Destination filename
/// [startup-config]? `, already printed) up to Enter, in character mode as
/// the lines are: echoed here, Backspace erases; keys typed ahead count.
/// None at end of input.
pub fn read_answer() -> Option<String> {
    let _raw = RawMode::enter().ok();
    let mut out = io::stdout();
    let mut stdin = io::stdin().lock();
    let mut answer = String::new();
    let mut byte = [0u8; 1];
    loop {
        let _ = out.flush();
        match stdin.read(&mut byte) {
            Ok(1) => {}
            _ if answer.is_empty() => return None,
            _ => break,
        }
        match byte[0] {
            b'\r' | b'\n' => break,
            0x7f | 0x08 if answer.pop().is_some() => {
                let _ = out.write_all(b"\x08 \x08");
            }
            c if c.is_ascii_graphic() || c == b' ' => {
                answer.push(c as char);
                let _ = out.write_all(&[c]);
            }
            _ => {}
        }
    }
    let _ = out.write_all(b"\n");
    let _ = out.flush();
    Some(answer)
}

/// Reads lines from the terminal with history.
#[derive(Default)]
pub struct LineEditor {
    history: Vec<String>,
    /// A CR was the last key: a LF right after it is the same Enter.
    after_cr: bool,
    /// `?` and Tab are typed as text (a banner's lines), not help and
    /// completion.
    pub literal: bool,
}

/// One line being edited, and what the screen shows of it.
struct Edit<'a> {
    out: io::StdoutLock<'a>,
    prompt: &'a str,
    line: Vec<char>,
    cursor: usize,
    /// Characters of the line drawn after the prompt (to blank on redraw).
    shown: usize,
}

impl Edit<'_> {
    fn text(&self) -> String {
        self.line.iter().collect()
    }

    fn write(&mut self, s: &str) -> io::Result<()> {
        self.out.write_all(s.as_bytes())
    }

    fn back(&mut self, n: usize) -> io::Result<()> {
        self.write(&"\x08".repeat(n))
    }

    /// Draws the line from the cursor to its end, blanks what was drawn
    /// beyond it, and puts the cursor back.
    fn draw_tail(&mut self) -> io::Result<()> {
        let tail: String = self.line[self.cursor..].iter().collect();
        let extra = self.shown.saturating_sub(self.line.len());
        self.write(&tail)?;
        self.write(&" ".repeat(extra))?;
        self.back(self.line.len() - self.cursor + extra)?;
        self.shown = self.line.len();
        Ok(())
    }

    /// Draws prompt and line again from the start of the screen line.
    fn redraw(&mut self) -> io::Result<()> {
        let start = self.cursor;
        self.write("\r")?;
        let prompt = self.prompt;
        self.write(prompt)?;
        self.cursor = 0;
        self.draw_tail()?;
        self.move_to(start)
    }

    fn move_to(&mut self, pos: usize) -> io::Result<()> {
        if pos < self.cursor {
            self.back(self.cursor - pos)?;
        } else if pos > self.cursor {
            let s: String = self.line[self.cursor..pos].iter().collect();
            self.write(&s)?;
        }
        self.cursor = pos;
        Ok(())
    }

    fn insert(&mut self, text: &str) -> io::Result<()> {
        let n = text.chars().count();
        let at_end = self.cursor == self.line.len() && self.shown == self.line.len();
        for (i, c) in text.chars().enumerate() {
            self.line.insert(self.cursor + i, c);
        }
        if at_end {
            self.cursor += n;
            self.shown = self.line.len();
            self.write(text)
        } else {
            self.draw_tail()?;
            self.move_to(self.cursor + n)
        }
    }

    /// Removes `n` characters before the cursor.
    fn delete_before(&mut self, n: usize) -> io::Result<()> {
        let n = n.min(self.cursor);
        if n == 0 {
            return Ok(());
        }
        self.back(n)?;
        self.cursor -= n;
        self.line.drain(self.cursor..self.cursor + n);
        self.draw_tail()
    }

    /// Replaces the whole line.
    fn replace(&mut self, text: &str) -> io::Result<()> {
        self.move_to(0)?;
        self.line = text.chars().collect();
        self.draw_tail()?;
        self.move_to(self.line.len())
    }

    /// Where the word before the cursor starts.
    fn word_start(&self) -> usize {
        let mut i = self.cursor;
        while i > 0 && self.line[i - 1] == ' ' {
            i -= 1;
        }
        while i > 0 && self.line[i - 1] != ' ' {
            i -= 1;
        }
        i
    }
}

/// The longest prefix all of `words` share.
fn common_prefix(words: &[String]) -> String {
    let Some(first) = words.first() else {
        return String::new();
    };
    let mut len = first.len();
    for w in &words[1..] {
        len = first
            .char_indices()
            .zip(w.chars())
            .take_while(|((_, a), b)| a == b)
            .map(|((i, a), _)| i + a.len_utf8())
            .last()
            .unwrap_or(0)
            .min(len);
    }
    first[..len].to_string()
}

impl LineEditor {
    /// Adds a line to the history (Up recalls it).
    pub fn add_history(&mut self, line: &str) {
        if self.history.last().map(String::as_str) != Some(line) {
            self.history.push(line.to_string());
        }
    }

    /// Reads one line after `prompt`, starting with `initial` typed.
    /// `complete` gives the keywords that can end the text before the
    /// cursor (Tab).
    pub fn read_line(
        &mut self,
        prompt: &str,
        initial: &str,
        complete: &dyn Fn(&str) -> Vec<String>,
    ) -> io::Result<Input> {
        let _raw = RawMode::enter()?;
        let stdout = io::stdout();
        let mut e = Edit {
            out: stdout.lock(),
            prompt,
            line: Vec::new(),
            cursor: 0,
            shown: 0,
        };
        e.write(prompt)?;
        e.insert(initial)?;
        e.out.flush()?;
        let mut recall = self.history.len();
        let mut draft = String::new();
        let mut stdin = io::stdin().lock();
        let mut byte = [0u8; 1];
        let mut next = |stdin: &mut io::StdinLock| -> io::Result<Option<u8>> {
            match stdin.read(&mut byte)? {
                0 => Ok(None),
                _ => Ok(Some(byte[0])),
            }
        };
        loop {
            e.out.flush()?;
            let Some(b) = next(&mut stdin)? else {
                return Ok(Input::Eof);
            };
            let after_cr = std::mem::replace(&mut self.after_cr, b == b'\r');
            match b {
                b'\n' if after_cr => {}
                b'\r' | b'\n' => {
                    e.write("\n")?;
                    e.out.flush()?;
                    return Ok(Input::Line(e.text()));
                }
                b'?' if !self.literal => {
                    e.move_to(e.line.len())?;
                    e.write("?\n")?;
                    e.out.flush()?;
                    return Ok(Input::Help(e.text()));
                }
                0x1a => {
                    e.write("^Z\n")?;
                    e.out.flush()?;
                    return Ok(Input::End);
                }
                0x03 => {
                    e.write("^C\n")?;
                    e.out.flush()?;
                    return Ok(Input::Interrupted);
                }
                0x04 if e.line.is_empty() => {
                    e.write("\n")?;
                    e.out.flush()?;
                    return Ok(Input::Eof);
                }
                0x04 => {
                    if e.cursor < e.line.len() {
                        e.move_to(e.cursor + 1)?;
                        e.delete_before(1)?;
                    }
                }
                0x7f | 0x08 => e.delete_before(1)?,
                0x01 => e.move_to(0)?,
                0x05 => e.move_to(e.line.len())?,
                0x02 => e.move_to(e.cursor.saturating_sub(1))?,
                0x06 => e.move_to((e.cursor + 1).min(e.line.len()))?,
                0x15 => e.delete_before(e.cursor)?,
                0x17 => {
                    let start = e.word_start();
                    e.delete_before(e.cursor - start)?;
                }
                0x0b => {
                    e.line.truncate(e.cursor);
                    e.draw_tail()?;
                }
                0x0c | 0x12 => {
                    e.write("\n")?;
                    e.redraw()?;
                }
                0x10 => self.recall(&mut e, &mut recall, &mut draft, true)?,
                0x0e => self.recall(&mut e, &mut recall, &mut draft, false)?,
                b'\t' if !self.literal => {
                    let before: String = e.line[..e.cursor].iter().collect();
                    let words = complete(&before);
                    let start = e.word_start();
                    let typed: String = e.line[start..e.cursor].iter().collect();
                    let typed = typed.trim_end();
                    match words.as_slice() {
                        [] => e.write("\x07")?,
                        [one] => {
                            let rest = one.strip_prefix(typed).unwrap_or(one);
                            e.insert(&format!("{rest} "))?;
                        }
                        many => {
                            let prefix = common_prefix(many);
                            match prefix.strip_prefix(typed) {
                                Some(rest) if !rest.is_empty() => e.insert(rest)?,
                                _ => {
                                    e.write("\n")?;
                                    e.write(&many.join("  "))?;
                                    e.write("\n")?;
                                    e.shown = 0;
                                    e.redraw()?;
                                }
                            }
                        }
                    }
                }
                0x1b => match next(&mut stdin)? {
                    Some(b'[') | Some(b'O') => {
                        let mut seq = Vec::new();
                        while let Some(c) = next(&mut stdin)? {
                            seq.push(c);
                            if (0x40..=0x7e).contains(&c) {
                                break;
                            }
                        }
                        match seq.as_slice() {
                            b"A" => self.recall(&mut e, &mut recall, &mut draft, true)?,
                            b"B" => self.recall(&mut e, &mut recall, &mut draft, false)?,
                            b"C" => e.move_to((e.cursor + 1).min(e.line.len()))?,
                            b"D" => e.move_to(e.cursor.saturating_sub(1))?,
                            b"H" | b"1~" => e.move_to(0)?,
                            b"F" | b"4~" => e.move_to(e.line.len())?,
                            b"3~" if e.cursor < e.line.len() => {
                                e.move_to(e.cursor + 1)?;
                                e.delete_before(1)?;
                            }
                            _ => {}
                        }
                    }
                    _ => {}
                },
                b if b < 0x20 => {}
                lead => {
                    // One UTF-8 character: its lead byte says how long.
                    let len = match lead {
                        0xf0..=0xf7 => 4,
                        0xe0..=0xef => 3,
                        0xc0..=0xdf => 2,
                        _ => 1,
                    };
                    let mut bytes = vec![lead];
                    while bytes.len() < len {
                        match next(&mut stdin)? {
                            Some(c) => bytes.push(c),
                            None => break,
                        }
                    }
                    if let Ok(s) = std::str::from_utf8(&bytes) {
                        e.insert(s)?;
                    }
                }
            }
        }
    }

    /// Up (`older`) or Down through the history; the line being typed is
    /// kept as the newest entry.
    fn recall(
        &self,
        e: &mut Edit,
        at: &mut usize,
        draft: &mut String,
        older: bool,
    ) -> io::Result<()> {
        let len = self.history.len();
        let to = match (older, *at) {
            (true, 0) => return e.write("\x07"),
            (true, n) => n - 1,
            (false, n) if n >= len => return e.write("\x07"),
            (false, n) => n + 1,
        };
        if *at == len {
            *draft = e.text();
        }
        *at = to;
        let text = if to == len {
            draft.clone()
        } else {
            self.history[to].clone()
        };
        e.replace(&text)
    }
}

#[cfg(test)]
mod tests {
    use super::common_prefix;

    #[test]
    fn common_prefix_of_keywords() {
        let w = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(common_prefix(&w(&["spanning-tree", "speed"])), "sp");
        assert_eq!(common_prefix(&w(&["switchport"])), "switchport");
        assert_eq!(common_prefix(&w(&["vlan", "name"])), "");
        assert_eq!(common_prefix(&w(&[])), "");
    }
}

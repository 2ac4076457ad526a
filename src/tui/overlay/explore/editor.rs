//! The text of the Explore box: several lines, a cursor (a byte offset), moves by character,
//! word and line, and undo.

/// How many earlier states undo keeps.
const UNDO_DEPTH: usize = 200;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Editor {
    text: String,
    cursor: usize,
    undo: Vec<(String, usize)>,
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == ':'
}

impl Editor {
    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn cursor(&self) -> usize {
        self.cursor
    }

    fn remember(&mut self) {
        if self.undo.last().is_some_and(|(t, _)| *t == self.text) {
            return;
        }
        self.undo.push((self.text.clone(), self.cursor));
        if self.undo.len() > UNDO_DEPTH {
            self.undo.remove(0);
        }
    }

    /// Replace the whole text (history, completion), the cursor at `cursor`; undoable.
    pub fn set(&mut self, text: String, cursor: usize) {
        self.remember();
        self.cursor = cursor.min(text.len());
        self.text = text;
    }

    pub fn insert(&mut self, c: char) {
        // Typing a word is one undo step; each space or symbol starts a new one.
        let after_word = self.text[..self.cursor]
            .chars()
            .next_back()
            .is_some_and(is_word);
        if !is_word(c) || !after_word {
            self.remember();
        }
        self.text.insert(self.cursor, c);
        self.cursor += c.len_utf8();
    }

    pub fn newline(&mut self) {
        self.remember();
        self.text.insert(self.cursor, '\n');
        self.cursor += 1;
    }

    pub fn backspace(&mut self) {
        if let Some(c) = self.text[..self.cursor].chars().next_back() {
            self.remember();
            self.cursor -= c.len_utf8();
            self.text.remove(self.cursor);
        }
    }

    pub fn delete(&mut self) {
        if self.cursor < self.text.len() {
            self.remember();
            self.text.remove(self.cursor);
        }
    }

    /// Delete the word before the cursor (Ctrl-W).
    pub fn delete_word_back(&mut self) {
        let start = self.word_left_of(self.cursor);
        if start < self.cursor {
            self.remember();
            self.text.replace_range(start..self.cursor, "");
            self.cursor = start;
        }
    }

    pub fn undo(&mut self) {
        if let Some((text, cursor)) = self.undo.pop() {
            self.text = text;
            self.cursor = cursor;
        }
    }

    pub fn left(&mut self) {
        if let Some(c) = self.text[..self.cursor].chars().next_back() {
            self.cursor -= c.len_utf8();
        }
    }

    pub fn right(&mut self) {
        if let Some(c) = self.text[self.cursor..].chars().next() {
            self.cursor += c.len_utf8();
        }
    }

    fn word_left_of(&self, from: usize) -> usize {
        let before: Vec<(usize, char)> = self.text[..from].char_indices().collect();
        let mut i = before.len();
        while i > 0 && !is_word(before[i - 1].1) {
            i -= 1;
        }
        while i > 0 && is_word(before[i - 1].1) {
            i -= 1;
        }
        before.get(i).map_or(from, |(at, _)| *at)
    }

    pub fn word_left(&mut self) {
        self.cursor = self.word_left_of(self.cursor);
    }

    pub fn word_right(&mut self) {
        let rest = &self.text[self.cursor..];
        let skip_gap = rest.find(is_word).unwrap_or(rest.len());
        let word_len = rest[skip_gap..]
            .find(|c: char| !is_word(c))
            .unwrap_or(rest.len() - skip_gap);
        self.cursor += skip_gap + word_len;
    }

    fn line_start(&self) -> usize {
        self.text[..self.cursor].rfind('\n').map_or(0, |n| n + 1)
    }

    fn line_end(&self) -> usize {
        self.text[self.cursor..]
            .find('\n')
            .map_or(self.text.len(), |n| self.cursor + n)
    }

    pub fn home(&mut self) {
        self.cursor = self.line_start();
    }

    pub fn end(&mut self) {
        self.cursor = self.line_end();
    }

    /// The line the cursor is on and how many lines there are (0-based, count).
    pub fn line_position(&self) -> (usize, usize) {
        (
            self.text[..self.cursor].matches('\n').count(),
            self.text.matches('\n').count() + 1,
        )
    }

    /// Move to the line above (`-1`) or below (`1`), keeping the column where it can.
    pub fn vertical(&mut self, step: i32) {
        let column = self.text[self.line_start()..self.cursor].chars().count();
        let target_start = if step < 0 {
            let start = self.line_start();
            if start == 0 {
                return;
            }
            self.text[..start - 1].rfind('\n').map_or(0, |n| n + 1)
        } else {
            let end = self.line_end();
            if end == self.text.len() {
                return;
            }
            end + 1
        };
        let line_len = self.text[target_start..]
            .find('\n')
            .unwrap_or(self.text.len() - target_start);
        let line = &self.text[target_start..target_start + line_len];
        self.cursor = target_start
            + line
                .char_indices()
                .nth(column)
                .map_or(line.len(), |(at, _)| at);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(text: &str) -> Editor {
        let mut e = Editor::default();
        for c in text.chars() {
            e.insert(c);
        }
        e
    }

    #[test]
    fn words_move_over_identifiers_and_skip_punctuation() {
        let mut e = typed("rate(node_cpu_seconds_total[5m])");
        e.word_left();
        assert_eq!(&e.text()[e.cursor()..], "5m])");
        e.word_left();
        assert_eq!(&e.text()[e.cursor()..], "node_cpu_seconds_total[5m])");
        e.word_right();
        assert_eq!(&e.text()[e.cursor()..], "[5m])");
        e.delete_word_back();
        assert_eq!(e.text(), "rate([5m])");
    }

    #[test]
    fn undo_takes_back_a_word_or_an_edit_at_a_time() {
        let mut e = typed("sum(up");
        e.set("sum(up{job=\"x\"}".into(), 15);
        e.undo();
        assert_eq!(e.text(), "sum(up");
        e.undo();
        assert_eq!(e.text(), "sum(");
        e.undo();
        assert_eq!(e.text(), "sum");
        e.undo();
        e.undo();
        assert_eq!(e.text(), "");
    }

    #[test]
    fn newlines_make_lines_the_cursor_moves_between() {
        let mut e = typed("sum(");
        e.newline();
        for c in "  rate(x[5m])".chars() {
            e.insert(c);
        }
        e.newline();
        e.insert(')');
        assert_eq!(e.line_position(), (2, 3));
        e.vertical(-1);
        assert_eq!(e.line_position().0, 1);
        assert_eq!(&e.text()[e.cursor()..], " rate(x[5m])\n)");
        e.home();
        e.vertical(-1);
        assert_eq!(e.cursor(), 0);
        e.end();
        assert_eq!(e.cursor(), 4);
        e.vertical(-1);
        assert_eq!(e.cursor(), 4, "no line above the first");
    }

    #[test]
    fn characters_beyond_ascii_are_whole() {
        let mut e = typed("φé");
        e.left();
        e.backspace();
        assert_eq!(e.text(), "é");
        e.right();
        e.backspace();
        assert_eq!(e.text(), "");
    }
}

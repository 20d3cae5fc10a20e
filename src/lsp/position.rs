//! Byte offsets in a rules file against the protocol's positions: a line
//! and a column counted in UTF-16 code units (what LSP clients send by
//! default), so that `é` is one unit and `😀` two.

use lsp_types::{Position, Range};

use crate::ast::Span;

/// Where each line of a text starts, for turning offsets into positions
/// and back without scanning the whole text each time.
#[derive(Clone, Debug)]
pub(crate) struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// The line starts of `text`; lines end at `\n` (a `\r` before it is
    /// the last character of its line).
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    /// The position of byte `offset` (clamped to the text, and moved back
    /// to the start of the character it falls in).
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let character: usize = text[start..offset].chars().map(char::len_utf16).sum();
        Position::new(to_u32(line), to_u32(character))
    }

    /// The byte offset of `pos`: a line past the end is the end of the
    /// text, a column past the end of its line is the line's end, and a
    /// column inside a character's two units is that character's start.
    pub fn offset(&self, text: &str, pos: Position) -> usize {
        let Some(&start) = self.starts.get(pos.line as usize) else {
            return text.len();
        };
        let end = self
            .starts
            .get(pos.line as usize + 1)
            .map_or(text.len(), |&next| next - 1);
        let mut units = 0;
        for (i, c) in text[start..end].char_indices() {
            units += c.len_utf16();
            if units > pos.character as usize {
                return start + i;
            }
        }
        end
    }

    /// The range of a span.
    pub fn range(&self, text: &str, span: Span) -> Range {
        Range::new(
            self.position(text, span.start),
            self.position(text, span.end),
        )
    }

    /// The span of a range.
    #[cfg(test)]
    pub fn span(&self, text: &str, range: Range) -> Span {
        Span::new(self.offset(text, range.start), self.offset(text, range.end))
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_utf16_units() {
        let text = "let a = 1\nlet é😀b = 2\n";
        let ix = LineIndex::new(text);
        assert_eq!(ix.position(text, 0), Position::new(0, 0));
        assert_eq!(ix.position(text, 10), Position::new(1, 0));
        // `b` comes after `let ` (4), `é` (1 unit, 2 bytes), `😀` (2 units, 4 bytes)
        let b = text.find('b').expect("a b");
        assert_eq!(ix.position(text, b), Position::new(1, 7));
        assert_eq!(ix.offset(text, Position::new(1, 7)), b);
        // inside the emoji's pair: its start
        assert_eq!(ix.offset(text, Position::new(1, 6)), b - 4);
        // inside a multi-byte character: back to its start
        assert_eq!(ix.position(text, 15), Position::new(1, 4));
    }

    #[test]
    fn out_of_range_is_clamped() {
        let text = "ab\ncd";
        let ix = LineIndex::new(text);
        assert_eq!(ix.position(text, 99), Position::new(1, 2));
        assert_eq!(ix.offset(text, Position::new(0, 99)), 2);
        assert_eq!(ix.offset(text, Position::new(7, 0)), text.len());
        let span = Span::new(1, 4);
        assert_eq!(ix.span(text, ix.range(text, span)), span);
    }

    #[test]
    fn crlf_keeps_the_carriage_return_on_its_line() {
        let text = "a\r\nb";
        let ix = LineIndex::new(text);
        assert_eq!(ix.position(text, 3), Position::new(1, 0));
        assert_eq!(ix.position(text, 1), Position::new(0, 1));
    }
}

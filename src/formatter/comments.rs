//! Finding `#` comments in rules source, outside string literals, and
//! telling the ones on a line of their own from the ones after code.

/// One comment.
#[derive(Clone, Debug)]
pub(super) struct Comment {
    /// Byte offset of the `#`.
    pub start: usize,
    /// Byte offset of the end of its line (the comment text ends here).
    pub end: usize,
    /// Nothing but whitespace before it on its line.
    pub own_line: bool,
}

impl Comment {
    /// The comment's text, trailing whitespace removed.
    pub fn text<'s>(&self, src: &'s str) -> &'s str {
        src[self.start..self.end].trim_end()
    }
}

/// Every comment in `src`, in order.
pub(super) fn find(src: &str) -> Vec<Comment> {
    let bytes = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut in_string = false;
    while i < bytes.len() {
        let b = bytes[i];
        if in_string {
            match b {
                b'\\' => i += 1,
                b'"' => in_string = false,
                _ => {}
            }
        } else if b == b'"' {
            in_string = true;
        } else if b == b'#' {
            let end = src[i..].find('\n').map_or(src.len(), |n| i + n);
            let line_start = src[..i].rfind('\n').map_or(0, |n| n + 1);
            out.push(Comment {
                start: i,
                end,
                own_line: src[line_start..i].trim().is_empty(),
            });
            i = end;
            continue;
        }
        i += 1;
    }
    out
}

/// True when `src[from..to]` holds a blank line (two line breaks with only
/// whitespace between them).
pub(super) fn has_blank_line(src: &str, from: usize, to: usize) -> bool {
    let gap = &src[from.min(to)..to];
    gap.matches('\n').count() >= 2
}

/// True when `src[from..to]` has no line break.
pub(super) fn same_line(src: &str, from: usize, to: usize) -> bool {
    from <= to && !src[from..to].contains('\n')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_outside_strings() {
        let src = "let a = \"# not\" # yes\n# own\nlet b = \"\\\"#\"\n";
        let found: Vec<(&str, bool)> = find(src)
            .iter()
            .map(|c| (c.text(src), c.own_line))
            .collect();
        assert_eq!(found, [("# yes", false), ("# own", true)]);
    }
}

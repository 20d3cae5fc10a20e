//! `file:` URIs of documents and the paths they name, for reading the
//! sample data beside a rules file.

use std::path::PathBuf;

use lsp_types::Uri;

/// The local path of a `file:` URI (`file:///home/a/b%20c.rules`), or
/// `None` for any other scheme (an unsaved `untitled:` buffer).
pub(crate) fn to_path(uri: &Uri) -> Option<PathBuf> {
    let rest = uri.as_str().strip_prefix("file://")?;
    // `file://host/path`: only the local host's files are ours
    let path = match rest.find('/') {
        Some(0) => rest,
        Some(i) if &rest[..i] == "localhost" => &rest[i..],
        _ => return None,
    };
    let bytes = percent_decode(path)?;
    let text = String::from_utf8(bytes).ok()?;
    // `/c:/x` on Windows is `c:/x`
    let text = match text.as_bytes() {
        [b'/', drive, b':', ..] if drive.is_ascii_alphabetic() && cfg!(windows) => {
            text[1..].to_string()
        }
        _ => text,
    };
    Some(PathBuf::from(text))
}

fn percent_decode(s: &str) -> Option<Vec<u8>> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uri(s: &str) -> Uri {
        s.parse().expect("a URI")
    }

    #[test]
    fn file_uris_become_paths() {
        assert_eq!(
            to_path(&uri("file:///home/a/b%20c.rules")),
            Some(PathBuf::from("/home/a/b c.rules"))
        );
        assert_eq!(
            to_path(&uri("file://localhost/x.rules")),
            Some(PathBuf::from("/x.rules"))
        );
        assert_eq!(to_path(&uri("untitled:Untitled-1")), None);
        assert_eq!(to_path(&uri("file://elsewhere/x.rules")), None);
    }
}

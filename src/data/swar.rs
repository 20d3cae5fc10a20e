//! Finding the bytes a JSON scan stops at, eight at a time in a `u64`
//! (SWAR: no SIMD instructions, no `unsafe`): one mask per eight bytes,
//! then a look at each byte it marks, rather than a test of every byte or
//! a call to `memchr2` for each of a record's short strings.

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

/// The high bit set in each byte of `x` equal to `b`, and perhaps in a
/// few others above one (a borrow): the caller looks at each byte marked.
#[inline(always)]
fn has(x: u64, b: u8) -> u64 {
    let t = x ^ (LO * b as u64);
    t.wrapping_sub(LO) & !t & HI
}

/// A mask marking (at least) every `"`, `\\`, `{`, `}`, `[` and `]` of the
/// eight bytes `x` (read little-endian: byte `k` is bit `8 k + 7`).
#[inline(always)]
pub(super) fn events(x: u64) -> u64 {
    // `[` and `]` are `{` and `}` without the 0x20 bit
    let y = x | (LO * 0x20);
    has(x, b'"') | has(x, b'\\') | has(y, b'{') | has(y, b'}')
}

/// The first byte of `bytes` equal to `a` or `b`: eight at a time for the
/// first words (a short cell of a CSV row), then with `memchr2`.
#[inline]
pub(super) fn find2(bytes: &[u8], a: u8, b: u8) -> Option<usize> {
    let mut i = 0;
    while i + 8 <= bytes.len() && i < 32 {
        let mut w = [0; 8];
        w.copy_from_slice(&bytes[i..i + 8]);
        let x = u64::from_le_bytes(w);
        let mut m = has(x, a) | has(x, b);
        // a mark above a true one may be a borrow's: the first is exact
        while m != 0 {
            let k = i + (m.trailing_zeros() / 8) as usize;
            if bytes[k] == a || bytes[k] == b {
                return Some(k);
            }
            m &= m - 1;
        }
        i += 8;
    }
    memchr::memchr2(a, b, &bytes[i..]).map(|k| i + k)
}

/// The high bit set in each byte of `x` equal to `b`, and in no other.
#[inline(always)]
fn exactly(x: u64, b: u8) -> u64 {
    let t = x ^ (LO * b as u64);
    // a byte's high bit survives the `!` only when all of its bits are 0
    !(((t & !HI).wrapping_add(!HI)) | t | !HI)
}

/// Calls `each` with the index of every byte of `bytes` equal to `a`, in
/// order: eight bytes a mask (the cells of a CSV row are short, too short
/// for a call to `memchr` each).
#[inline]
pub(super) fn each_of(bytes: &[u8], a: u8, mut each: impl FnMut(usize)) {
    let mut words = bytes.chunks_exact(8);
    let mut i = 0;
    for word in words.by_ref() {
        let mut m = exactly(u64::from_le_bytes(word.try_into().unwrap_or_default()), a);
        while m != 0 {
            each(i + (m.trailing_zeros() / 8) as usize);
            m &= m - 1;
        }
        i += 8;
    }
    for (k, &c) in words.remainder().iter().enumerate() {
        if c == a {
            each(i + k);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked(bytes: [u8; 8]) -> Vec<usize> {
        let mut m = events(u64::from_le_bytes(bytes));
        let mut at = Vec::new();
        while m != 0 {
            at.push((m.trailing_zeros() / 8) as usize);
            m &= m - 1;
        }
        at
    }

    #[test]
    fn marks_every_byte_sought_wherever_it_is() {
        for b in *b"\"\\{}[]" {
            for k in 0..8 {
                let mut bytes = *b"abcdefgh";
                bytes[k] = b;
                assert_eq!(marked(bytes), vec![k], "{} at {k}", b as char);
                // beside others sought, and after a byte that borrows
                let mut bytes = [b; 8];
                bytes[k] = 0x01;
                assert!((0..8)
                    .filter(|&j| j != k)
                    .all(|j| marked(bytes).contains(&j)));
            }
        }
        for len in 0..70 {
            for at in 0..=len {
                let mut bytes = vec![b'x'; len];
                if at < len {
                    bytes[at] = if at % 2 == 0 { b';' } else { b'"' };
                }
                let want = (at < len).then_some(at);
                assert_eq!(find2(&bytes, b';', b'"'), want, "{len} {at}");
            }
        }
        for len in 0..40 {
            let bytes: Vec<u8> = (0..len)
                .map(|k| [b'a', b';', 0x01, b'"', 0xBB][k * 7 % 5])
                .collect();
            let mut got = Vec::new();
            each_of(&bytes, b';', |k| got.push(k));
            let want: Vec<usize> = (0..len).filter(|&k| bytes[k] == b';').collect();
            assert_eq!(got, want, "{len}");
        }
        // bytes a bit away from those sought are not marked
        assert_eq!(marked(*b"!#zZ|^~a"), Vec::<usize>::new());
        assert_eq!(
            marked([0xA2, 0xDC, 0xFB, 0xFD, 0xDB, 0xDD, 0x7A, 0x5A]),
            Vec::<usize>::new()
        );
    }
}

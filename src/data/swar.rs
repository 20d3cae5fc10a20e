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
        // bytes a bit away from those sought are not marked
        assert_eq!(marked(*b"!#zZ|^~a"), Vec::<usize>::new());
        assert_eq!(
            marked([0xA2, 0xDC, 0xFB, 0xFD, 0xDB, 0xDD, 0x7A, 0x5A]),
            Vec::<usize>::new()
        );
    }
}

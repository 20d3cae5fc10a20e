//! Where a JSON value's outermost bracket closes, found 64 bytes at a
//! time. A block is first classified as a whole ([`Block::of`], a loop the
//! compiler turns into vector compares, no `unsafe`): its quotes, its
//! brackets, and whether it holds a `\\`. Most blocks of a record hold no
//! bracket: only the parity of their quotes matters (whether the block
//! ends inside a string). In a block with brackets, the bytes inside
//! strings are found all at once (a prefix XOR of the quotes), and only
//! the brackets are looked at. A block with a `\\` (rare) goes byte by
//! byte through its quotes, backslashes and brackets, as escapes need.

use super::swar;

const HI: u64 = 0x8080_8080_8080_8080;

/// Bytes classified at a time.
const WIDTH: usize = 64;

/// Where a scan is inside nested JSON: the brackets open, and whether it
/// is inside a string (just after a `\\`). Strings are followed so that
/// a bracket in one does not count.
#[derive(Clone, Copy, Default)]
pub(super) struct Nesting {
    depth: usize,
    in_string: bool,
    escaped: bool,
}

/// What a block of 64 bytes holds, as a scan for brackets needs it: word
/// `w` of a mask holds bytes `8 w..8 w + 8`, 0x80 in each byte marked.
struct Block {
    quotes: [u64; 8],
    brackets: [u64; 8],
    /// Whether the block holds an odd number of quotes.
    odd_quotes: bool,
    any_bracket: bool,
    any_backslash: bool,
}

impl Block {
    /// Classifies the 64 bytes. Written as one pass of byte compares into
    /// arrays, which the compiler vectorises (16 bytes an instruction);
    /// the masks are then read back eight bytes a word. (The quotes are
    /// counted in the same pass: a fold of the masks after it cost more.)
    #[inline(always)]
    fn of(bytes: &[u8; WIDTH]) -> Block {
        let mut quotes = [0u8; WIDTH];
        let mut brackets = [0u8; WIDTH];
        let (mut count, mut any_bracket, mut any_backslash) = (0u8, 0u8, 0u8);
        for ((&c, q), b) in bytes.iter().zip(&mut quotes).zip(&mut brackets) {
            *q = u8::from(c == b'"') << 7;
            count += u8::from(c == b'"');
            // `[` and `]` are `{` and `}` without the 0x20 bit
            let folded = c | 0x20;
            *b = u8::from(folded == b'{' || folded == b'}') << 7;
            any_bracket |= *b;
            any_backslash |= u8::from(c == b'\\');
        }
        Block {
            quotes: words(&quotes),
            brackets: words(&brackets),
            odd_quotes: count & 1 == 1,
            any_bracket: any_bracket != 0,
            any_backslash: any_backslash != 0,
        }
    }
}

/// The 64 bytes as eight little-endian words.
#[inline(always)]
fn words(bytes: &[u8; WIDTH]) -> [u64; 8] {
    std::array::from_fn(|w| {
        let mut word = [0; 8];
        word.copy_from_slice(&bytes[8 * w..8 * w + 8]);
        u64::from_le_bytes(word)
    })
}

/// The marks of `masks` as one bit per byte: bit `k` for byte `k`.
#[inline(always)]
fn bits(masks: &[u64; 8]) -> u64 {
    masks.iter().enumerate().fold(0, |all, (w, &m)| {
        // each byte's mark multiplied into its own bit of the top byte
        let byte = ((m & HI) >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56;
        all | byte << (8 * w)
    })
}

/// Bit `k` set when an odd number of bits up to and including `k` is.
#[inline(always)]
fn prefix_xor(mut x: u64) -> u64 {
    for shift in [1, 2, 4, 8, 16, 32] {
        x ^= x << shift;
    }
    x
}

impl Nesting {
    /// Inside `depth` brackets, after the last one's opening byte.
    pub(super) fn inside(depth: usize) -> Self {
        Nesting {
            depth,
            ..Nesting::default()
        }
    }

    /// Finds where the outermost bracket closes in `piece`, carrying the
    /// state on from the previous piece: the index just past the closing
    /// byte, or `None` when the piece ends first (the state then carries on
    /// to the next piece, which may start inside a string or just after a
    /// `\\`). 64 bytes at a time; the last few bytes of the piece are
    /// padded with zeros, which are none of the bytes looked for.
    #[inline]
    pub(super) fn close_in(&mut self, piece: &[u8]) -> Option<usize> {
        // bytes before `skip` are passed over: the one after a `\\`
        let mut skip = usize::from(std::mem::take(&mut self.escaped));
        let blocks = piece.chunks_exact(WIDTH);
        let tail = blocks.remainder();
        for (i, bytes) in blocks.enumerate() {
            let bytes = bytes.try_into().expect("64 bytes");
            if let Some(k) = self.block(bytes, i * WIDTH, &mut skip) {
                return Some(k + 1);
            }
        }
        if !tail.is_empty() {
            let mut bytes = [0; WIDTH];
            bytes[..tail.len()].copy_from_slice(tail);
            if let Some(k) = self.block(&bytes, piece.len() - tail.len(), &mut skip) {
                return Some(k + 1);
            }
        }
        self.escaped = skip > piece.len();
        None
    }

    /// The 64 bytes at `at` in the piece: the index of the closing bracket
    /// in the piece, if there.
    #[inline(always)]
    fn block(&mut self, bytes: &[u8; WIDTH], at: usize, skip: &mut usize) -> Option<usize> {
        let block = Block::of(bytes);
        if block.any_backslash || *skip > at {
            self.escapes(bytes, at, skip)
        } else {
            self.brackets(bytes, &block).map(|k| at + k)
        }
    }

    /// A block without a `\\`: the index of the closing bracket in it, if
    /// there. Only brackets outside strings count.
    #[inline(always)]
    fn brackets(&mut self, bytes: &[u8; WIDTH], block: &Block) -> Option<usize> {
        if !block.any_bracket {
            self.in_string ^= block.odd_quotes;
            return None;
        }
        // bit `k` set when byte `k` is inside a string (or opens one)
        let mut inside = prefix_xor(bits(&block.quotes));
        if self.in_string {
            inside = !inside;
        }
        for (w, &word) in block.brackets.iter().enumerate() {
            let mut m = word;
            while m != 0 {
                let k = 8 * w + (m.trailing_zeros() / 8) as usize;
                m &= m - 1;
                if inside >> k & 1 == 0 && self.bracket(bytes[k]) {
                    return Some(k);
                }
            }
        }
        self.in_string = inside >> 63 != 0;
        None
    }

    /// A block holding a `\\` (or starting just after one): its quotes,
    /// backslashes and brackets one by one ([`swar::events`]). `at` is the
    /// block's place in the piece, as `skip` is. The index of the
    /// closing bracket in the piece, if in this block.
    fn escapes(&mut self, bytes: &[u8; WIDTH], at: usize, skip: &mut usize) -> Option<usize> {
        for (w, word) in words(bytes).into_iter().enumerate() {
            let mut m = swar::events(word);
            while m != 0 {
                let k = at + 8 * w + (m.trailing_zeros() / 8) as usize;
                m &= m - 1;
                if k >= *skip && self.step(bytes[k - at], k, skip) {
                    return Some(k);
                }
            }
        }
        None
    }

    /// Takes byte `b`, at `k`: true when it closes the outermost bracket.
    #[inline(always)]
    fn step(&mut self, b: u8, k: usize, skip: &mut usize) -> bool {
        if self.in_string {
            match b {
                b'"' => self.in_string = false,
                b'\\' => *skip = k + 2,
                _ => {}
            }
            return false;
        }
        match b {
            b'"' => self.in_string = true,
            _ => return self.bracket(b),
        }
        false
    }

    /// Takes a byte outside strings that may be a bracket: true when it
    /// closes the outermost one.
    #[inline(always)]
    fn bracket(&mut self, b: u8) -> bool {
        match b {
            b'{' | b'[' => self.depth += 1,
            b'}' | b']' => {
                self.depth -= 1;
                return self.depth == 0;
            }
            _ => {}
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Where the outermost bracket closes, a byte at a time.
    fn naive(bytes: &[u8]) -> Option<usize> {
        let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
        for (k, &b) in bytes.iter().enumerate() {
            if in_string {
                match b {
                    _ if escaped => escaped = false,
                    b'\\' => escaped = true,
                    b'"' => in_string = false,
                    _ => {}
                }
                continue;
            }
            match b {
                b'"' => in_string = true,
                b'{' | b'[' => depth += 1,
                b'}' | b']' => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(k + 1);
                    }
                }
                _ => {}
            }
        }
        None
    }

    #[test]
    fn masks_as_bits() {
        let word = |b: u64| {
            (0..8)
                .filter(|k| b >> k & 1 == 1)
                .fold(0, |w, k| w | 0x80 << (8 * k))
        };
        for b in 0..256u64 {
            let masks = [word(b), 0, 0, word(0x5A), 0, 0, 0, word(b >> 1)];
            assert_eq!(bits(&masks), b | 0x5A << 24 | (b >> 1) << 56, "{b:#x}");
        }
        assert_eq!(prefix_xor(0b1001_0100), !0xFF | 0b1000_1100);
        assert_eq!(prefix_xor(1 << 63), 1 << 63);
    }

    #[test]
    fn closes_where_a_byte_by_byte_scan_does() {
        // records built from pieces that hit every path: strings across
        // blocks, brackets in strings, escapes at a block's edges
        let pieces: [&[u8]; 9] = [
            b", \"s\": \"x{[}]\\\"\"",
            b", \"l\": [1, [2], {\"b\": \"]\"}]",
            b", \"bs\": \"\\\\\"",
            b", \"long\": \"0123456789012345678901234567890123456789\"",
            b", \"u\": \"\\u00e9 \xC3\xA9 \xE2\x98\x95\"",
            b", \"o\": {}",
            b", \"q\": \"\\\\\\\"}\"",
            b"\r\n ,\"e\": []",
            b", \"z\": \"\\\\\\\\\"",
        ];
        for seed in 0..400usize {
            let mut record = b"{\"a\": 1".to_vec();
            let mut x = seed;
            for _ in 0..(seed % 23) {
                record.extend_from_slice(pieces[x % pieces.len()]);
                x = x.wrapping_mul(31).wrapping_add(7) / 3;
            }
            record.extend_from_slice(b"}");
            let want = naive(&record);
            assert_eq!(want, Some(record.len()));
            // followed by more, and cut anywhere
            record.extend_from_slice(b", {\"next\": \"}\"}");
            for cut in 0..=record.len() {
                let mut at = Nesting::default();
                let got = match at.close_in(&record[..cut]) {
                    Some(end) => Some(end),
                    None => at.close_in(&record[cut..]).map(|end| cut + end),
                };
                assert_eq!(got, want, "seed {seed}, cut at {cut}");
            }
        }
    }
}

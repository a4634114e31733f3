//! Wildcard matching (`*` and `?`) with a linear-time guarantee.
//!
//! IAM patterns appear in `Action`, `Resource`, `StringLike` and `ArnLike`. A naive
//! backtracking matcher is exponential on patterns such as `*a*a*a*...b`, and a policy is
//! user input, so every general pattern here runs on a bit-parallel automaton: at most
//! O(n * ceil(m / 64)) word operations for an n-character value and an m-token pattern.
//! Most real patterns never reach the automaton: exact strings, prefixes (`s3:Get*`) and
//! literal prefix/suffix checks answer first.
//!
//! Case-insensitive matching (actions) is done by the caller lowercasing both sides.

use memchr::memmem;

/// One pattern token.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Tok {
    /// A literal character.
    Lit(char),
    /// `?`: exactly one character.
    One,
    /// `*`: any run of characters, including none.
    Star,
}

/// Tokens of a plain pattern: `*` and `?` match any character.
pub fn plain_tokens(pattern: &str) -> Vec<Tok> {
    pattern
        .chars()
        .map(|c| match c {
            '*' => Tok::Star,
            '?' => Tok::One,
            c => Tok::Lit(c),
        })
        .collect()
}

/// A compiled wildcard pattern.
#[derive(Clone, Debug)]
pub struct Glob {
    repr: Repr,
}

#[derive(Clone, Debug)]
enum Repr {
    Everything,
    Exact(Box<str>),
    Prefix(Box<str>),
    General(Box<General>),
}

#[derive(Clone, Debug)]
struct General {
    prefix: Box<str>,
    suffix: Box<str>,
    body: Body,
}

#[derive(Clone, Debug)]
enum Body {
    /// The middle is one `*`.
    Any,
    /// Fixed-length segments between stars, each placed leftmost (optimal because the
    /// gaps between them are unrestricted); searches run in linear time.
    Greedy(Box<Greedy>),
}

#[derive(Clone, Debug)]
struct Greedy {
    /// Without any `*` the one segment must cover the whole text.
    starless: bool,
    head: Option<Seg>,
    mids: Vec<Seg>,
    tail: Option<Seg>,
}

#[derive(Clone, Debug)]
struct Seg {
    toks: Vec<Tok>,
    /// Literal bytes when the segment is all ASCII literals (searched with memmem).
    lit: Option<Box<[u8]>>,
    /// Bit-parallel search for everything else.
    finder: ShiftAnd,
}

impl Glob {
    /// Compiles a plain pattern where `*` and `?` match any character.
    pub fn plain(pattern: &str) -> Glob {
        // Most patterns are exact or end in their only `*`: skip the token list for them.
        match pattern.find(['*', '?']) {
            None => Glob {
                repr: Repr::Exact(pattern.into()),
            },
            Some(i) if i + 1 == pattern.len() && pattern.ends_with('*') => Glob {
                repr: if i == 0 {
                    Repr::Everything
                } else {
                    Repr::Prefix(pattern.get(..i).unwrap_or("").into())
                },
            },
            Some(_) => Glob::from_tokens(&plain_tokens(pattern)),
        }
    }

    /// Compiles tokens (literal characters from policy variables arrive as `Lit`).
    pub fn from_tokens(tokens: &[Tok]) -> Glob {
        let toks = collapse(tokens);
        let is_lit = |t: &Tok| matches!(t, Tok::Lit(_));
        let lit_string = |ts: &[Tok]| -> String {
            ts.iter()
                .filter_map(|t| match t {
                    Tok::Lit(c) => Some(*c),
                    _ => None,
                })
                .collect()
        };
        if toks.iter().all(is_lit) {
            return Glob {
                repr: Repr::Exact(lit_string(&toks).into()),
            };
        }
        if let Some((Tok::Star, rest)) = toks.split_last() {
            if rest.is_empty() {
                return Glob {
                    repr: Repr::Everything,
                };
            }
            if rest.iter().all(is_lit) {
                return Glob {
                    repr: Repr::Prefix(lit_string(rest).into()),
                };
            }
        }
        let p = toks.iter().take_while(|t| is_lit(t)).count();
        let s = toks.iter().rev().take_while(|t| is_lit(t)).count();
        let middle = toks.get(p..toks.len() - s).unwrap_or(&[]);
        let body = match middle {
            [Tok::Star] => Body::Any,
            m => Body::Greedy(Box::new(Greedy::new(m))),
        };
        Glob {
            repr: Repr::General(Box::new(General {
                prefix: lit_string(toks.get(..p).unwrap_or(&[])).into(),
                suffix: lit_string(toks.get(toks.len() - s..).unwrap_or(&[])).into(),
                body,
            })),
        }
    }

    /// Whether the pattern matches the whole of `text`.
    pub fn is_match(&self, text: &str) -> bool {
        match &self.repr {
            Repr::Everything => true,
            Repr::Exact(s) => text == &**s,
            Repr::Prefix(p) => text.starts_with(&**p),
            Repr::General(g) => g.is_match(text),
        }
    }

    /// Whether the pattern matches only itself (no wildcard).
    pub fn literal(&self) -> Option<&str> {
        match &self.repr {
            Repr::Exact(s) => Some(s),
            _ => None,
        }
    }
}

fn collapse(tokens: &[Tok]) -> Vec<Tok> {
    let mut out: Vec<Tok> = Vec::with_capacity(tokens.len());
    for &t in tokens {
        if t == Tok::Star && out.last() == Some(&Tok::Star) {
            continue;
        }
        out.push(t);
    }
    out
}

impl General {
    fn is_match(&self, text: &str) -> bool {
        let (p, s) = (self.prefix.len(), self.suffix.len());
        if text.len() < p + s || !text.starts_with(&*self.prefix) || !text.ends_with(&*self.suffix)
        {
            return false;
        }
        let Some(mid) = text.get(p..text.len() - s) else {
            return false;
        };
        match &self.body {
            Body::Any => true,
            Body::Greedy(g) => {
                if mid.is_ascii() {
                    g.is_match(mid.as_bytes())
                } else {
                    g.is_match(&mid.chars().collect::<Vec<char>>())
                }
            }
        }
    }
}

/// A text symbol: a byte of ASCII text or a `char`.
trait Sym: Copy {
    fn ch(self) -> char;
}

impl Sym for u8 {
    fn ch(self) -> char {
        char::from(self)
    }
}

impl Sym for char {
    fn ch(self) -> char {
        self
    }
}

fn tok_matches(t: Tok, c: char) -> bool {
    match t {
        Tok::Lit(l) => l == c,
        Tok::One | Tok::Star => true,
    }
}

impl Greedy {
    fn new(middle: &[Tok]) -> Greedy {
        let mut parts: Vec<Vec<Tok>> = vec![Vec::new()];
        for &t in middle {
            match t {
                Tok::Star => parts.push(Vec::new()),
                t => {
                    if let Some(last) = parts.last_mut() {
                        last.push(t);
                    }
                }
            }
        }
        // `parts` has one more entry than there are stars; the first and last are anchored.
        let starless = parts.len() == 1;
        let tail = if parts.len() > 1 { parts.pop() } else { None };
        let mut it = parts.into_iter();
        let head = it.next();
        let seg = |v: Vec<Tok>| {
            if v.is_empty() {
                None
            } else {
                Some(Seg::new(v))
            }
        };
        Greedy {
            starless,
            head: head.and_then(seg),
            mids: it.filter_map(seg).collect(),
            tail: tail.and_then(seg),
        }
    }

    fn is_match<T: Sym>(&self, text: &[T]) -> bool
    where
        Seg: Find<T>,
    {
        let (mut lo, mut hi) = (0usize, text.len());
        if self.starless {
            return self
                .head
                .as_ref()
                .is_some_and(|h| h.toks.len() == text.len() && h.matches_at(text, 0));
        }
        if let Some(h) = &self.head {
            if !h.matches_at(text, 0) {
                return false;
            }
            lo = h.toks.len();
        }
        if let Some(t) = &self.tail {
            if hi < lo + t.toks.len() || !t.matches_at(text, hi - t.toks.len()) {
                return false;
            }
            hi -= t.toks.len();
        }
        for seg in &self.mids {
            let Some(window) = text.get(lo..hi) else {
                return false;
            };
            match seg.find(window) {
                Some(start) => lo += start + seg.toks.len(),
                None => return false,
            }
        }
        true
    }
}

trait Find<T> {
    /// Start index of the leftmost occurrence.
    fn find(&self, text: &[T]) -> Option<usize>;
}

impl Find<u8> for Seg {
    fn find(&self, text: &[u8]) -> Option<usize> {
        match &self.lit {
            Some(lit) => memmem::find(text, lit),
            None => self.finder.find(text.iter().map(|b| char::from(*b))),
        }
    }
}

impl Find<char> for Seg {
    fn find(&self, text: &[char]) -> Option<usize> {
        self.finder.find(text.iter().copied())
    }
}

impl Seg {
    fn new(toks: Vec<Tok>) -> Seg {
        let lit = toks
            .iter()
            .map(|t| match t {
                Tok::Lit(c) if c.is_ascii() => u8::try_from(*c).ok(),
                _ => None,
            })
            .collect::<Option<Vec<u8>>>()
            .map(Vec::into_boxed_slice);
        Seg {
            finder: ShiftAnd::new(&toks),
            toks,
            lit,
        }
    }

    fn matches_at<T: Sym>(&self, text: &[T], at: usize) -> bool {
        let Some(window) = text.get(at..at + self.toks.len()) else {
            return false;
        };
        self.toks
            .iter()
            .zip(window)
            .all(|(t, c)| tok_matches(*t, c.ch()))
    }
}

/// Bit-parallel (Shift-And) search for a fixed-length segment of literals and `?`.
///
/// Bit `i` of the state says "the segment's first `i + 1` tokens match the text ending
/// here"; each character costs O(ceil(len / 64)) word operations, so a search is
/// O(n * ceil(m / 64)) whatever the pattern. Memory stays O(m): a symbol that occurs at
/// least once per 64 positions gets a full mask row, a rarer one a list of positions (at
/// most `words` of them, so building its mask is no dearer than copying a row).
#[derive(Clone, Debug)]
struct ShiftAnd {
    len: usize,
    words: usize,
    syms: Vec<char>,
    /// Per symbol: where its mask lives.
    masks: Vec<SymMask>,
    /// Full rows of the frequent symbols, `words` each.
    rows: Vec<u64>,
    /// Positions of `?` (which match any character), as a row.
    any: Vec<u64>,
}

#[derive(Clone, Debug)]
enum SymMask {
    /// Index of its row in `rows`.
    Row(usize),
    /// Its positions.
    Positions(Vec<usize>),
}

impl ShiftAnd {
    fn new(toks: &[Tok]) -> ShiftAnd {
        let len = toks.len();
        let words = len.div_ceil(64).max(1);
        let mut any = vec![0u64; words];
        let mut by_sym: Vec<(char, usize)> = Vec::new();
        for (i, t) in toks.iter().enumerate() {
            match t {
                Tok::Lit(c) => by_sym.push((*c, i)),
                // `?` (and, defensively, `*`, which segments never hold) fits any character.
                Tok::One | Tok::Star => {
                    if let Some(w) = any.get_mut(i / 64) {
                        *w |= 1u64 << (i % 64);
                    }
                }
            }
        }
        by_sym.sort_unstable();
        let mut syms = Vec::new();
        let mut masks = Vec::new();
        let mut rows = Vec::new();
        for group in by_sym.chunk_by(|a, b| a.0 == b.0) {
            let Some(&(c, _)) = group.first() else {
                continue;
            };
            syms.push(c);
            if group.len() >= words {
                let start = rows.len();
                rows.resize(start + words, 0u64);
                for &(_, i) in group {
                    if let Some(w) = rows.get_mut(start + i / 64) {
                        *w |= 1u64 << (i % 64);
                    }
                }
                masks.push(SymMask::Row(start / words));
            } else {
                masks.push(SymMask::Positions(group.iter().map(|&(_, i)| i).collect()));
            }
        }
        ShiftAnd {
            len,
            words,
            syms,
            masks,
            rows,
            any,
        }
    }

    /// Writes the mask of `c` (positions where it may stand) into `out`.
    fn mask_into(&self, c: char, out: &mut [u64]) {
        out.copy_from_slice(self.any.get(..out.len()).unwrap_or(&[]));
        let Ok(k) = self.syms.binary_search(&c) else {
            return;
        };
        match self.masks.get(k) {
            Some(SymMask::Row(r)) => {
                let row = self.rows.get(r * self.words..).unwrap_or(&[]);
                out.iter_mut().zip(row).for_each(|(o, m)| *o |= m);
            }
            Some(SymMask::Positions(ps)) => {
                for &i in ps {
                    if let Some(w) = out.get_mut(i / 64) {
                        *w |= 1u64 << (i % 64);
                    }
                }
            }
            None => {}
        }
    }

    /// Start index of the leftmost occurrence in `text`.
    fn find<I: Iterator<Item = char>>(&self, text: I) -> Option<usize> {
        if self.len == 0 {
            return Some(0);
        }
        let (last_word, last_bit) = ((self.len - 1) / 64, 1u64 << ((self.len - 1) % 64));
        let mut d = vec![0u64; self.words];
        let mut m = vec![0u64; self.words];
        for (k, c) in text.enumerate() {
            // Only the first k / 64 + 1 words can hold set bits after k + 1 characters.
            let active = (k / 64 + 1).min(self.words);
            let (Some(dw), Some(mw)) = (d.get_mut(..active), m.get_mut(..active)) else {
                return None;
            };
            self.mask_into(c, mw);
            let mut carry = 1u64;
            for (di, mi) in dw.iter_mut().zip(mw.iter()) {
                let shifted = (*di << 1) | carry;
                carry = *di >> 63;
                *di = shifted & mi;
            }
            if d.get(last_word).is_some_and(|w| w & last_bit != 0) {
                return Some(k + 1 - self.len);
            }
        }
        None
    }
}

/// A quadratic reference matcher by dynamic programming over prefixes. Tests and the fuzz
/// target check [`Glob`] against it; nothing else should use it.
#[doc(hidden)]
pub fn reference_match(pattern: &str, text: &str) -> bool {
    let toks = collapse(&plain_tokens(pattern));
    let t: Vec<char> = text.chars().collect();
    let n = t.len();
    let mut prev = vec![false; n + 1];
    prev[0] = true;
    for tok in toks {
        let mut cur = vec![false; n + 1];
        for j in 0..=n {
            let ch = j.checked_sub(1).and_then(|k| t.get(k).copied());
            let diag = j
                .checked_sub(1)
                .and_then(|k| prev.get(k).copied())
                .unwrap_or(false);
            let up = prev.get(j).copied().unwrap_or(false);
            let left = j
                .checked_sub(1)
                .and_then(|k| cur.get(k).copied())
                .unwrap_or(false);
            let v = match tok {
                Tok::Star => up || (j > 0 && left),
                Tok::One => diag,
                Tok::Lit(c) => diag && ch == Some(c),
            };
            if let Some(x) = cur.get_mut(j) {
                *x = v;
            }
        }
        prev = cur;
    }
    prev.get(n).copied().unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basics() {
        assert!(Glob::plain("s3:get*").is_match("s3:getobject"));
        assert!(!Glob::plain("s3:get*").is_match("s3:putobject"));
        assert!(Glob::plain("*").is_match(""));
        assert!(Glob::plain("a?c").is_match("abc"));
        assert!(!Glob::plain("a?c").is_match("ac"));
        assert!(Glob::plain("*object").is_match("s3:getobject"));
        assert!(Glob::plain("s3:*o*t").is_match("s3:getobject"));
        assert!(!Glob::plain("s3:*o*x").is_match("s3:getobject"));
        assert!(Glob::plain("").is_match(""));
        assert!(Glob::plain("**a**").is_match("xax"));
        assert!(Glob::plain("é*ü?").is_match("éxxüz"));
    }

    #[test]
    fn agrees_with_reference_on_small_alphabet() {
        let alphabet = ['a', 'b', ':', '*', '?'];
        let texts = [
            "", "a", "ab", "ba", "a:b", "aab:ba", "::", "abab", "b:a:b", "aaaa",
        ];
        let mut pats = vec![String::new()];
        for _ in 0..4 {
            let mut next = Vec::new();
            for p in &pats {
                for c in alphabet {
                    next.push(format!("{p}{c}"));
                }
            }
            pats.extend(next);
        }
        for p in &pats {
            let (fast, general) = (Glob::plain(p), Glob::from_tokens(&plain_tokens(p)));
            for t in texts {
                let want = reference_match(p, t);
                assert_eq!(fast.is_match(t), want, "pattern {p:?} text {t:?}");
                assert_eq!(general.is_match(t), want, "pattern {p:?} text {t:?}");
            }
        }
    }

    #[test]
    fn rare_and_frequent_symbols_agree() {
        // one frequent symbol (`a`), many rare ones, across several words
        let seg: String = (0..300)
            .map(|i| {
                if i % 3 == 0 {
                    'a'
                } else {
                    char::from_u32(0x100 + i).unwrap()
                }
            })
            .collect();
        let pat = format!("*{seg}*");
        let text = format!("xy{seg}z");
        assert!(Glob::plain(&pat).is_match(&text));
        assert_eq!(
            Glob::plain(&pat).is_match(&text),
            reference_match(&pat, &text)
        );
        let pat_q = format!("*{}?*", seg);
        assert!(!Glob::plain(&pat_q).is_match(&seg));
    }

    #[test]
    fn long_patterns_use_many_words() {
        let pat = format!("*{}*", "a?".repeat(100));
        let text = format!("x{}y", "ab".repeat(100));
        assert!(Glob::plain(&pat).is_match(&text));
        let pat = format!("{}b", "?".repeat(300));
        assert!(Glob::plain(&pat).is_match(&format!("{}b", "z".repeat(300))));
        assert!(!Glob::plain(&pat).is_match(&format!("{}b", "z".repeat(299))));
    }
}

//! A fixed-size set of indices (targets of a batch, actions of a batch).

/// A set of indices below a size fixed at creation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Bits {
    words: Vec<u64>,
}

impl Bits {
    pub(crate) fn empty(n: usize) -> Bits {
        Bits {
            words: vec![0; n.div_ceil(64)],
        }
    }

    pub(crate) fn full(n: usize) -> Bits {
        let mut b = Bits::empty(n);
        for i in 0..n {
            b.set(i);
        }
        b
    }

    pub(crate) fn set(&mut self, i: usize) {
        if let Some(w) = self.words.get_mut(i / 64) {
            *w |= 1 << (i % 64);
        }
    }

    pub(crate) fn has(&self, i: usize) -> bool {
        self.words
            .get(i / 64)
            .is_some_and(|w| w & (1 << (i % 64)) != 0)
    }

    pub(crate) fn union(&mut self, other: &Bits) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a |= b;
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.words.iter().all(|w| *w == 0)
    }

    pub(crate) fn count(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// The indices in the set, ascending.
    pub(crate) fn ones(&self) -> impl Iterator<Item = usize> + '_ {
        self.words.iter().enumerate().flat_map(|(k, &w)| {
            let mut rest = w;
            std::iter::from_fn(move || {
                if rest == 0 {
                    return None;
                }
                let bit = rest.trailing_zeros() as usize;
                rest &= rest - 1;
                Some(k * 64 + bit)
            })
        })
    }

    /// The indices below `n` not in the set, ascending.
    pub(crate) fn zeros(&self, n: usize) -> impl Iterator<Item = usize> + '_ {
        (0..n).filter(move |&i| !self.has(i))
    }
}

/// Which of a list of statements (each given by the targets it may name) may name target
/// `j`: one bit per statement, in order. Two targets with equal signatures (and equal
/// resource policies) are decided alike.
pub(crate) type Sig = Box<[u64]>;

/// The [`Sig`] of target `j` over `statements`.
pub(crate) fn signature(statements: &[std::sync::Arc<Bits>], j: usize) -> Sig {
    let mut words = vec![0u64; statements.len().div_ceil(64)];
    for (k, b) in statements.iter().enumerate() {
        if b.has(j) {
            if let Some(w) = words.get_mut(k / 64) {
                *w |= 1 << (k % 64);
            }
        }
    }
    words.into_boxed_slice()
}

#[cfg(test)]
mod tests {
    use super::Bits;

    #[test]
    fn ones_and_zeros_partition_the_indices() {
        let mut b = Bits::empty(130);
        for i in [0, 63, 64, 129] {
            b.set(i);
        }
        assert_eq!(b.ones().collect::<Vec<_>>(), vec![0, 63, 64, 129]);
        assert_eq!(b.count(), 4);
        assert_eq!(b.zeros(130).count(), 126);
        assert!(!b.zeros(130).any(|i| b.has(i)));
        assert!(Bits::empty(5).is_empty());
        assert_eq!(Bits::full(70).count(), 70);
        // Signatures past 128 statements stay exact.
        let many: Vec<std::sync::Arc<Bits>> = (0..200)
            .map(|k| {
                let mut x = Bits::empty(3);
                x.set(usize::from(k == 150));
                std::sync::Arc::new(x)
            })
            .collect();
        assert_ne!(super::signature(&many, 0), super::signature(&many, 1));
        assert_eq!(
            super::signature(&many, 2)
                .iter()
                .map(|w| w.count_ones())
                .sum::<u32>(),
            0
        );
    }
}

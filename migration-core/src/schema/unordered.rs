//! Comparing lists whose order carries no meaning.

/// Whether `left` and `right` hold the same elements, each as often, in any
/// order.
///
/// Quadratic, which is right for the handful of indexes or constraints a table
/// has; tables are compared by sorting instead (see `Schema`'s `PartialEq`).
pub(crate) fn same_elements<T: PartialEq>(left: &[T], right: &[T]) -> bool {
    if left.len() != right.len() {
        return false;
    }
    let mut matched = vec![false; right.len()];
    left.iter().all(|wanted| {
        let found = right
            .iter()
            .enumerate()
            .find(|(at, candidate)| !matched[*at] && *candidate == wanted);
        match found {
            Some((at, _)) => {
                matched[at] = true;
                true
            }
            None => false,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::same_elements;

    #[test]
    fn order_does_not_matter() {
        assert!(same_elements(&[1, 2, 3], &[3, 1, 2]));
    }

    #[test]
    fn multiplicity_matters() {
        assert!(!same_elements(&[1, 1, 2], &[1, 2, 2]));
        assert!(!same_elements(&[1, 1], &[1]));
    }

    #[test]
    fn different_elements_differ() {
        assert!(!same_elements(&[1, 2], &[1, 3]));
        assert!(same_elements::<i32>(&[], &[]));
    }
}

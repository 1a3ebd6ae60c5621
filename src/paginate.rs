//! Pagination of listings: which products each page of a listing shows, and its pager.

use serde::Serialize;

/// What a listing page's pager links to.
#[derive(Serialize)]
pub struct Pager {
    pub current: usize,
    pub total: usize,
    pub prev: Option<String>,
    pub next: Option<String>,
    pub pages: Vec<PagerLink>,
}

#[derive(Serialize)]
pub struct PagerLink {
    pub number: usize,
    pub url: String,
    /// Page numbers are left out before this one.
    pub gap: bool,
}

/// One page of a listing.
pub struct Slice {
    /// 1-based.
    pub number: usize,
    /// Site path: `base` for the first page, `base/page/N/` for the others.
    pub path: String,
    /// The listed items of this page.
    pub items: Vec<usize>,
    pub pager: Pager,
}

/// Pages a pager links to: the first, the last, and two either side of `current`. Linking every
/// page would make each listing page's size, and a catalogue's build time, grow with the square
/// of its number of pages (417 pages of all products at 10,000 products).
fn pager_numbers(current: usize, total: usize) -> Vec<usize> {
    (1..=total)
        .filter(|&k| k == 1 || k == total || k.abs_diff(current) <= 2)
        .collect()
}

/// Site path of page `n` of the listing at `base`.
fn page_path(base: &str, n: usize) -> String {
    if n == 1 {
        base.to_string()
    } else {
        format!("{base}page/{n}/")
    }
}

/// Splits `items` into pages of `per_page` (at least one page, empty or not).
pub fn paginate(base: &str, items: &[usize], per_page: usize) -> Vec<Slice> {
    let per = per_page.max(1);
    let total = items.len().div_ceil(per).max(1);
    (1..=total)
        .map(|n| {
            let mut last = 0;
            let pages = pager_numbers(n, total)
                .into_iter()
                .map(|k| {
                    let gap = k > last + 1;
                    last = k;
                    PagerLink {
                        number: k,
                        url: page_path(base, k),
                        gap,
                    }
                })
                .collect();
            Slice {
                number: n,
                path: page_path(base, n),
                items: items.iter().skip((n - 1) * per).take(per).copied().collect(),
                pager: Pager {
                    current: n,
                    total,
                    prev: (n > 1).then(|| page_path(base, n - 1)),
                    next: (n < total).then(|| page_path(base, n + 1)),
                    pages,
                },
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pagers_link_the_ends_and_the_neighbourhood() {
        assert_eq!(pager_numbers(1, 3), [1, 2, 3]);
        assert_eq!(pager_numbers(1, 10), [1, 2, 3, 10]);
        assert_eq!(pager_numbers(6, 10), [1, 4, 5, 6, 7, 8, 10]);
        assert_eq!(pager_numbers(10, 417).len(), 7);
    }

    #[test]
    fn a_listing_splits_into_pages_with_a_pager_each() {
        let slices = paginate("products/", &(0..5).collect::<Vec<_>>(), 2);
        let paths: Vec<&str> = slices.iter().map(|s| s.path.as_str()).collect();
        assert_eq!(paths, ["products/", "products/page/2/", "products/page/3/"]);
        assert_eq!(slices[2].items, [4]);
        assert_eq!(slices[1].pager.prev.as_deref(), Some("products/"));
        assert_eq!(slices[1].pager.next.as_deref(), Some("products/page/3/"));
        assert!(slices[0].pager.prev.is_none() && slices[2].pager.next.is_none());
        // An empty listing still has its first page.
        assert_eq!(paginate("c/", &[], 24).len(), 1);
    }
}

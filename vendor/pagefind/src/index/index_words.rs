/// The word index chunks in `pagefind/index/`

/// minisite patch: a page's locations, held inline up to four (most words occur a few times
/// on a page): on a 10,000-product site the index held about a million of these, each its own
/// allocation read back scattered when the chunks were sized and encoded.
pub type Locs = smallvec::SmallVec<[i32; 4]>;

/// A single word as an inverse index of all locations on the site
/// (minisite patch: written by [`encode_word_index`] as `WordIndex { words }` was by minicbor).
#[derive(Clone, Debug)]
pub struct PackedWord {
    pub word: String,
    pub pages: Vec<PackedPage>,
    pub additional_variants: Vec<PackedVariant>,
}

/// A variant of a word with different diacritics (e.g., "café" vs "cafe")
#[derive(Clone, Debug)]
pub struct PackedVariant {
    pub form: String,
    pub pages: Vec<PackedPage>,
}

/// A set of locations on a given page
#[derive(Clone, Debug)]
pub struct PackedPage {
    pub page_number: usize, // Won't exceed u32 but saves us some into()s
    pub locs: Locs,
    pub meta_locs: Locs,
}

/// minisite patch: the CBOR of a word index chunk (`pagefind/index/*.pf_index`), the bytes
/// Pagefind's `#[derive(Encode)]` structs gave through minicbor (each struct an array of its
/// fields in order, every integer and length in its shortest head), written straight into
/// `out`, as minicbor has no encoding for the inline [`Locs`].
pub fn encode_word_index(words: &[PackedWord], out: &mut Vec<u8>) {
    array(out, 1);
    array(out, words.len());
    for word in words {
        array(out, 3);
        head(out, MAJOR_TEXT, word.word.len() as u64);
        out.extend_from_slice(word.word.as_bytes());
        pages(out, &word.pages);
        array(out, word.additional_variants.len());
        for variant in &word.additional_variants {
            array(out, 2);
            head(out, MAJOR_TEXT, variant.form.len() as u64);
            out.extend_from_slice(variant.form.as_bytes());
            pages(out, &variant.pages);
        }
    }
}

const MAJOR_UNSIGNED: u8 = 0;
const MAJOR_NEGATIVE: u8 = 1;
const MAJOR_TEXT: u8 = 3;
const MAJOR_ARRAY: u8 = 4;

fn pages(out: &mut Vec<u8>, pages: &[PackedPage]) {
    array(out, pages.len());
    for page in pages {
        array(out, 3);
        head(out, MAJOR_UNSIGNED, page.page_number as u64);
        ints(out, &page.locs);
        ints(out, &page.meta_locs);
    }
}

fn ints(out: &mut Vec<u8>, ints: &[i32]) {
    array(out, ints.len());
    for &n in ints {
        if n >= 0 {
            head(out, MAJOR_UNSIGNED, n as u64);
        } else {
            head(out, MAJOR_NEGATIVE, (-1 - n as i64) as u64);
        }
    }
}

fn array(out: &mut Vec<u8>, len: usize) {
    head(out, MAJOR_ARRAY, len as u64);
}

/// A data item's head: its major type and its argument in the fewest bytes (RFC 8949 §3).
#[inline]
fn head(out: &mut Vec<u8>, major: u8, n: u64) {
    let m = major << 5;
    if n < 24 {
        out.push(m | n as u8);
    } else if n <= u8::MAX as u64 {
        out.extend_from_slice(&[m | 24, n as u8]);
    } else if n <= u16::MAX as u64 {
        out.push(m | 25);
        out.extend_from_slice(&(n as u16).to_be_bytes());
    } else if n <= u32::MAX as u64 {
        out.push(m | 26);
        out.extend_from_slice(&(n as u32).to_be_bytes());
    } else {
        out.push(m | 27);
        out.extend_from_slice(&n.to_be_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use minicbor::Encode;

    // Pagefind's own definitions, the reference for the bytes.
    #[derive(Encode)]
    struct WordIndex {
        #[n(0)]
        words: Vec<Word>,
    }
    #[derive(Encode)]
    struct Word {
        #[n(0)]
        word: String,
        #[n(1)]
        pages: Vec<Page>,
        #[n(2)]
        additional_variants: Vec<Variant>,
    }
    #[derive(Encode)]
    struct Variant {
        #[n(0)]
        form: String,
        #[n(1)]
        pages: Vec<Page>,
    }
    #[derive(Encode)]
    struct Page {
        #[n(0)]
        page_number: usize,
        #[n(1)]
        locs: Vec<i32>,
        #[n(2)]
        meta_locs: Vec<i32>,
    }

    fn reference(words: &[PackedWord]) -> Vec<u8> {
        let pages = |pages: &[PackedPage]| -> Vec<Page> {
            pages
                .iter()
                .map(|p| Page {
                    page_number: p.page_number,
                    locs: p.locs.to_vec(),
                    meta_locs: p.meta_locs.to_vec(),
                })
                .collect()
        };
        let index = WordIndex {
            words: words
                .iter()
                .map(|w| Word {
                    word: w.word.clone(),
                    pages: pages(&w.pages),
                    additional_variants: w
                        .additional_variants
                        .iter()
                        .map(|v| Variant {
                            form: v.form.clone(),
                            pages: pages(&v.pages),
                        })
                        .collect(),
                })
                .collect(),
        };
        minicbor::to_vec(index).unwrap()
    }

    fn page(page_number: usize, locs: Vec<i32>, meta_locs: Vec<i32>) -> PackedPage {
        PackedPage {
            page_number,
            locs: locs.into(),
            meta_locs: meta_locs.into(),
        }
    }

    #[test]
    fn the_direct_encoding_is_pagefinds() {
        // Every head length and both signs, at their edges; locations inline and not.
        let edges: Vec<i32> = [0, 1, 23, 24, 255, 256, 65535, 65536, i32::MAX]
            .iter()
            .flat_map(|&n| [n, -n - 1, -n])
            .chain([i32::MIN])
            .collect();
        let long = "w".repeat(300);
        let words = vec![
            PackedWord {
                word: "apple".into(),
                pages: vec![page(0, edges.clone(), vec![]), page(70_000, vec![], edges.clone())],
                additional_variants: vec![],
            },
            PackedWord {
                word: long.clone(),
                pages: (0..30).map(|i| page(i * 300, vec![i as i32], vec![-1])).collect(),
                additional_variants: vec![PackedVariant {
                    form: format!("{long}\u{301}"),
                    pages: vec![page(5_000_000_000, vec![1, 2], vec![])],
                }],
            },
        ];
        let mut direct = Vec::new();
        encode_word_index(&words, &mut direct);
        assert_eq!(direct, reference(&words));
        let mut empty = Vec::new();
        encode_word_index(&[], &mut empty);
        assert_eq!(empty, reference(&[]));
    }
}

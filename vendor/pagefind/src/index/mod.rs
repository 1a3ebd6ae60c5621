use hashbrown::HashMap;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

use crate::{
    fossick::{FossickedData, FossickedWord, Fossicker, MetaFossickedWord},
    index::index_metadata::MetaFilter,
    utils::full_hash,
    SearchOptions,
};
use anyhow::{bail, Result};
use index_filter::{FilterIndex, PackedValue};
use index_metadata::{MetaChunk, MetaIndex, MetaPage};
use index_words::{Locs, PackedPage, PackedVariant, PackedWord};

use self::index_metadata::MetaSort;

mod index_filter;
mod index_metadata;
mod index_words;

pub struct PagefindIndexes {
    pub word_indexes: HashMap<String, Vec<u8>>,
    pub filter_indexes: HashMap<String, Vec<u8>>,
    pub meta_index: (String, Vec<u8>),
    pub fragments: Vec<(String, String)>,
    pub sorts: Vec<String>,
    pub language: String,
    pub word_count: usize,
    pub page_count: usize,
}

#[derive(Clone)]
struct IntermediaryPageData {
    full_hash: String,
    encoded_data: String,
    word_count: usize,
    page_number: usize,
}

#[derive(Debug)]
enum SortType {
    String,
    Number,
}

/// minisite patch: what a run of consecutive pages adds to the index (their words, filter
/// values and fragments), in page order.
#[derive(Default)]
struct Folded {
    /// The run's words, each once, in the order first met; `slots` finds a word's place.
    words: Vec<PackedWord>,
    slots: HashMap<String, u32>,
    filter_entries: Vec<(String, String, usize)>, // (filter, value, page_number)
    encoded_pages: Vec<IntermediaryPageData>,
    /// A word's (weight, position) pairs on the page being added, reused from word to word.
    scratch: Vec<(u8, u32)>,
    /// A record's words as read (the word's slot, then the word), reused from record to record.
    read: Vec<(u32, FossickedWord)>,
}

/// The place of `word` in `words`, an empty entry made for it if missing.
fn word_slot(words: &mut Vec<PackedWord>, slots: &mut HashMap<String, u32>, word: &str) -> u32 {
    if let Some(&slot) = slots.get(word) {
        return slot;
    }
    let slot = words.len() as u32;
    words.push(PackedWord {
        word: word.to_string(),
        pages: Vec::new(),
        additional_variants: Vec::new(),
    });
    slots.insert(word.to_string(), slot);
    slot
}

impl Folded {
    fn word_entry(&mut self, word: &str) -> &mut PackedWord {
        let slot = word_slot(&mut self.words, &mut self.slots, word);
        &mut self.words[slot as usize]
    }

    /// minisite patch: adds custom record `record` as page `page_number`, read straight into
    /// the run: each word read goes to its entry's slot, found once per occurrence, instead of
    /// into a word map of the page's own (a string and a vector per distinct word per page) that
    /// `add_page` then looked up again. The same entries as `fossick_sync` then `add_page`.
    fn add_record(
        &mut self,
        page_number: usize,
        record: &Fossicker,
        options: &SearchOptions,
        meta_fields: &[String],
        language: &str,
    ) -> Result<()> {
        let (Some(data), Some(url)) = (record.data(), record.page_url()) else {
            // Not a record with its data: read as Pagefind reads any page.
            let page = record.clone().fossick_sync(options)?;
            if page.word_data.is_empty() {
                bail!(RECORD_WITHOUT_WORDS);
            }
            self.add_page(page_number, &page, meta_fields, language);
            return Ok(());
        };
        let mut read = std::mem::take(&mut self.read);
        read.clear();
        let (words, slots) = (&mut self.words, &mut self.slots);
        let (content, anchors, word_count) = record.digest_words(options, |word, entry, once| {
            let slot = word_slot(words, slots, word);
            // A pair across two segments that the word before already indexes is not added twice.
            if !once || !read.iter().any(|(s, e)| *s == slot && e.position == entry.position) {
                read.push((slot, entry));
            }
        });
        if read.is_empty() {
            self.read = read;
            bail!(RECORD_WITHOUT_WORDS);
        }
        // A word's entries together; their order within a word does not matter (packed_locs
        // sorts them, and a word's variants are gathered by form).
        read.sort_unstable_by_key(|(slot, e)| (*slot, e.position));
        for group in read.chunk_by(|a, b| a.0 == b.0) {
            let positions = group.iter().map(|(_, e)| e);
            self.add_word(page_number, group[0].0, positions);
        }
        self.read = read;

        let (meta, filters) = crate::fossick::tidied(&data.meta, &data.filters);
        let meta_field_order: Vec<String> = meta.keys().cloned().collect();
        let meta_word_data =
            Fossicker::parse_meta_words(&meta, &meta_field_order, &data.language, options);
        let fragment = crate::fragments::PageFragmentData {
            url: url.to_string(),
            content: if options.excerpts { content } else { String::new() },
            filters,
            meta,
            word_count,
            anchors,
        };
        self.add_meta_and_fragment(page_number, &fragment, &meta_word_data, meta_fields, language);
        Ok(())
    }

    /// Adds a word's `positions` on page `page_number`, the run's last so far, to its entry.
    fn add_word<'p>(
        &mut self,
        page_number: usize,
        slot: u32,
        positions: impl Iterator<Item = &'p FossickedWord> + Clone,
    ) {
        let packed_word = &mut self.words[slot as usize];
        // No diacritics - original matches normalized form
        self.scratch.clear();
        self.scratch.extend(
            positions
                .clone()
                .filter(|f| f.original_word.is_none())
                .map(|f| (f.weight, f.position)),
        );
        if !self.scratch.is_empty() {
            packed_word.pages.push(PackedPage {
                page_number,
                locs: packed_locs(&mut self.scratch),
                meta_locs: Locs::new(),
            });
        }
        // Original form differs (has diacritics) - stored instead in additional_variants
        if positions.clone().any(|f| f.original_word.is_some()) {
            let mut variant_positions: BTreeMap<&str, Vec<(u8, u32)>> = BTreeMap::new();
            for f in positions {
                if let Some(form) = &f.original_word {
                    variant_positions
                        .entry(form)
                        .or_default()
                        .push((f.weight, f.position));
                }
            }
            for (variant_form, mut variant_pos) in variant_positions {
                let variant_page = PackedPage {
                    page_number,
                    locs: packed_locs(&mut variant_pos),
                    meta_locs: Locs::new(),
                };
                if let Some(existing_variant) = packed_word
                    .additional_variants
                    .iter_mut()
                    .find(|v| v.form == variant_form)
                {
                    existing_variant.pages.push(variant_page);
                } else {
                    packed_word.additional_variants.push(PackedVariant {
                        form: variant_form.to_string(),
                        pages: vec![variant_page],
                    });
                }
            }
        }
    }

    /// Adds page `page_number`, the run's last so far: a word's entry for this page, when it has
    /// one, is the last of its pages.
    fn add_page(
        &mut self,
        page_number: usize,
        page: &FossickedData,
        meta_fields: &[String],
        language: &str,
    ) {
        for (word, positions) in &page.word_data {
            let slot = word_slot(&mut self.words, &mut self.slots, word);
            self.add_word(page_number, slot, positions.iter());
        }
        self.add_meta_and_fragment(
            page_number,
            &page.fragment.data,
            &page.meta_word_data,
            meta_fields,
            language,
        );
    }

    /// Adds page `page_number`'s meta words, filter values and fragment (`add_page`'s end).
    fn add_meta_and_fragment(
        &mut self,
        page_number: usize,
        fragment: &crate::fragments::PageFragmentData,
        meta_word_data: &HashMap<String, Vec<MetaFossickedWord>>,
        meta_fields: &[String],
        language: &str,
    ) {
        // Meta field IDs were assigned per-page,
        // but need to be remapped to the global meta_fields order.
        let field_id_map: Vec<u16> = fragment
            .meta
            .keys()
            .map(|name| meta_fields.iter().position(|f| f == name).unwrap() as u16)
            .collect();

        for (word, meta_positions) in meta_word_data {
            let mut normalized_meta_positions: Vec<MetaFossickedWord> = Vec::new();
            let mut variant_meta_positions: BTreeMap<String, Vec<MetaFossickedWord>> =
                BTreeMap::new();

            for mut meta_fossicked in meta_positions.iter().cloned() {
                meta_fossicked.field_id = field_id_map[meta_fossicked.field_id as usize];
                if let Some(original) = meta_fossicked.original_word.clone() {
                    variant_meta_positions
                        .entry(original)
                        .or_default()
                        .push(meta_fossicked);
                } else {
                    normalized_meta_positions.push(meta_fossicked);
                }
            }

            let packed_word = self.word_entry(word);

            if !normalized_meta_positions.is_empty() {
                let meta_locs = meta_positions_to_packed(normalized_meta_positions);
                match packed_word
                    .pages
                    .last_mut()
                    .filter(|p| p.page_number == page_number)
                {
                    Some(existing_page) => existing_page.meta_locs = meta_locs,
                    None => packed_word.pages.push(PackedPage {
                        page_number,
                        locs: Locs::new(),
                        meta_locs,
                    }),
                }
            }

            // Handle diacritic variants in meta
            for (variant_form, variant_pos) in variant_meta_positions {
                let meta_locs = meta_positions_to_packed(variant_pos);

                if let Some(existing_variant) = packed_word
                    .additional_variants
                    .iter_mut()
                    .find(|v| v.form == variant_form)
                {
                    match existing_variant
                        .pages
                        .last_mut()
                        .filter(|p| p.page_number == page_number)
                    {
                        Some(existing_page) => existing_page.meta_locs = meta_locs,
                        None => existing_variant.pages.push(PackedPage {
                            page_number,
                            locs: Locs::new(),
                            meta_locs,
                        }),
                    }
                } else {
                    packed_word.additional_variants.push(PackedVariant {
                        form: variant_form,
                        pages: vec![PackedPage {
                            page_number,
                            locs: Locs::new(),
                            meta_locs,
                        }],
                    });
                }
            }
        }

        // Collect filter entries for this page
        for (filter, values) in &fragment.filters {
            for value in values {
                self.filter_entries
                    .push((filter.clone(), value.clone(), page_number));
            }
        }

        // Compute encoded page data
        let encoded_data = serde_json::to_string(fragment).unwrap();
        self.encoded_pages.push(IntermediaryPageData {
            full_hash: format!("{}_{}", language, full_hash(encoded_data.as_bytes())),
            word_count: fragment.word_count,
            page_number,
            encoded_data,
        });
    }

    /// The run of `self`'s pages followed by `later`'s: a word's pages and variants keep the
    /// order of the pages, as if every page had been added to one run.
    fn merge(mut self, mut later: Folded) -> Folded {
        if self.encoded_pages.is_empty() && self.words.is_empty() {
            return later;
        }
        for packed in later.words {
            match self.slots.get(&packed.word) {
                Some(&slot) => {
                    let existing = &mut self.words[slot as usize];
                    existing.pages.extend(packed.pages);
                    for variant in packed.additional_variants {
                        if let Some(existing_variant) = existing
                            .additional_variants
                            .iter_mut()
                            .find(|v| v.form == variant.form)
                        {
                            existing_variant.pages.extend(variant.pages);
                        } else {
                            existing.additional_variants.push(variant);
                        }
                    }
                }
                None => {
                    self.slots.insert(packed.word.clone(), self.words.len() as u32);
                    self.words.push(packed);
                }
            }
        }
        self.filter_entries.append(&mut later.filter_entries);
        self.encoded_pages.append(&mut later.encoded_pages);
        self
    }
}

/// minisite patch: a page for `build_indexes`: one fossicked before and lent, or a custom
/// record not fossicked yet, a copy of which is fossicked on the fold's thread, indexed and
/// dropped, so the fossicked pages of a large site are never all in memory at once.
pub enum PageInput<'a> {
    Lent(&'a mut FossickedData),
    Record(&'a Fossicker),
}

/// What `build_indexes` says of a record that has no words: Pagefind leaves such a page out,
/// which renumbers the pages after it, so the caller fossicks the records first instead
/// (`SearchState::build_indexes_of_records`).
const RECORD_WITHOUT_WORDS: &str = "a record has no words to index";

impl PageInput<'_> {
    fn sort(&self) -> Option<&BTreeMap<String, String>> {
        match self {
            PageInput::Lent(page) => Some(&page.sort),
            PageInput::Record(record) => record.data().map(|d| &d.sort),
        }
    }

    pub fn language(&self) -> &str {
        match self {
            PageInput::Lent(page) => &page.language,
            PageInput::Record(record) => record.data().map_or("unknown", |d| d.language.as_str()),
        }
    }

    pub fn url(&self) -> &str {
        match self {
            PageInput::Lent(page) => &page.fragment.data.url,
            PageInput::Record(record) => record.page_url().unwrap_or_default(),
        }
    }

    /// The page's meta fields: fossicking keeps a record's.
    fn meta_fields(&self) -> Option<&BTreeMap<String, String>> {
        match self {
            PageInput::Lent(page) => Some(&page.fragment.data.meta),
            PageInput::Record(record) => record.data().map(|d| &d.meta),
        }
    }
}

pub async fn build_indexes(
    pages: Vec<PageInput<'_>>,
    language: String,
    options: &SearchOptions,
    drop_pages: bool,
) -> Result<PagefindIndexes> {
    let mut meta = MetaIndex {
        version: options.version.into(),
        pages: Vec::new(),
        index_chunks: Vec::new(),
        filters: Vec::new(),
        sorts: Vec::new(),
        meta_fields: Vec::new(),
    };

    /*
        - Collect all sort keys
        - Sort `pages` by one of them and set `default_sort`
        - Do the main enumerate loop as an iter_mut and set page numbers
        - Later on, for each other sort key:
            - Sort the `pages` array and output the page numbers to `alternate_sorts`
    */

    let mut filter_map: HashMap<String, HashMap<String, Vec<usize>>> = HashMap::new();
    let mut fragment_hashes: HashMap<String, IntermediaryPageData> = HashMap::new();
    let mut fragments: Vec<(usize, (String, IntermediaryPageData))> = Vec::new();

    // minisite patch: the pages are borrowed, so a page's number is its place in `pages`
    // (what `fragment.page_number` was set to here) and its word maps are read, not moved.

    // Get all possible sort keys
    let mut sorts: Vec<_> = pages
        .iter()
        .flat_map(|page| page.sort().into_iter().flat_map(|s| s.keys().cloned()))
        .collect();
    sorts.sort_unstable();
    sorts.dedup();

    // Determine the best sorting parser that fits all available values for each given key
    let mut sort_types: BTreeMap<String, SortType> = BTreeMap::new();
    for sort in sorts.iter() {
        let mut sort_values = pages.iter().flat_map(|page| page.sort().and_then(|s| s.get(sort)));
        sort_types.insert(
            sort.clone(),
            if sort_values.all(|v| parse_int_sort(v).is_some() || parse_float_sort(v).is_some()) {
                SortType::Number
            } else {
                SortType::String
            },
        );
    }

    for (sort_key, sort_type) in sort_types {
        let mut page_values: Vec<_> = pages
            .iter()
            .enumerate()
            .flat_map(|(page_number, page)| {
                page.sort()
                    .and_then(|s| s.get(&sort_key))
                    .map(|v| (v, page_number))
            })
            .collect();
        options.logger.v_info(format!(
            "Prebuilding sort order for {sort_key}, processed as type: {sort_type:#?}"
        ));
        match sort_type {
            SortType::String => page_values.sort_by_key(|p| p.0),
            SortType::Number => page_values.sort_by(|p1, p2| {
                let p1 = parse_int_sort(p1.0)
                    .map(|i| i as f32)
                    .unwrap_or_else(|| parse_float_sort(p1.0).unwrap_or_default());
                let p2 = parse_int_sort(p2.0)
                    .map(|i| i as f32)
                    .unwrap_or_else(|| parse_float_sort(p2.0).unwrap_or_default());

                p1.total_cmp(&p2)
            }),
        }
        meta.sorts.push(MetaSort {
            sort: sort_key,
            pages: page_values.into_iter().map(|p| p.1).collect(),
        });
    }

    let mut meta_fields_set: BTreeSet<String> = BTreeSet::new();
    for page in pages.iter() {
        meta_fields_set.extend(page.meta_fields().into_iter().flat_map(|m| m.keys().cloned()));
    }
    meta.meta_fields = meta_fields_set.into_iter().collect();

    // Clone meta_fields for use in parallel processing
    let meta_fields_ref = meta.meta_fields.clone();
    let language_ref = language.clone();

    // minisite patch: runs of consecutive pages are folded into one word map per run (on
    // rayon's threads), and the runs merged in page order, instead of one word map per page
    // merged one after another on this thread: on 10,000 products the per-page maps were most
    // of the index's peak memory (~600 MB) and their merge a second of one core. Same files.
    let folded = pages
        .into_par_iter()
        .enumerate()
        .with_min_len(64)
        .try_fold(Folded::default, |mut run, (page_number, page)| -> Result<Folded> {
            match page {
                PageInput::Lent(page) => {
                    run.add_page(page_number, page, &meta_fields_ref, &language_ref);
                    if drop_pages {
                        // On this thread, so the run's next pages reuse the memory.
                        page.word_data = Default::default();
                        page.meta_word_data = Default::default();
                        page.fragment.data = Default::default();
                    }
                }
                PageInput::Record(record) => {
                    run.add_record(page_number, record, options, &meta_fields_ref, &language_ref)?;
                }
            }
            Ok(run)
        })
        .try_reduce(Folded::default, |a, b| Ok(a.merge(b)))?;
    let Folded {
        words: word_map,
        filter_entries,
        encoded_pages,
        ..
    } = folded;

    for (filter, value, page_number) in filter_entries {
        filter_map
            .entry(filter)
            .or_default()
            .entry(value)
            .or_default()
            .push(page_number);
    }

    for encoded_page in encoded_pages {
        // Handle fragment hashing (must be sequential due to collision handling)
        let mut short_hash = &encoded_page.full_hash[0..=(language.len() + 7)];

        // If we hit a collision, extend one until we stop colliding
        // TODO: There are some collision issues here.
        // If two builds match a collision in different orders the hashes will swap,
        // which could return incorrect data due to files being cached.
        while let Some(collision) = fragment_hashes.get(short_hash) {
            if collision.full_hash == encoded_page.full_hash {
                // These pages are identical. Add both under the same hash.
                fragments.push((
                    collision.word_count,
                    (collision.full_hash.clone(), collision.clone()),
                ));
            } else {
                let new_length = short_hash.len();
                short_hash = &encoded_page.full_hash[0..=new_length];
            }
        }
        fragment_hashes.insert(short_hash.to_string(), encoded_page);
    }

    // minisite patch: no sort of each word's pages by number: a run adds its pages in order and
    // runs merge in order, so they are sorted already.
    debug_assert!(word_map.iter().all(|w| {
        let sorted = |pages: &[PackedPage]| pages.windows(2).all(|p| p[0].page_number < p[1].page_number);
        sorted(&w.pages) && w.additional_variants.iter().all(|v| sorted(&v.pages))
    }));

    fragments.extend(
        fragment_hashes
            .into_iter()
            .map(|(hash, frag)| (frag.word_count, (hash, frag))),
    );
    fragments.sort_by_cached_key(|(_, (_, fragment))| fragment.page_number);

    let page_count = fragments.len();
    let mut final_fragments = Vec::new();

    if let Some(max_fragments) =
        options.max_fragments.filter(|&m| m > 0 && (m as usize) < fragments.len())
    {
        let group_size = (fragments.len() as f32 / max_fragments as f32).ceil() as usize;
        options.logger.info(format!(
            "Bundling {} fragments into groups of {}, resulting in {} files",
            fragments.len(),
            group_size,
            fragments.chunks(group_size).len()
        ));
        let mut group_hashes: BTreeSet<String> = BTreeSet::new();
        for chunk in fragments.chunks(group_size) {
            let mut group_map = BTreeMap::new();
            for (_, (hash, frag)) in chunk {
                let val: serde_json::Value = serde_json::from_str(&frag.encoded_data).unwrap();
                group_map.insert(hash.clone(), val);
            }
            let group_json = serde_json::to_string(&group_map).unwrap();
            let prefix = format!("{language}_group_");
            let group_hash = format!("{prefix}{}", full_hash(group_json.as_bytes()));

            // If we hit a collision, extend one hash until we stop colliding
            let mut hash_length = 7;
            let mut short_group_hash = &group_hash[..prefix.len() + hash_length];
            while group_hashes.contains(short_group_hash) && hash_length < 40 {
                hash_length += 1;
                short_group_hash = &group_hash[..prefix.len() + hash_length];
            }
            group_hashes.insert(short_group_hash.to_string());

            final_fragments.push((short_group_hash.to_string(), group_json));

            for (word_count, (hash, _)) in chunk {
                meta.pages.push(MetaPage {
                    hash: hash.clone(),
                    word_count: *word_count as u32,
                    group_hash: short_group_hash.to_string(),
                });
            }
        }
    } else {
        for (word_count, (hash, frag)) in fragments {
            final_fragments.push((hash.clone(), frag.encoded_data));
            meta.pages.push(MetaPage {
                hash: hash.clone(),
                word_count: word_count as u32,
                group_hash: "".into(),
            });
        }
    }

    // Encode filter indexes in parallel
    // Accumulate into HashMap for O(1) inserts, then sort once before encoding
    // to produce a stable hash without paying BTreeMap's per-insert overhead.
    let mut filter_map_vec: Vec<_> = filter_map.into_iter().collect();
    filter_map_vec.sort_unstable_by(|(a, _), (b, _)| a.cmp(b));
    let encoded_filters: Vec<(String, Vec<u8>, String)> = filter_map_vec
        .into_par_iter()
        .map(|(filter, values)| {
            let mut sorted_values: Vec<_> = values.into_iter().collect();
            sorted_values.sort_unstable_by(|(a, _), (b, _)| a.cmp(b));
            let mut filter_index: Vec<u8> = Vec::new();
            let _ = minicbor::encode::<FilterIndex, &mut Vec<u8>>(
                FilterIndex {
                    filter: filter.clone(),
                    values: sorted_values
                        .into_iter()
                        .map(|(value, pages)| PackedValue { value, pages })
                        .collect(),
                },
                filter_index.as_mut(),
            );
            let hash = format!("{}_{}", language, full_hash(&filter_index));
            (filter, filter_index, hash)
        })
        .collect();

    // Handle hash collisions sequentially (required for correctness)
    let mut filter_indexes = HashMap::new();
    for (filter, filter_index, hash) in encoded_filters {
        let mut short_hash = &hash[0..=(language.len() + 7)];

        // If we hit a collision, extend one hash until we stop colliding
        // TODO: DRY
        while filter_indexes.contains_key(short_hash) {
            let new_length = short_hash.len() + 1;
            short_hash = &hash[0..=new_length];

            if short_hash.len() == hash.len() {
                break;
            }
        }
        filter_indexes.insert(short_hash.to_string(), filter_index);
        meta.filters.push(MetaFilter {
            filter,
            hash: short_hash.to_string(),
        })
    }

    if TryInto::<u32>::try_into(meta.pages.len()).is_err() {
        options.logger.error(format!(
            "Language {} has too many documents to index, must be < {}",
            language,
            u32::MAX
        ));
        bail!(
            "Language {language} has too many documents to index, must be < {}",
            u32::MAX
        );
    }

    // TODO: Parameterize these chunk sizes via byte size rather than word count
    let word_count = word_map.len();
    let chunks = chunk_index(word_map, options.index_chunk_size);
    meta.index_chunks = chunk_meta(&chunks);

    // Encode word index chunks in parallel (delta encoding + CBOR serialization)
    let encoded_chunks: Vec<(usize, Vec<u8>, String)> = chunks
        .into_par_iter()
        .enumerate()
        .map(|(i, chunk)| {
            // Delta-encode page numbers within each word's page list
            let delta_chunk: Vec<PackedWord> = chunk
                .into_iter()
                .map(|mut word| {
                    let mut last_page: usize = 0;
                    for page in &mut word.pages {
                        let delta = page.page_number - last_page;
                        last_page = page.page_number;
                        page.page_number = delta;
                    }
                    // Also handle additional_variants
                    for variant in &mut word.additional_variants {
                        let mut last_page: usize = 0;
                        for page in &mut variant.pages {
                            let delta = page.page_number - last_page;
                            last_page = page.page_number;
                            page.page_number = delta;
                        }
                    }
                    word
                })
                .collect();

            // minisite patch: the buffer is allocated once at an upper bound of the encoded
            // size, not grown by doubling while encoding: on a large site each chunk's buffer
            // was reallocated a dozen times, and with glibc's allocator (its heap fragmented
            // by the pages' word maps) those reallocations were most of the encoding's time.
            let bound = word_index_bound(&delta_chunk);
            let mut word_index: Vec<u8> = Vec::with_capacity(bound);
            index_words::encode_word_index(&delta_chunk, &mut word_index);
            debug_assert!(word_index.len() <= bound, "{} > {bound}", word_index.len());
            word_index.shrink_to_fit();

            let hash = format!("{}_{}", language, full_hash(&word_index));
            (i, word_index, hash)
        })
        .collect();

    // Handle hash collisions sequentially (required for correctness)
    let mut word_indexes: HashMap<String, Vec<u8>> = HashMap::new();
    for (i, word_index, hash) in encoded_chunks {
        let mut short_hash = &hash[0..=(language.len() + 7)];

        // If we hit a collision, extend one hash until we stop colliding
        while word_indexes.contains_key(short_hash) {
            let new_length = short_hash.len() + 1;
            short_hash = &hash[0..=new_length];

            if short_hash.len() == hash.len() {
                break;
            }
        }
        word_indexes.insert(short_hash.to_string(), word_index);
        meta.index_chunks[i].hash = short_hash.into();
    }

    let mut meta_index: Vec<u8> = Vec::new();
    let _ = minicbor::encode::<MetaIndex, &mut Vec<u8>>(meta, meta_index.as_mut());

    let meta_hash = format!(
        "{}_{}",
        language,
        &full_hash(&meta_index)[0..=(language.len() + 7)]
    );

    Ok(PagefindIndexes {
        word_indexes,
        filter_indexes,
        sorts,
        meta_index: (meta_hash, meta_index),
        fragments: final_fragments,
        language,
        word_count,
        page_count,
    })
}

/// minisite patch: an upper bound of the CBOR bytes of a word index chunk (every header and
/// integer at its longest: 9 bytes for a length or a page number, 5 for an `i32`), so its
/// buffer is allocated once.
fn word_index_bound(words: &[PackedWord]) -> usize {
    let pages = |pages: &[PackedPage]| -> usize {
        pages
            .iter()
            .map(|p| 4 * 9 + 5 * (p.locs.len() + p.meta_locs.len()))
            .sum()
    };
    9 + 9 + words
        .iter()
        .map(|w| {
            4 * 9
                + w.word.len()
                + pages(&w.pages)
                + w.additional_variants
                    .iter()
                    .map(|v| 3 * 9 + v.form.len() + pages(&v.pages))
                    .sum::<usize>()
        })
        .sum::<usize>()
}

/// Convert fossicked word positions, as (weight, position), to a page's packed locations.
/// Sorts by weight (with common weight 25 first) then by position for delta encoding.
/// minisite patch: from (weight, position) pairs, not clones of the fossicked words, sorted
/// in place (a buffer the caller reuses).
fn packed_locs(positions: &mut [(u8, u32)]) -> Locs {
    // A page weight of 1 is encoded as 25. Since most words should be this weight,
    // we want to sort them to be first in the locations array to reduce filesize
    // when we inline weight changes.
    // We then sort by position within each weight group,
    // which helps us delta encode the index.
    positions.sort_by_key(|&(weight, position)| (if weight == 25 { 0 } else { weight }, position));

    let mut current_weight = 25;
    let mut weighted_positions = Locs::with_capacity(positions.len());
    let mut last_position = 0;

    // Calculate our output list of positions with weights.
    // This is a vec of page positions, with a change in weight for subsequent positions
    // denoted by a negative integer.
    for &mut (weight, position) in positions {
        if weight != current_weight {
            // Weight change: emit marker + absolute position, new delta base
            weighted_positions.push(-(weight as i32) - 1);
            weighted_positions.push(position as i32);
            last_position = position;
            current_weight = weight;
        } else {
            // emit delta from previous position
            weighted_positions.push((position - last_position) as i32);
            last_position = position;
        }
    }

    weighted_positions
}

fn chunk_index(mut words: Vec<PackedWord>, chunk_size: usize) -> Vec<Vec<PackedWord>> {
    // Accumulate into HashMap for O(1) inserts, then sort once before encoding
    // to produce a stable hash without paying BTreeMap's per-insert overhead.
    // minisite patch: the fold's words, each once.
    // minisite patch: compared in place, not cloned for the sort (the words are unique).
    words.sort_unstable_by(|a, b| a.word.cmp(&b.word));

    let mut index_chunks = Vec::new();

    let mut index_chunk = Vec::new();
    let mut index_chunk_size = 0;
    for word in words.into_iter() {
        index_chunk_size += word
            .pages
            .iter()
            .chain(word.additional_variants.iter().flat_map(|v| &v.pages))
            .map(|p| p.locs.len() + p.meta_locs.len() + 1)
            .sum::<usize>()
            + word.additional_variants.len();
        index_chunk.push(word);
        if index_chunk_size >= chunk_size {
            index_chunks.push(std::mem::take(&mut index_chunk));
            index_chunk_size = 0;
        }
    }
    if !index_chunk.is_empty() {
        index_chunks.push(index_chunk);
    }

    index_chunks
}

fn chunk_meta(indexes: &[Vec<PackedWord>]) -> Vec<MetaChunk> {
    let mut named_chunks: Vec<MetaChunk> = Vec::new();

    for chunk in indexes.iter() {
        named_chunks.push(MetaChunk {
            from: chunk.first().map_or("".into(), |w| w.word.clone()),
            to: chunk.last().map_or("".into(), |w| w.word.clone()),
            hash: "".into(),
        });
    }
    if named_chunks.len() > 1 {
        for i in 0..named_chunks.len() - 1 {
            let chunks = &mut named_chunks[i..=i + 1];
            let prefixes = get_prefixes((&chunks[0].to, &chunks[1].from));
            // Only trim 'to' if it won't create an invalid range (to < from)
            if prefixes.0 >= chunks[0].from {
                chunks[0].to = prefixes.0;
            }
            // Always trim the next chunk's 'from'
            chunks[1].from = prefixes.1;
        }
    }

    named_chunks
}

fn get_prefixes((a, b): (&str, &str)) -> (String, String) {
    let common_prefix_length: usize = b
        .chars()
        .zip(a.chars())
        .take_while(|&(a, b)| a == b)
        .count();

    let a_prefix = a.chars().take(common_prefix_length + 1).collect::<String>();
    let b_prefix = b.chars().take(common_prefix_length + 1).collect::<String>();

    (a_prefix, b_prefix)
}

fn parse_int_sort(value: &str) -> Option<i32> {
    lexical_core::parse::<i32>(value.as_bytes()).ok()
}

fn parse_float_sort(value: &str) -> Option<f32> {
    lexical_core::parse::<f32>(value.as_bytes()).ok()
}

/// Encode meta positions with field ID markers.
/// Negative numbers switch field IDs, positive numbers are delta-encoded positions.
/// e.g., [-1, 0, 5, -4, 2] means: field 0 positions [0, 5], field 3 positions [2]
fn meta_positions_to_packed(mut positions: Vec<MetaFossickedWord>) -> Locs {
    if positions.is_empty() {
        return Locs::new();
    }

    positions.sort_by_key(|p| (p.field_id, p.position));

    let mut current_field: Option<u16> = None;
    let mut last_position: u32 = 0;
    // minisite patch: exactly one marker per field, not 8 spare places, so a word's few meta
    // locations stay inline in `Locs` instead of always spilling to the heap.
    let fields = 1 + positions
        .windows(2)
        .filter(|w| w[0].field_id != w[1].field_id)
        .count();
    let mut result = Locs::with_capacity(positions.len() + fields);

    for MetaFossickedWord {
        field_id, position, ..
    } in positions
    {
        if Some(field_id) != current_field {
            result.push(-((field_id as i32) + 1));
            current_field = Some(field_id);
            last_position = 0;
        }
        result.push((position - last_position) as i32);
        last_position = position;
    }

    result
}

#[cfg(test)]
mod tests {
    use super::*;

    trait Mock {
        fn word(&mut self, word: &str, page_number: usize, locs: Vec<i32>);
    }
    impl Mock for HashMap<String, PackedWord> {
        fn word(&mut self, word: &str, page_number: usize, locs: Vec<i32>) {
            let page = PackedPage {
                page_number,
                locs: locs.into(),
                meta_locs: Locs::new(),
            };
            match self.get_mut(word) {
                Some(w) => w.pages.push(page),
                None => {
                    let _ = self.insert(
                        word.into(),
                        PackedWord {
                            word: word.into(),
                            pages: vec![page],
                            additional_variants: vec![],
                        },
                    );
                }
            }
        }
    }

    fn test_words() -> HashMap<String, PackedWord> {
        let mut words = HashMap::new();
        words.word("apple", 1, vec![20, 40, 60]);
        words.word("apple", 5, vec![3, 6, 9]);
        words.word("apricot", 5, vec![45, 3432, 6003]);
        words.word("banana", 5, vec![100, 500, 900, 566]);
        words.word("peach", 5, vec![383, 2, 678]);

        words
    }

    /// The same postings, but held as diacritic variants rather than on the word itself
    fn test_variant_words() -> HashMap<String, PackedWord> {
        let mut words = test_words();
        for word in words.values_mut() {
            word.additional_variants.push(PackedVariant {
                form: format!("{}\u{0301}", word.word),
                pages: std::mem::take(&mut word.pages),
            });
        }
        words
    }

    /// A run's words, filter entries and pages as text, in an order of their own.
    fn run_seen(run: &Folded) -> (Vec<String>, Vec<(String, String, usize)>, Vec<String>) {
        for (word, &slot) in &run.slots {
            assert_eq!(&run.words[slot as usize].word, word, "a slot names its own word");
        }
        let mut words: Vec<String> = run.words.iter().map(|w| format!("{w:?}")).collect();
        words.sort();
        let pages = run
            .encoded_pages
            .iter()
            .map(|p| format!("{} {} {} {}", p.page_number, p.word_count, p.full_hash, p.encoded_data))
            .collect();
        (words, run.filter_entries.clone(), pages)
    }

    #[test]
    fn a_record_read_into_the_run_gives_what_reading_it_as_a_page_gives() {
        std::env::set_var("PAGEFIND_SOURCE", "somewhere");
        let config = crate::PagefindInboundConfig::with_layers(&[twelf::Layer::Env(Some(
            "PAGEFIND_".into(),
        ))])
        .unwrap();
        let options = SearchOptions::load(config).unwrap();
        let record = |url: &str, digest: &str, title: &str, tag: &str| {
            let data = crate::fossick::parser::DomParserResult {
                digest: digest.into(),
                filters: BTreeMap::from([("tag".to_string(), vec![tag.to_string()])]),
                sort: BTreeMap::new(),
                meta: BTreeMap::from([
                    ("image".to_string(), format!("{url}a.webp")),
                    ("title".to_string(), title.to_string()),
                ]),
                anchor_content: BTreeMap::new(),
                anchor_titles: BTreeMap::new(),
                has_custom_body: false,
                force_inclusion: true,
                has_html_element: true,
                has_old_bundle_reference: false,
                has_default_ui_reference: false,
                language: "fr".into(),
            };
            Fossicker::new_with_data(url.into(), data)
        };
        let records = [
            record(
                "/a/",
                "Gants café crème GK-100 gants ___PAGEFIND_WEIGHT___2 gardien ___END_PAGEFIND_WEIGHT___ cafe",
                "Gants ___PAGEFIND_AUTO_WEIGHT___2 café",
                "OEM",
            ),
            record("/b/", "Gardien: gants, échantillons. Crème cafe-bar", "Gants de gardien", "⭐ bestseller"),
        ];
        let meta_fields = ["image".to_string(), "title".to_string()];

        let (mut read, mut fossicked) = (Folded::default(), Folded::default());
        for (page_number, record) in records.iter().enumerate() {
            read.add_record(page_number, record, &options, &meta_fields, "fr").unwrap();
            let page = record.clone().fossick_sync(&options).unwrap();
            fossicked.add_page(page_number, &page, &meta_fields, "fr");
        }
        let seen = run_seen(&read);
        assert_eq!(seen, run_seen(&fossicked));
        assert!(seen.0.iter().any(|w| w.contains("café")), "a variant is kept: {:?}", seen.0);
        assert!(!seen.2.iter().any(|p| p.contains("___PAGEFIND")), "sentinels are tidied away");
        assert_eq!(seen.1.len(), 2);

        let empty = record("/c/", "   ", "Gants", "OEM");
        assert!(read.add_record(2, &empty, &options, &meta_fields, "fr").is_err());
    }

    #[test]
    fn build_index_chunks() {
        let chunks = chunk_index(test_words().into_values().collect(), 8);

        assert_eq!(chunks.len(), 3);
        assert_eq!(chunks[0][0].word, "apple");
        assert_eq!(chunks[1][0].word, "apricot");
        assert_eq!(chunks[1][1].word, "banana");
        assert_eq!(chunks[2][0].word, "peach");
    }

    #[test]
    fn build_index_chunks_from_variant_words() {
        let chunks = chunk_index(test_variant_words().into_values().collect(), 8);

        assert_eq!(chunks.len(), 3);
        assert_eq!(chunks[0][0].word, "apple");
        assert_eq!(chunks[1][0].word, "apricot");
        assert_eq!(chunks[1][1].word, "banana");
        assert_eq!(chunks[2][0].word, "peach");
    }

    #[test]
    fn build_chunk_meta() {
        let chunks = chunk_index(test_words().into_values().collect(), 8);
        let meta = chunk_meta(&chunks);
        assert_eq!(meta.len(), 3);
        assert_eq!(
            meta[0],
            MetaChunk {
                from: "apple".into(),
                to: "apple".into(), // Not trimmed to "app" since that would make to < from
                hash: "".into(),
            }
        );
        assert_eq!(
            meta[1],
            MetaChunk {
                from: "apr".into(),
                to: "b".into(),
                hash: "".into(),
            }
        );
        assert_eq!(
            meta[2],
            MetaChunk {
                from: "p".into(),
                to: "peach".into(),
                hash: "".into(),
            }
        );
    }

    #[test]
    fn common_prefix() {
        assert_eq!(
            get_prefixes(("apple", "apricot")),
            ("app".into(), "apr".into())
        );
        assert_eq!(
            get_prefixes(("cataraman", "yacht")),
            ("c".into(), "y".into())
        );
        assert_eq!(
            get_prefixes(("cath", "cathartic")),
            ("cath".into(), "catha".into())
        );
        // This should be an invalid state, but just in case:
        assert_eq!(
            get_prefixes(("catha", "cath")),
            ("catha".into(), "cath".into())
        );
    }
}

//! Languages and how each writes numbers and money, from the Unicode Consortium's CLDR through
//! ICU4X: a site's language tag checked and put in canonical form, its writing direction, and
//! one [`Formats`] per language for the integers, prices and quantities its pages show.
//! Nothing here is a table of our own: which languages exist, which scripts run right to left,
//! separators, currency symbols and their minor digits all come from CLDR's data.

use fixed_decimal::{Decimal, SignedRoundingMode, UnsignedRoundingMode};
use icu_decimal::DecimalFormatter;
use icu_experimental::dimension::currency::formatter::CurrencyFormatter;
use icu_experimental::dimension::currency::CurrencyType;
use icu_experimental::dimension::provider::currency::fractions::CurrencyFractionsV1;
use icu_locale::{LocaleDirectionality, LocaleExpander, TransformResult};
use icu_locale_core::subtags::Region;
use icu_locale_core::{LanguageIdentifier, Locale};
use icu_provider::prelude::*;
use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, RwLock};

// The extended sets: the common ones (CLDR's "basic" coverage) leave out languages a seller may
// well write in, such as Sindhi or Dhivehi.
static LIKELY: LocaleExpander = LocaleExpander::new_extended();
static DIRECTIONS: LocaleDirectionality = LocaleDirectionality::new_extended();

/// A language tag CLDR knows, in canonical form (`zh-Hans`, `pt-BR`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Language {
    locale: Locale,
    tag: String,
}

/// Why a site's language tag cannot be used; [`LanguageProblem::message`] and
/// [`LanguageProblem::help`] go into a diagnostic placed on the field that holds it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LanguageProblem {
    /// Not a BCP 47 tag at all: `english`, `en_US`, `../x`.
    #[error("`{tag}` is not a BCP 47 language tag")]
    Malformed { tag: String },
    /// Well-formed, but a subtag is one CLDR has no data for: `xx`, `de-XX`.
    #[error("{}", unknown_message(.tag, .subtag, *.kind))]
    Unknown {
        tag: String,
        subtag: String,
        kind: SubtagKind,
    },
}

/// Which part of a tag is unknown, for the advice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubtagKind {
    Language,
    Script,
    Region,
}

fn unknown_message(tag: &str, subtag: &str, kind: SubtagKind) -> String {
    match kind {
        SubtagKind::Language if tag == subtag => format!("`{tag}` is not a language CLDR knows"),
        SubtagKind::Language => format!("`{tag}`: `{subtag}` is not a language CLDR knows"),
        SubtagKind::Script => format!("`{tag}`: `{subtag}` is not a script CLDR knows"),
        SubtagKind::Region => format!("`{tag}`: `{subtag}` is not a region CLDR knows"),
    }
}

impl LanguageProblem {
    pub fn message(&self) -> String {
        self.to_string()
    }

    /// What to write instead.
    pub fn help(&self) -> String {
        match self {
            LanguageProblem::Malformed { .. } => {
                "write a BCP 47 tag: a language code, then optionally a script and a region, joined by `-`, such as de, fr, ar, ur, zh-Hans or pt-BR".to_string()
            }
            LanguageProblem::Unknown { kind: SubtagKind::Language, .. } => {
                "write a BCP 47 tag such as de, fr, ar, ur or zh-Hans".to_string()
            }
            LanguageProblem::Unknown { kind: SubtagKind::Script, .. } => {
                "write an ISO 15924 script such as Latn, Arab, Cyrl or Hans after the language, or leave it out".to_string()
            }
            LanguageProblem::Unknown { kind: SubtagKind::Region, .. } => {
                "write an ISO 3166 region such as DE, AT or BR after the language, or leave it out".to_string()
            }
        }
    }
}

/// Reads a BCP 47 tag (`de`, `ar`, `zh-Hans`, `pt-BR`, `ar-u-nu-arab`), in any letter case.
/// "Known" means CLDR's likely-subtags data has the language (and the script and region, when
/// given): it has an entry for every language it holds any data for, so a tag it lacks would
/// get the root locale's words, numbers and plural rules without anyone noticing.
pub fn parse_language(tag: &str) -> Result<Language, LanguageProblem> {
    let locale =
        Locale::try_from_str(tag).map_err(|_| LanguageProblem::Malformed { tag: tag.to_string() })?;
    let canonical = locale.to_string();
    let unknown = |subtag: &str, kind| LanguageProblem::Unknown {
        tag: canonical.clone(),
        subtag: subtag.to_string(),
        kind,
    };
    let id = &locale.id;
    if !known(LanguageIdentifier::from(id.language)) {
        return Err(unknown(id.language.as_str(), SubtagKind::Language));
    }
    if let Some(script) = id.script {
        if !known(LanguageIdentifier::from(Some(script))) {
            return Err(unknown(script.as_str(), SubtagKind::Script));
        }
    }
    if let Some(region) = id.region {
        if !known(LanguageIdentifier::from(Some(region))) {
            return Err(unknown(region.as_str(), SubtagKind::Region));
        }
    }
    Ok(Language {
        locale,
        tag: canonical,
    })
}

/// Whether likely subtags fill in the rest of `id` (one subtag, the others unknown): a subtag
/// without an entry is left as it was, and `und`, `und-Zzzz` and `und-ZZ`, which stand for
/// "unknown" themselves, get no language.
fn known(mut id: LanguageIdentifier) -> bool {
    LIKELY.maximize(&mut id) == TransformResult::Modified && !id.language.is_unknown()
}

impl Language {
    /// The canonical tag: `zh-Hans`, `pt-BR`.
    pub fn as_str(&self) -> &str {
        &self.tag
    }

    /// The locale ICU4X formatters and plural rules are made for.
    pub fn locale(&self) -> &Locale {
        &self.locale
    }

    /// The direction of the language's script (the one it is written in when the tag names
    /// none: `ar` → Arabic, `az` → Latin, `az-Arab` → Arabic).
    pub fn direction(&self) -> Direction {
        if DIRECTIONS.is_right_to_left(&self.locale.id) {
            Direction::Rtl
        } else {
            Direction::Ltr
        }
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&self.tag)
    }
}

/// The way a language's text runs, for `<html dir>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Ltr,
    Rtl,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Ltr => "ltr",
            Direction::Rtl => "rtl",
        }
    }
}

/// How many digits a currency's amounts have after the decimal point, from CLDR's currency data
/// (JPY 0, USD 2, KWD 3); an unknown or malformed code gets CLDR's default, 2.
pub fn minor_digits(currency: &str) -> u32 {
    // The formatter rounds with these digits but does not say them, and the feeds need them
    // without a language: read from the compiled data the formatter itself reads (public, if
    // hidden from icu_experimental's docs).
    let fractions: Result<DataResponse<CurrencyFractionsV1>, _> =
        icu_experimental::provider::Baked.load(Default::default());
    let default = 2;
    match (fractions, CurrencyType::try_from_str(currency)) {
        (Ok(f), Ok(code)) => u32::from(f.payload.get().resolve(code).digits),
        (Ok(f), Err(_)) => u32::from(f.payload.get().default.digits),
        (Err(_), _) => default,
    }
}

/// `amount` as an exact decimal, rounded half away from zero to `digits` places and padded to
/// them. Prices are never negative (the catalogue refuses them); anything that is not a
/// positive number reads 0 rather than a minus sign or `NaN` on a page.
fn decimal(amount: f64, digits: u32) -> Decimal {
    let amount = if amount.is_finite() && amount > 0.0 {
        amount
    } else {
        0.0
    };
    // `f64`'s `Display` is the shortest text that reads back as the same number and never uses
    // an exponent: the price as the seller wrote it, so `1.005` rounds up as they expect.
    let mut d = Decimal::try_from_str(&amount.to_string()).unwrap_or_else(|_| Decimal::from(0u8));
    let place = -(digits.min(15) as i16);
    d.round_with_mode(
        place,
        SignedRoundingMode::Unsigned(UnsignedRoundingMode::HalfExpand),
    );
    d.pad_end(place);
    d
}

/// `1250, "USD"` → `1250.00`; `1250, "JPY"` → `1250`: an amount as schema.org and the product
/// feeds write it, with the currency's CLDR minor digits, whatever the page's language.
pub fn plain_amount(amount: f64, currency: &str) -> String {
    decimal(amount, minor_digits(currency)).to_string()
}

/// One language's way of writing integers and money, made once per language and shared by the
/// threads that render its pages.
pub struct Formats {
    locale: Locale,
    integers: DecimalFormatter,
    /// Year, month and day as the language writes them (`31.03.2030`, `Mar 31, 2030`), in its
    /// default calendar.
    dates: icu_datetime::DateTimeFormatter<icu_datetime::fieldsets::YMD>,
    /// One formatter per currency, made when a page first asks for it: a catalogue uses few.
    currencies: RwLock<HashMap<String, Option<Arc<CurrencyFormatter<DecimalFormatter>>>>>,
}

impl fmt::Debug for Formats {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.debug_struct("Formats").field("locale", &self.locale).finish()
    }
}

impl Formats {
    /// Compiled data falls back to the root locale for whatever a language lacks, so this fails
    /// only if ICU4X's own data were incomplete.
    pub fn new(language: &Language) -> Result<Formats, DataError> {
        let locale = data_locale(language.locale());
        let integers = DecimalFormatter::try_new((&locale).into(), Default::default())?;
        let dates = icu_datetime::DateTimeFormatter::try_new(
            (&locale).into(),
            icu_datetime::fieldsets::YMD::medium(),
        )
        .map_err(|e| match e {
            icu_datetime::DateTimeFormatterLoadError::Data(d) => d,
            _ => DataError::custom("date formats"),
        })?;
        Ok(Formats {
            locale,
            integers,
            dates,
            currencies: RwLock::new(HashMap::new()),
        })
    }

    /// A day as the language writes it: `31 Mar 2030` (en-001), `31.03.2030` (de); `None` for
    /// a day that is no calendar date.
    pub fn date(&self, day: time::Date) -> Option<String> {
        let date = icu_datetime::input::Date::try_new_iso(day.year(), day.month() as u8, day.day()).ok()?;
        Some(self.dates.format(&date).to_string())
    }

    /// `1250` → `1,250` (en), `1.250` (de), `1 250` with a narrow no-break space (fr).
    pub fn integer(&self, n: u64) -> String {
        self.integers.format(&Decimal::from(n)).to_string()
    }

    /// `1250, "EUR"` → `€1,250.00` (en), `1.250,00 €` (de): the amount rounded to the currency's
    /// minor digits, with the symbol CLDR gives the currency in this language, or its code
    /// where it has none. A currency that is no ISO 4217 code is written before the amount.
    pub fn money(&self, amount: f64, currency: &str) -> String {
        match self.currency(currency) {
            Some(f) => f
                .format_fixed_decimal(&decimal(amount, minor_digits(currency)))
                .to_string(),
            None => {
                let amount = decimal(amount, minor_digits(currency));
                let number = self.integers.format(&amount);
                format!("{currency}\u{a0}{number}")
            }
        }
    }

    fn currency(&self, code: &str) -> Option<Arc<CurrencyFormatter<DecimalFormatter>>> {
        if let Some(made) = self.currencies.read().ok().and_then(|m| m.get(code).cloned()) {
            return made;
        }
        let made = CurrencyType::try_from_str(code)
            .ok()
            .filter(|_| code.len() == 3)
            .and_then(|c| {
                CurrencyFormatter::try_new_symbol((&self.locale).into(), c, Default::default()).ok()
            })
            .map(Arc::new);
        if let Ok(mut m) = self.currencies.write() {
            m.insert(code.to_string(), made.clone());
        }
        made
    }
}

/// The locale whose CLDR data formats a language's numbers. A tag without a region reads the
/// language's world-wide data (`-001`) where CLDR has some: a storefront sells abroad, and
/// plain `en` is US English, whose `$` a buyer in Singapore or Canada takes for their own
/// dollar, where `en-001` writes `US$` (and `JP¥`, `CN¥`). CLDR falls back to the plain
/// language wherever it has no world-wide data (every language but English today).
fn data_locale(locale: &Locale) -> Locale {
    let mut l = locale.clone();
    if l.id.region.is_none() && l.id.script.is_none() && l.id.variants.is_empty() {
        l.id.region = Region::try_from_str("001").ok();
    }
    l
}

#[cfg(test)]
mod tests {
    use super::*;

    fn formats(tag: &str) -> Formats {
        Formats::new(&parse_language(tag).unwrap()).unwrap()
    }

    #[test]
    fn tags_come_back_in_canonical_form() {
        for (written, canonical) in [
            ("de", "de"),
            ("zh-hans", "zh-Hans"),
            ("PT-br", "pt-BR"),
            ("AR", "ar"),
            ("ur", "ur"),
            ("az-arab", "az-Arab"),
        ] {
            let l = parse_language(written).unwrap();
            assert_eq!((l.as_str(), l.to_string()), (canonical, canonical.to_string()));
        }
    }

    #[test]
    fn malformed_and_unknown_tags_are_different_problems() {
        for bad in ["english", "en_US", "../x", "", "de-"] {
            assert_eq!(
                parse_language(bad),
                Err(LanguageProblem::Malformed { tag: bad.to_string() }),
                "{bad}"
            );
        }
        let e = parse_language("xx").unwrap_err();
        assert_eq!(e.message(), "`xx` is not a language CLDR knows");
        assert_eq!(e.help(), "write a BCP 47 tag such as de, fr, ar, ur or zh-Hans");
        for (bad, subtag, kind) in [
            ("und", "und", SubtagKind::Language),
            ("qaa", "qaa", SubtagKind::Language),
            ("de-XX", "XX", SubtagKind::Region),
            ("de-ZZ", "ZZ", SubtagKind::Region),
            ("de-Qaaa", "Qaaa", SubtagKind::Script),
        ] {
            match parse_language(bad) {
                Err(LanguageProblem::Unknown {
                    subtag: s, kind: k, ..
                }) => {
                    assert_eq!((s.as_str(), k), (subtag, kind), "{bad}")
                }
                other => panic!("{bad}: {other:?}"),
            }
        }
        assert_eq!(
            parse_language("de-XX").unwrap_err().message(),
            "`de-XX`: `XX` is not a region CLDR knows"
        );
    }

    #[test]
    fn direction_comes_from_the_languages_script() {
        for rtl in ["ar", "ur", "fa", "he", "ps", "sd", "ug", "yi", "dv", "az-Arab"] {
            assert_eq!(parse_language(rtl).unwrap().direction(), Direction::Rtl, "{rtl}");
        }
        for ltr in ["de", "zh-Hans", "tr", "en", "az", "pt-BR"] {
            assert_eq!(parse_language(ltr).unwrap().direction(), Direction::Ltr, "{ltr}");
        }
        assert_eq!((Direction::Ltr.as_str(), Direction::Rtl.as_str()), ("ltr", "rtl"));
    }

    #[test]
    fn integers_are_grouped_as_the_language_groups_them() {
        assert_eq!(formats("en").integer(1250), "1,250");
        assert_eq!(formats("de").integer(1250), "1.250");
        assert_eq!(formats("fr").integer(1250), "1\u{202f}250");
        // CLDR's default numbering system for Arabic is Latin digits since CLDR 42; Persian
        // keeps its own digits and separators.
        assert_eq!(formats("ar").integer(1250), "1,250");
        assert_eq!(formats("fa").integer(1250), "۱٬۲۵۰");
        // The seller can ask for Arabic-Indic digits with the tag's numbering-system extension.
        assert_eq!(formats("ar-u-nu-arab").integer(1250), "١٬٢٥٠");
        assert_eq!(formats("de").integer(0), "0");
        assert_eq!(formats("en").integer(1_234_567), "1,234,567");
    }

    #[test]
    fn money_has_the_languages_separators_and_symbols() {
        assert_eq!(formats("de").money(1250.0, "EUR"), "1.250,00\u{a0}€");
        assert_eq!(formats("de").money(1250.0, "USD"), "1.250,00\u{a0}$");
        assert_eq!(formats("en").money(1250.0, "USD"), "US$1,250.00");
        assert_eq!(formats("en").money(12.0, "EUR"), "€12.00");
        assert_eq!(formats("en").money(0.999, "PKR"), "PKR\u{a0}1.00");
        assert_eq!(formats("en-US").money(1250.0, "USD"), "$1,250.00");
        assert_eq!(formats("fr").money(1250.0, "EUR"), "1\u{202f}250,00\u{a0}€");
        assert_eq!(formats("ar").money(1250.0, "USD"), "\u{200f}1,250.00\u{a0}US$");
        assert_eq!(formats("ur").money(1250.0, "PKR"), "Rs\u{a0}1,250.00");
    }

    #[test]
    fn money_has_the_currencys_minor_digits() {
        assert_eq!(formats("en").money(1250.4, "JPY"), "JP¥1,250");
        assert_eq!(formats("en").money(1.2345, "KWD"), "KWD\u{a0}1.235");
        assert_eq!(formats("de").money(9.8, "USD"), "9,80\u{a0}$");
        assert_eq!(formats("en").money(1.005, "USD"), "US$1.01");
        assert_eq!(
            (minor_digits("JPY"), minor_digits("KWD"), minor_digits("USD")),
            (0, 3, 2)
        );
    }

    #[test]
    fn zero_is_zero_and_no_price_is_negative() {
        assert_eq!(formats("en").money(0.0, "USD"), "US$0.00");
        assert_eq!(formats("de").money(0.0, "JPY"), "0\u{a0}¥");
        for weird in [-5.0, -0.0, f64::NAN, f64::NEG_INFINITY, f64::INFINITY] {
            let shown = formats("en").money(weird, "USD");
            assert_eq!(shown, "US$0.00", "{weird}");
            assert!(!shown.contains('-'));
        }
    }

    #[test]
    fn a_currency_that_is_no_iso_code_is_written_before_the_amount() {
        assert_eq!(formats("de").money(1250.0, "Rupees"), "Rupees\u{a0}1.250,00");
    }

    #[test]
    fn plain_amounts_have_the_currencys_cldr_digits() {
        assert_eq!(plain_amount(1250.0, "USD"), "1250.00");
        assert_eq!(plain_amount(7.5, "EUR"), "7.50");
        assert_eq!(plain_amount(1250.0, "JPY"), "1250");
        assert_eq!(plain_amount(3.1, "BHD"), "3.100");
        assert_eq!(plain_amount(0.0, "USD"), "0.00");
    }

    #[test]
    fn formats_are_shared_between_threads() {
        fn shared<T: Send + Sync>() {}
        shared::<Formats>();
        shared::<Language>();
        let f = formats("de");
        let shown: Vec<String> = std::thread::scope(|s| {
            let a = s.spawn(|| f.money(6.0, "EUR"));
            let b = s.spawn(|| f.money(6.0, "EUR"));
            vec![a.join().unwrap(), b.join().unwrap()]
        });
        assert_eq!(shown, ["6,00\u{a0}€", "6,00\u{a0}€"]);
    }
}

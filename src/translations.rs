//! The shapes of translated text as sellers write them: a site's other languages and their
//! shop texts (`languages:` in site.yaml), and the `translations:` of products and categories.
//! Only text is translated; SKUs, prices, quantities, photos and codes are shared by all
//! languages, so none of them has a field here. Unknown fields are refused, so a typo (or a
//! price under `translations:`) is named.

use crate::catalog::Spec;
use serde::de::{Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// A mapping whose entries keep the order they were written in (the language switcher shows
/// the site's languages in the seller's order); a key without a value (`ar:`) is an empty entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Ordered<T>(pub Vec<(String, T)>);

impl<T> Default for Ordered<T> {
    fn default() -> Self {
        Ordered(Vec::new())
    }
}

impl<'de, T: Deserialize<'de> + Default> Deserialize<'de> for Ordered<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de> + Default> Visitor<'de> for V<T> {
            type Value = Ordered<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping of language codes, e.g. `de: {title: …}`")
            }
            fn visit_unit<E>(self) -> Result<Ordered<T>, E> {
                Ok(Ordered::default())
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Ordered<T>, A::Error> {
                let mut out = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    let value: Option<T> = map.next_value()?;
                    out.push((key, value.unwrap_or_default()));
                }
                Ok(Ordered(out))
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

/// One of `languages:` in site.yaml: the shop's texts in that language; what is left out is
/// shown in the default language.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SiteTexts {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub company: CompanyTexts,
    #[serde(default)]
    pub contact: ContactTexts,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CompanyTexts {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub tagline: Option<String>,
    #[serde(default)]
    pub business_type: Option<String>,
    #[serde(default)]
    pub location: Option<String>,
    /// The whole list, in the language (country names).
    #[serde(default)]
    pub export_markets: Option<Vec<String>>,
    #[serde(default)]
    pub production_capacity: Option<String>,
    #[serde(default)]
    pub about: Option<String>,
    /// In the order of `company.certifications`; only their names are text.
    #[serde(default)]
    pub certifications: Vec<NameText>,
    /// In the order of `company.photos`.
    #[serde(default)]
    pub photos: Vec<AltText>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ContactTexts {
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub hours: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct NameText {
    #[serde(default)]
    pub name: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AltText {
    #[serde(default)]
    pub alt: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct NoteText {
    #[serde(default)]
    pub note: Option<String>,
}

/// A product's texts in one language (`translations: {de: …}` in its file).
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ProductText {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Markdown, like the product's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The whole list, in the product's order: labels and values both translated.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub specs: Vec<Spec>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub customization: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub payment_terms: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub packaging: Option<NoteText>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub samples: Option<NoteText>,
    /// In the order of the product's photos.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub photos: Vec<AltText>,
}

/// A category's texts in one language (`translations:` of its entry in categories.yaml).
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CategoryText {
    #[serde(default)]
    pub title: Option<String>,
    /// Markdown, like the category's own.
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub image: Option<AltText>,
}

/// Translations by language code, as a product or category file has them.
pub type ByLanguage<T> = BTreeMap<String, T>;

/// A BCP 47 language code in its canonical spelling (`zh-hans` → `zh-Hans`), or why it is not
/// one, with what to write instead.
pub fn canonical_language(code: &str) -> Result<String, (String, String)> {
    match icu_locale_core::LanguageIdentifier::try_from_str(code) {
        Ok(id) if !code.is_empty() => Ok(id.to_string()),
        _ => Err((
            format!("`{code}` is not a language code"),
            "write a BCP 47 language tag, such as en, de, fr, ar, ur, zh-Hans or pt-BR".to_string(),
        )),
    }
}

/// `code` as one of `config`'s other languages, in canonical spelling; or why a translation
/// cannot be in it, with what to do.
pub fn other_language(code: &str, config: &crate::config::SiteConfig) -> Result<String, (String, String)> {
    let canonical = canonical_language(code)?;
    if canonical == config.language {
        return Err((
            format!("`{code}` is the site's default language, whose texts are the main ones"),
            "move these texts to the main fields, or remove this translation".into(),
        ));
    }
    if config.is_other_language(&canonical) {
        return Ok(canonical);
    }
    let listed: Vec<&str> = config.languages.iter().map(|(c, _)| c.as_str()).collect();
    Err((
        format!("`{code}` is not one of the site's languages"),
        if listed.is_empty() {
            format!("add `languages: {{{canonical}: {{}}}}` to site.yaml, or remove this translation")
        } else {
            format!(
                "the site's other languages are {}; add {canonical} under languages: in site.yaml, or remove this translation",
                listed.join(", ")
            )
        },
    ))
}

/// Splits `about.de` into (`about`, `de`) when the part after the last dot is a language code;
/// pages are translated by files named like this (`pages/about.de.md`), as in Hugo and Zola.
pub fn split_language_suffix(stem: &str) -> Option<(&str, String)> {
    let (base, suffix) = stem.rsplit_once('.')?;
    if base.is_empty() || suffix.len() < 2 || !suffix.chars().next()?.is_ascii_alphabetic() {
        return None;
    }
    canonical_language(suffix).ok().map(|c| (base, c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_codes_are_canonical() {
        assert_eq!(canonical_language("zh-hans").unwrap(), "zh-Hans");
        assert_eq!(canonical_language("PT-br").unwrap(), "pt-BR");
        assert_eq!(canonical_language("de").unwrap(), "de");
        for bad in ["", "german!", "d", "en_US_x_y_z_toolong"] {
            assert!(canonical_language(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn page_files_name_their_language() {
        assert_eq!(split_language_suffix("about.de"), Some(("about", "de".into())));
        assert_eq!(
            split_language_suffix("faq.zh-hans"),
            Some(("faq", "zh-Hans".into()))
        );
        assert_eq!(split_language_suffix("about"), None);
        assert_eq!(split_language_suffix("v1.2"), None);
        assert_eq!(split_language_suffix(".de"), None);
    }

    #[test]
    fn languages_keep_their_order_and_take_empty_entries() {
        let o: Ordered<SiteTexts> = serde_yaml::from_str("ur: {title: T}\nar:\nde: {}\n").unwrap();
        let codes: Vec<&str> = o.0.iter().map(|(c, _)| c.as_str()).collect();
        assert_eq!(codes, ["ur", "ar", "de"]);
        assert_eq!(o.0[0].1.title.as_deref(), Some("T"));
    }
}

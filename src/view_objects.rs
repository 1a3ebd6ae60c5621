//! How templates read product views: as minijinja objects over the Rust views themselves, each
//! field looked up by a `match` on its name, rather than a copy of every view serialized into
//! minijinja's own values (issue #14: that copy was ~40 % of a large build's heap, and a map's
//! field lookup is a linear search). One view per product and language is shared by every page
//! that shows it, a card or its own page.
//!
//! An object lists its fields in the order a serialized copy had them (the struct's), so
//! `|tojson`, `|items` and `{% for %}` over a view write what they wrote before; the test
//! `views::product_objects_read_like_their_serialized_views` holds them to it.

use crate::catalog::Moq;
use crate::views::{CategoryRef, ImageView, InquiryView, ProductView, Source, SrcItem, TierView};
use minijinja::value::{Enumerator, Object, Value};
use serde::{Serialize, Serializer};
use std::collections::BTreeMap;
use std::ops::Deref;
use std::sync::Arc;

/// A part of a view that templates read in place: cloning its value for a page clones the `Arc`.
#[derive(Debug)]
pub struct Shared<T>(Arc<T>);

impl<T> Shared<T> {
    pub fn new(value: T) -> Shared<T> {
        Shared(Arc::new(value))
    }
}

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(self.0.clone())
    }
}

impl<T> Deref for Shared<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

/// Serialized as the part itself: fingerprints hash views in this form.
impl<T: Serialize> Serialize for Shared<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

/// JSON already written the way `|tojson` writes it (safe in HTML attributes), made once per
/// view for what every card would otherwise serialize again.
#[derive(Debug, Clone, Serialize)]
#[serde(transparent)]
pub struct Json(pub String);

impl Json {
    /// `value|tojson`, byte for byte.
    pub fn of(value: &impl Serialize) -> Json {
        let value = Value::from_serialize(value);
        let kwargs = minijinja::value::Kwargs::from_iter(std::iter::empty::<(&str, Value)>());
        let json = minijinja::filters::tojson(&value, None, kwargs).map(|v| v.to_string());
        // The views hold text, numbers and maps with text keys only, which always serialize.
        Json(json.unwrap_or_default())
    }
}

/// A field's value as a template reads it.
pub trait ToValue {
    fn to_value(&self) -> Value;
}

impl ToValue for String {
    fn to_value(&self) -> Value {
        Value::from(self.as_str())
    }
}

impl ToValue for &'static str {
    fn to_value(&self) -> Value {
        Value::from(*self)
    }
}

macro_rules! plain_values {
    ($($ty:ty),*) => {
        $(impl ToValue for $ty {
            fn to_value(&self) -> Value {
                Value::from(*self)
            }
        })*
    };
}
plain_values!(bool, u32, u64, f64);

impl ToValue for Json {
    fn to_value(&self) -> Value {
        Value::from_safe_string(self.0.clone())
    }
}

impl<T: ToValue> ToValue for Option<T> {
    fn to_value(&self) -> Value {
        self.as_ref().map_or(Value::from(()), ToValue::to_value)
    }
}

impl<T: ToValue> ToValue for Vec<T> {
    fn to_value(&self) -> Value {
        Value::from(self.iter().map(ToValue::to_value).collect::<Vec<_>>())
    }
}

impl<T: Object + Send + Sync + 'static> ToValue for Shared<T> {
    fn to_value(&self) -> Value {
        Value::from_dyn_object(self.0.clone())
    }
}

/// Parts only a product's own page reads, once or twice: a small copy when asked for.
macro_rules! copied_values {
    ($($ty:ty),*) => {
        $(impl ToValue for $ty {
            fn to_value(&self) -> Value {
                Value::from_serialize(self)
            }
        })*
    };
}
copied_values!(
    crate::catalog::Spec,
    crate::catalog::LeadTime,
    crate::catalog::Samples,
    crate::catalog::Packaging,
    crate::views::TagLink,
    BTreeMap<&'static str, String>
);

/// `Object` for a view struct: its fields by name, listed in the struct's order (see the module's doc).
macro_rules! view_object {
    ($ty:ty { $($field:ident),* $(,)? }) => {
        impl Object for $ty {
            fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
                self.get_value_by_str(key.as_str()?)
            }

            fn get_value_by_str(self: &Arc<Self>, key: &str) -> Option<Value> {
                Some(match key {
                    $(stringify!($field) => self.$field.to_value(),)*
                    _ => return None,
                })
            }

            fn enumerate(self: &Arc<Self>) -> Enumerator {
                Enumerator::Str(&[$(stringify!($field)),*])
            }
        }
    };
}

view_object!(SrcItem { url, width });
view_object!(Source { mime, srcset });
view_object!(ImageView {
    src,
    width,
    height,
    alt,
    credit,
    license,
    color,
    sources,
    thumb,
    focus,
});
view_object!(TierView {
    min_qty,
    max_qty,
    unit_price,
    price,
});
view_object!(CategoryRef { title, url, slug });
view_object!(InquiryView {
    mailto,
    whatsapp,
    form_endpoint,
    subject,
});
view_object!(Moq { quantity, unit });

/// Every field of a product view; `photo` is the first of `photos`, not a copy of it.
const PRODUCT_FIELDS: &[&str] = &[
    "sku",
    "name",
    "slug",
    "url",
    "category",
    "featured",
    "photo",
    "photos",
    "summary",
    "description_html",
    "specs",
    "moq",
    "moq_text",
    "units",
    "unit_forms",
    "unit_forms_json",
    "price_tiers",
    "price_tiers_json",
    "price_from",
    "currency",
    "incoterm",
    "lead_time",
    "samples",
    "sample_fee",
    "sample_free",
    "customization",
    "oem",
    "odm",
    "packaging",
    "payment_terms",
    "hs_code",
    "tags",
    "tag_links",
    "certifications",
    "inquiry",
    "lang_of",
    "draft",
];

impl Object for ProductView {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.get_value_by_str(key.as_str()?)
    }

    fn get_value_by_str(self: &Arc<Self>, key: &str) -> Option<Value> {
        Some(match key {
            "category" => self.category.to_value(),
            "certifications" => self.certifications.to_value(),
            "currency" => self.currency.to_value(),
            "customization" => self.customization.to_value(),
            "description_html" => self.description_html.to_value(),
            "draft" => self.draft.to_value(),
            "featured" => self.featured.to_value(),
            "hs_code" => self.hs_code.to_value(),
            "incoterm" => self.incoterm.to_value(),
            "inquiry" => self.inquiry.to_value(),
            "lang_of" => self.lang_of.to_value(),
            "lead_time" => self.lead_time.to_value(),
            "moq" => self.moq.to_value(),
            "moq_text" => self.moq_text.to_value(),
            "name" => self.name.to_value(),
            "odm" => self.odm.to_value(),
            "oem" => self.oem.to_value(),
            "packaging" => self.packaging.to_value(),
            "payment_terms" => self.payment_terms.to_value(),
            "photo" => self.photos.first().map_or(Value::from(()), ToValue::to_value),
            "photos" => self.photos.to_value(),
            "price_from" => self.price_from.to_value(),
            "price_tiers" => self.price_tiers.to_value(),
            "price_tiers_json" => self.price_tiers_json.to_value(),
            "sample_fee" => self.sample_fee.to_value(),
            "sample_free" => self.sample_free.to_value(),
            "samples" => self.samples.to_value(),
            "sku" => self.sku.to_value(),
            "slug" => self.slug.to_value(),
            "specs" => self.specs.to_value(),
            "summary" => self.summary.to_value(),
            "tag_links" => self.tag_links.to_value(),
            "tags" => self.tags.to_value(),
            "unit_forms" => self.unit_forms.to_value(),
            "unit_forms_json" => self.unit_forms_json.to_value(),
            "units" => self.units.to_value(),
            "url" => self.url.to_value(),
            _ => return None,
        })
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Str(PRODUCT_FIELDS)
    }
}

/// Product view `view` as templates read it.
pub fn product_value(view: &Arc<ProductView>) -> Value {
    Value::from_dyn_object(view.clone())
}

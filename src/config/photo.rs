//! Photos as `site.yaml`, categories and products write them: a bare path or a mapping.

use serde::{Deserialize, Serialize};

/// A photo: either a bare path or `{path, alt, credit, license}`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PhotoSpec {
    pub path: String,
    pub alt: Option<String>,
    pub credit: Option<String>,
    pub license: Option<String>,
    /// The point to keep in fixed-ratio thumbnails, as fractions of width and height.
    pub focus: Option<(f64, f64)>,
}

/// `center`, `top`, `bottom left`, … or `X% Y%` → fractions of width and height.
pub fn parse_focus(s: &str) -> Option<(f64, f64)> {
    let (mut x, mut y) = (0.5, 0.5);
    let words: Vec<&str> = s.split_whitespace().collect();
    if words.len() == 2 && words.iter().all(|w| w.ends_with('%')) {
        let pct = |w: &str| {
            w.trim_end_matches('%')
                .parse::<f64>()
                .ok()
                .filter(|v| (0.0..=100.0).contains(v))
        };
        return Some((pct(words[0])? / 100.0, pct(words[1])? / 100.0));
    }
    if words.is_empty() || words.len() > 2 {
        return None;
    }
    for w in words {
        match w {
            "top" => y = 0.0,
            "bottom" => y = 1.0,
            "left" => x = 0.0,
            "right" => x = 1.0,
            "center" | "centre" => {}
            _ => return None,
        }
    }
    Some((x, y))
}

/// Written as it is read: the focus as `X% Y%` text, not as fractions, so that what is
/// written reads back (the parse cache keeps products so, `minisite import` compares them so).
impl Serialize for PhotoSpec {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Fields<'a> {
            path: &'a str,
            alt: &'a Option<String>,
            credit: &'a Option<String>,
            license: &'a Option<String>,
            focus: Option<String>,
        }
        Fields {
            path: &self.path,
            alt: &self.alt,
            credit: &self.credit,
            license: &self.license,
            focus: self.focus.map(|(x, y)| format!("{}% {}%", x * 100.0, y * 100.0)),
        }
        .serialize(s)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PhotoFields {
    path: String,
    #[serde(default)]
    alt: Option<String>,
    #[serde(default)]
    credit: Option<String>,
    #[serde(default)]
    license: Option<String>,
    #[serde(default)]
    focus: Option<String>,
}

// Hand-written so that a typo inside the long form still gets serde's precise
// "unknown field" message; an untagged enum would say only "did not match any variant".
impl<'de> Deserialize<'de> for PhotoSpec {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = PhotoSpec;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a photo path, or a mapping with `path` and optional `alt`, `credit`, `license`")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<PhotoSpec, E> {
                Ok(PhotoSpec {
                    path: v.to_string(),
                    ..Default::default()
                })
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<PhotoSpec, A::Error> {
                let f = PhotoFields::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                let focus = match f.focus.as_deref() {
                    None => None,
                    Some(s) => Some(parse_focus(s).ok_or_else(|| {
                        serde::de::Error::custom(format!(
                            "focus `{s}` is not a position: use center, top, bottom, left, right, \"top left\" or \"30% 20%\""
                        ))
                    })?),
                };
                Ok(PhotoSpec {
                    path: f.path,
                    alt: f.alt,
                    credit: f.credit,
                    license: f.license,
                    focus,
                })
            }
        }
        d.deserialize_any(V)
    }
}

//! `analytics:` in `site.yaml`: the privacy-friendly services a seller may use to see how buyers
//! find them. Off unless named, so a site loads nothing from another host by default; each
//! provider's fields are checked here, and the theme's `base.html` writes its script tag.

use crate::error::Diagnostic;
use crate::source::Source;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    Plausible,
    Goatcounter,
    Umami,
    Cloudflare,
}

impl Provider {
    fn name(self) -> &'static str {
        match self {
            Provider::Plausible => "plausible",
            Provider::Goatcounter => "goatcounter",
            Provider::Umami => "umami",
            Provider::Cloudflare => "cloudflare",
        }
    }

    /// The provider's hosted script, used when the seller names none (self-hosting names one).
    fn default_script(self) -> &'static str {
        match self {
            Provider::Plausible => "https://plausible.io/js/script.js",
            Provider::Goatcounter => "https://gc.zgo.at/count.js",
            Provider::Umami => "https://cloud.umami.is/script.js",
            Provider::Cloudflare => "https://static.cloudflareinsights.com/beacon.min.js",
        }
    }
}

/// `analytics:` as written; which fields a provider takes is checked in [`Analytics::check`].
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAnalytics {
    pub provider: Provider,
    /// Plausible: the site's domain as registered there (default: base_url's host).
    #[serde(default)]
    pub domain: Option<String>,
    /// Any provider: the script's address, for a self-hosted service.
    #[serde(default)]
    pub script: Option<String>,
    /// Umami: the website id; GoatCounter: the site code (`CODE.goatcounter.com`).
    #[serde(default)]
    pub site_id: Option<String>,
    /// GoatCounter, self-hosted: where counts are sent.
    #[serde(default)]
    pub endpoint: Option<String>,
    /// Cloudflare Web Analytics: the site's token.
    #[serde(default)]
    pub token: Option<String>,
}

/// A checked `analytics:` section, as templates read it (`site.analytics`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Analytics {
    pub provider: Provider,
    /// The script to load (https).
    pub script: String,
    /// Plausible's `data-domain`, when no base_url gives it: empty for the others.
    pub domain: String,
    /// Umami's website id, GoatCounter's counting address, Cloudflare's token.
    pub id: String,
    /// Whether the provider counts custom events, so inquiry clicks can be sent as one.
    pub events: bool,
}

impl Analytics {
    /// Checks the provider's fields: the ones it needs are there, the others absent (a field
    /// another provider uses is likely a mix-up), addresses are https.
    /// `host` is base_url's, Plausible's domain when none is given.
    pub fn check(
        raw: RawAnalytics,
        host: Option<&str>,
        source: &Source,
    ) -> Result<Analytics, Vec<Diagnostic>> {
        let p = raw.provider;
        let mut problems = Vec::new();
        let mut bad = |field: &str, message: String, help: String| {
            let field = format!("analytics.{field}");
            problems.push(
                Diagnostic::new(source.file(), message)
                    // A missing field is placed on the section that lacks it.
                    .located(source.field(&field).or_else(|| source.field("analytics")))
                    .field(field)
                    .help(help),
            );
        };
        let used: &[&str] = match p {
            Provider::Plausible => &["domain"],
            Provider::Goatcounter => &["site_id", "endpoint"],
            Provider::Umami => &["site_id"],
            Provider::Cloudflare => &["token"],
        };
        let given = [
            ("domain", &raw.domain),
            ("site_id", &raw.site_id),
            ("endpoint", &raw.endpoint),
            ("token", &raw.token),
        ];
        for (field, value) in given {
            if value.is_some() && !used.contains(&field) {
                bad(
                    field,
                    format!("{} does not use `{field}`", p.name()),
                    format!("{} takes: {}, script", p.name(), used.join(", ")),
                );
            }
        }
        for (field, value) in [("script", &raw.script), ("endpoint", &raw.endpoint)] {
            if let Some(url) = value {
                if !is_https(url) {
                    bad(
                        field,
                        format!("`{url}` is not an https:// address"),
                        "pages load it from every visitor's browser: use the https:// address the service gives you".into(),
                    );
                }
            }
        }
        let id = match p {
            Provider::Plausible if raw.domain.is_none() && host.is_none() => {
                bad(
                    "domain",
                    "plausible needs `domain`".into(),
                    "add domain: the site's domain as registered in Plausible (or a base_url)".into(),
                );
                return Err(problems);
            }
            Provider::Plausible => Some(String::new()),
            Provider::Goatcounter => {
                match (&raw.endpoint, &raw.site_id) {
                    (Some(e), _) => Some(e.clone()),
                    (None, Some(code)) if is_token(code) => {
                        Some(format!("https://{code}.goatcounter.com/count"))
                    }
                    (None, Some(code)) => {
                        bad("site_id", format!("`{code}` is not a GoatCounter site code"), "the code is the first part of your address, e.g. myshop for myshop.goatcounter.com".into());
                        None
                    }
                    (None, None) => None,
                }
            }
            Provider::Umami => raw.site_id.clone(),
            Provider::Cloudflare => raw.token.clone(),
        };
        let Some(id) = id.filter(|id| p == Provider::Plausible || !id.trim().is_empty()) else {
            let (field, help) = match p {
                Provider::Goatcounter => ("site_id", "add site_id: CODE (from CODE.goatcounter.com), or endpoint: for a self-hosted GoatCounter"),
                Provider::Umami => ("site_id", "add site_id: the website id Umami shows in the site's settings"),
                _ => ("token", "add token: the token Cloudflare shows for the site under Web Analytics"),
            };
            bad(field, format!("{} needs `{field}`", p.name()), help.into());
            return Err(problems);
        };
        // Quoted into an attribute of every page: keep ids to what services hand out.
        if !id.is_empty() && !is_https(&id) && !is_token(&id) {
            bad(
                used[0],
                format!("`{id}` is not an id"),
                "copy it as the service shows it: letters, digits and dashes".into(),
            );
        }
        if let Some(d) = &raw.domain {
            if !d.split('.').all(is_token) || !d.contains('.') {
                bad(
                    "domain",
                    format!("`{d}` is not a domain name"),
                    "write it as Plausible shows it, without https://, e.g. shop.example.com".into(),
                );
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(Analytics {
            provider: p,
            script: raw.script.unwrap_or_else(|| p.default_script().into()),
            domain: match (raw.domain, p) {
                (Some(d), _) => d,
                (None, Provider::Plausible) => host.unwrap_or_default().to_string(),
                (None, _) => String::new(),
            },
            id,
            events: p != Provider::Cloudflare,
        })
    }
}

fn is_https(url: &str) -> bool {
    url.strip_prefix("https://").is_some_and(|rest| {
        !rest.is_empty() && !rest.contains(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>'))
    })
}

fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
}

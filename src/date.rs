//! Calendar dates a seller writes (`valid_until: 2027-06-30`), and today's date for comparing them.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A date as written in a site file: the text is kept so pages show what the seller wrote, and
/// parsed once, here, so comparisons are between dates, never strings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Day {
    text: String,
    date: Option<time::Date>,
}

impl Day {
    pub fn new(text: &str) -> Day {
        let fmt = time::macros::format_description!("[year]-[month]-[day]");
        Day {
            text: text.to_string(),
            date: time::Date::parse(text.trim(), &fmt).ok(),
        }
    }

    /// The text as written.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The date, or `None` when the text is not `YYYY-MM-DD` (config validation reports that).
    pub fn date(&self) -> Option<time::Date> {
        self.date
    }

    /// Strictly before `today`: a certificate valid until today is still valid today.
    pub fn is_before(&self, today: time::Date) -> bool {
        self.date.is_some_and(|d| d < today)
    }
}

// Read as text whatever it is: a date the seller mistyped is reported by validation with the
// other problems of site.yaml, all at once, not as the one serde error that stops parsing.
impl<'de> Deserialize<'de> for Day {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Day, D::Error> {
        Ok(Day::new(&String::deserialize(d)?))
    }
}

impl Serialize for Day {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

/// Today (UTC): the day `SOURCE_DATE_EPOCH` names when it is set, so a reproducible build gives
/// the same pages (an expired certificate shown as such) whenever it is run; the clock otherwise.
pub fn today() -> time::Date {
    from_epoch(std::env::var("SOURCE_DATE_EPOCH").ok().as_deref())
        .unwrap_or_else(|| time::OffsetDateTime::now_utc().date())
}

fn from_epoch(value: Option<&str>) -> Option<time::Date> {
    let secs: i64 = value?.trim().parse().ok()?;
    Some(time::OffsetDateTime::from_unix_timestamp(secs).ok()?.date())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_compare_as_dates_and_keep_their_text() {
        let day = Day::new("2027-06-30");
        assert_eq!(day.text(), "2027-06-30");
        let d = |s: &str| Day::new(s).date().unwrap();
        assert!(day.is_before(d("2027-07-01")));
        assert!(!day.is_before(d("2027-06-30")));
        assert!(Day::new("next year").date().is_none());
        assert!(!Day::new("next year").is_before(d("2027-07-01")));
    }

    #[test]
    fn source_date_epoch_names_the_day() {
        // 1700000000 is 2023-11-14 22:13:20 UTC.
        assert_eq!(
            from_epoch(Some("1700000000")),
            Some(Day::new("2023-11-14").date().unwrap())
        );
        assert_eq!(from_epoch(Some("soon")), None);
        assert_eq!(from_epoch(None), None);
    }
}

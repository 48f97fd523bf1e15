//! The date range, page and format of a report request.

use crate::Request;
use crate::http_util::{field, query};

use super::{DAY, DEFAULT_DAYS, MAX_PER_PAGE};

/// A validated request: date range (inclusive days, UTC), page, format.
#[derive(Debug, Clone, Copy)]
pub struct Range {
    pub from: i64,
    /// Exclusive end (the day after `to`).
    pub until: i64,
    pub page: i64,
    pub per_page: i64,
    pub csv: bool,
}

fn parse_date(text: &str) -> Option<i64> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(text, format)
        .ok()
        .map(|d| d.midnight().assume_utc().unix_timestamp())
}

pub fn date_of(t: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(t)
        .map_or_else(|_| String::new(), |d| d.date().to_string())
}

impl Range {
    pub fn parse(req: &Request, now: i64) -> Result<Range, String> {
        let q = query(req);
        let today = now - now.rem_euclid(DAY);
        let to = match field(&q, "to").filter(|v| !v.is_empty()) {
            Some(v) => parse_date(v).ok_or_else(|| {
                format!("The end date must be a date like 2026-11-24, not {v:?}.")
            })?,
            None => today,
        };
        let from = match field(&q, "from").filter(|v| !v.is_empty()) {
            Some(v) => parse_date(v).ok_or_else(|| {
                format!("The start date must be a date like 2026-11-01, not {v:?}.")
            })?,
            None => to - (DEFAULT_DAYS - 1) * DAY,
        };
        if from > to {
            return Err(
                "The start date is after the end date: choose a start on or before the end.".into(),
            );
        }
        if to - from > 3 * 366 * DAY {
            return Err("A report covers at most three years: choose a shorter period.".into());
        }
        let number = |name: &str, default: i64| -> Result<i64, String> {
            field(&q, name).map_or(Ok(default), |v| {
                v.parse::<i64>()
                    .map_err(|_| format!("`{name}` must be a whole number"))
            })
        };
        let page = number("page", 1)?;
        let per_page = number("per_page", 100)?;
        if page < 1 || !(1..=MAX_PER_PAGE).contains(&per_page) {
            return Err(format!(
                "`page` starts at 1; `per_page` is 1 to {MAX_PER_PAGE}"
            ));
        }
        let csv = match field(&q, "format") {
            None | Some("json") => false,
            Some("csv") => true,
            Some(other) => return Err(format!("`format` is json or csv, not {other:?}")),
        };
        Ok(Range {
            from,
            until: to + DAY,
            page,
            per_page,
            csv,
        })
    }

    pub fn offset(&self) -> i64 {
        (self.page - 1) * self.per_page
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Request;

    fn req(q: &str) -> Request {
        http::Request::builder()
            .uri(format!("https://p.example/api/v1/me/sales?{q}"))
            .body(Vec::new())
            .unwrap()
    }

    #[test]
    fn ranges_default_to_the_last_30_days_and_refuse_nonsense() {
        let now = 1_795_996_800 + 3600; // 2026-11-30 01:00 UTC
        let r = Range::parse(&req(""), now).unwrap();
        assert_eq!(date_of(r.from), "2026-11-01");
        assert_eq!(date_of(r.until), "2026-12-01");
        let r = Range::parse(
            &req("from=2026-11-24&to=2026-11-24&format=csv&page=2&per_page=10"),
            now,
        )
        .unwrap();
        assert_eq!((r.until - r.from, r.csv, r.offset()), (DAY, true, 10));
        for bad in [
            "from=yesterday",
            "from=2026-12-01&to=2026-11-01",
            "per_page=0",
            "per_page=501",
            "page=0",
            "format=xml",
            "from=2020-01-01&to=2026-01-01",
        ] {
            assert!(Range::parse(&req(bad), now).is_err(), "{bad}");
        }
    }
}

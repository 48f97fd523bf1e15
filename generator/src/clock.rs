//! The time now, in Unix seconds.

use std::time::SystemTime;

pub fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs().cast_signed())
}

/// Today (UTC): what expires after its last day is no longer offered.
pub fn today() -> time::Date {
    time::OffsetDateTime::from_unix_timestamp(unix_now())
        .map_or(time::Date::MIN, time::OffsetDateTime::date)
}

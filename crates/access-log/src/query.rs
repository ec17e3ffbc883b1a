//! Reading the log for auditors: a tenant's records in a period, in the order recorded, by page.
//!
//! A period maps to the tenant's streams of the days it touches; each stream is read in version
//! order (the order the records were committed) and records are filtered by the time their call
//! began. A page token names the day and version to continue after, so a page never skips nor
//! repeats a record, even while new records arrive.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use platform::TenantId;
use uuid::Uuid;

use crate::error::AccessLogError;
use crate::log::AccessLog;
use crate::record::AccessRecord;
use crate::stream::stream_id;
use crate::wire;

/// The longest period one query may span, in days.
pub const MAX_PERIOD_DAYS: i64 = 366;
/// The most records on one page.
pub const MAX_PAGE_SIZE: usize = 1000;

/// Which page of a query to return.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    /// Continue after this token (from the previous page); `None` for the first page.
    pub after: Option<PageToken>,
    /// The most records to return (1 to [`MAX_PAGE_SIZE`]; other values are clamped).
    pub size: usize,
}

impl Page {
    /// The first page of `size` records.
    pub fn first(size: usize) -> Self {
        Page { after: None, size }
    }

    /// The page of `size` records after `token`.
    pub fn after(token: PageToken, size: usize) -> Self {
        Page {
            after: Some(token),
            size,
        }
    }
}

/// Where the next page continues: a day's stream and the last version returned from it.
/// Written as `<yyyy-mm-dd>.<version>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PageToken {
    day: NaiveDate,
    version: i32,
}

impl fmt::Display for PageToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.day.format("%Y-%m-%d"), self.version)
    }
}

impl FromStr for PageToken {
    type Err = AccessLogError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (day, version) = s.split_once('.').ok_or(AccessLogError::InvalidPageToken)?;
        let day = NaiveDate::parse_from_str(day, "%Y-%m-%d")
            .map_err(|_| AccessLogError::InvalidPageToken)?;
        let version: i32 = version
            .parse()
            .map_err(|_| AccessLogError::InvalidPageToken)?;
        if version < 0 {
            return Err(AccessLogError::InvalidPageToken);
        }
        Ok(PageToken { day, version })
    }
}

/// A record as stored in the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedAccess {
    /// The record's event id.
    pub event_id: Uuid,
    /// Its stream (`read-access-<tenant>-<day>`).
    pub stream_id: String,
    /// Its version in the stream.
    pub version: i32,
    /// When the log committed it.
    pub recorded_at: DateTime<Utc>,
    /// The service that wrote it.
    pub service: String,
    /// The record.
    pub record: AccessRecord,
}

/// One page of records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessPage {
    /// The records, in the order recorded.
    pub records: Vec<LoggedAccess>,
    /// The token of the next page; `None` on the last page.
    pub next: Option<PageToken>,
}

impl AccessLog {
    /// The records of `tenant` (`None`: calls that failed authentication) whose call began in
    /// `[from, to)`, in the order recorded, one page at a time.
    pub async fn list(
        &self,
        tenant: Option<&TenantId>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        page: Page,
    ) -> Result<AccessPage, AccessLogError> {
        let invalid_period = AccessLogError::InvalidPeriod {
            max_days: MAX_PERIOD_DAYS,
        };
        if from >= to || to - from > TimeDelta::days(MAX_PERIOD_DAYS) {
            return Err(invalid_period);
        }
        let first_day = from.date_naive();
        let last_day = (to - TimeDelta::nanoseconds(1)).date_naive();
        let (mut day, mut after_version) = match page.after {
            None => (first_day, 0),
            Some(token) if (first_day..=last_day).contains(&token.day) => {
                (token.day, token.version)
            }
            Some(_) => return Err(AccessLogError::InvalidPageToken),
        };
        let size = page.size.clamp(1, MAX_PAGE_SIZE);
        let mut records = Vec::new();
        while day <= last_day {
            let stream = stream_id(tenant, day);
            loop {
                let want = size - records.len();
                let limit = i64::try_from(want).unwrap_or(i64::MAX);
                let events = self.log.read_stream(&stream, after_version, limit).await?;
                let exhausted = events.len() < want;
                for event in events {
                    after_version = event.version;
                    let (service, record) =
                        wire::decode(&event.event_type, event.schema_version, &event.payload)
                            .map_err(|source| AccessLogError::Decode {
                                stream_id: event.stream_id.clone(),
                                version: event.version,
                                source,
                            })?;
                    if record.at < from || record.at >= to {
                        continue;
                    }
                    records.push(LoggedAccess {
                        event_id: event.event_id,
                        stream_id: event.stream_id,
                        version: event.version,
                        recorded_at: event.recorded_at,
                        service,
                        record,
                    });
                    if records.len() == size {
                        return Ok(AccessPage {
                            records,
                            next: Some(PageToken {
                                day,
                                version: after_version,
                            }),
                        });
                    }
                }
                if exhausted {
                    break;
                }
            }
            match day.succ_opt() {
                Some(next) => day = next,
                None => break,
            }
            after_version = 0;
        }
        Ok(AccessPage {
            records,
            next: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_tokens_round_trip_and_refuse_garbage() {
        let token = PageToken {
            day: NaiveDate::from_ymd_opt(2025, 12, 31).expect("date"),
            version: 42,
        };
        assert_eq!(token.to_string(), "2025-12-31.42");
        assert_eq!(token.to_string().parse::<PageToken>().ok(), Some(token));
        for bad in [
            "",
            "2025-12-31",
            "2025-12-31.-1",
            "2025-13-01.1",
            "x.1",
            "2025-12-31.x",
        ] {
            assert!(bad.parse::<PageToken>().is_err(), "{bad}");
        }
    }
}

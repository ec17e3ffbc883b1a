//! The link to join a video appointment, checked once where it enters the system.

use serde::{Deserialize, Serialize};

/// The link to join a video appointment: an `https` URL without spaces or control characters,
/// so that it can go into a message and a calendar file as it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct VideoLink(String);

/// Why a text is not a video link.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a video link is an https URL without spaces")]
pub struct NotAVideoLink;

impl VideoLink {
    /// The link `url`, if it is one.
    pub fn parse(url: &str) -> Result<Self, NotAVideoLink> {
        let rest = url.strip_prefix("https://").ok_or(NotAVideoLink)?;
        let host_ok = rest.split('/').next().is_some_and(|host| !host.is_empty());
        if host_ok && url.bytes().all(|b| b.is_ascii_graphic()) {
            Ok(Self(url.to_owned()))
        } else {
            Err(NotAVideoLink)
        }
    }

    /// The URL.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<VideoLink> for String {
    fn from(link: VideoLink) -> Self {
        link.0
    }
}

impl TryFrom<String> for VideoLink {
    type Error = NotAVideoLink;

    fn try_from(url: String) -> Result<Self, Self::Error> {
        Self::parse(&url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn video_links_are_https_urls_without_spaces() {
        assert!(VideoLink::parse("https://video.example/room/abc-123").is_ok());
        assert_eq!(
            VideoLink::parse("http://video.example/r"),
            Err(NotAVideoLink)
        );
        assert_eq!(VideoLink::parse("https://"), Err(NotAVideoLink));
        assert_eq!(
            VideoLink::parse("https://video.example/a b"),
            Err(NotAVideoLink)
        );
        assert_eq!(
            VideoLink::parse("https://video.example/a\r\nX:1"),
            Err(NotAVideoLink)
        );
    }
}

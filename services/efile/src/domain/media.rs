//! What the bytes of a document are: recognised from their first bytes, never taken from the
//! file name or the client's word.
//!
//! The E-Akte keeps PDF, PNG, JPEG and TIFF (what scanners, portals and apps produce). Anything
//! else is refused, and so is a declared media type that differs from the recognised one: a
//! client that calls PNG bytes `application/pdf` is either wrong or forging, and a viewer that
//! trusts the declared type could be led to render something else. Aliases such as `image/jpg`
//! are not accepted: the type is compared exactly.

/// How many leading bytes recognition needs (the PNG signature is the longest).
pub const SNIFF_BYTES: usize = 8;

/// A media type the E-Akte keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MediaType {
    /// `application/pdf`.
    Pdf,
    /// `image/png`.
    Png,
    /// `image/jpeg`.
    Jpeg,
    /// `image/tiff`.
    Tiff,
}

impl MediaType {
    /// Every kept type.
    pub const ALL: [MediaType; 4] = [
        MediaType::Pdf,
        MediaType::Png,
        MediaType::Jpeg,
        MediaType::Tiff,
    ];

    /// The IANA name, e.g. `application/pdf`.
    pub fn as_str(self) -> &'static str {
        match self {
            MediaType::Pdf => "application/pdf",
            MediaType::Png => "image/png",
            MediaType::Jpeg => "image/jpeg",
            MediaType::Tiff => "image/tiff",
        }
    }

    /// The kept type with this exact IANA name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == name)
    }

    /// Recognises the type from the first bytes of the content (at least [`SNIFF_BYTES`] of
    /// them when the content is that long). `None`: not a kept type.
    pub fn sniff(prefix: &[u8]) -> Option<Self> {
        const PNG: &[u8] = b"\x89PNG\r\n\x1a\n";
        if prefix.starts_with(b"%PDF-") {
            Some(MediaType::Pdf)
        } else if prefix.starts_with(PNG) {
            Some(MediaType::Png)
        } else if prefix.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(MediaType::Jpeg)
        } else if prefix.starts_with(b"II*\0") || prefix.starts_with(b"MM\0*") {
            Some(MediaType::Tiff)
        } else {
            None
        }
    }
}

/// Why content was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MediaRefusal {
    /// The bytes are none of the kept types.
    #[error("the content is not a PDF, PNG, JPEG or TIFF file")]
    Unrecognised,
    /// The client declared another type than the bytes are.
    #[error("the content is {recognised}, not the declared {declared}")]
    Mismatch {
        /// What the client said.
        declared: String,
        /// What the bytes are.
        recognised: &'static str,
    },
}

/// The content's type from its first bytes, checked against what the client declared (empty:
/// nothing declared).
pub fn recognise(prefix: &[u8], declared: &str) -> Result<MediaType, MediaRefusal> {
    let recognised = MediaType::sniff(prefix).ok_or(MediaRefusal::Unrecognised)?;
    if !declared.is_empty() && declared != recognised.as_str() {
        return Err(MediaRefusal::Mismatch {
            // A declared type is a short token, not personal data; it is cut to keep messages
            // small.
            declared: declared.chars().take(100).collect(),
            recognised: recognised.as_str(),
        });
    }
    Ok(recognised)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kept_type_is_recognised_from_its_signature() {
        assert_eq!(MediaType::sniff(b"%PDF-1.7\n%"), Some(MediaType::Pdf));
        assert_eq!(
            MediaType::sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            Some(MediaType::Png)
        );
        assert_eq!(
            MediaType::sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F']),
            Some(MediaType::Jpeg)
        );
        assert_eq!(MediaType::sniff(b"II*\0\x08\0\0\0"), Some(MediaType::Tiff));
        assert_eq!(MediaType::sniff(b"MM\0*\0\0\0\x08"), Some(MediaType::Tiff));
    }

    #[test]
    fn other_content_is_not_recognised() {
        for bytes in [
            &b"GIF89a\x01\0"[..],
            b"PK\x03\x04\x14\0\0\0",
            b"<html><b",
            b"\x89PNX\r\n\x1a\n",
            b"%PD",
            b"",
        ] {
            assert_eq!(MediaType::sniff(bytes), None, "{bytes:?}");
        }
    }

    #[test]
    fn a_declared_type_must_be_exactly_the_recognised_one() {
        let png = b"\x89PNG\r\n\x1a\n";
        assert_eq!(recognise(png, ""), Ok(MediaType::Png));
        assert_eq!(recognise(png, "image/png"), Ok(MediaType::Png));
        assert_eq!(
            recognise(png, "application/pdf"),
            Err(MediaRefusal::Mismatch {
                declared: "application/pdf".into(),
                recognised: "image/png",
            })
        );
        let jpeg = [0xFF, 0xD8, 0xFF, 0xE1, 0, 0, 0, 0];
        assert!(matches!(
            recognise(&jpeg, "image/jpg"),
            Err(MediaRefusal::Mismatch { .. })
        ));
        assert_eq!(
            recognise(b"plain text", "text/plain"),
            Err(MediaRefusal::Unrecognised)
        );
    }

    #[test]
    fn names_round_trip() {
        for media in MediaType::ALL {
            assert_eq!(MediaType::from_name(media.as_str()), Some(media));
        }
        assert_eq!(MediaType::from_name("image/jpg"), None);
    }
}

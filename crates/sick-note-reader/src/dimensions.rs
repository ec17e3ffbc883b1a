//! The pixel size an image declares in its header, read before it is handed to Tesseract.
//!
//! A few kilobytes of PNG can declare 40,000 x 40,000 pixels: decoding it would need gigabytes
//! (a decompression bomb), and the OCR timeout alone would not stop the allocation. So the
//! header is read first and an image larger than [`MAX_IMAGE_PIXELS`] is never decoded. PDFs
//! are bounded differently: pdftoppm renders at most an A3 page (see `ocr`).

/// The largest image read, in pixels: A3 at 600 dpi (7016 x 9921), twice the resolution scan
/// centres use for the largest paper a sick note could come on.
pub const MAX_IMAGE_PIXELS: u64 = 7016 * 9921;

/// Width and height in pixels.
pub type Dimensions = (u32, u32);

/// The declared size of a PNG, JPEG or TIFF image, or `None` when the header cannot be read
/// (Tesseract then decides: such bytes are no image it reads either).
pub fn declared(bytes: &[u8]) -> Option<Dimensions> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        png(bytes)
    } else if bytes.starts_with(&[0xFF, 0xD8]) {
        jpeg(bytes)
    } else if bytes.starts_with(b"II*\0") || bytes.starts_with(b"MM\0*") {
        tiff(bytes)
    } else {
        None
    }
}

/// Whether an image of this size is too large to decode.
pub fn too_large((width, height): Dimensions) -> bool {
    u64::from(width) * u64::from(height) > MAX_IMAGE_PIXELS
}

/// The first chunk of a PNG is IHDR: width and height, big-endian, at bytes 16..24.
fn png(bytes: &[u8]) -> Option<Dimensions> {
    if bytes.get(12..16)? != b"IHDR" {
        return None;
    }
    Some((be_u32(bytes, 16)?, be_u32(bytes, 20)?))
}

/// The size is in the start-of-frame segment (SOF0..SOF15 but DHT, JPG and DAC), found by
/// walking the segments from the start.
fn jpeg(bytes: &[u8]) -> Option<Dimensions> {
    let mut at = 2;
    loop {
        // Fill bytes (0xFF) may precede a marker.
        while *bytes.get(at)? == 0xFF && *bytes.get(at + 1)? == 0xFF {
            at += 1;
        }
        if *bytes.get(at)? != 0xFF {
            return None;
        }
        let marker = *bytes.get(at + 1)?;
        let length = usize::from(be_u16(bytes, at + 2)?);
        let is_frame = (0xC0..=0xCF).contains(&marker) && !matches!(marker, 0xC4 | 0xC8 | 0xCC);
        if is_frame {
            let height = be_u16(bytes, at + 5)?;
            let width = be_u16(bytes, at + 7)?;
            return Some((u32::from(width), u32::from(height)));
        }
        if marker == 0xDA || length < 2 {
            // Start of scan without a frame header before it, or a broken length.
            return None;
        }
        at += 2 + length;
    }
}

/// Tags 256 (ImageWidth) and 257 (ImageLength) of the first image file directory, SHORT or LONG.
fn tiff(bytes: &[u8]) -> Option<Dimensions> {
    let little = bytes.starts_with(b"II");
    let u16_at = |at: usize| -> Option<u16> {
        let b: [u8; 2] = bytes.get(at..at + 2)?.try_into().ok()?;
        Some(if little {
            u16::from_le_bytes(b)
        } else {
            u16::from_be_bytes(b)
        })
    };
    let u32_at = |at: usize| -> Option<u32> {
        let b: [u8; 4] = bytes.get(at..at + 4)?.try_into().ok()?;
        Some(if little {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        })
    };
    let directory = usize::try_from(u32_at(4)?).ok()?;
    let entries = usize::from(u16_at(directory)?);
    let (mut width, mut height) = (None, None);
    for index in 0..entries {
        let entry = directory + 2 + index * 12;
        let value = match u16_at(entry + 2)? {
            3 => u32::from(u16_at(entry + 8)?),
            4 => u32_at(entry + 8)?,
            _ => continue,
        };
        match u16_at(entry)? {
            256 => width = Some(value),
            257 => height = Some(value),
            _ => {}
        }
    }
    Some((width?, height?))
}

fn be_u32(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

fn be_u16(bytes: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(bytes.get(at..at + 2)?.try_into().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use testkit::scan::{ScanFormat, SickNoteScan, render_sick_note};

    /// A4 at 300 dpi, as testkit draws its scans.
    const A4_300: Dimensions = (2481, 3507);

    fn rendered(format: ScanFormat) -> Vec<u8> {
        render_sick_note(
            &SickNoteScan::from_lines(["Arbeitsunfähigkeitsbescheinigung"]).with_format(format),
        )
        .expect("rendered")
    }

    #[test]
    fn the_size_of_real_png_jpeg_and_tiff_scans_is_read_from_their_headers() {
        for format in [ScanFormat::Png, ScanFormat::Jpeg, ScanFormat::Tiff] {
            let size = declared(&rendered(format)).expect("a size");
            assert_eq!(size, A4_300, "{format:?}");
            assert!(!too_large(size));
        }
    }

    #[test]
    fn a_png_declaring_forty_thousand_pixels_a_side_is_too_large() {
        let mut bomb = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        bomb.extend_from_slice(&40_000u32.to_be_bytes());
        bomb.extend_from_slice(&40_000u32.to_be_bytes());
        bomb.extend_from_slice(&[8, 0, 0, 0, 0]);
        assert_eq!(declared(&bomb), Some((40_000, 40_000)));
        assert!(too_large((40_000, 40_000)));
    }

    #[test]
    fn a3_at_600_dpi_is_the_largest_size_read() {
        assert!(!too_large((7016, 9921)));
        assert!(too_large((7016, 9922)));
    }

    #[test]
    fn truncated_or_foreign_bytes_have_no_declared_size() {
        let png = rendered(ScanFormat::Png);
        assert_eq!(declared(&png[..20]), None);
        let jpeg = rendered(ScanFormat::Jpeg);
        assert_eq!(declared(&jpeg[..4]), None);
        assert_eq!(declared(b"%PDF-1.7"), None);
        assert_eq!(declared(b""), None);
    }
}

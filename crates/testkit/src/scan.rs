//! Scanned sick notes, rendered by the tests themselves.
//!
//! The sick-note path must be tested against real OCR, so the tests need real scans: text drawn
//! with a real font (DejaVu Sans, installed by `deploy/local/setup.sh`) onto a white page at scanner
//! resolution, optionally blurred like a bad scan, and encoded the way scans arrive (PNG, TIFF,
//! JPEG, or a PDF wrapping a JPEG page as scanners write them). Rendering is our own few lines on a
//! grayscale buffer: `ab_glyph` rasterises the glyph outlines, `png`, `tiff` and `jpeg-encoder`
//! encode, and the PDF objects are written by hand, so no image crate with every codec is pulled in.

use std::fmt::Write as _;
use std::io::Cursor;
use std::path::{Path, PathBuf};

use ab_glyph::{Font, FontVec, PxScale, ScaleFont, point};
use chrono::NaiveDate;

/// Where Debian's `fonts-dejavu-core` puts the font the scans are drawn with.
pub const DEJAVU_SANS: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

/// A4 in inches: the page every scan is drawn on.
const A4_INCHES: (f32, f32) = (8.27, 11.69);
/// Quality of JPEG scans (and of the JPEG inside PDF scans): what office scanners use.
const JPEG_QUALITY: u8 = 90;

/// How the scan is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScanFormat {
    /// `image/png`, lossless.
    Png,
    /// `image/tiff`, uncompressed 8-bit grayscale.
    Tiff,
    /// `image/jpeg`, quality 90.
    Jpeg,
    /// `application/pdf`: one A4 page holding the scan as a JPEG image, as scanners write it.
    Pdf,
}

impl ScanFormat {
    /// The media type of the encoded bytes.
    pub fn media_type(self) -> &'static str {
        match self {
            Self::Png => "image/png",
            Self::Tiff => "image/tiff",
            Self::Jpeg => "image/jpeg",
            Self::Pdf => "application/pdf",
        }
    }
}

/// One scanned page to render: its text lines, from the top, and how badly it was scanned.
#[derive(Debug, Clone, PartialEq)]
pub struct SickNoteScan {
    /// The text lines, drawn from the top margin down, one below the other.
    pub lines: Vec<String>,
    /// Standard deviation of the Gaussian blur in pixels at [`Self::dpi`]; 0 for a sharp scan.
    /// With the default 12 pt text at 300 dpi, Tesseract still reads everything up to about 4;
    /// from about 4.5 it loses the labels, from 6 it reads nothing.
    pub blur: f32,
    /// The encoding.
    pub format: ScanFormat,
    /// Resolution in dots per inch (300 by default, as scan centres scan).
    pub dpi: u32,
    /// Font size in points (12 by default).
    pub font_pt: f32,
}

impl SickNoteScan {
    /// A sharp 300 dpi PNG of these lines.
    pub fn from_lines<S: Into<String>>(lines: impl IntoIterator<Item = S>) -> Self {
        Self {
            lines: lines.into_iter().map(Into::into).collect(),
            blur: 0.0,
            format: ScanFormat::Png,
            dpi: 300,
            font_pt: 12.0,
        }
    }

    /// The lines of an incapacity certificate (Muster 1 style) as the reader expects them:
    /// title, first or follow-up certificate, name, birth date, the period and the issue date.
    /// A sharp 300 dpi PNG; change [`Self::blur`] and [`Self::format`] as needed.
    pub fn standard(
        family_name: &str,
        given_name: &str,
        birth_date: NaiveDate,
        incapacity_from: NaiveDate,
        incapacity_until: NaiveDate,
        issued_on: NaiveDate,
        first: bool,
    ) -> Self {
        let date = |d: NaiveDate| d.format("%d.%m.%Y").to_string();
        Self::from_lines([
            "Arbeitsunfähigkeitsbescheinigung".to_owned(),
            if first {
                "Erstbescheinigung"
            } else {
                "Folgebescheinigung"
            }
            .to_owned(),
            format!("Name, Vorname des Versicherten: {family_name}, {given_name}"),
            format!("geb. am {}", date(birth_date)),
            format!("arbeitsunfähig seit {}", date(incapacity_from)),
            format!(
                "voraussichtlich arbeitsunfähig bis einschließlich {}",
                date(incapacity_until)
            ),
            format!("festgestellt am {}", date(issued_on)),
        ])
    }

    /// The same scan, blurred with this standard deviation in pixels.
    pub fn with_blur(mut self, blur: f32) -> Self {
        self.blur = blur;
        self
    }

    /// The same scan in another encoding.
    pub fn with_format(mut self, format: ScanFormat) -> Self {
        self.format = format;
        self
    }

    /// The same scan with one more line at the bottom (e.g. a diagnosis the reader must ignore).
    pub fn with_line(mut self, line: impl Into<String>) -> Self {
        self.lines.push(line.into());
        self
    }
}

/// Why a scan could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    /// The font file could not be read (is `fonts-dejavu-core` installed?).
    #[error("cannot read the font {path}")]
    FontFile {
        /// The font's path.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The font file is not a font.
    #[error("{0} is not a usable font")]
    Font(PathBuf),
    /// The page is too large for the encoding (JPEG allows 65,535 pixels a side).
    #[error("page of {0}x{1} pixels is too large to encode")]
    TooLarge(u32, u32),
    /// An encoder failed.
    #[error("encoding the scan failed: {0}")]
    Encode(String),
}

/// Renders one scanned page, encoded as [`SickNoteScan::format`] says.
pub fn render_sick_note(scan: &SickNoteScan) -> Result<Vec<u8>, ScanError> {
    let font = load_font(Path::new(DEJAVU_SANS))?;
    let page = draw(&font, scan);
    match scan.format {
        ScanFormat::Png => encode_png(&page),
        ScanFormat::Tiff => encode_tiff(&page),
        ScanFormat::Jpeg => encode_jpeg(&page),
        ScanFormat::Pdf => pdf_of_pages(&[page]),
    }
}

/// Renders several scanned pages into one PDF, one A4 page each, in order (the formats of the
/// pages are ignored). For testing that a reader looks at the first pages only.
pub fn render_sick_note_pdf(pages: &[SickNoteScan]) -> Result<Vec<u8>, ScanError> {
    let font = load_font(Path::new(DEJAVU_SANS))?;
    let pages: Vec<Page> = pages.iter().map(|scan| draw(&font, scan)).collect();
    pdf_of_pages(&pages)
}

fn load_font(path: &Path) -> Result<FontVec, ScanError> {
    let bytes = std::fs::read(path).map_err(|source| ScanError::FontFile {
        path: path.to_owned(),
        source,
    })?;
    FontVec::try_from_vec(bytes).map_err(|_| ScanError::Font(path.to_owned()))
}

/// An 8-bit grayscale page: 255 is white paper, 0 is black ink.
struct Page {
    width: u32,
    height: u32,
    dpi: u32,
    pixels: Vec<u8>,
}

/// Draws the lines onto a white A4 page, one inch from the top and left edges.
fn draw(font: &FontVec, scan: &SickNoteScan) -> Page {
    let dpi = scan.dpi.max(50);
    let width = (A4_INCHES.0 * dpi as f32).round() as u32;
    let height = (A4_INCHES.1 * dpi as f32).round() as u32;
    let mut pixels = vec![255u8; width as usize * height as usize];

    let px = scan.font_pt * dpi as f32 / 72.0;
    let scaled = font.as_scaled(PxScale::from(px));
    let margin = dpi as f32;
    let line_height = px * 1.6;
    for (index, text) in scan.lines.iter().enumerate() {
        let baseline = margin + scaled.ascent() + index as f32 * line_height;
        let mut x = margin;
        let mut previous = None;
        for c in text.chars() {
            let id = scaled.glyph_id(c);
            if let Some(previous) = previous {
                x += scaled.kern(previous, id);
            }
            let glyph = id.with_scale_and_position(px, point(x, baseline));
            x += scaled.h_advance(id);
            previous = Some(id);
            let Some(outline) = font.outline_glyph(glyph) else {
                continue; // a space has no outline
            };
            let bounds = outline.px_bounds();
            outline.draw(|gx, gy, coverage| {
                let x = bounds.min.x as i64 + i64::from(gx);
                let y = bounds.min.y as i64 + i64::from(gy);
                if x < 0 || y < 0 || x >= i64::from(width) || y >= i64::from(height) {
                    return;
                }
                let at = y as usize * width as usize + x as usize;
                // Ink darkens: overlapping coverage never lightens a pixel again.
                let ink = (255.0 * (1.0 - coverage.clamp(0.0, 1.0))) as u8;
                pixels[at] = pixels[at].min(ink);
            });
        }
    }

    let mut page = Page {
        width,
        height,
        dpi,
        pixels,
    };
    if scan.blur > 0.0 {
        blur(&mut page, scan.blur);
    }
    page
}

/// A Gaussian blur approximated by three box blurs (the standard trick: each pass costs the same
/// whatever the radius, so heavy blur on a 300 dpi page stays fast even in debug builds). The
/// boxes have two neighbouring odd widths, mixed so their variances add up to σ².
fn blur(page: &mut Page, sigma: f32) {
    const PASSES: f32 = 3.0;
    let variance = 12.0 * sigma * sigma;
    let ideal = (variance / PASSES + 1.0).sqrt();
    let mut lower = ideal.floor() as i32;
    if lower % 2 == 0 {
        lower -= 1;
    }
    let lower_f = lower as f32;
    let upper = lower + 2;
    // How many passes use the lower width: solves m·wl² + (n−m)·wu² = 12σ² + n.
    let lower_passes =
        ((variance - PASSES * lower_f * lower_f - 4.0 * PASSES * lower_f - 3.0 * PASSES)
            / (-4.0 * lower_f - 4.0))
            .round() as i32;
    let radii: Vec<usize> = (0..PASSES as i32)
        .map(|pass| if pass < lower_passes { lower } else { upper })
        .map(|width| ((width.max(1) - 1) / 2) as usize)
        .filter(|&radius| radius > 0)
        .collect();

    // Only the rows with ink, plus as far as the blur reaches, can change: white paper blurred
    // stays white. Blurring just that band (its edge rows are white, so clamping there equals
    // the whole page's white) saves most of the work on a page of a few lines.
    let w = page.width as usize;
    let Some(first) = page
        .pixels
        .chunks(w)
        .position(|row| row.iter().any(|&v| v < 255))
    else {
        return; // a blank page
    };
    let last = page
        .pixels
        .chunks(w)
        .rposition(|row| row.iter().any(|&v| v < 255))
        .unwrap_or(first);
    let reach: usize = radii.iter().sum::<usize>() + 1;
    let rows = first.saturating_sub(reach)..(last + 1 + reach).min(page.height as usize);
    let band = &mut page.pixels[rows.start * w..rows.end * w];
    let h = rows.len();
    let mut scratch = vec![0u8; band.len()];
    for radius in radii {
        box_pass(band, &mut scratch, w, h, radius, true);
        box_pass(&scratch, band, w, h, radius, false);
    }
}

/// One box-blur pass along rows (`horizontal`) or columns, with edges clamped, by running sums.
fn box_pass(src: &[u8], dst: &mut [u8], w: usize, h: usize, radius: usize, horizontal: bool) {
    let (lines, len) = if horizontal { (h, w) } else { (w, h) };
    let at = |line: usize, i: usize| {
        if horizontal {
            line * w + i
        } else {
            i * w + line
        }
    };
    let span = (2 * radius + 1) as u32;
    for line in 0..lines {
        let sample = |i: isize| u32::from(src[at(line, i.clamp(0, len as isize - 1) as usize)]);
        let mut sum: u32 = (-(radius as isize)..=radius as isize).map(sample).sum();
        for i in 0..len {
            dst[at(line, i)] = (sum / span) as u8;
            let i = i as isize;
            sum = sum + sample(i + radius as isize + 1) - sample(i - radius as isize);
        }
    }
}

fn encode_png(page: &Page) -> Result<Vec<u8>, ScanError> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, page.width, page.height);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    // pHYs in pixels per metre, so the OCR knows the resolution.
    let per_metre = (page.dpi as f32 / 0.0254).round() as u32;
    encoder.set_pixel_dims(Some(png::PixelDimensions {
        xppu: per_metre,
        yppu: per_metre,
        unit: png::Unit::Meter,
    }));
    let mut writer = encoder
        .write_header()
        .map_err(|e| ScanError::Encode(e.to_string()))?;
    writer
        .write_image_data(&page.pixels)
        .map_err(|e| ScanError::Encode(e.to_string()))?;
    writer
        .finish()
        .map_err(|e| ScanError::Encode(e.to_string()))?;
    Ok(out)
}

fn encode_tiff(page: &Page) -> Result<Vec<u8>, ScanError> {
    use tiff::encoder::{Rational, TiffEncoder, colortype::Gray8};
    use tiff::tags::ResolutionUnit;
    let fail = |e: tiff::TiffError| ScanError::Encode(e.to_string());
    let mut out = Cursor::new(Vec::new());
    let mut encoder = TiffEncoder::new(&mut out).map_err(fail)?;
    let mut image = encoder
        .new_image::<Gray8>(page.width, page.height)
        .map_err(fail)?;
    let dpi = Rational { n: page.dpi, d: 1 };
    image.resolution(ResolutionUnit::Inch, dpi);
    image.write_data(&page.pixels).map_err(fail)?;
    Ok(out.into_inner())
}

fn encode_jpeg(page: &Page) -> Result<Vec<u8>, ScanError> {
    let too_large = || ScanError::TooLarge(page.width, page.height);
    let width = u16::try_from(page.width).map_err(|_| too_large())?;
    let height = u16::try_from(page.height).map_err(|_| too_large())?;
    let dpi = u16::try_from(page.dpi).map_err(|_| too_large())?;
    let mut out = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut out, JPEG_QUALITY);
    encoder.set_density(jpeg_encoder::PixelDensity::dpi(dpi));
    encoder
        .encode(&page.pixels, width, height, jpeg_encoder::ColorType::Luma)
        .map_err(|e| ScanError::Encode(e.to_string()))?;
    Ok(out)
}

/// A minimal PDF 1.4: a catalog, a page tree, and per page a page object, its JPEG image
/// (`/DCTDecode`, as scanners embed it) and a content stream that paints the image over the page.
fn pdf_of_pages(pages: &[Page]) -> Result<Vec<u8>, ScanError> {
    let mut pdf = PdfWriter::default();
    pdf.raw(b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n");
    // Objects 1 and 2 are the catalog and the page tree; page i uses 3+3i, 4+3i, 5+3i.
    let page_ids: Vec<usize> = (0..pages.len()).map(|i| 3 + 3 * i).collect();
    pdf.object(1, b"<< /Type /Catalog /Pages 2 0 R >>");
    let kids: String = page_ids.iter().fold(String::new(), |mut kids, id| {
        let _ = write!(kids, "{id} 0 R ");
        kids
    });
    pdf.object(
        2,
        format!(
            "<< /Type /Pages /Kids [{}] /Count {} >>",
            kids.trim_end(),
            pages.len()
        )
        .as_bytes(),
    );
    for (page, id) in pages.iter().zip(page_ids) {
        let (image_id, content_id) = (id + 1, id + 2);
        // Page size in points (1/72 inch), so the page is A4 and renders back at the scan's dpi.
        let w = page.width as f32 * 72.0 / page.dpi as f32;
        let h = page.height as f32 * 72.0 / page.dpi as f32;
        pdf.object(
            id,
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {w:.2} {h:.2}] \
                 /Resources << /XObject << /Im0 {image_id} 0 R >> >> /Contents {content_id} 0 R >>"
            )
            .as_bytes(),
        );
        let jpeg = encode_jpeg(page)?;
        let dict = format!(
            "<< /Type /XObject /Subtype /Image /Width {} /Height {} /ColorSpace /DeviceGray \
             /BitsPerComponent 8 /Filter /DCTDecode /Length {} >>",
            page.width,
            page.height,
            jpeg.len()
        );
        pdf.stream(image_id, dict.as_bytes(), &jpeg);
        let content = format!("q {w:.2} 0 0 {h:.2} 0 0 cm /Im0 Do Q");
        let dict = format!("<< /Length {} >>", content.len());
        pdf.stream(content_id, dict.as_bytes(), content.as_bytes());
    }
    Ok(pdf.finish())
}

/// Writes numbered PDF objects and remembers their byte offsets for the cross-reference table.
#[derive(Default)]
struct PdfWriter {
    out: Vec<u8>,
    /// (object number, byte offset)
    offsets: Vec<(usize, usize)>,
}

impl PdfWriter {
    fn raw(&mut self, bytes: &[u8]) {
        self.out.extend_from_slice(bytes);
    }

    fn object(&mut self, id: usize, body: &[u8]) {
        self.offsets.push((id, self.out.len()));
        self.raw(format!("{id} 0 obj\n").as_bytes());
        self.raw(body);
        self.raw(b"\nendobj\n");
    }

    fn stream(&mut self, id: usize, dict: &[u8], data: &[u8]) {
        self.offsets.push((id, self.out.len()));
        self.raw(format!("{id} 0 obj\n").as_bytes());
        self.raw(dict);
        self.raw(b"\nstream\n");
        self.raw(data);
        self.raw(b"\nendstream\nendobj\n");
    }

    fn finish(mut self) -> Vec<u8> {
        self.offsets.sort_unstable();
        let xref = self.out.len();
        let size = self.offsets.len() + 1;
        // Each entry is exactly 20 bytes: 10-digit offset, 5-digit generation, type, CR LF.
        let mut table = format!("xref\n0 {size}\n0000000000 65535 f\r\n");
        for (_, offset) in &self.offsets {
            let _ = write!(table, "{offset:010} 00000 n\r\n");
        }
        let _ = write!(
            table,
            "trailer\n<< /Size {size} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
        );
        self.raw(table.as_bytes());
        self.out
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn standard() -> SickNoteScan {
        SickNoteScan::standard(
            "Musterfrau",
            "Erika",
            date(1985, 4, 12),
            date(2026, 11, 16),
            date(2026, 11, 27),
            date(2026, 11, 16),
            true,
        )
    }

    #[test]
    fn standard_scan_carries_the_certificate_lines_in_order() {
        let scan = standard();
        assert_eq!(scan.lines[0], "Arbeitsunfähigkeitsbescheinigung");
        assert_eq!(scan.lines[1], "Erstbescheinigung");
        assert_eq!(
            scan.lines[2],
            "Name, Vorname des Versicherten: Musterfrau, Erika"
        );
        assert_eq!(scan.lines[3], "geb. am 12.04.1985");
        assert_eq!(scan.lines[4], "arbeitsunfähig seit 16.11.2026");
        assert_eq!(
            scan.lines[5],
            "voraussichtlich arbeitsunfähig bis einschließlich 27.11.2026"
        );
        assert_eq!(scan.lines[6], "festgestellt am 16.11.2026");
    }

    #[test]
    fn each_format_starts_with_its_magic_bytes() {
        let magic: [(ScanFormat, &[u8]); 4] = [
            (ScanFormat::Png, b"\x89PNG\r\n\x1a\n"),
            (ScanFormat::Tiff, b"II*\0"),
            (ScanFormat::Jpeg, b"\xFF\xD8\xFF"),
            (ScanFormat::Pdf, b"%PDF-1.4"),
        ];
        for (format, magic) in magic {
            let bytes = render_sick_note(&standard().with_format(format).with_blur(0.0)).unwrap();
            assert!(bytes.starts_with(magic), "{format:?}");
        }
    }

    #[test]
    fn text_puts_ink_on_the_page_and_blur_softens_it() {
        let font = load_font(Path::new(DEJAVU_SANS)).unwrap();
        let sharp = draw(&font, &standard());
        let blurred = draw(&font, &standard().with_blur(4.0));
        let black = |p: &Page| p.pixels.iter().filter(|&&v| v < 64).count();
        let inked = |p: &Page| p.pixels.iter().filter(|&&v| v < 250).count();
        assert!(black(&sharp) > 10_000, "the text is drawn in black");
        assert!(
            black(&blurred) < black(&sharp) / 10,
            "blur washes out black"
        );
        assert!(inked(&blurred) > inked(&sharp), "blur spreads the ink");
    }

    #[test]
    fn pdf_cross_reference_points_at_each_object() {
        let pdf = render_sick_note_pdf(&[standard(), standard()]).unwrap();
        // The tail after the last image is ASCII: find `startxref` from the end, in bytes.
        let marker = b"startxref\n";
        let at = pdf
            .windows(marker.len())
            .rposition(|w| w == marker)
            .unwrap();
        let tail = std::str::from_utf8(&pdf[at + marker.len()..]).unwrap();
        let xref_at: usize = tail.lines().next().unwrap().parse().unwrap();
        let table = std::str::from_utf8(&pdf[xref_at..at]).unwrap();
        assert!(table.starts_with("xref\n0 9\n"));
        let entries = table.lines().skip(3).take(8).collect::<Vec<_>>();
        for (i, entry) in entries.iter().enumerate() {
            let offset: usize = entry[..10].parse().unwrap();
            let header = format!("{} 0 obj\n", i + 1);
            assert!(
                pdf[offset..].starts_with(header.as_bytes()),
                "object {}",
                i + 1
            );
        }
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.contains("/Count 2"));
    }
}

//! How wide text is in the two fonts used: Helvetica and Helvetica-Bold, the standard fonts
//! every PDF reader has, by WinAnsi code.
//!
//! The widths are Adobe's font metrics (the AFM files of the standard 14 fonts, free to use),
//! in thousandths of the font size, for the codes 0x20..=0xFF; unassigned codes are 0 (the
//! encoder never writes them). Needed to break lines and place text flush right.

/// A font of the page's resources.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Font {
    /// Helvetica, resource `/F1`.
    Regular,
    /// Helvetica-Bold, resource `/F2`.
    Bold,
}

impl Font {
    /// The name of the font in the page's resources.
    pub(crate) fn resource(self) -> &'static str {
        match self {
            Font::Regular => "F1",
            Font::Bold => "F2",
        }
    }

    /// The width of `text` (WinAnsi bytes) at `size` points, in points.
    pub(crate) fn width(self, text: &[u8], size: f64) -> f64 {
        let table = match self {
            Font::Regular => &HELVETICA,
            Font::Bold => &HELVETICA_BOLD,
        };
        let units: u32 = text
            .iter()
            .filter_map(|b| b.checked_sub(0x20))
            .map(|i| u32::from(table[usize::from(i)]))
            .sum();
        f64::from(units) * size / 1000.0
    }
}

#[rustfmt::skip]
const HELVETICA: [u16; 224] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // 0x20
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, // 0x30
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, // 0x40
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, // 0x50
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, // 0x60
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, 0,   // 0x70
    556, 0, 222, 556, 333, 1000, 556, 556, 333, 1000, 667, 333, 1000, 0, 611, 0,    // 0x80
    0, 222, 222, 333, 333, 350, 556, 1000, 333, 1000, 500, 333, 944, 0, 500, 667,   // 0x90
    278, 333, 556, 556, 556, 556, 260, 556, 333, 737, 370, 556, 584, 333, 737, 333, // 0xA0
    400, 584, 333, 333, 333, 578, 537, 278, 333, 333, 365, 556, 834, 834, 834, 611, // 0xB0
    667, 667, 667, 667, 667, 667, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278, // 0xC0
    722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611, // 0xD0
    556, 556, 556, 556, 556, 556, 889, 500, 556, 556, 556, 556, 278, 278, 278, 278, // 0xE0
    556, 556, 556, 556, 556, 556, 556, 584, 611, 556, 556, 556, 556, 500, 556, 500, // 0xF0
];

#[rustfmt::skip]
const HELVETICA_BOLD: [u16; 224] = [
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, // 0x20
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, // 0x30
    975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778, // 0x40
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556, // 0x50
    333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611, // 0x60
    611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584, 0,   // 0x70
    556, 0, 278, 556, 500, 1000, 556, 556, 333, 1000, 667, 333, 1000, 0, 611, 0,    // 0x80
    0, 278, 278, 500, 500, 350, 556, 1000, 333, 1000, 556, 333, 944, 0, 500, 667,   // 0x90
    278, 333, 556, 556, 556, 556, 280, 556, 333, 737, 370, 556, 584, 333, 737, 333, // 0xA0
    400, 584, 333, 333, 333, 611, 556, 278, 333, 333, 365, 556, 834, 834, 834, 611, // 0xB0
    722, 722, 722, 722, 722, 722, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278, // 0xC0
    722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611, // 0xD0
    556, 556, 556, 556, 556, 556, 889, 556, 556, 556, 556, 556, 278, 278, 278, 278, // 0xE0
    611, 611, 611, 611, 611, 611, 611, 584, 611, 611, 611, 611, 611, 556, 611, 556, // 0xF0
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_are_adobes_metrics() {
        // From Helvetica.afm / Helvetica-Bold.afm: space 278, "A" 667 / 722, "@" 1015 / 975.
        assert_eq!(Font::Regular.width(b" A@", 1000.0), 278.0 + 667.0 + 1015.0);
        assert_eq!(Font::Bold.width(b" A@", 1000.0), 278.0 + 722.0 + 975.0);
        // "ä" (0xE4) as wide as "a", "ß" (0xDF) 611 in both.
        assert_eq!(Font::Regular.width(b"\xe4\xdf", 10.0), 5.56 + 6.11);
    }

    #[test]
    fn every_code_the_encoder_writes_has_a_width() {
        let all: String = (0x20u32..=0x7e)
            .chain(0xa0..=0xff)
            .filter_map(char::from_u32)
            .chain("€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ".chars())
            .collect();
        for byte in crate::encoding::encode(&all) {
            assert!(Font::Regular.width(&[byte], 1.0) > 0.0, "{byte:#x}");
            assert!(Font::Bold.width(&[byte], 1.0) > 0.0, "{byte:#x}");
        }
    }
}

//! Unicode text to the bytes the standard PDF fonts show: WinAnsiEncoding (Windows-1252).
//!
//! The standard 14 fonts are not embedded, so a page can only show the 217 characters of
//! WinAnsi. German needs no more, but names and addresses of applicants do (Łukasz, Şahin,
//! Dvořák), and a letter with `?` in the recipient's name is worse than one without the accent.
//! So, in this order:
//!
//! 1. WinAnsi characters are their code (ASCII, Latin-1, `€ „ “ ” ‚ ‘ ’ – — … • ™ Š š Ž ž Œ œ Ÿ`
//!    and the rest of Windows-1252).
//! 2. Latin letters with a diacritic WinAnsi lacks (Latin Extended-A, Romanian `Ș ș Ț ț`) are their
//!    base letter (`Ł` → `L`, `ő` → `o`, `ı` → `i`, `Ĳ` → `IJ`), capital `ẞ` is `SS`.
//! 3. Line breaks and tabs are a space (a line is one line), other spaces a space (no-break ones
//!    a no-break space), hyphens and the minus sign `-`.
//! 4. Combining accents, zero-width characters and soft hyphens are left out (a decomposed `é`
//!    keeps its `e`).
//! 5. Anything else (other scripts, emoji, control characters) is `?`.

/// Windows-1252 characters at 0x80..=0x9F; `None` where the code is unassigned.
const HIGH: [Option<char>; 32] = [
    Some('€'),
    None,
    Some('‚'),
    Some('ƒ'),
    Some('„'),
    Some('…'),
    Some('†'),
    Some('‡'),
    Some('ˆ'),
    Some('‰'),
    Some('Š'),
    Some('‹'),
    Some('Œ'),
    None,
    Some('Ž'),
    None,
    None,
    Some('‘'),
    Some('’'),
    Some('“'),
    Some('”'),
    Some('•'),
    Some('–'),
    Some('—'),
    Some('˜'),
    Some('™'),
    Some('š'),
    Some('›'),
    Some('œ'),
    None,
    Some('ž'),
    Some('Ÿ'),
];

/// The base letter of each character U+0100..=U+017F (Latin Extended-A); `*` where the
/// character is WinAnsi or needs two letters (handled before this table is asked).
const LATIN_EXTENDED_A: &[u8; 128] = concat!(
    "AaAaAa",       // Ā ā Ă ă Ą ą
    "CcCcCcCc",     // Ć ć Ĉ ĉ Ċ ċ Č č
    "DdDd",         // Ď ď Đ đ
    "EeEeEeEeEe",   // Ē ē Ĕ ĕ Ė ė Ę ę Ě ě
    "GgGgGgGg",     // Ĝ ĝ Ğ ğ Ġ ġ Ģ ģ
    "HhHh",         // Ĥ ĥ Ħ ħ
    "IiIiIiIiIi",   // Ĩ ĩ Ī ī Ĭ ĭ Į į İ ı
    "**",           // Ĳ ĳ
    "Jj",           // Ĵ ĵ
    "Kkk",          // Ķ ķ ĸ
    "LlLlLlLlLl",   // Ĺ ĺ Ļ ļ Ľ ľ Ŀ ŀ Ł ł
    "NnNnNn*",      // Ń ń Ņ ņ Ň ň ŉ
    "Nn",           // Ŋ ŋ
    "OoOoOo",       // Ō ō Ŏ ŏ Ő ő
    "**",           // Œ œ (WinAnsi)
    "RrRrRr",       // Ŕ ŕ Ŗ ŗ Ř ř
    "SsSsSsSs",     // Ś ś Ŝ ŝ Ş ş Š š
    "TtTtTt",       // Ţ ţ Ť ť Ŧ ŧ
    "UuUuUuUuUuUu", // Ũ ũ Ū ū Ŭ ŭ Ů ů Ű ű Ų ų
    "Ww",           // Ŵ ŵ
    "Yy",           // Ŷ ŷ
    "*",            // Ÿ (WinAnsi)
    "ZzZzZz",       // Ź ź Ż ż Ž ž
    "s",            // ſ
)
.as_bytes()
.first_chunk::<128>()
.expect("the table has 128 entries");

/// `text` in WinAnsiEncoding, as the module comment describes.
pub(crate) fn encode(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    for c in text.chars() {
        push(c, &mut out);
    }
    out
}

fn push(c: char, out: &mut Vec<u8>) {
    let code = c as u32;
    match c {
        '\n' | '\r' | '\t' => out.push(b' '),
        '\u{20}'..='\u{7e}' => out.push(code as u8),
        // A soft hyphen shows as a hyphen in the standard fonts; it only marks where a word may
        // break, which this writer does not do inside words.
        '\u{ad}' => {}
        '\u{a0}'..='\u{ff}' => out.push(code as u8),
        'Ĳ' => out.extend_from_slice(b"IJ"),
        'ĳ' => out.extend_from_slice(b"ij"),
        'ŉ' => out.extend_from_slice(b"'n"),
        'ẞ' => out.extend_from_slice(b"SS"),
        'Ș' => out.push(b'S'),
        'ș' => out.push(b's'),
        'Ț' => out.push(b'T'),
        'ț' => out.push(b't'),
        '\u{2010}' | '\u{2011}' | '\u{2212}' => out.push(b'-'),
        '\u{2012}' => out.push(0x96),
        '\u{2007}' | '\u{202f}' => out.push(0xa0),
        '\u{2000}'..='\u{200a}' | '\u{205f}' | '\u{3000}' => out.push(b' '),
        '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}' | '\u{300}'..='\u{36f}' => {}
        _ => {
            if let Some(index) = HIGH.iter().position(|h| *h == Some(c)) {
                out.push(0x80 + index as u8);
            } else if let Some(&base) = code
                .checked_sub(0x100)
                .and_then(|i| LATIN_EXTENDED_A.get(i as usize))
                .filter(|b| **b != b'*')
            {
                out.push(base);
            } else {
                out.push(b'?');
            }
        }
    }
}

/// What the standard fonts will show for `text`: the text after the replacements of the module
/// comment (e.g. `"Łukasz 😀"` shows as `"Lukasz ?"`).
pub fn printable(text: &str) -> String {
    encode(text).into_iter().map(decode).collect()
}

/// The character of a WinAnsi byte (every byte [`encode`] writes has one).
fn decode(byte: u8) -> char {
    match byte {
        0x80..=0x9f => HIGH[usize::from(byte - 0x80)].unwrap_or('?'),
        _ => char::from(byte),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn german_text_is_its_latin_1_code() {
        assert_eq!(
            encode("Straße äöü ÄÖÜ"),
            b"Stra\xdfe \xe4\xf6\xfc \xc4\xd6\xdc"
        );
        assert_eq!(printable("Straße äöü ÄÖÜ § 37"), "Straße äöü ÄÖÜ § 37");
    }

    #[test]
    fn typographic_marks_are_their_windows_1252_code() {
        assert_eq!(encode("„a“ – 5 € …"), b"\x84a\x93 \x96 5 \x80 \x85");
        assert_eq!(
            encode("Šárka Žižek Œuvre"),
            b"\x8a\xe1rka \x8ei\x9eek \x8cuvre"
        );
        for (index, c) in HIGH.iter().enumerate() {
            if let Some(c) = c {
                assert_eq!(encode(&c.to_string()), [0x80 + index as u8], "{c}");
            }
        }
    }

    #[test]
    fn latin_letters_outside_win_ansi_lose_their_diacritic() {
        assert_eq!(printable("Łukasz Wałęsa"), "Lukasz Walesa");
        assert_eq!(printable("Şahin Yıldız Ğ"), "Sahin Yildiz G");
        assert_eq!(printable("Dvořák Őry Ĳssel ŉ"), "Dvorák Ory IJssel 'n");
        assert_eq!(printable("Ștefan Țara"), "Stefan Tara");
        assert_eq!(printable("STRAẞE"), "STRASSE");
        // Characters of the table that WinAnsi has keep their WinAnsi form.
        assert_eq!(printable("Œœ Šš Žž Ÿ"), "Œœ Šš Žž Ÿ");
    }

    #[test]
    fn every_latin_extended_a_letter_has_a_replacement() {
        for code in 0x100u32..=0x17f {
            let c = char::from_u32(code).expect("a character");
            let shown = printable(&c.to_string());
            assert!(!shown.contains('?'), "U+{code:04X} {c} shows as {shown}");
        }
    }

    #[test]
    fn breaks_spaces_and_invisible_characters() {
        assert_eq!(encode("a\nb\r\tc"), b"a b  c");
        assert_eq!(encode("10\u{202f}000 a\u{2003}b"), b"10\xa0000 a b");
        assert_eq!(encode("Bürger\u{ad}geld"), b"B\xfcrgergeld");
        assert_eq!(encode("e\u{301}te\u{200b}"), b"ete");
        assert_eq!(encode("A\u{2011}B \u{2212}5"), b"A-B -5");
    }

    #[test]
    fn anything_else_is_a_question_mark() {
        assert_eq!(printable("Иван 李 😀 \u{7}\u{85}"), "???? ? ? ??");
    }
}

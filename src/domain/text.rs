//! Text a person types that is shown back to others — in an email's first
//! line, a staff page, a file name. A single line must stay one line and
//! read as it looks: no line breaks or other control characters, and no
//! invisible characters that reorder or hide text (bidirectional overrides
//! and isolates, zero-width characters).

/// Whether `c` changes how the text around it is laid out or read without
/// showing itself.
pub fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'                  // soft hyphen
            | '\u{061C}'            // Arabic letter mark
            | '\u{180E}'            // Mongolian vowel separator
            | '\u{200B}'..='\u{200F}' // zero-width space, joiners, LRM, RLM
            | '\u{2028}'..='\u{202E}' // line/paragraph separators, embeddings, overrides
            | '\u{2060}'..='\u{2069}' // word joiner, invisible operators, isolates
            | '\u{FEFF}'            // zero-width no-break space
            | '\u{FFF9}'..='\u{FFFB}' // interlinear annotation
    )
}

/// Whether `c` may not appear in a single-line field.
pub fn is_forbidden_in_line(c: char) -> bool {
    c.is_control() || is_invisible_format(c)
}

/// Whether `text` is safe as a single line.
pub fn is_single_line(text: &str) -> bool {
    !text.chars().any(is_forbidden_in_line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_lines_refuse_breaks_controls_and_reordering() {
        let table = [
            ("Kim Minji", true),
            ("김민지", true),
            ("O'Brien-Smith Jr.", true),
            ("Kim\nSecurity notice", false),
            ("Kim\r\nBcc: x", false),
            ("tab\there", false),
            ("evil\u{202E}fdp.exe", false),
            ("a\u{2066}b\u{2069}", false),
            ("zero\u{200B}width", false),
            ("bom\u{FEFF}", false),
            ("line\u{2028}sep", false),
            ("nul\0", false),
        ];
        for (text, ok) in table {
            assert_eq!(is_single_line(text), ok, "{text:?}");
        }
    }
}

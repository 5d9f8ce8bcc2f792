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

/// Whether `c` may not appear in text of several lines: a control
/// character other than a line break or tab, or a bidirectional embedding,
/// override or isolate (which can make text read as something it is not).
pub fn is_forbidden_in_text(c: char) -> bool {
    (c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Whether `text` is safe as a single line.
pub fn is_single_line(text: &str) -> bool {
    !text.chars().any(is_forbidden_in_line)
}

/// The words of a text, as the queue's search compares them: lower-case,
/// split at anything that is not a letter or digit, each at most 64
/// characters.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase().chars().take(64).collect())
        .collect()
}

/// What a name is found by in the staff queue's search: each of its words,
/// and the whole name as its words joined by one space (so a full name is
/// one exact lookup), without repeats.
pub fn search_terms<'a>(texts: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut terms: Vec<String> = Vec::new();
    for text in texts {
        let words = words(text);
        let whole = words.join(" ");
        for term in words.into_iter().chain((whole.contains(' ')).then_some(whole)) {
            if !terms.contains(&term) {
                terms.push(term);
            }
        }
    }
    terms
}

/// The one term a typed search looks up: its words joined by a space (a
/// word, or a whole name); none when it has no word.
pub fn search_key(typed: &str) -> Option<String> {
    let words = words(typed);
    (!words.is_empty()).then(|| words.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_found_by_their_words() {
        let table: &[(&[&str], &[&str])] = &[
            (&["Kim Minji"], &["kim", "minji", "kim minji"]),
            (&["Kim Minji", "Kim Minji"], &["kim", "minji", "kim minji"]),
            (
                &["O'Brien-Smith Jr."],
                &["o", "brien", "smith", "jr", "o brien smith jr"],
            ),
            (
                &["홍길동", "Park  Agent"],
                &["홍길동", "park", "agent", "park agent"],
            ),
            (&["ÉLODIE"], &["élodie"]),
            (&["", " - "], &[]),
        ];
        for (texts, terms) in table {
            assert_eq!(search_terms(texts.iter().copied()), *terms, "{texts:?}");
        }
        // What is typed finds a name by one of its terms.
        let typed = [
            ("  kim   MINJI ", Some("kim minji")),
            ("Gildong", Some("gildong")),
            ("O'Brien-Smith Jr.", Some("o brien smith jr")),
            ("!!!", None),
        ];
        for (text, key) in typed {
            assert_eq!(search_key(text).as_deref(), key, "{text:?}");
        }
    }

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

//! A provision of law as a notice or page cites it: in English, and in
//! Korean in the statute's own form (제35조제4항제2호), so a Korean notice
//! never quotes an English reference.

/// One citation in both languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Citation {
    pub en: &'static str,
    pub ko: &'static str,
}

impl Citation {
    pub const fn new(en: &'static str, ko: &'static str) -> Self {
        Self { en, ko }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decision::RefusalGround;
    use crate::jurisdiction::Jurisdiction;
    use crate::profile::Profile;

    fn every_citation() -> Vec<Citation> {
        let mut all: Vec<Citation> = RefusalGround::ALL.iter().map(|g| g.article()).collect();
        for jurisdiction in Jurisdiction::ALL {
            let profile = Profile::of(*jurisdiction);
            all.extend(profile.prolongations.iter().map(|p| p.law));
            all.extend(profile.kinds.iter().map(|k| k.law));
        }
        all
    }

    #[test]
    fn every_citation_has_both_languages_and_the_korean_one_is_korean() {
        for citation in every_citation() {
            assert!(!citation.en.is_empty() && !citation.ko.is_empty(), "{citation:?}");
            let hangul = |s: &str| s.chars().any(|c| ('\u{AC00}'..='\u{D7A3}').contains(&c));
            assert!(!hangul(citation.en), "{citation:?}");
            assert!(hangul(citation.ko), "{citation:?}");
        }
    }

    #[test]
    fn both_languages_name_the_same_articles() {
        // The numbers of a citation, in order, are the same in both forms
        // (the Korean "제35조제4항제2호" and the English "Art. 35(4)2").
        let numbers = |s: &str| -> Vec<String> {
            s.split(|c: char| !c.is_ascii_digit())
                .filter(|n| !n.is_empty())
                .map(str::to_owned)
                .collect()
        };
        for citation in every_citation() {
            assert_eq!(numbers(citation.en), numbers(citation.ko), "{citation:?}");
        }
    }
}

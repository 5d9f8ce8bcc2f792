//! Who the notices come from: the company's name, how to reach its
//! privacy office, and the outside bodies a requester may turn to. Set by
//! an admin (the demo loads the reference deployment's); until then the
//! notices sign as the desk and list the profile's statutory bodies.

use serde::{Deserialize, Serialize};

use super::text::is_single_line;

/// The most lines the remedies list may have.
pub const MAX_REMEDIES: usize = 10;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Letterhead {
    /// The company's name; empty until an admin sets it.
    pub company: String,
    /// How to reach the privacy office (an address, a phone number).
    pub contact: String,
    /// The outside bodies, one per line; empty means the profile's
    /// statutory list (from the texts, in the request's language).
    pub remedies: Vec<String>,
}

impl Letterhead {
    /// The reference deployment's (what `rightsdesk demo` loads, and what
    /// the notices' snapshots are signed with).
    pub fn reference_deployment() -> Self {
        Letterhead {
            company: "Rightsdesk Example Co.".into(),
            contact: "privacy@rightsdesk.example".into(),
            remedies: [
                "개인정보침해 신고센터 (KISA) / Personal Information Infringement Report Center — 118",
                "개인정보 분쟁조정위원회 / Personal Information Dispute Mediation Committee — 1833-6972",
                "대검찰청 사이버수사과 / Supreme Prosecutors' Office, Cyber Investigation — 1301",
                "경찰청 사이버수사국 / Korean National Police Agency, Cyber Bureau — 182",
            ]
            .map(str::to_owned)
            .to_vec(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LetterheadError {
    #[error("the company's name has 1 to 100 characters")]
    Company,
    #[error("the contact has at most 200 characters")]
    Contact,
    #[error("at most 10 bodies, each on a line of at most 200 characters")]
    Remedies,
}

impl LetterheadError {
    pub fn message_key(self) -> &'static str {
        match self {
            Self::Company => "refusal.letterhead.company",
            Self::Contact => "refusal.letterhead.contact",
            Self::Remedies => "refusal.letterhead.remedies",
        }
    }
}

/// `text` trimmed with its runs of spaces made one, if it is a safe single
/// line.
fn tidy(text: &str) -> Option<String> {
    let tidy = text.split_whitespace().collect::<Vec<_>>().join(" ");
    is_single_line(&tidy).then_some(tidy)
}

impl Letterhead {
    /// Checks what an admin typed: the name, the contact, and the bodies
    /// one per line (blank lines dropped).
    pub fn parse(company: &str, contact: &str, remedies: &str) -> Result<Self, LetterheadError> {
        let company = tidy(company)
            .filter(|c| !c.is_empty() && c.chars().count() <= 100)
            .ok_or(LetterheadError::Company)?;
        let contact = tidy(contact)
            .filter(|c| c.chars().count() <= 200)
            .ok_or(LetterheadError::Contact)?;
        let remedies = remedies
            .lines()
            .map(tidy)
            .collect::<Option<Vec<String>>>()
            .ok_or(LetterheadError::Remedies)?
            .into_iter()
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>();
        if remedies.len() > MAX_REMEDIES || remedies.iter().any(|l| l.chars().count() > 200) {
            return Err(LetterheadError::Remedies);
        }
        Ok(Self {
            company,
            contact,
            remedies,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_an_admin_types_is_checked() {
        let ok = Letterhead::parse(
            "  Example   Co. ",
            " privacy@example.com ",
            "KISA 118\n\n  Mediation 1833-6972  \n",
        )
        .unwrap();
        assert_eq!(ok.company, "Example Co.");
        assert_eq!(ok.contact, "privacy@example.com");
        assert_eq!(ok.remedies, vec!["KISA 118", "Mediation 1833-6972"]);
        let many = "x\n".repeat(MAX_REMEDIES + 1);
        let long = "y".repeat(201);
        let table = [
            ("", "", "", Err(LetterheadError::Company)),
            (&"c".repeat(101), "", "", Err(LetterheadError::Company)),
            ("Co.", long.as_str(), "", Err(LetterheadError::Contact)),
            ("Co.", "", many.as_str(), Err(LetterheadError::Remedies)),
            ("Co.", "", long.as_str(), Err(LetterheadError::Remedies)),
            ("Co.\u{202E}", "", "", Err(LetterheadError::Company)),
            ("Co.", "", "KISA\u{200B} 118", Err(LetterheadError::Remedies)),
            ("Co.", "", "", Ok(0)),
        ];
        for (company, contact, remedies, expected) in table {
            let got = Letterhead::parse(company, contact, remedies).map(|l| l.remedies.len());
            assert_eq!(got, expected, "{company:?} {contact:?} {remedies:?}");
        }
    }
}

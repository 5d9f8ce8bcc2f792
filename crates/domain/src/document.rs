//! Uploaded documents: which files are accepted, recognised by their
//! content (never by name or declared type).

use crate::wire::wire_enum;

/// Largest document accepted.
pub const MAX_DOCUMENT_BYTES: usize = 10 * 1024 * 1024;

wire_enum! {
    /// Why a document was uploaded.
    DocumentPurpose, "document purpose" {
        /// Power of attorney or proof of legal representation.
        Authority => "authority",
        /// Proof of the requester's identity.
        Identity => "identity",
        /// Sent by the requester when asked for more information.
        RequesterInformation => "requester_information",
        /// A result given to the requester (a copy of their data, say).
        Result => "result",
    }
}

impl DocumentPurpose {
    /// Identity and authority evidence: highly sensitive, opened only by
    /// the privacy officer who reviews it.
    pub const fn is_identity_evidence(self) -> bool {
        matches!(self, Self::Authority | Self::Identity)
    }
}

/// The file types the desk accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentType {
    Pdf,
    Png,
    Jpeg,
}

impl DocumentType {
    pub const fn content_type(self) -> &'static str {
        match self {
            DocumentType::Pdf => "application/pdf",
            DocumentType::Png => "image/png",
            DocumentType::Jpeg => "image/jpeg",
        }
    }

    pub const fn extension(self) -> &'static str {
        match self {
            DocumentType::Pdf => "pdf",
            DocumentType::Png => "png",
            DocumentType::Jpeg => "jpg",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DocumentError {
    #[error("the file is empty")]
    Empty,
    #[error("the file is larger than 10 MiB")]
    TooLarge,
    #[error("the file is not a PDF, PNG or JPEG")]
    WrongType,
}

impl DocumentError {
    /// The message key that tells the person what to do about it.
    pub const fn message_key(self) -> &'static str {
        match self {
            DocumentError::Empty => "form.errors.document_empty",
            DocumentError::TooLarge => "form.errors.document_too_large",
            DocumentError::WrongType => "form.errors.document_type",
        }
    }
}

/// A document ready to store: its detected type, a safe name, the bytes.
#[derive(Debug, Clone, Copy)]
pub struct AcceptedDocumentRef<'a> {
    pub kind: DocumentType,
    pub filename: &'a str,
    pub bytes: &'a [u8],
}

/// Recognises a document by its first bytes and checks its size.
pub fn detect(bytes: &[u8]) -> Result<DocumentType, DocumentError> {
    if bytes.is_empty() {
        return Err(DocumentError::Empty);
    }
    if bytes.len() > MAX_DOCUMENT_BYTES {
        return Err(DocumentError::TooLarge);
    }
    if bytes.starts_with(b"%PDF-") {
        Ok(DocumentType::Pdf)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Ok(DocumentType::Png)
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Ok(DocumentType::Jpeg)
    } else {
        Err(DocumentError::WrongType)
    }
}

/// A file name safe to store and to offer back in Content-Disposition:
/// path parts, control characters, invisible reordering characters and
/// quotes removed, at most 100 characters, and the extension of the
/// detected type.
pub fn safe_filename(original: &str, kind: DocumentType) -> String {
    let base = original.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned_base: String = base
        .chars()
        .filter(|c| !super::text::is_forbidden_in_line(*c))
        .collect();
    let base = cleaned_base.as_str();
    let stem = base.rsplit_once('.').map_or(base, |(stem, _)| stem);
    let cleaned: String = stem
        .chars()
        .filter(|c| !matches!(c, '"' | '\'' | ';' | '<' | '>' | '\\' | '/'))
        .take(100)
        .collect();
    let cleaned = cleaned.trim();
    let stem = if cleaned.is_empty() { "document" } else { cleaned };
    format!("{stem}.{}", kind.extension())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_are_recognised_by_content() {
        let table: [(&[u8], Result<DocumentType, DocumentError>); 6] = [
            (b"%PDF-1.7\n...", Ok(DocumentType::Pdf)),
            (b"\x89PNG\r\n\x1a\n\0\0", Ok(DocumentType::Png)),
            (&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10], Ok(DocumentType::Jpeg)),
            (b"", Err(DocumentError::Empty)),
            (b"MZ\x90\0 an executable", Err(DocumentError::WrongType)),
            (b"<html>%PDF-", Err(DocumentError::WrongType)),
        ];
        for (bytes, expected) in table {
            assert_eq!(detect(bytes), expected);
        }
        let mut big = b"%PDF-".to_vec();
        big.resize(MAX_DOCUMENT_BYTES + 1, b'x');
        assert_eq!(detect(&big), Err(DocumentError::TooLarge));
    }

    #[test]
    fn file_names_are_made_safe() {
        let table = [
            ("위임장.pdf", DocumentType::Pdf, "위임장.pdf"),
            ("../../etc/passwd", DocumentType::Pdf, "passwd.pdf"),
            ("C:\\scan\\poa.exe", DocumentType::Png, "poa.png"),
            ("a\"b;c.jpeg", DocumentType::Jpeg, "abc.jpg"),
            ("", DocumentType::Pdf, "document.pdf"),
            // A right-to-left override (U+202E) would make "poa<RLO>fdp.exe" read as "poaexe.pdf".
            ("poa\u{202E}fdp.exe", DocumentType::Pdf, "poafdp.pdf"),
            ("scan\u{200B}.pdf", DocumentType::Pdf, "scan.pdf"),
        ];
        for (raw, kind, expected) in table {
            assert_eq!(safe_filename(raw, kind), expected, "{raw:?}");
        }
    }
}

//! The stylesheet, scripts and images of `static/`, embedded in the binary
//! at build time, so the binary copied alone serves the whole desk.
//! `RIGHTSDESK_STATIC_DIR` serves them from a folder instead (to work on
//! the stylesheet without rebuilding).
//!
//! Pages link each file with its content hash (`/static/style.css?v=…`):
//! that address never changes meaning, so browsers may keep it for a year;
//! any other address of the file must be revalidated (by its ETag).

use std::borrow::Cow;
use std::path::{Component, Path, PathBuf};
use std::sync::OnceLock;

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};
use rust_embed::RustEmbed;
use sha2::{Digest, Sha256};

use super::error::AppError;

#[derive(RustEmbed)]
#[folder = "../../static/"]
struct Embedded;

/// One asset, ready to serve.
struct Asset {
    bytes: Cow<'static, [u8]>,
    /// The first 16 hex digits of the content's SHA-256.
    hash: String,
    content_type: String,
}

/// The folder that overrides the embedded assets, if one is set.
fn override_dir() -> Option<&'static Path> {
    static DIR: OnceLock<Option<PathBuf>> = OnceLock::new();
    DIR.get_or_init(|| std::env::var_os("RIGHTSDESK_STATIC_DIR").map(PathBuf::from))
        .as_deref()
}

fn short_hash(bytes: &[u8]) -> String {
    hex::encode(&Sha256::digest(bytes)[..8])
}

fn content_type(path: &str) -> String {
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    let essence = mime.essence_str();
    if mime.type_() == mime_guess::mime::TEXT || essence == "application/javascript" {
        format!("{essence}; charset=utf-8")
    } else {
        essence.to_owned()
    }
}

/// A relative path inside the assets, with no way out of them.
fn is_safe(path: &str) -> bool {
    !path.is_empty()
        && Path::new(path)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
}

fn find(path: &str) -> Option<Asset> {
    if !is_safe(path) {
        return None;
    }
    if let Some(dir) = override_dir() {
        let bytes = std::fs::read(dir.join(path)).ok()?;
        return Some(Asset {
            hash: short_hash(&bytes),
            content_type: content_type(path),
            bytes: Cow::Owned(bytes),
        });
    }
    let file = Embedded::get(path)?;
    Some(Asset {
        hash: hex::encode(&file.metadata.sha256_hash()[..8]),
        content_type: content_type(path),
        bytes: file.data,
    })
}

/// The address pages use for an asset: its path with its content hash.
pub fn url(path: &str) -> String {
    match find(path) {
        Some(asset) => format!("/static/{path}?v={}", asset.hash),
        None => format!("/static/{path}"),
    }
}

#[derive(serde::Deserialize)]
pub struct Version {
    v: Option<String>,
}

/// `GET /static/{path}`
pub async fn serve(
    req: HttpRequest,
    path: web::Path<String>,
    version: web::Query<Version>,
) -> Result<HttpResponse, AppError> {
    let asset = find(&path).ok_or(AppError::NotFound)?;
    let etag = format!("\"{}\"", asset.hash);
    let cache = if version.v.as_deref() == Some(asset.hash.as_str()) {
        "public, max-age=31536000, immutable"
    } else {
        "public, no-cache"
    };
    let matches = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|tag| tag.trim() == etag || tag.trim() == "*"));
    let mut response = if matches {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response
        .insert_header((
            header::ETAG,
            HeaderValue::from_str(&etag).map_err(AppError::internal)?,
        ))
        .insert_header((header::CACHE_CONTROL, cache));
    if matches {
        return Ok(response.finish());
    }
    Ok(response
        .content_type(asset.content_type)
        .body(asset.bytes.into_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_of_static_is_embedded_with_its_hash() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../static");
        for entry in std::fs::read_dir(&dir).unwrap() {
            let entry = entry.unwrap();
            let name = entry.file_name().into_string().unwrap();
            let on_disk = std::fs::read(entry.path()).unwrap();
            let file = Embedded::get(&name).unwrap_or_else(|| panic!("{name} is not embedded"));
            assert_eq!(file.data.as_ref(), on_disk.as_slice(), "{name}");
            assert_eq!(
                hex::encode(&file.metadata.sha256_hash()[..8]),
                short_hash(&on_disk)
            );
        }
    }

    #[test]
    fn asset_paths_cannot_leave_the_assets() {
        for (path, safe) in [
            ("style.css", true),
            ("img/logo.svg", true),
            ("../Cargo.toml", false),
            ("/etc/passwd", false),
            ("", false),
            ("./style.css", false),
        ] {
            assert_eq!(is_safe(path), safe, "{path}");
        }
    }

    #[test]
    fn text_assets_say_their_charset() {
        assert_eq!(content_type("style.css"), "text/css; charset=utf-8");
        assert!(content_type("form.js").ends_with("javascript; charset=utf-8"));
        assert_eq!(content_type("logo.png"), "image/png");
    }
}
